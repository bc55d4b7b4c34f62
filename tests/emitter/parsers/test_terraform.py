"""Terraform: real fmt/validate fixtures, then boxed and plain diagnostics, hints, -chdir, infra details."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log

HINT = "terraform fmt -check && terraform validate"


def test_terraform_recorded(tmp_path: Path) -> None:
    check_recorded("terraform", tmp_path, HINT)


def test_terraform_live(tmp_path: Path) -> None:
    check_live("terraform", tmp_path, HINT)


PLAIN = (
    "\n"
    "Error: Unsupported argument\n"
    "\n"
    '  on main.tf line 8, in resource "terraform_data" "a":\n'
    "   8:   foo   = 1\n"
    "\n"
    'An argument named "foo" is not expected here.\n'
    "\n"
    "Error: Reference to undeclared input variable\n"
    "\n"
    "  on modules/net/vars.tf line 12, in locals:\n"
    "  12:   b = var.missing\n"
    "\n"
    'An input variable with the name "missing" has not been declared. This\n'
    'variable can be declared with a variable "missing" {} block.\n'
)


def test_plain_diagnostics_without_a_hint_read_the_summary_above_the_location(tmp_path: Path) -> None:
    assert essentials(parse_log(PLAIN, tmp_path)) == [
        {
            "tool": "terraform",
            "type": "compile_error",
            "file": "main.tf",
            "line": 8,
            "severity": "error",
            "message": 'Unsupported argument\nAn argument named "foo" is not expected here.',
        },
        {
            "tool": "terraform",
            "type": "compile_error",
            "file": "modules/net/vars.tf",
            "line": 12,
            "severity": "error",
            "message": "Reference to undeclared input variable\n"
            'An input variable with the name "missing" has not been declared. This variable can be declared '
            'with a variable "missing" {} block.',
        },
    ]


def test_plain_diagnostics_with_a_terraform_hint_are_the_same(tmp_path: Path) -> None:
    assert essentials(parse_log(PLAIN, tmp_path, hint="terraform validate -no-color")) == essentials(
        parse_log(PLAIN, tmp_path)
    )


def test_a_plain_error_line_alone_is_not_terraform_without_a_hint(tmp_path: Path) -> None:
    log = "Error: Cannot find module 'left-pad'\n\nRequire stack:\n- /app/index.js\n"
    assert all(r.tool != "terraform" for r in parse_log(log, tmp_path))


def test_a_location_line_far_below_an_error_line_does_not_borrow_its_summary(tmp_path: Path) -> None:
    log = (
        "Error: Cannot find module 'left-pad'\n"
        "\n"
        "Require stack:\n"
        "  on main.tf line 3, in the docs of a tool that quotes terraform:\n"
    )
    assert all(r.tool != "terraform" for r in parse_log(log, tmp_path))


BOXED_INIT = (
    "\x1b[31m╷\x1b[0m\x1b[0m\n"
    "\x1b[31m│\x1b[0m \x1b[0m\x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1m"
    "Failed to query available provider packages\x1b[0m\n"
    "\x1b[31m│\x1b[0m \x1b[0m\n"
    "\x1b[31m│\x1b[0m \x1b[0mCould not retrieve the list of available versions for provider\n"
    "\x1b[31m│\x1b[0m \x1b[0mdoes-not-exist.invalid/acme/thing: could not connect to\n"
    "\x1b[31m│\x1b[0m \x1b[0mdoes-not-exist.invalid: failed to request discovery document: Get\n"
    '\x1b[31m│\x1b[0m \x1b[0m"https://does-not-exist.invalid/.well-known/terraform.json": dial tcp: lookup\n'
    "\x1b[31m│\x1b[0m \x1b[0mdoes-not-exist.invalid on 10.255.255.53:53: no such host\n"
    "\x1b[31m│\x1b[0m \x1b[0m\n"
    "\x1b[31m│\x1b[0m \x1b[0mTo see which modules are currently depending on\n"
    "\x1b[31m│\x1b[0m \x1b[0mdoes-not-exist.invalid/acme/thing and what versions are specified, run the\n"
    "\x1b[31m│\x1b[0m \x1b[0mfollowing command:\n"
    "\x1b[31m│\x1b[0m \x1b[0m    terraform providers\n"
    "\x1b[31m╵\x1b[0m\x1b[0m\n"
)


def test_boxed_init_failure_from_dns_is_infra(tmp_path: Path) -> None:
    """Printed by `terraform init` for a provider whose registry host does not resolve (this machine)."""
    [record] = [r for r in parse_log(BOXED_INIT, tmp_path) if r.tool == "terraform"]
    assert (record.type, record.rule, record.file, record.severity) == ("infra", "dns", None, "error")
    assert record.message.splitlines()[0] == "Failed to query available provider packages"
    assert record.message.splitlines()[1].endswith("no such host")
    assert record.message.splitlines()[2].startswith("To see which modules")


def test_boxed_diagnostic_with_value_notes_and_with_line(tmp_path: Path) -> None:
    log = (
        "╷\n"
        "│ Error: Invalid function argument\n"
        "│ \n"
        "│   with module.net.terraform_data.x,\n"
        '│   on modules/net/main.tf line 5, in resource "terraform_data" "x":\n'
        "│    5:   input = length(var.n)\n"
        "│     ├────────────────\n"
        "│     │ var.n is 5\n"
        "│ \n"
        '│ Invalid value for "value" parameter: argument must be a string.\n'
        "╵\n"
        "╷\n"
        "│ Warning: Deprecated attribute\n"
        "│ \n"
        '│   on main.tf line 2, in output "o":\n'
        "│    2:   value = terraform_data.x.triggers_replace\n"
        "│ \n"
        "│ The attribute is deprecated.\n"
        "╵\n"
    )
    got = [(r.file, r.line, r.type, r.severity, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        (
            "modules/net/main.tf",
            5,
            "type_error",
            "error",
            'Invalid function argument\nInvalid value for "value" parameter: argument must be a string.',
        ),
        ("main.tf", 2, "lint", "warning", "Deprecated attribute\nThe attribute is deprecated."),
    ]


def test_chdir_in_the_command_makes_paths_relative_to_that_directory(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text("")
    [record] = parse_log(
        PLAIN.split("\nError: Reference")[0], tmp_path, hint="terraform -chdir=infra validate"
    )
    assert record.file == "infra/main.tf"


def test_fmt_check_lists_files_only_when_the_command_is_fmt(tmp_path: Path) -> None:
    log = "main.tf\nmodules/net/variables.tf\n"
    records = parse_log(log, tmp_path, hint="terraform fmt -check -recursive")
    assert [(r.file, r.type, r.message) for r in records] == [
        ("main.tf", "format", "File is not formatted: run `terraform fmt`"),
        ("modules/net/variables.tf", "format", "File is not formatted: run `terraform fmt`"),
    ]
    assert records[1].fix is not None
    assert records[1].fix.command == ["terraform", "fmt", "modules/net/variables.tf"]
    assert parse_log(log, tmp_path, hint="make test") == []


def test_fmt_check_file_names_are_read_from_the_tail_of_the_stream(tmp_path: Path) -> None:
    """A bare file name holds no anchor: the list is found in the last 256 KiB of the stream, not before."""
    filler = "terraform_data.x: Refreshing state...\n" * 8_000  # 300 KB
    log = "main.tf\n" + filler + "variables.tf\n"
    records = parse_log(log, tmp_path, hint="terraform fmt -check; terraform plan")
    assert [(r.file, r.type) for r in records] == [("variables.tf", "format")]


def test_fmt_check_under_opentofu_suggests_tofu(tmp_path: Path) -> None:
    [record] = parse_log("main.tf\n", tmp_path, hint="tofu fmt -check")
    assert record.fix is not None and record.fix.command == ["tofu", "fmt", "main.tf"]

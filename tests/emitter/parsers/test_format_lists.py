"""Formatters in check mode (gofmt -l/-d, go fmt, terraform fmt -check [-diff], rustfmt/cargo fmt --check):
real-tool fixtures, then the command hint that decides whether a bare name is read, and the fix commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import (
    check_live,
    check_recorded,
    copy_fixture,
    parse_log,
    recorded_output,
)

# what `selfheal run -- <argv>` passes as the hint: the argv joined by spaces
HINTS = {
    "gofmt-list": 'sh -c test -z "$(gofmt -l . | tee /dev/stderr)"',
    "gofmt-diff": 'sh -c test -z "$(gofmt -s -l -d . | tee /dev/stderr)"',
    "gofmt-go-fmt": 'sh -c test -z "$(go fmt ./... | tee /dev/stderr)"',
    "rustfmt-check": "rustfmt --check --edition 2021 --color always src/main.rs",
    "rustfmt-cargo": "cargo fmt --all -- --check",
    "terraform-fmt-recursive": "terraform fmt -check -recursive",
    "terraform-fmt-diff": "terraform -chdir=infra fmt -check -diff -recursive",
}
SCRIPTS = ("make fmt-check", "./scripts/check-format.sh", "bash ci/lint.sh")


@pytest.mark.parametrize("name", HINTS)
def test_recorded(name: str, tmp_path: Path) -> None:
    check_recorded(name, tmp_path, HINTS[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", HINTS)
def test_live(name: str, tmp_path: Path) -> None:
    check_live(name, tmp_path, HINTS[name])


def _records(name: str, tmp_path: Path, hint: str | None = None) -> list[tuple[str | None, int | None]]:
    copy_fixture(name, tmp_path)
    records = parse_log(recorded_output(name), tmp_path, HINTS[name] if hint is None else hint)
    return [(r.file, r.line) for r in records]


def test_a_list_gives_one_record_per_named_file_and_no_line(tmp_path: Path) -> None:
    assert _records("gofmt-list", tmp_path) == [("cmd/server/main.go", None), ("store/errors.go", None)]


def test_diffs_give_the_first_changed_line_and_skip_the_names_above_them(tmp_path: Path) -> None:
    # the hunks start at lines 1 and 5; three and three lines of context come before the first change
    assert _records("gofmt-diff", tmp_path) == [("cmd/server/main.go", 4), ("store/errors.go", 8)]


def test_terraform_diffs_under_chdir_name_the_files_below_that_folder(tmp_path: Path) -> None:
    assert _records("terraform-fmt-diff", tmp_path) == [
        ("infra/envs/prod.tfvars", 1),
        ("infra/main.tf", 7),
        ("infra/modules/net/outputs.tf", 2),
    ]


def test_rustfmt_records_a_file_once_at_its_first_changed_line(tmp_path: Path) -> None:
    # main.rs has two regions (lines 8 and 15 shown first); util.rs is reached through `mod util;`
    assert _records("rustfmt-check", tmp_path) == [("src/main.rs", 11), ("src/util.rs", 2)]


@pytest.mark.parametrize("name", ["gofmt-list", "gofmt-diff", "gofmt-go-fmt", "terraform-fmt-recursive"])
@pytest.mark.parametrize("hint", SCRIPTS)
def test_a_list_is_not_read_when_the_command_does_not_name_the_formatter(
    name: str, hint: str, tmp_path: Path
) -> None:
    assert _records(name, tmp_path, hint) == []


def test_a_list_is_not_read_under_another_formatters_command(tmp_path: Path) -> None:
    assert _records("gofmt-list", tmp_path, "terraform fmt -check") == []
    assert _records("terraform-fmt-recursive", tmp_path, "gofmt -l .") == []


def test_only_names_of_the_formatters_files_count(tmp_path: Path) -> None:
    log = "README.md\nmain.go\nbuild\nstore/errors.go.orig\n./cmd/server/main.go\n"
    assert [(r.tool, r.file) for r in parse_log(log, tmp_path, "gofmt -l .")] == [
        ("gofmt", "main.go"),
        ("gofmt", "cmd/server/main.go"),
    ]
    log = "main.go\nmain.tf\nenvs/prod.tfvars\ntests/main.tftest.hcl\nmain.tf.json\n"
    got = [r.file for r in parse_log(log, tmp_path, "terraform fmt -check -recursive")]
    assert got == ["main.tf", "envs/prod.tfvars", "tests/main.tftest.hcl"]


def test_rustfmt_headers_are_read_whatever_the_command(tmp_path: Path) -> None:
    """`Diff in <file>:<line>:` is rustfmt's own wording: a `make fmt-check` that runs cargo fmt is read."""
    got = _records("rustfmt-check", tmp_path, "make fmt-check")
    assert got == [("src/main.rs", 11), ("src/util.rs", 2)]


def test_older_rustfmt_said_at_line(tmp_path: Path) -> None:
    """Older rustfmt wrote `Diff in <file> at line 8:`; the recorded run rewritten to that header."""
    copy_fixture("rustfmt-check", tmp_path)
    old = recorded_output("rustfmt-check").replace(b".rs:8:\n", b".rs at line 8:\n")
    old = old.replace(b".rs:15:\n", b".rs at line 15:\n").replace(b".rs:1:\n", b".rs at line 1:\n")
    assert b" at line 15:" in old and b" at line 1:" in old
    got = [(r.file, r.line) for r in parse_log(old, tmp_path, HINTS["rustfmt-check"])]
    assert got == [("src/main.rs", 11), ("src/util.rs", 2)]


def test_fix_commands_name_the_repository_file(tmp_path: Path) -> None:
    def commands(name: str) -> list[list[str]]:
        copy_fixture(name, tmp_path / name)
        records = parse_log(recorded_output(name), tmp_path / name, HINTS[name])
        return [r.fix.command for r in records if r.fix is not None and r.fix.command is not None]

    assert commands("gofmt-list") == [
        ["gofmt", "-w", "cmd/server/main.go"],
        ["gofmt", "-w", "store/errors.go"],
    ]
    assert commands("rustfmt-cargo") == [
        ["rustfmt", "crates/api/src/lib.rs"],
        ["rustfmt", "crates/core/src/lib.rs"],
    ]
    assert commands("terraform-fmt-diff")[1] == ["terraform", "fmt", "infra/main.tf"]


def test_messages_name_the_command_that_formats(tmp_path: Path) -> None:
    copy_fixture("rustfmt-cargo", tmp_path)
    [api, _] = parse_log(recorded_output("rustfmt-cargo"), tmp_path, HINTS["rustfmt-cargo"])
    assert (api.tool, api.type, api.severity, api.message) == (
        "rustfmt",
        "format",
        "error",
        "File is not formatted: run `cargo fmt`",
    )
    [tofu] = parse_log("main.tf\n", tmp_path, "tofu fmt -check")
    assert tofu.fix is not None and tofu.fix.command == ["tofu", "fmt", "main.tf"]


def test_a_file_outside_the_repository_is_no_record_location_and_gets_no_fix(tmp_path: Path) -> None:
    log = "Diff in /opt/vendor/left-pad/src/pad.rs:3:\n fn a() {}\n-fn b(){}\n+fn b() {}\n"
    [record] = parse_log(log, tmp_path, "cargo fmt --check")
    assert (record.file, record.raw_file, record.fix) == (None, "/opt/vendor/left-pad/src/pad.rs", None)


def test_diff_lines_end_a_rustfmt_region(tmp_path: Path) -> None:
    """The region's lines are rustfmt's; the first line that is no diff line goes back to the others."""
    log = (
        "Diff in /w/src/main.rs:1:\n"
        "-fn b(){}\n"
        "+fn b() {}\n"
        "error[E0425]: cannot find value `x` in this scope\n"
        " --> src/lib.rs:2:5\n"
    )
    got = [(r.tool, r.type) for r in parse_log(log, tmp_path, "cargo fmt --check && cargo build")]
    assert got == [("rustfmt", "format"), ("rustc", "compile_error")]

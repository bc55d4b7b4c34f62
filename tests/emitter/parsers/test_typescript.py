"""tsc: real output in plain and --pretty form, plus the lines that are easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log


def test_recorded(tmp_path: Path) -> None:
    check_recorded("tsc", tmp_path)


@pytest.mark.slow
def test_live(tmp_path: Path) -> None:
    check_live("tsc", tmp_path)


def test_plain_message_chain_continues_on_indented_lines(tmp_path: Path) -> None:
    log = (
        "src/app.ts(12,7): error TS2322: Type '{ a: { b: string; }; }' is not assignable to type 'Outer'.\n"
        "  The types of 'a.b' are incompatible between these types.\n"
        "    Type 'string' is not assignable to type 'number'.\n"
        "src/app.ts(20,1): error TS2304: Cannot find name 'nope'.\n"
    )
    assert essentials(parse_log(log, tmp_path)) == [
        {
            "tool": "tsc",
            "type": "type_error",
            "file": "src/app.ts",
            "line": 12,
            "column": 7,
            "severity": "error",
            "rule": "TS2322",
            "message": "Type '{ a: { b: string; }; }' is not assignable to type 'Outer'.\n"
            "  The types of 'a.b' are incompatible between these types.\n"
            "    Type 'string' is not assignable to type 'number'.",
        },
        {
            "tool": "tsc",
            "type": "type_error",
            "file": "src/app.ts",
            "line": 20,
            "column": 1,
            "severity": "error",
            "rule": "TS2304",
            "message": "Cannot find name 'nope'.",
        },
    ]


def test_parentheses_in_path_windows_path_and_config_errors(tmp_path: Path) -> None:
    log = (
        "app/(shop)/page.tsx(3,14): error TS2307: Cannot find module '@/lib/cart' or its corresponding "
        "type declarations.\n"
        "C:\\ci\\web\\src\\index.ts(1,1): error TS1128: Declaration or statement expected.\n"
        "tsconfig.json(4,5): error TS5023: Unknown compiler option 'strictest'.\n"
        "error TS18003: No inputs were found in config file '/ci/web/tsconfig.json'.\n"
    )
    (tmp_path / "src").mkdir()  # the Windows agent's checkout is C:\ci\web
    (tmp_path / "src" / "index.ts").write_text("}\n")
    got = [(r.file, r.raw_file, r.line, r.column, r.rule, r.type) for r in parse_log(log, tmp_path)]
    assert got == [
        ("app/(shop)/page.tsx", None, 3, 14, "TS2307", "import_error"),
        ("src/index.ts", "C:\\ci\\web\\src\\index.ts", 1, 1, "TS1128", "syntax_error"),
        ("tsconfig.json", None, 4, 5, "TS5023", "compile_error"),
        (None, None, None, None, "TS18003", "compile_error"),
    ]


CYAN, YELLOW, RED, GREY, INVERSE, RESET = "\x1b[96m", "\x1b[93m", "\x1b[91m", "\x1b[90m", "\x1b[7m", "\x1b[0m"
PRETTY_WITH_RELATED = (
    f"{CYAN}src/a.ts{RESET}:{YELLOW}6{RESET}:{YELLOW}26{RESET} - {RED}error{RESET}{GREY} TS2322: {RESET}"
    "Type 'string' is not assignable to type 'number'.\n"
    "\n"
    f'{INVERSE}6{RESET} const p: Point = {{ x: 1, y: "2" }};\n'
    f"{INVERSE} {RESET} {RED}                         ~{RESET}\n"
    "\n"
    f"  {CYAN}src/a.ts{RESET}:{YELLOW}3{RESET}:{YELLOW}30{RESET}\n"
    f"    {INVERSE}3{RESET} interface Point {{ x: number; y: number }}\n"
    f"    {INVERSE} {RESET} {CYAN}                             ~{RESET}\n"
    "    The expected type comes from property 'y' which is declared here on type 'Point'\n"
    "\n"
    "\n"
    f"Found 1 error in src/a.ts{GREY}:6{RESET}\n"
    "\n"
)


def test_pretty_related_location_is_not_a_second_record(tmp_path: Path) -> None:
    assert essentials(parse_log(PRETTY_WITH_RELATED, tmp_path)) == [
        {
            "tool": "tsc",
            "type": "type_error",
            "file": "src/a.ts",
            "line": 6,
            "column": 26,
            "severity": "error",
            "rule": "TS2322",
            "message": "Type 'string' is not assignable to type 'number'.",
        }
    ]


def test_reviewdog_corpus_shape_after_a_yarn_banner(tmp_path: Path) -> None:
    log = (
        "yarn run v1.22.10\n"
        "$ /home/u/app/node_modules/.bin/tsc --noEmit\n"
        "tsc.ts(5,12): error TS2345: Argument of type 'boolean' is not assignable to parameter of type "
        "'number | string'.\n"
        "  Type 'boolean' is not assignable to type 'string'.\n"
        "info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.\n"
    )
    [record] = parse_log(log, tmp_path)
    assert (record.line, record.column, record.rule) == (5, 12, "TS2345")
    assert record.message.endswith("'number | string'.\n  Type 'boolean' is not assignable to type 'string'.")

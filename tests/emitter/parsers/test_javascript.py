"""eslint (stylish; compact is hand-written, see its HANDWRITTEN), jest and prettier: real-tool fixtures plus
the lines that are easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.parsers.javascript import EslintStylish, Jest
from emitter.scan import Scanner, scan_bytes
from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log

RECORDED = ("eslint", "eslint-compact", "jest", "prettier")
LIVE = ("eslint", "jest", "prettier")


@pytest.mark.parametrize("tool", RECORDED)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("tool", LIVE)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path)


DIM, END_DIM, RED, YELLOW, END_COLOUR, RESET = (
    "\x1b[2m",
    "\x1b[22m",
    "\x1b[31m",
    "\x1b[33m",
    "\x1b[39m",
    "\x1b[0m",
)
STYLISH_ALL_FIXABLE = (
    "\n"
    f"{RESET}\x1b[4m/ci/web/src/a.js\x1b[24m{RESET}\n"
    f"{RESET}  {DIM}2:14{END_DIM}  {RED}error{END_COLOUR}    Missing semicolon             "
    f"{DIM}semi{END_DIM}{RESET}\n"
    f"{RESET}  {DIM}3:9{END_DIM}   {YELLOW}warning{END_COLOUR}  Strings must use doublequote  "
    f"{DIM}quotes{END_DIM}{RESET}\n"
    f"{RESET}{RESET}\n"
    f"{RESET}{RED}\x1b[1m✖ 2 problems (1 error, 1 warning){END_DIM}{END_COLOUR}{RESET}\n"
    f"{RESET}{RED}\x1b[1m{END_DIM}{END_COLOUR}{RESET}{RED}\x1b[1m  1 error and 1 warning potentially "
    f"fixable with the `--fix` option.{END_DIM}{END_COLOUR}{RESET}\n"
)


def test_stylish_in_colour_and_every_problem_fixable_gives_each_record_the_fix(tmp_path: Path) -> None:
    # eslint ran in a checkout at /ci/web: the file is the repository's src/a.js, and the fix command
    # names it the way the fixer (run from the repository root) can use
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.js").write_text("var a = 'x'\n")
    records = parse_log(STYLISH_ALL_FIXABLE, tmp_path)
    assert [(r.file, r.raw_file, r.line, r.column, r.severity, r.rule, r.message) for r in records] == [
        ("src/a.js", "/ci/web/src/a.js", 2, 14, "error", "semi", "Missing semicolon"),
        ("src/a.js", "/ci/web/src/a.js", 3, 9, "warning", "quotes", "Strings must use doublequote"),
    ]
    for record in records:
        assert record.fix is not None
        assert (record.fix.description, record.fix.command) == (
            "eslint --fix",
            ["eslint", "--fix", "src/a.js"],
        )


def test_stylish_fix_for_a_file_outside_the_repository_is_dropped(tmp_path: Path) -> None:
    records = parse_log(STYLISH_ALL_FIXABLE, tmp_path)  # no src/a.js here: /ci/web is not this repository
    assert [(r.file, r.raw_file, r.line, r.rule, r.fix) for r in records] == [
        (None, "/ci/web/src/a.js", 2, "semi", None),
        (None, "/ci/web/src/a.js", 3, "quotes", None),
    ]


def test_stylish_some_fixable_gives_no_fix_and_windows_paths_parse(tmp_path: Path) -> None:
    log = (
        "\n"
        "C:\\ci\\web\\src\\b.ts\n"
        "  1:7   error  'x' is assigned a value but never used  @typescript-eslint/no-unused-vars\n"
        "  2:1   error  Missing semicolon                       semi\n"
        "\n"
        "✖ 2 problems (2 errors, 0 warnings)\n"
        "  1 error and 0 warnings potentially fixable with the `--fix` option.\n"
    )
    (tmp_path / "src").mkdir()  # the Windows agent's checkout is C:\ci\web
    (tmp_path / "src" / "b.ts").write_text("const x = 1\n")
    records = parse_log(log, tmp_path)
    assert [(r.file, r.raw_file, r.rule, r.fix) for r in records] == [
        ("src/b.ts", "C:\\ci\\web\\src\\b.ts", "@typescript-eslint/no-unused-vars", None),
        ("src/b.ts", "C:\\ci\\web\\src\\b.ts", "semi", None),
    ]


def test_reviewdog_stylish_corpus_shape(tmp_path: Path) -> None:
    log = (
        "\n/path/to/eslint.js\n"
        "  3:11  warning  Strings must use singlequote                    quotes\n"
        "  6:18  error    Missing semicolon                               semi\n"
        "\n✖ 2 problems (1 error, 1 warning)\n\n"
    )
    got = [(r.line, r.column, r.severity, r.rule, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        (3, 11, "warning", "quotes", "Strings must use singlequote"),
        (6, 18, "error", "semi", "Missing semicolon"),
    ]


def test_a_path_alone_on_a_line_is_not_eslint_without_a_problem_row(tmp_path: Path) -> None:
    assert parse_log("Wrote bundle to\n/ci/web/dist/app.js\nDone in 2.1s\n", tmp_path) == []


JEST_TIMEOUT_AND_SYSTEMD = """\
● docker.service - Docker Application Container Engine
     Loaded: loaded (/lib/systemd/system/docker.service; enabled)
FAIL src/api.test.ts (6.012 s)
  ● api › fetches the user

    thrown: "Exceeded timeout of 5000 ms for a test.
    Add a timeout value to this test to increase the timeout, if this is a long-running test."

      10 |
      11 | describe("api", () => {
    > 12 |   it("fetches the user", async () => {
         |   ^

      at it (src/api.test.ts:12:3)
      at Object.describe (src/api.test.ts:11:1)

Test Suites: 1 failed, 1 total
"""


def test_jest_timeout_keeps_the_thrown_text_and_ignores_non_jest_bullets(tmp_path: Path) -> None:
    assert essentials(parse_log(JEST_TIMEOUT_AND_SYSTEMD, tmp_path)) == [
        {
            "tool": "jest",
            "type": "test_failure",
            "file": "src/api.test.ts",
            "line": 12,
            "column": 3,
            "severity": "error",
            "message": 'thrown: "Exceeded timeout of 5000 ms for a test.\n'
            'Add a timeout value to this test to increase the timeout, if this is a long-running test."',
            "test": "api › fetches the user",
        }
    ]


def test_jest_without_a_user_frame_falls_back_to_the_suite_file() -> None:
    # Jest alone: go's parser, earlier in the registry, also claims `FAIL <path>` lines (reported).
    log = (
        "FAIL tests/db.test.js\n"
        "  ● db › connects\n"
        "\n"
        "    Error: connect ECONNREFUSED 127.0.0.1:5432\n"
        "\n"
        "      at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n"
        "\n"
    )
    [hit] = scan_bytes(log.encode(), parsers=[Jest()])
    assert (hit.file, hit.line, hit.test) == ("tests/db.test.js", None, "db › connects")
    assert hit.message == "Error: connect ECONNREFUSED 127.0.0.1:5432"


def test_prettier_coloured_levels_and_sbt_warn_lines_are_left_alone(tmp_path: Path) -> None:
    log = (
        "Checking formatting...\n"
        "[\x1b[33mwarn\x1b[39m] src/a.js\n"
        "[warn] /ci/app/src/main/scala/A.scala:3:1: unused import\n"
        "[\x1b[33mwarn\x1b[39m] Code style issues found in the above file. "
        "Run Prettier with --write to fix.\n"
    )
    records = [r for r in parse_log(log, tmp_path) if r.tool == "prettier"]
    assert [(r.file, r.type, r.severity, r.message) for r in records] == [
        ("src/a.js", "format", "error", "Code style issues found")
    ]
    assert records[0].fix is not None
    assert records[0].fix.command == ["prettier", "--write", "src/a.js"]


BOLD, INV, END_INV, END_BOLD = "\x1b[1m", "\x1b[7m", "\x1b[27m", "\x1b[22m"
JEST_COLOURED_TWO_SUITES = (
    f"{BOLD}{RED}{INV} FAIL {END_INV}{END_COLOUR}{END_BOLD} {DIM}src/{END_DIM}{BOLD}cart.test.js{END_BOLD}\n"
    f"  {BOLD}{RED}{BOLD}● {END_BOLD}{END_COLOUR}{BOLD}{RED}{BOLD}cart › totals{END_BOLD}{END_COLOUR}\n"
    "\n"
    "    expect(received).toBe(expected) // Object.is equality\n"
    "\n"
    "      at Object.toBe (src/cart.test.js:7:21)\n"
    "\n"
    f"{BOLD}{RED}{INV} FAIL {END_INV}{END_COLOUR}{END_BOLD} {DIM}src/{END_DIM}{BOLD}user.test.js{END_BOLD}\n"
    "  console.log\n"
    "    loading fixtures\n"
    "\n"
    "      at Object.log (src/user.test.js:3:11)\n"
    "\n"
    f"  {BOLD}{RED}{BOLD}● {END_BOLD}{END_COLOUR}{BOLD}{RED}{BOLD}user › loads{END_BOLD}{END_COLOUR}\n"
    "\n"
    "    TypeError: Cannot read properties of undefined (reading 'id')\n"
    "\n"
    "      at Object.<anonymous> (src/user.test.js:12:17)\n"
    "\n"
    "Test Suites: 2 failed, 2 total\n"
)


def test_jest_coloured_suite_headers_inside_the_block_start_the_next_suite() -> None:
    hits = scan_bytes(JEST_COLOURED_TWO_SUITES.encode(), parsers=[Jest()])
    assert [(h.file, h.line, h.column, h.test, h.message) for h in hits] == [
        ("src/cart.test.js", 7, 21, "cart › totals", "expect(received).toBe(expected) // Object.is equality"),
        (
            "src/user.test.js",
            12,
            17,
            "user › loads",
            "TypeError: Cannot read properties of undefined (reading 'id')",
        ),
    ]


def test_stylish_rows_under_a_relative_path_are_left_to_other_tools() -> None:
    # yamllint's standard format has the same rows; eslint's path line is always absolute.
    log = "deploy/app.yaml\n  3:10  error  too many spaces after colon  (colons)\n\n"
    assert scan_bytes(log.encode(), parsers=[EslintStylish()]) == []


def test_a_runaway_stylish_table_is_not_held_in_memory_until_its_summary() -> None:
    """Rows wait for the summary's word on --fix; 5,000 of them go on without it, none held past the bound."""
    rows = "".join(f"  {i}:1  warning  Unexpected console statement  no-console\n" for i in range(1, 5001))
    log = f"/repo/src/a.js\n{rows}\n✖ 5000 problems (0 errors, 5000 warnings)\n"
    log += "  0 errors and 5000 warnings potentially fixable with the `--fix` option.\n"
    hits = scan_bytes(log.encode(), [EslintStylish()])
    parser = EslintStylish()
    held: list[int] = []
    scanner_hits: list[object] = []
    scanner = Scanner([parser], scanner_hits.append)
    for start in range(0, len(log), 4096):
        scanner.feed(log.encode()[start : start + 4096])
        held.append(len(parser._held))
    scanner.finish()
    assert max(held) <= EslintStylish.MAX_HELD
    assert len(hits) == 5000 and len(scanner_hits) == 5000
    assert all(h.fix is None for h in hits)  # the summary cannot speak for rows already gone

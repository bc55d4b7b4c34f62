"""ruff check, flake8, pylint and bandit: real-tool fixtures plus the lines that need care."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.parsers.base import Context, Hit
from emitter.parsers.python_lint import RuffFullParser
from emitter.report import Record
from emitter.scan import Scanner
from tests.helpers.fixtures import check_live, check_recorded, parse_log

HINTS = {
    "ruff": "ruff check .",
    "flake8": "flake8 app",
    "pylint": "pylint app",
    "bandit": "bandit -r app",
}


@pytest.mark.parametrize("tool", sorted(HINTS))
def test_recorded_output(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path, HINTS[tool])


@pytest.mark.parametrize("tool", sorted(HINTS))
def test_live_tool(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path, HINTS[tool])


def one(text: str, tmp_path: Path, hint: str = "") -> Record:
    records = parse_log(text, tmp_path, hint)
    assert len(records) == 1, records
    return records[0]


def where(r: Record) -> tuple[object, ...]:
    return (r.tool, r.type, r.file, r.line, r.column, r.severity, r.rule, r.message)


# -- ruff and flake8 -------------------------------------------------------------------------------
FLAKE8_LINE = "a.py:1:1: F401 'os' imported but unused\n"
RUFF_LINE = "a.py:1:8: F401 [*] `os` imported but unused\n"
BARE_RUFF = "a.py:6:5: F841 Local variable `y` is assigned to but never used\n"
PLUGIN = "a.py:9:1: B006 Do not use mutable data structures for argument defaults\n"


@pytest.mark.parametrize(
    ("line", "hint", "tool"),
    [
        (RUFF_LINE, "", "ruff"),  # only ruff prints [*]
        (RUFF_LINE, "flake8 .", "ruff"),  # …whatever the command says
        ("b.py:1:7: invalid-syntax: Expected an expression\n", "make lint", "ruff"),
        (FLAKE8_LINE, "", "flake8"),
        (FLAKE8_LINE, "ruff check --output-format concise .", "ruff"),  # the command names one tool
        (PLUGIN, "", "flake8"),  # undecided: flake8
        (PLUGIN, "python -m ruff check src", "ruff"),
        (PLUGIN, "ruff check . && flake8 .", "flake8"),  # both named, and a plugin code: flake8
        (BARE_RUFF, "", "ruff"),  # pyflakes quotes with ', ruff with `
        (BARE_RUFF, "tox -e flake8", "flake8"),
    ],
)
def test_ruff_or_flake8(line: str, hint: str, tool: str, tmp_path: Path) -> None:
    assert one(line, tmp_path, hint).tool == tool


def test_ruff_fixable_line_carries_its_fix(tmp_path: Path) -> None:
    hits = parse_hits(RUFF_LINE + BARE_RUFF)
    assert hits[0].fix == {
        "description": "ruff check --fix",
        "command": ["ruff", "check", "--fix", "--select", "F401", "a.py"],
    }
    assert hits[1].fix is None  # no [*]: ruff has no safe fix for it


def parse_hits(text: str, hint: str = "", cut: int | None = None) -> list[Hit]:
    from emitter.parsers import make_parsers

    hits: list[Hit] = []
    scanner = Scanner(make_parsers(), hits.append, hint)
    data = text.encode()
    for chunk in (data,) if cut is None else (data[:cut], data[cut:]):
        scanner.feed(chunk)
    scanner.finish()
    return hits


def test_flake8_types_and_severity_letters(tmp_path: Path) -> None:
    log = (
        "x y/a.py:2:2: E999 IndentationError: expected an indented block\n"
        "a.py:0:1: E902 FileNotFoundError: [Errno 2] No such file or directory: 'a.py'\n"
        "a.py:3:1: I001 isort found an import in the wrong position\n"
        "a.py:10:31: W291 trailing whitespace\n"
        "a.py:5:1: C901 'f' is too complex (12)\n"
    )
    got = [(r.file, r.line, r.type, r.rule, r.severity) for r in parse_log(log, tmp_path)]
    assert got == [
        ("x y/a.py", 2, "syntax_error", "E999", "error"),
        ("a.py", 1, "unknown", "E902", "error"),
        ("a.py", 3, "format", "I001", "warning"),
        ("a.py", 10, "lint", "W291", "warning"),
        ("a.py", 5, "lint", "C901", "warning"),
    ]


RUFF_FULL = """\
F401 [*] `os` imported but unused
 --> a.py:1:8
  |
1 | import os
  |        ^^
  |
help: Remove unused import: `os`
  |
  - import os
1 | import sys
  |

F821 Undefined name `totl`
  --> a.py:11:12
   |
11 |     return totl
   |            ^^^^

Found 2 errors.
[*] 1 fixable with `--fix`.
"""


def test_ruff_full_format(tmp_path: Path) -> None:
    fixable, undefined = parse_log(RUFF_FULL, tmp_path, "ruff check .")
    assert where(fixable) == ("ruff", "lint", "a.py", 1, 8, "error", "F401", "`os` imported but unused")
    assert fixable.suggestion == "Remove unused import: `os`"
    assert fixable.fix is not None and fixable.fix.command == [
        "ruff",
        "check",
        "--fix",
        "--select",
        "F401",
        "a.py",
    ]
    assert where(undefined) == ("ruff", "lint", "a.py", 11, 12, "error", "F821", "Undefined name `totl`")
    assert undefined.fix is None


def test_ruff_full_format_does_not_depend_on_chunk_cuts() -> None:
    whole = [(h.rule, h.line) for h in parse_hits(RUFF_FULL)]
    assert whole == [("F401", 1), ("F821", 11)]
    # The header holds no anchor: the `-->` line reads it from the look-back, wherever the chunks are cut.
    for cut in range(1, len(RUFF_FULL)):
        assert [(h.rule, h.line) for h in parse_hits(RUFF_FULL, cut=cut)] == whole, cut


@pytest.mark.parametrize("above", ["HTTP2 framing layer error", "E501 ", "see the note", ""])
def test_ruff_arrow_under_something_else_is_not_ruff(above: str) -> None:
    hits: list[Hit] = []
    parser = RuffFullParser()
    ctx = Context(emit=hits.append, lookback=lambda n: [above][-n:])
    line = " --> a.py:1:8"
    m = parser.trigger.search(line)
    assert m is not None and parser.start(m, line, ctx) is None  # ruff codes have 3-4 digits, then a message
    parser.finish(ctx)
    assert hits == []
    assert [h for h in parse_hits(f"{above}\n{line}\n") if h.tool == "ruff"] == []


def test_ruff_before_0_12_full_format_keeps_the_help(tmp_path: Path) -> None:
    log = (
        "a.py:1:8: F401 [*] `os` imported but unused\n"
        "  |\n"
        "1 | import os\n"
        "  |        ^^ F401\n"
        "  |\n"
        "  = help: Remove unused import: `os`\n"
        "\n"
        "a.py:3:1: SyntaxError: Unexpected indentation\n"
    )
    unused, syntax = parse_log(log, tmp_path)
    assert (unused.tool, unused.rule, unused.suggestion) == ("ruff", "F401", "Remove unused import: `os`")
    assert where(syntax) == (
        "ruff",
        "syntax_error",
        "a.py",
        3,
        1,
        "error",
        "SyntaxError",
        "Unexpected indentation",
    )


def test_ruff_isort_rule_is_format(tmp_path: Path) -> None:
    r = one("a.py:1:1: I001 [*] Import block is un-sorted or un-formatted\n", tmp_path)
    assert (r.tool, r.type, r.rule) == ("ruff", "format", "I001")


# -- pylint ----------------------------------------------------------------------------------------
def test_pylint_columns_are_zero_based_except_syntax_errors(tmp_path: Path) -> None:
    log = (
        "************* Module a\n"
        "a.py:3:0: C0114: Missing module docstring (missing-module-docstring)\n"
        "a.py:6:4: W0612: Unused variable 'y' (unused-variable)\n"
        "b.py:1:7: E0001: Parsing failed: 'invalid syntax (b, line 1)' (syntax-error)\n"
        "a.py:1:0: E0401: Unable to import 'zz' (import-error)\n"
        "a.py:10:0: R0903: Too few public methods (1/2) (too-few-public-methods)\n"
        "a.py:1:0: F0002: a.py: Fatal error while checking 'a.py' (astroid-error)\n"
    )
    got = [(r.file, r.line, r.column, r.type, r.severity, r.rule) for r in parse_log(log, tmp_path)]
    assert got == [
        ("a.py", 3, 1, "lint", "note", "C0114"),
        ("a.py", 6, 5, "lint", "warning", "W0612"),
        ("b.py", 1, 7, "syntax_error", "error", "E0001"),
        ("a.py", 1, 1, "import_error", "error", "E0401"),
        ("a.py", 10, 1, "lint", "note", "R0903"),
        ("a.py", 1, 1, "lint", "error", "F0002"),
    ]
    assert parse_log(log, tmp_path)[0].message == "Missing module docstring (missing-module-docstring)"


def test_pylint_parseable_format(tmp_path: Path) -> None:
    r = one(
        "pkg/a.py:5: [C0116(missing-function-docstring), audit] Missing function or method docstring\n",
        tmp_path,
    )
    assert where(r) == (
        "pylint",
        "lint",
        "pkg/a.py",
        5,
        None,
        "note",
        "C0116",
        "Missing function or method docstring (missing-function-docstring)",
    )


# -- bandit ----------------------------------------------------------------------------------------
def test_bandit_block_with_old_field_order(tmp_path: Path) -> None:
    log = (
        ">> Issue: [B602:subprocess_popen_with_shell_equals_true] subprocess call with shell=True\n"
        "   Severity: High   Confidence: High\n"
        "   Location: ./a.py:5\n"
        "   More Info: https://bandit.readthedocs.io/en/latest/plugins/b602.html\n"
        "4\timport subprocess\n"
        "5\tsubprocess.Popen(cmd, shell=True)\n"
    )
    r = one(log, tmp_path)
    assert where(r) == (
        "bandit",
        "security",
        "a.py",
        5,
        None,
        "error",
        "B602",
        "subprocess call with shell=True",
    )
    assert r.suggestion == "https://bandit.readthedocs.io/en/latest/plugins/b602.html"


def test_bandit_custom_template(tmp_path: Path) -> None:
    r = one("/w/test.py:8: B307[bandit]: MEDIUM: Use of possibly insecure function.\n", tmp_path)
    assert r.raw_file == "/w/test.py"  # bandit scanned /w, not this repository
    assert where(r) == (
        "bandit",
        "security",
        None,
        8,
        None,
        "warning",
        "B307",
        "Use of possibly insecure function.",
    )


BANDIT_BLOCK = """\
>> Issue: [B105:hardcoded_password_string] Possible hardcoded password: 's3cr3t'
   Severity: Low   Confidence: Medium
   CWE: CWE-259 (https://cwe.mitre.org/data/definitions/259.html)
   More Info: https://bandit.readthedocs.io/en/1.9.4/plugins/b105_hardcoded_password_string.html
   Location: app/deploy.py:4:12
3\t
4\tAPI_TOKEN = "s3cr3t"
"""


def test_bandit_reads_the_issue_above_its_location_across_chunk_cuts() -> None:
    # the `>> Issue:` and field lines hold no anchor: the `Location:` line reads them, wherever the cut
    def seen(cut: int | None) -> list[tuple[object, ...]]:
        return [
            (h.tool, h.rule, h.file, h.line, h.column, h.severity, h.message, h.suggestion, h.base)
            for h in parse_hits(BANDIT_BLOCK, cut=cut)
        ]

    whole = seen(None)
    assert whole == [
        (
            "bandit",
            "B105",
            "app/deploy.py",
            4,
            12,
            "Low",
            "Possible hardcoded password: 's3cr3t'",
            "https://bandit.readthedocs.io/en/1.9.4/plugins/b105_hardcoded_password_string.html",
            0,
        )
    ]
    for cut in range(1, len(BANDIT_BLOCK)):
        assert seen(cut) == whole, cut


def test_bandit_location_without_its_issue_is_not_bandit() -> None:
    lone = "Run started\n   Location: app/deploy.py:4:12\n"
    broken = ">> Issue: [B105:x] y\nsomething else\n   Location: app/deploy.py:4:12\n"
    assert [h for h in parse_hits(lone + broken) if h.tool == "bandit"] == []

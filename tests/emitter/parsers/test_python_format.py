"""black, ruff format and isort in check mode: real-tool fixtures plus old and odd output shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.report import Record
from tests.helpers.fixtures import check_live, check_recorded, parse_log

HINTS = {
    "black": "black --check app",
    "ruff-format": "ruff format --check app",
    "isort": "isort --check-only app",
}


@pytest.mark.parametrize("tool", sorted(HINTS))
def test_recorded_output(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path, HINTS[tool])


@pytest.mark.parametrize("tool", sorted(HINTS))
def test_live_tool(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path, HINTS[tool])


def where(r: Record) -> tuple[object, ...]:
    return (r.tool, r.type, r.file, r.line, r.column, r.rule, r.message)


def command(r: Record) -> list[str] | None:
    return r.fix.command if r.fix is not None else None


def test_black_one_format_record_per_file_with_its_fix(tmp_path: Path) -> None:
    log = (
        "would reformat /ci/build/src/app with space.py\n"
        "would reformat src/b.py\n"
        "\nOh no! 💥 💔 💥\n"
        "2 files would be reformatted, 1 file would be left unchanged.\n"
    )
    (tmp_path / "src").mkdir()  # black ran in a checkout of this repository at /ci/build
    (tmp_path / "src" / "app with space.py").write_text("x=1\n")
    a, b = parse_log(log, tmp_path)
    assert where(a) == ("black", "format", "src/app with space.py", None, None, None, "would reformat")
    assert a.raw_file == "/ci/build/src/app with space.py"
    assert command(a) == ["black", "src/app with space.py"]  # the fixer runs it from the repository root
    assert (b.file, command(b)) == ("src/b.py", ["black", "src/b.py"])


def test_black_new_parse_error_block_is_a_zero_based_syntax_error(tmp_path: Path) -> None:
    log = (
        "error: cannot parse for target version Python 3.12: src/a.py:2:4\n"
        "        return order.amount\n"
        "       ^\n"
        "ParseError: bad input\n"
        "would reformat src/b.py\n"
    )
    syntax, fmt = parse_log(log, tmp_path)
    assert where(syntax) == (
        "black",
        "syntax_error",
        "src/a.py",
        2,
        5,
        None,
        "Cannot parse for target version Python 3.12: bad input",
    )
    assert syntax.fix is None
    assert (fmt.file, fmt.type) == ("src/b.py", "format")


def test_black_old_cannot_format_lines(tmp_path: Path) -> None:
    log = (
        "error: cannot format /w/fmts/syntax_error.py: Cannot parse: 1:3: jan~20\n"
        "error: cannot format src/c.py: Cannot parse for target version Python 3.8: 3:4:     x := 1\n"
        "error: cannot format src/d.py: INTERNAL ERROR: Black produced code that is not equivalent to the"
        " source\n"
    )
    old, versioned, internal = parse_log(log, tmp_path)
    assert old.raw_file == "/w/fmts/syntax_error.py"  # not a file of this repository
    assert where(old) == (
        "black",
        "syntax_error",
        None,
        1,
        4,
        None,
        "Cannot parse: jan~20",
    )
    assert where(versioned) == (
        "black",
        "syntax_error",
        "src/c.py",
        3,
        5,
        None,
        "Cannot parse for target version Python 3.8: x := 1",
    )
    assert (internal.type, internal.line, internal.message) == (
        "format",
        None,
        "INTERNAL ERROR: Black produced code that is not equivalent to the source",
    )


def test_black_parse_error_at_end_of_log_is_kept(tmp_path: Path) -> None:
    r = parse_log("error: cannot parse: a.py:1:6\n    def g(:\n", tmp_path)
    assert [(x.file, x.line, x.column, x.message) for x in r] == [("a.py", 1, 7, "Cannot parse")]


def test_ruff_format_before_0_9(tmp_path: Path) -> None:
    log = (
        "error: Failed to parse b.py:1:7: Expected a parameter or the end of the parameter list\n"
        "Would reformat: src/a.py\n"
        "1 file would be reformatted, 1 file already formatted\n"
    )
    syntax, fmt = parse_log(log, tmp_path)
    assert where(syntax) == (
        "ruff-format",
        "syntax_error",
        "b.py",
        1,
        7,
        "invalid-syntax",
        "Expected a parameter or the end of the parameter list",
    )
    assert where(fmt) == ("ruff-format", "format", "src/a.py", None, None, None, "Would reformat")
    assert command(fmt) == ["ruff", "format", "src/a.py"]


def test_ruff_format_diagnostics_name_the_tool_from_the_command(tmp_path: Path) -> None:
    log = (
        "b.py:1:7: invalid-syntax: Expected an expression\n"
        "s.py:13:17: unformatted: File would be reformatted\n"
    )
    syntax, fmt = parse_log(log, tmp_path, "ruff format --check --output-format concise .")
    assert (syntax.tool, syntax.type) == ("ruff-format", "syntax_error")
    assert where(fmt) == ("ruff-format", "format", "s.py", 13, 17, "unformatted", "File would be reformatted")
    assert command(fmt) == ["ruff", "format", "s.py"]
    assert parse_log(log, tmp_path, "ruff check .")[0].tool == "ruff"


def test_isort_windows_path(tmp_path: Path) -> None:
    log = "ERROR: C:\\ci\\app\\main.py Imports are incorrectly sorted and/or formatted.\r\n"
    (outside,) = parse_log(log, tmp_path)  # no main.py here: C:\ci\app is another project
    assert (outside.file, outside.raw_file, outside.fix) == (None, "C:\\ci\\app\\main.py", None)
    (tmp_path / "main.py").write_text("import sys\nimport os\n")
    (r,) = parse_log(log, tmp_path)
    assert r.raw_file == "C:\\ci\\app\\main.py"
    assert where(r) == (
        "isort",
        "format",
        "main.py",
        None,
        None,
        None,
        "Imports are incorrectly sorted and/or formatted.",
    )
    assert command(r) == ["isort", "main.py"]  # the fix command names the file as the repository does

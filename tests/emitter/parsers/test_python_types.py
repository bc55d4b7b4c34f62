"""mypy and pyright: real-tool fixtures plus the lines that need care."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.report import Record
from tests.helpers.fixtures import check_live, check_recorded, parse_log

HINTS = {
    "mypy": "mypy app",
    "pyright": "pyright app",
}


@pytest.mark.parametrize("tool", sorted(HINTS))
def test_recorded_output(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path, HINTS[tool])


def test_live_mypy(tmp_path: Path) -> None:
    check_live("mypy", tmp_path, HINTS["mypy"])


@pytest.mark.slow
def test_live_pyright(tmp_path: Path) -> None:
    check_live("pyright", tmp_path, HINTS["pyright"])


def one(text: str, tmp_path: Path, hint: str = "") -> Record:
    records = parse_log(text, tmp_path, hint)
    assert len(records) == 1, records
    return records[0]


def where(r: Record) -> tuple[object, ...]:
    return (r.tool, r.type, r.file, r.line, r.column, r.severity, r.rule, r.message)


# -- mypy ------------------------------------------------------------------------------------------
def test_mypy_line_without_column_and_summary_is_noise(tmp_path: Path) -> None:
    log = (
        'a.py:3: error: Incompatible types in assignment (expression has type "str", variable has type "int")'
        "  [assignment]\nFound 1 error in 1 file (checked 1 source file)\n"
    )
    r = one(log, tmp_path)
    assert where(r) == (
        "mypy",
        "type_error",
        "a.py",
        3,
        None,
        "error",
        "assignment",
        'Incompatible types in assignment (expression has type "str", variable has type "int")',
    )


def test_mypy_notes_on_the_same_line_become_the_suggestion(tmp_path: Path) -> None:
    log = (
        'pkg/m.py:12:1: error: No overload variant of "pick" matches argument type "float"  [call-overload]\n'
        "pkg/m.py:12:1: note: Possible overload variants:\n"
        "pkg/m.py:12:1: note:     def pick(x: int) -> int\n"
        'pkg/m.py:14:13: note: Revealed type is "builtins.int"\n'
    )
    error, note = parse_log(log, tmp_path)
    assert (error.rule, error.line, error.column) == ("call-overload", 12, 1)
    assert error.suggestion == "Possible overload variants:\n    def pick(x: int) -> int"
    assert where(note) == (
        "mypy",
        "type_error",
        "pkg/m.py",
        14,
        13,
        "note",
        None,
        'Revealed type is "builtins.int"',
    )


def test_mypy_import_and_syntax_types(tmp_path: Path) -> None:
    log = (
        'a.py:1: error: Library stubs not installed for "six"  [import-untyped]\n'
        'a.py:1: note: Hint: "python3 -m pip install types-six"\n'
        'b.py:2: error: Cannot find implementation or library stub for module "zz"  [import-not-found]\n'
        "c.py:4:7: error: Unexpected indent  [syntax]\n"
        "d.pyi:1: error: invalid syntax\n"
    )
    got = [(r.file, r.type, r.rule) for r in parse_log(log, tmp_path)]
    assert got == [
        ("a.py", "import_error", "import-untyped"),
        ("b.py", "import_error", "import-not-found"),
        ("c.py", "syntax_error", "syntax"),
        ("d.pyi", "syntax_error", None),
    ]


def test_mypy_error_end_positions(tmp_path: Path) -> None:
    r = one('a.py:6:14:6:20: error: Name "x" is not defined  [name-defined]\n', tmp_path)
    assert (r.line, r.column, r.end_line, r.end_column, r.rule) == (6, 14, 6, 20, "name-defined")


def test_mypy_pretty_wrapped_message_and_frame(tmp_path: Path) -> None:
    log = (
        "d.py:1: error: Cannot find implementation or library stub for module named\n"
        '"nonexistent_pkg_xyz"  [import-not-found]\n'
        "    import nonexistent_pkg_xyz\n"
        "    ^\n"
        "d.py:1: note: See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports\n"
        "Found 1 error in 1 file (checked 1 source file)\n"
    )
    r = one(log, tmp_path)
    assert r.message == 'Cannot find implementation or library stub for module named "nonexistent_pkg_xyz"'
    assert (r.type, r.rule) == ("import_error", "import-not-found")
    assert r.suggestion == "See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports"


def test_mypy_does_not_glue_unrelated_lines_to_a_coded_message(tmp_path: Path) -> None:
    log = 'a.py:3: error: "int" has no attribute "foo" and this message is long  [attr-defined]\nmake: done\n'
    assert one(log, tmp_path).message == '"int" has no attribute "foo" and this message is long'


def test_mypy_wrap_never_swallows_another_located_line(tmp_path: Path) -> None:
    log = (
        "src/pkg/module.py:12: warning: Something odd happened in this module here\n"
        "src/pkg/other.py:3: info: Unknown severity word\n"
        'src/pkg/module.py: note: In function "f":\n'
    )
    records = parse_log(log, tmp_path)
    assert records[0].message == "Something odd happened in this module here"


def test_mypy_windows_path_and_non_python_files_are_not_mypy(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")  # the Windows agent's checkout is C:\proj
    r = one("C:\\proj\\a.py:3:5: error: Bad  [misc]\n", tmp_path)
    assert (r.tool, r.file, r.raw_file, r.line, r.column) == ("mypy", "a.py", "C:\\proj\\a.py", 3, 5)
    assert all(r.tool != "mypy" for r in parse_log("main.c:3:5: error: expected ';'\n", tmp_path))


# -- pyright ---------------------------------------------------------------------------------------
def test_pyright_continuation_lines_and_rule(tmp_path: Path) -> None:
    # pyright indents its addenda with no-break spaces after two ordinary ones
    log = (
        "/src/a.py\n"
        '  /src/a.py:21:9 - error: Method "run" overrides class "P" in an incompatible manner\n'
        '  \u00a0\u00a0Return type mismatch: base method returns type "int", override returns type "str"\n'
        '  \u00a0\u00a0\u00a0\u00a0"str" is not assignable to "int" (reportIncompatibleMethodOverride)\n'
        '  /src/a.py:1:8 - warning: Import "yaml" is not resolved from source (reportMissingModuleSource)\n'
        '  /src/a.py:2:5 - error: "(" was not closed\n'
        "3 errors, 1 warning, 0 informations \n"
    )
    override, source, syntax = parse_log(log, tmp_path)
    assert override.message == (
        'Method "run" overrides class "P" in an incompatible manner\n'
        'Return type mismatch: base method returns type "int", override returns type "str"\n'
        '  "str" is not assignable to "int"'
    )
    assert (override.rule, override.type, override.line, override.column) == (
        "reportIncompatibleMethodOverride",
        "type_error",
        21,
        9,
    )
    assert (source.type, source.severity, source.rule) == (
        "import_error",
        "warning",
        "reportMissingModuleSource",
    )
    assert (syntax.type, syntax.rule, syntax.message) == ("syntax_error", None, '"(" was not closed')


def test_pyright_information_is_a_note(tmp_path: Path) -> None:
    r = one('  c:\\w\\a.py:12:13 - information: Type of "h" is "(a: int) -> None"\n', tmp_path)
    assert (r.file, r.raw_file, r.severity, r.type, r.rule) == (
        None,
        "c:\\w\\a.py",
        "note",
        "type_error",
        None,
    )

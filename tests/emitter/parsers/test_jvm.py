"""javac: real javac output and the lines that are easy to get wrong (tab carets, Windows paths)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log

RECORDED = ("javac",)
LIVE = ("javac",)


@pytest.mark.parametrize("tool", RECORDED)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("tool", LIVE)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path)


JAVAC_TABS = (
    "T.java:3: error: incompatible types: String cannot be converted to int\n"
    '\t\tint y = "x";\n'
    "\t\t        ^\n"
    "T.java:9: warning: [deprecation] old() in Lib has been deprecated\n"
    "        Lib.old();\n"
    "           ^\n"
    "1 error\n"
    "1 warning\n"
)


def test_javac_column_counts_a_tab_as_one_character_and_lint_key_is_the_rule(tmp_path: Path) -> None:
    assert essentials(parse_log(JAVAC_TABS, tmp_path)) == [
        {
            "tool": "javac",
            "type": "type_error",
            "file": "T.java",
            "line": 3,
            "column": 11,
            "severity": "error",
            "message": "incompatible types: String cannot be converted to int",
        },
        {
            "tool": "javac",
            "type": "lint",
            "file": "T.java",
            "line": 9,
            "column": 12,
            "severity": "warning",
            "rule": "deprecation",
            "message": "old() in Lib has been deprecated",
        },
    ]


JAVAC_WINDOWS = (
    "C:\\ci\\app\\src\\Main.java:4: error: cannot find symbol\n"
    "        helper();\n"
    "        ^\n"
    "  symbol:   method helper()\n"
    "  location: class Main\n"
    "Note: Some input files use unchecked or unsafe operations.\n"
    "1 error\n"
)


def test_javac_windows_path_and_symbol_location_in_the_message(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()  # the Windows agent's checkout is C:\ci\app
    (tmp_path / "src" / "Main.java").write_text("class Main {}\n")
    [record] = parse_log(JAVAC_WINDOWS, tmp_path)
    assert (record.file, record.raw_file, record.line, record.column) == (
        "src/Main.java",
        "C:\\ci\\app\\src\\Main.java",
        4,
        9,
    )
    assert record.message == "cannot find symbol\nsymbol:   method helper()\nlocation: class Main"
    assert record.type == "compile_error"


def test_javac_syntax_and_missing_package_kinds(tmp_path: Path) -> None:
    log = (
        "src/A.java:1: error: package org.acme.util does not exist\n"
        "import org.acme.util.Strings;\n"
        "                    ^\n"
        "src/A.java:5: error: ';' expected\n"
        "        int x = 1\n"
        "                 ^\n"
    )
    kinds = [(r.line, r.column, r.type) for r in parse_log(log, tmp_path)]
    assert kinds == [(1, 21, "import_error"), (5, 18, "syntax_error")]

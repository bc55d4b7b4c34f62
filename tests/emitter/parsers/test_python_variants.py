"""Format variants of the Python linters and type checkers, each on the real tool's output.

Each fixture runs one tool several ways on the same sources, one `== name` section per way (see its
run.sh), and lints a file whose name holds colons, one before a digit (`odd/a:2:b.py`, made by the fixture's
prepare.sh): the path ends where the location starts, not at the first colon. Besides the recorded and live
checks, every section is parsed as a stream of its own and must give the records of the tool's plainest
format, changed only in what the variant adds or leaves out (a column, a symbol, a code).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from emitter.report import Record
from tests.helpers.fixtures import check_live, copy_fixture, essentials, expected, parse_log, recorded_output

HINTS = {
    "py-pylint-formats": "pylint shop odd",
    "py-flake8-formats": "flake8 app odd",
    "py-ruff-formats": "ruff check app odd",
    "py-mypy-flags": "mypy inv odd",
}
SECTION = re.compile(rb"^== (\S+)\n", re.MULTILINE)
SYMBOL = re.compile(r" \([a-z-]+\)$")
Rows = list[dict[str, Any]]


def prepared(name: str, root: Path) -> Path:
    """The fixture's tree as run.sh saw it: the sources plus the file prepare.sh makes."""
    copy_fixture(name, root)
    subprocess.run(["bash", "prepare.sh"], cwd=root, check=True)
    return root


def section_records(name: str, root: Path, hint: str) -> dict[str, list[Record]]:
    """The recorded output cut at its `== name` lines, each part parsed as a stream of its own."""
    tree = prepared(name, root)
    parts = SECTION.split(recorded_output(name))
    return {
        title.decode(): parse_log(body, tree, hint)
        for title, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def sections(name: str, root: Path, hint: str) -> dict[str, Rows]:
    return {title: essentials(records) for title, records in section_records(name, root, hint).items()}


def pick(rows: Rows, *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(row.get(k) for k in keys) for row in rows]


@pytest.mark.parametrize("name", sorted(HINTS))
def test_recorded_output(name: str, tmp_path: Path) -> None:
    got = essentials(parse_log(recorded_output(name), prepared(name, tmp_path), HINTS[name]))
    assert got == expected(name)


@pytest.mark.parametrize("name", sorted(HINTS))
def test_live_tool(name: str, tmp_path: Path) -> None:
    check_live(name, tmp_path, HINTS[name])


# -- pylint ----------------------------------------------------------------------------------------
def test_pylint_formats_give_the_records_of_the_text_format(tmp_path: Path) -> None:
    """parseable, the old parseable without the symbol, a template with a column, and the bare message
    id give the default format's records: the same ids, places and severities everywhere; the text's
    messages where the symbol is printed, without it where it is not; a column only where one is printed."""
    parts = sections("py-pylint-formats", tmp_path, HINTS["py-pylint-formats"])
    text = parts.pop("text")
    where = ("tool", "type", "file", "line", "severity", "rule")
    assert len(text) == 14
    for title, rows in parts.items():
        assert pick(rows, *where) == pick(text, *where), title
        messages = [row["message"] for row in text]
        if title in ("template-old", "template-id"):  # no symbol in these templates
            messages = [SYMBOL.sub("", m) for m in messages]
        assert [row["message"] for row in rows] == messages, title
        columns = pick(text, "column") if title == "template-column" else [(None,)] * len(text)
        assert pick(rows, "column") == columns, title


def test_pylint_parseable_with_the_object_and_a_colon_in_the_path(tmp_path: Path) -> None:
    parts = sections("py-pylint-formats", tmp_path, HINTS["py-pylint-formats"])
    # `shop/show.py:9: [C0103(invalid-name), Show.__init__] Attribute name "Title" …`
    assert parts["parseable"][0] == {
        "tool": "pylint",
        "type": "lint",
        "file": "shop/show.py",
        "line": 9,
        "severity": "note",
        "rule": "C0103",
        "message": 'Attribute name "Title" doesn\'t conform to snake_case naming style (invalid-name)',
    }
    # `shop/show.py:9: [C0103, Show.__init__] …`: pylint before the symbol was printed
    assert pick(parts["template-old"][:1], "file", "line", "rule") == [("shop/show.py", 9, "C0103")]
    colon = [row for row in parts["text"] if row["file"] == "odd/a:2:b.py"]
    assert pick(colon, "line", "column", "rule") == [
        (1, 1, "C0103"),
        (9, 9, "C0103"),
        (13, 16, "E1101"),
        (5, 1, "R0903"),
        (2, 1, "W0611"),
        (1, 1, "R0801"),
    ]


def test_pylint_duplicate_code_keeps_its_symbol_in_the_text_format(tmp_path: Path) -> None:
    """The text format prints duplicate-code's symbol after the similar lines, many lines down."""
    text = sections("py-pylint-formats", tmp_path, HINTS["py-pylint-formats"])["text"]
    assert [row["message"] for row in text if row["rule"] == "R0801"] == [
        "Similar lines in 2 files (duplicate-code)"
    ]


def test_pylint_bare_ids_are_pylint_s_without_a_hint(tmp_path: Path) -> None:
    """`file:line: [C0103] message` has no mark of pylint's but its ids: pylint's when nothing else is named."""
    rows = sections("py-pylint-formats", tmp_path, "")["template-id"]
    assert {row["tool"] for row in rows} == {"pylint"}
    assert len(rows) == 14


# -- flake8 and ruff -------------------------------------------------------------------------------
def test_flake8_pylint_format_gives_the_default_records_without_columns(tmp_path: Path) -> None:
    for hint in (HINTS["py-flake8-formats"], ""):
        parts = sections("py-flake8-formats", tmp_path / (hint or "none"), hint)
        default, pylint = parts["default"], parts["pylint"]
        what = ("tool", "type", "file", "line", "severity", "rule", "message")
        assert pick(pylint, *what) == pick(default, *what)
        assert {row["tool"] for row in pylint} == {"flake8"}
        assert all("column" in row for row in default) and not any("column" in row for row in pylint)
    assert ("odd/a:2:b.py", 6, "F821", "undefined name 'totl'") in pick(
        pylint, "file", "line", "rule", "message"
    )
    assert pick(pylint[:1], "type", "rule") == [("syntax_error", "E999")]


def test_ruff_formats_give_the_same_records(tmp_path: Path) -> None:
    """full, concise and pylint: the same findings; pylint prints no column. Without a hint the ruff
    wording tells its lines from flake8's: backticks, a capital (`Trailing whitespace`), `invalid-syntax`."""
    for hint in (HINTS["py-ruff-formats"], ""):
        parts = sections("py-ruff-formats", tmp_path / (hint or "none"), hint)
        what = ("tool", "type", "file", "line", "severity", "rule", "message")
        full = parts["full"]
        assert len(full) == 11
        assert {row["tool"] for row in full} == {"ruff"}
        for title in ("concise", "pylint"):
            assert pick(parts[title], *what) == pick(full, *what), (hint, title)
        assert pick(parts["concise"], "column") == pick(full, "column")
        assert not any("column" in row for row in parts["pylint"])
    assert ("odd/a:2:b.py", 6, 12, "F821") in pick(full, "file", "line", "column", "rule")


# -- mypy ------------------------------------------------------------------------------------------
def test_mypy_flags_give_the_records_of_the_plain_run(tmp_path: Path) -> None:
    """Context lines, code links, no summary, absolute paths, columns and ends, --pretty's wrapped messages
    and frames: the plain run's records, with the positions a flag adds; hidden codes lose only the rule."""
    parts = sections("py-mypy-flags", tmp_path, HINTS["py-mypy-flags"])
    plain = parts.pop("plain")
    what = ("tool", "type", "file", "line", "severity", "message")
    assert len(plain) == 8
    for title, rows in parts.items():
        assert pick(rows, *what) == pick(plain, *what), title
        rules = [(None,)] * len(plain) if title == "hidden-codes" else pick(plain, "rule")
        assert pick(rows, "rule") == rules, title
        positioned = title == "absolute"
        assert all(("end_column" in row) == positioned for row in rows), title
    assert pick(parts["absolute"][:2], "file", "line", "column", "end_line", "end_column") == [
        ("odd/a:2:b.py", 2, 12, 2, 23),
        ("odd/a:2:b.py", 5, 7, 5, 9),
    ]
    # the import error is known by its words when its code is hidden
    assert pick(parts["hidden-codes"], "type")[2] == ("import_error",)


def test_mypy_notes_under_an_error_are_its_suggestion_whatever_the_flags(tmp_path: Path) -> None:
    """Code links (`See https://mypy.rtfd.io/…#code-…`) are dropped; --pretty's frames are not notes."""
    parts = section_records("py-mypy-flags", tmp_path, HINTS["py-mypy-flags"])
    suggestions = {title: [r.suggestion for r in records] for title, records in parts.items()}
    overload = "Possible overload variants:\n    def label(code: int) -> int\n    def label(code: str) -> str"
    missing = "See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports"
    assert suggestions.pop("plain") == [None, None, missing, None, None, None, overload, None]
    for title, found in suggestions.items():
        assert found == [None, None, missing, None, None, None, overload, None], title

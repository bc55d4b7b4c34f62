"""GitHub workflow commands: a step printing them (echo and ruff's github format), then edge cases."""

from __future__ import annotations

from pathlib import Path

from emitter.parsers.github import properties, unescape
from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log


def test_github_recorded(tmp_path: Path) -> None:
    check_recorded("github", tmp_path)


def test_github_live(tmp_path: Path) -> None:
    check_live("github", tmp_path)


def test_all_properties_in_any_order_and_escapes(tmp_path: Path) -> None:
    log = (
        "::warning endColumn=3,title=Slow test,col=15,endLine=12,line=10,file=src/app.js::"
        "took 25%25 longer%0Athan the budget%0D\n"
    )
    assert essentials(parse_log(log, tmp_path)) == [
        {
            "tool": "github",
            "type": "unknown",
            "file": "src/app.js",
            "line": 10,
            "column": 15,
            "end_line": 12,
            "end_column": 3,
            "severity": "warning",
            "rule": "Slow test",
            "message": "took 25% longer\nthan the budget",
        }
    ]


def test_notice_is_a_note_and_a_bare_error_has_no_location(tmp_path: Path) -> None:
    log = "::notice::Cache restored\n::error::Process failed: see above\n"
    got = [(r.severity, r.file, r.line, r.message) for r in parse_log(log, tmp_path)]
    assert got == [("note", None, None, "Cache restored"), ("error", None, None, "Process failed: see above")]


def test_a_location_prefix_repeated_in_the_message_is_dropped(tmp_path: Path) -> None:
    log = (
        "::error title=ruff (F401),file=/ci/app.py,line=1,col=8::app.py:1:8: F401 `os` imported but unused\n"
    )
    [record] = parse_log(log, tmp_path)
    assert (record.rule, record.message) == ("ruff (F401)", "F401 `os` imported but unused")


def test_other_commands_and_empty_messages_give_nothing(tmp_path: Path) -> None:
    log = "::group::Build\n::endgroup::\n::add-mask::secret\n::debug::value\n::error file=a.c::\n"
    assert parse_log(log, tmp_path) == []


def test_escaped_property_values() -> None:
    assert properties("file=C%3A/src/a%2Cb.js, line=3,title=a%25b") == {
        "file": "C:/src/a,b.js",
        "line": "3",
        "title": "a%b",
    }
    assert unescape("100%25%0A%0d") == "100%\n\r"

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
    # `::notice` holds no scanner anchor: it is read from the stream's tail, after the rest of the log,
    # so its record now comes after the error's (it came first before the anchor vocabulary).
    assert got == [("error", None, None, "Process failed: see above"), ("note", None, None, "Cache restored")]


def test_a_line_read_both_in_the_log_and_in_its_tail_gives_one_record(tmp_path: Path) -> None:
    """`::error` lines are found by their anchor and again in the tail: the merge keeps one record each,
    while the same message at another location stays a record of its own."""
    log = (
        "::error file=a.py,line=3::Missing import\n"
        "::error file=b.py,line=3::Missing import\n"
        "::notice file=a.py,line=9::Slow test\n"
    )
    got = [(r.severity, r.file, r.line, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        ("error", "a.py", 3, "Missing import"),
        ("error", "b.py", 3, "Missing import"),
        ("note", "a.py", 9, "Slow test"),
    ]


def test_a_notice_far_from_the_end_of_a_long_log_is_not_reached(tmp_path: Path) -> None:
    """The documented limit of `::notice`: it is seen only in the last 256 KiB of its stream."""
    filler = "compiling module without problems\n" * 10_000  # 340 KB, no anchor
    log = "::notice file=a.py,line=1::Early notice\n" + filler + "::notice file=a.py,line=2::Late notice\n"
    assert [(r.line, r.message) for r in parse_log(log, tmp_path)] == [(2, "Late notice")]


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

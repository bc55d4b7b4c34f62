"""stylelint: the `string`, `unix` and `compact` formatters run on real sources, and the ways the anchorless
`string` table is found (the stream's tail, the summary's look-back)."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.parsers.stylelint import StylelintString
from emitter.rule_docs import doc_url
from emitter.scan import scan_bytes
from tests.helpers.fixtures import check_live, check_recorded, essentials, expected, parse_log, run_fixture

FIXTURES = ("stylelint", "stylelint-unix", "stylelint-compact")


@pytest.mark.parametrize("tool", FIXTURES)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("tool", FIXTURES)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path)


@pytest.mark.slow
def test_live_in_colour_gives_the_same_records(tmp_path: Path) -> None:
    output = run_fixture("stylelint", tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert b"\x1b[" in output  # the run really was coloured
    assert essentials(parse_log(output, tmp_path)) == expected("stylelint")


# stylelint 13's `string` output: no summary line, so nothing in it holds an anchor. Hand-written in that
# version's layout (the installed stylelint prints the summary), to pin down that the tail alone finds it.
OLD_TABLE = (
    "\n"
    "web/theme.scss\n"
    " 12:5   ✖  Expected indentation of 4 spaces   indentation\n"
    " 30:14  ⚠  Unexpected unit                    length-zero-no-unit\n"
)


def test_a_table_without_summary_is_read_from_the_tail(tmp_path: Path) -> None:
    records = parse_log(OLD_TABLE, tmp_path)
    assert [(r.file, r.line, r.column, r.severity, r.rule, r.message) for r in records] == [
        ("web/theme.scss", 12, 5, "error", "indentation", "Expected indentation of 4 spaces"),
        ("web/theme.scss", 30, 14, "warning", "length-zero-no-unit", "Unexpected unit"),
    ]


def test_a_table_pushed_out_of_the_tail_is_read_back_from_its_summary(tmp_path: Path) -> None:
    # 300 KiB of later output: the tail no longer holds the table, the summary's look-back does
    table = (
        "src/a.css\n"
        '  1:3   ✖  Unknown property "colr"  property-no-unknown\n'
        "\n"
        "✖ 1 problem (1 error, 0 warnings)\n"
    )
    later = "".join(f"compiling module {i} of the bundle\n" for i in range(10_000))
    records = parse_log(table + later, tmp_path)
    assert [(r.file, r.line, r.rule) for r in records] == [("src/a.css", 1, "property-no-unknown")]


def test_ascii_symbols_and_a_summary_under_someone_elses_rows_are_told_apart() -> None:
    log = (
        "src/b.less\n"
        "  4:1  ×  Expected empty line before rule  rule-empty-line-before\n"
        "  7:9  ‼  Unexpected unit                  length-zero-no-unit\n"
        "\n"
        "/ci/web/src/a.js\n"
        "  2:14  error  Missing semicolon  semi\n"
        "\n"
        "✖ 1 problem (1 error, 0 warnings)\n"
    )
    hits = scan_bytes(log.encode(), parsers=[StylelintString()])
    assert {(h.file, h.line, h.severity) for h in hits} == {
        ("src/b.less", 4, "error"),
        ("src/b.less", 7, "warning"),
    }


def test_rows_under_no_file_line_and_path_lines_alone_give_nothing(tmp_path: Path) -> None:
    log = "Done.\n  1:3  ✖  Unknown property  property-no-unknown\nsrc/a.css\n\nBuilt dist/app.css\n"
    assert parse_log(log, tmp_path) == []


def test_core_rules_link_to_their_page_and_plugin_rules_do_not() -> None:
    assert (
        doc_url("stylelint", "color-hex-length") == "https://stylelint.io/user-guide/rules/color-hex-length"
    )
    assert doc_url("stylelint", "scss/at-rule-no-unknown") is None
    assert doc_url("stylelint", "CssSyntaxError") is None

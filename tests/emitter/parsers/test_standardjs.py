"""standard (JavaScript Standard Style): real-tool output, and the older and stream-split shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.rule_docs import doc_url
from tests.helpers.fixtures import check_live, check_recorded, parse_log


def test_recorded(tmp_path: Path) -> None:
    check_recorded("standard", tmp_path)


@pytest.mark.slow
def test_live(tmp_path: Path) -> None:
    check_live("standard", tmp_path)


def test_lines_without_a_rule_under_the_header_as_standard_before_14_printed(tmp_path: Path) -> None:
    # standard 12's layout, hand-written: the installed standard prints the rule after each message
    log = (
        "standard: Use JavaScript Standard Style (https://standardjs.com)\n"
        "standard: Run `standard --fix` to automatically fix some problems.\n"
        "  /ci/app/javascript/cart.js:4:12: Missing space before function parentheses.\n"
        "  C:\\ci\\app\\javascript\\user.js:8:21: Strings must use singlequote.\n"
    )
    records = parse_log(log, tmp_path)
    assert [(r.raw_file, r.line, r.column, r.rule, r.severity, r.message) for r in records] == [
        ("/ci/app/javascript/cart.js", 4, 12, None, "error", "Missing space before function parentheses."),
        ("C:\\ci\\app\\javascript\\user.js", 8, 21, None, "error", "Strings must use singlequote."),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "  /ci/tests/test_a.py:12: DeprecationWarning: pkg_resources is deprecated",  # pytest's summary
        "    /ci/pkg/a_test.go:12:3: want 3, got 4",  # deeper indent
        "  src/a.js:1:1: relative paths are another tool's",
        "/ci/src/a.js:1:1: Unexpected var (no-var)",  # eslint -f unix, unindented
    ],
)
def test_other_tools_indented_locations_are_not_standard(line: str, tmp_path: Path) -> None:
    assert [r for r in parse_log(line + "\n", tmp_path) if r.tool == "standard"] == []


def test_rules_link_to_eslints_pages_as_eslints_own() -> None:
    assert doc_url("standard", "no-var") == "https://eslint.org/docs/latest/rules/no-var"
    assert doc_url("standard", "n/no-deprecated-api") is None  # a plugin's rule, documented by the plugin

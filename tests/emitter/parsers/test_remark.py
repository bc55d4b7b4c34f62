"""remark-lint through remark-cli: real-tool output (vfile-reporter 8), and the older indented rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.parsers.remark import RemarkLint
from emitter.scan import scan_bytes
from tests.helpers.fixtures import check_live, check_recorded, parse_log


def test_recorded(tmp_path: Path) -> None:
    check_recorded("remark-lint", tmp_path)


@pytest.mark.slow
def test_live(tmp_path: Path) -> None:
    check_live("remark-lint", tmp_path)


def test_indented_rows_of_vfile_reporter_before_8(tmp_path: Path) -> None:
    # vfile-reporter 6's layout, hand-written: the installed remark-cli uses vfile-reporter 8
    log = (
        "docs/setup.md\n"
        "  12:1-12:20  warning  Unexpected `2` spaces between list item marker and content  list-item-indent  remark-lint\n"
        "   40:3       warning  Incorrect code language flag                               fenced-code-flag  remark-lint\n"
        "\n"
        "⚠ 2 warnings\n"
    )
    records = parse_log(log, tmp_path)
    assert [(r.file, r.line, r.column, r.end_line, r.end_column, r.rule) for r in records] == [
        ("docs/setup.md", 12, 1, 12, 20, "list-item-indent"),
        ("docs/setup.md", 40, 3, None, None, "fenced-code-flag"),
    ]


def test_rows_under_a_yaml_or_javascript_file_are_other_tools() -> None:
    log = (
        "deploy/app.yaml\n"
        "  3:10  error  too many spaces after colon  (colons)\n"
        "\n"
        "/ci/web/src/a.js\n"
        "  2:14  error  Missing semicolon  semi\n"
    )
    assert scan_bytes(log.encode(), parsers=[RemarkLint()]) == []

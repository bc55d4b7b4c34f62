"""pydocstyle: real-tool output (findings and a file that does not parse), and `--explain` output."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.rule_docs import doc_url
from tests.helpers.fixtures import check_live, check_recorded, parse_log


def test_recorded(tmp_path: Path) -> None:
    check_recorded("pydocstyle", tmp_path)


@pytest.mark.slow
def test_live(tmp_path: Path) -> None:
    check_live("pydocstyle", tmp_path)


def test_explain_and_source_paragraphs_do_not_become_records(tmp_path: Path) -> None:
    # `pydocstyle --explain --source`, as pydocstyle 6.3 prints it for a one-line module
    log = (
        "app.py:1 at module level:\n"
        "        D100: Missing docstring in public module\n"
        "\n"
        "        All modules should normally have docstrings.  [...] all functions and\n"
        "        classes exported by a module should also have docstrings.\n"
        "\n"
        " 1: x = 'error: not a docstring'\n"
        "\n"
    )
    records = parse_log(log, tmp_path)
    assert [(r.tool, r.file, r.line, r.rule, r.message) for r in records] == [
        ("pydocstyle", "app.py", 1, "D100", "Missing docstring in public module")
    ]


def test_a_location_line_without_a_code_under_it_is_left_alone(tmp_path: Path) -> None:
    log = "notes.py:3 in public function `f`:\nsomething else entirely\n"
    assert parse_log(log, tmp_path) == []


def test_codes_link_to_pydocstyles_table() -> None:
    assert doc_url("pydocstyle", "D103") == "https://www.pydocstyle.org/en/stable/error_codes.html"
    assert doc_url("pydocstyle", "D10") is None

"""RuboCop: the progress, emacs and simple formats run on real sources, and the shapes other versions print."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.rule_docs import doc_url
from tests.helpers.fixtures import check_live, check_recorded, parse_log

FIXTURES = ("rubocop", "rubocop-emacs", "rubocop-simple")


@pytest.mark.parametrize("tool", FIXTURES)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("tool", FIXTURES)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path)


def test_correctable_offenses_carry_rubocops_own_fix(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "a.rb").write_text("x = 'a'\n")
    log = "app/a.rb:1:5: C: [Correctable] Style/StringLiterals: Prefer double-quoted strings.\n"
    [record] = parse_log(log, tmp_path)
    assert (record.rule, record.severity) == ("Style/StringLiterals", "note")
    assert record.fix is not None
    assert record.fix.command == ["rubocop", "--autocorrect", "--only", "Style/StringLiterals", "app/a.rb"]


def test_offenses_without_cop_names_as_rubocop_before_0_61_printed(tmp_path: Path) -> None:
    # hand-written in that layout: the installed RuboCop always names the cop
    log = (
        "Offenses:\n"
        "\n"
        "Gemfile:4:1: C: Extra blank line detected.\n"
        "app/models/order.rb:12:81: W: Line is too long. [93/80]\n"
        "        where(status: 'open').order(created_at: :desc).limit(10).includes(:items, :customer)\n"
        "                                                                                ^^^^^^^^^^^^^\n"
        "lib/tasks/x.rake:3:1: F: unexpected token $end\n"
    )
    records = parse_log(log, tmp_path)
    assert [(r.file, r.line, r.column, r.severity, r.rule, r.message) for r in records] == [
        ("Gemfile", 4, 1, "note", None, "Extra blank line detected."),
        ("app/models/order.rb", 12, 81, "warning", None, "Line is too long. [93/80]"),
        ("lib/tasks/x.rake", 3, 1, "error", None, "unexpected token $end"),
    ]


def test_simple_rows_far_from_the_end_are_not_guessed_at(tmp_path: Path) -> None:
    # a `simple` row holds no anchor: only the tail shows it, so 300 KiB of later output hides it
    later = "".join(f"step {i} of the deploy\n" for i in range(12_000))
    log = "== app/a.rb ==\nW:  7:  5: Lint/UselessAssignment: Useless assignment to variable - x.\n" + later
    assert parse_log(log, tmp_path) == []


def test_core_cops_link_to_their_documentation_and_extension_cops_do_not() -> None:
    assert doc_url("rubocop", "Layout/TrailingWhitespace") == (
        "https://docs.rubocop.org/rubocop/cops_layout.html#layouttrailingwhitespace"
    )
    assert doc_url("rubocop", "Rails/Output") is None  # rubocop-rails documents it, on another site
    assert doc_url("rubocop", "Layout/../../x") is None

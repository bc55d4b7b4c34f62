"""hlint. hlint does not install here: the fixture and the lines below are written by hand in its documented
text layout (see tests/fixtures/hlint/HANDWRITTEN)."""

from __future__ import annotations

from pathlib import Path

from emitter.parsers.hlint import Hlint
from emitter.scan import scan_bytes
from tests.helpers.fixtures import check_recorded, parse_log


def test_recorded(tmp_path: Path) -> None:
    check_recorded("hlint", tmp_path)


def test_two_hints_at_one_place_stay_two_records_with_their_own_suggestion(tmp_path: Path) -> None:
    records = [
        r for r in parse_log((Path(__file__).parents[2] / "fixtures/hlint/output.txt").read_bytes(), tmp_path)
    ]
    brackets = [r for r in records if r.rule == "Redundant bracket"]
    assert [r.suggestion for r in brackets] == ["eval a + (eval b)", "(eval a) + eval b"]
    assert len({r.fingerprint for r in brackets}) == 2


def test_a_header_with_no_found_block_lets_the_next_line_through() -> None:
    # older hlint and `--no-summary` runs can end a hint without a blank line before other output
    log = "src/A.hs:3:1: Warning: Eta reduce\nmake: *** [Makefile:12: lint] Error 1\n"
    hits = scan_bytes(log.encode(), parsers=[Hlint()])
    assert [(h.file, h.line, h.rule, h.message) for h in hits] == [
        ("src/A.hs", 3, "Eta reduce", "Eta reduce")
    ]

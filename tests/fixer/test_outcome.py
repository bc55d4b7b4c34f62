"""Rule 6: every run ends in exactly one visible outcome — bounded, written, and shown even when the
platform cannot show it."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from fixer.outcome import EXIT_CODES, MAX_DETAILS, MAX_FINGERPRINTS, Outcome, finish, render_text


def test_exit_codes_follow_the_table() -> None:
    assert {name: Outcome(outcome=name, reason="r").exit_code for name in EXIT_CODES} == EXIT_CODES
    assert Outcome(outcome="escalated", reason="bug", internal_error=True).exit_code == 1


def test_an_outcome_stays_small_whatever_the_reports_held(tmp_path: Path) -> None:
    fingerprints = [f"{i:016x}" for i in range(100_000)]
    details = [f"app.py:{i}: error: " + "x" * 2000 for i in range(100_000)]
    outcome = Outcome(outcome="escalated", reason="r" * 100_000, fingerprints=fingerprints, details=details)
    path = tmp_path / "outcome.json"
    finish(outcome, str(path), lambda o: None)
    assert path.stat().st_size < 64 * 1024
    written = json.loads(path.read_text())
    assert len(written["fingerprints"]) == MAX_FINGERPRINTS
    assert written["fingerprints_dropped"] == 100_000 - MAX_FINGERPRINTS
    assert len(written["details"]) == MAX_DETAILS and written["details_dropped"] == 100_000 - MAX_DETAILS


def test_a_platform_that_fails_to_show_the_outcome_still_leaves_one(tmp_path: Path) -> None:
    def broken(outcome: Outcome) -> None:
        raise ConnectionError("annotation API said 502")

    err = io.StringIO()
    path = tmp_path / "outcome.json"
    done = finish(Outcome(outcome="fixed", reason="1 fix verified"), str(path), broken, err)
    assert done.exit_code == 0
    assert json.loads(path.read_text())["outcome"] == "fixed"
    printed = err.getvalue()
    assert "could not show the outcome: ConnectionError: annotation API said 502" in printed
    assert "selfheal ✔ fixed: 1 fix verified" in printed


def test_an_outcome_that_cannot_be_written_is_a_warning_and_still_shown(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the folder should be\n")
    shown: list[Outcome] = []
    err = io.StringIO()
    finish(Outcome(outcome="skipped", reason="protected"), str(blocker / "outcome.json"), shown.append, err)
    assert shown and "warning: could not write" in err.getvalue()


def test_a_planted_link_is_replaced_not_followed(tmp_path: Path) -> None:
    """Repository code can leave .selfheal/outcome.json pointing at a file of the user's."""
    victim = tmp_path / "authorized_keys"
    victim.write_text("ssh-ed25519 AAAA user\n")
    state = tmp_path / ".selfheal"
    state.mkdir()
    (state / "outcome.json").symlink_to(victim)
    finish(Outcome(outcome="skipped", reason="r"), str(state / "outcome.json"), lambda o: None)
    assert victim.read_text() == "ssh-ed25519 AAAA user\n"
    assert not (state / "outcome.json").is_symlink()


def test_a_device_is_written_through(tmp_path: Path) -> None:
    finish(Outcome(outcome="skipped", reason="r"), os.devnull, lambda o: None)
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()


@pytest.mark.parametrize("name", list(EXIT_CODES))
def test_render_text_names_the_outcome_and_reason(name: str) -> None:
    text = render_text(Outcome(outcome=name, reason="because", details=["one", "two"]))
    assert name in text and "because" in text and "· two" in text

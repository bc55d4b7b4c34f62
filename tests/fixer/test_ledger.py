"""Rule 2: the ledger in the branch's own commits bounds the loop and spots fixes that did not hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.config import Config
from fixer.stages.ledger import check, commits_since_base, next_attempt, previous_fingerprints
from tests.helpers.repos import Repo, make_repo

BOT = ("selfheal", "selfheal@localhost")
SOMEONE = ("Other Bot", "other@example.com")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"app.py": "print('hi')\n"})


def test_first_attempt_on_a_branch_without_selfheal_commits(repo: Repo) -> None:
    assert next_attempt(repo.path) == 1
    assert check(repo.path, Config(), ["f1"], "main") == (1, None)


def test_three_selfheal_commits_at_the_tip_make_attempt_four_and_escalate(repo: Repo) -> None:
    for n in (1, 2, 3):
        repo.selfheal_commit(n, author=BOT)
        assert next_attempt(repo.path) == n + 1
    attempt, stop = check(repo.path, Config(), ["new"], "main")
    assert attempt == 4
    assert stop is not None and stop.outcome == "escalated"
    assert stop.reason.startswith("attempt 4 would exceed max_attempts (3)")
    assert check(repo.path, Config(max_attempts=4), ["new"], "main") == (4, None)


def test_the_run_counts_whoever_authored_the_commits(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    repo.selfheal_commit(2, author=SOMEONE)
    repo.selfheal_commit(3)
    assert next_attempt(repo.path) == 4


def test_a_human_commit_resets_the_count(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    repo.selfheal_commit(2, author=BOT)
    repo.commit({"app.py": "print('human')\n"}, "a human fixes things up")
    assert next_attempt(repo.path) == 1
    repo.selfheal_commit(1, author=BOT)
    assert next_attempt(repo.path) == 2
    assert check(repo.path, Config(), ["new"], "main") == (2, None)


def test_mentioning_the_trailer_outside_the_trailer_block_is_not_a_selfheal_commit(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    repo.commit(
        {"x.txt": "x\n"}, "revert?\n\nSelfheal-Attempt: 1 was wrong, see below.\n\nA last paragraph of prose."
    )
    assert next_attempt(repo.path) == 1


def test_a_run_never_counts_for_less_than_its_numbers_say(repo: Repo) -> None:
    repo.commit({"x.txt": "x\n"}, "squashed history", trailers={"Selfheal-Attempt": "3"})
    assert next_attempt(repo.path) == 4


def test_hard_cap_counts_selfheal_commits_since_the_merge_base(repo: Repo) -> None:
    # selfheal commits that are already on main do not count against this branch
    repo.git("checkout", "--quiet", "main")
    repo.selfheal_commit(1, files={"main-fix.txt": "x\n"})
    repo.push("main")
    repo.git("checkout", "--quiet", "feature/x")
    repo.git("merge", "--quiet", "--no-edit", "main")
    repo.git("fetch", "--quiet", "origin")
    for round_ in range(3):
        repo.selfheal_commit(1, author=BOT, files={f"fix-{round_}.txt": "x\n"})
        repo.commit({f"human-{round_}.txt": "x\n"}, "human work")  # keeps resetting the attempt count
    assert next_attempt(repo.path) == 1
    assert commits_since_base(repo.path, "HEAD", "origin", "main") == 3
    attempt, stop = check(repo.path, Config(max_commits_per_branch=3), ["new"], "main")
    assert attempt == 1
    assert stop is not None and stop.outcome == "escalated"
    assert stop.reason == "3 selfheal commits on this branch already (max_commits_per_branch 3)"
    assert check(repo.path, Config(max_commits_per_branch=4), ["new"], "main") == (1, None)


def test_hard_cap_without_a_known_default_branch_counts_everything(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    assert commits_since_base(repo.path, "HEAD", "origin", "no-such-branch") == 1
    assert commits_since_base(repo.path, "HEAD", "origin", None) == 1  # falls back to main/master


def test_previous_fingerprints_come_from_the_tip_selfheal_commit(repo: Repo) -> None:
    assert previous_fingerprints(repo.path) == []
    repo.selfheal_commit(1, fingerprints=["aaaa", "bbbb"])
    assert previous_fingerprints(repo.path) == ["aaaa", "bbbb"]
    repo.commit(
        {"x.txt": "x\n"}, "fix", trailers={"Selfheal-Attempt": "2", "Selfheal-Fingerprints": "cc dd, ee"}
    )
    assert previous_fingerprints(repo.path) == ["cc", "dd", "ee"]
    repo.commit({"y.txt": "y\n"}, "a human commit on top")
    assert previous_fingerprints(repo.path) == []


def test_the_same_failures_after_a_fix_is_no_progress(repo: Repo) -> None:
    repo.selfheal_commit(1, fingerprints=["aaaa", "bbbb"], author=BOT)
    attempt, stop = check(repo.path, Config(), ["bbbb", "cccc"], "main")
    assert attempt == 2
    assert stop is not None and stop.outcome == "escalated"
    assert stop.reason.startswith("no progress:") and "bbbb" in stop.reason


def test_new_failures_after_a_fix_are_progress(repo: Repo) -> None:
    repo.selfheal_commit(1, fingerprints=["aaaa", "bbbb"], author=BOT)
    assert check(repo.path, Config(), ["cccc"], "main") == (2, None)


def test_a_human_commit_clears_the_claim(repo: Repo) -> None:
    repo.selfheal_commit(1, fingerprints=["aaaa"], author=BOT)
    repo.commit({"app.py": "print('human')\n"}, "human")
    assert check(repo.path, Config(), ["aaaa"], "main") == (1, None)

"""Rule 2: the ledger in the branch's own commits bounds the loop and spots fixes that did not hold — and
cannot be fooled by a shallow clone, a bot commit without its trailer, or history rewritten under .git."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from fixer import git
from fixer.config import Config
from fixer.stages import ledger
from fixer.stages.ledger import History, check
from tests.helpers.repos import Repo, configure, make_repo, run_git

BOT = ("selfheal", "selfheal@localhost")
SOMEONE = ("Other Bot", "other@example.com")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"app.py": "print('hi')\n"})


def base(repo: Repo) -> str:
    return repo.git("rev-parse", "main").strip()


def attempt(repo: Repo | Path) -> int:
    path = repo.path if isinstance(repo, Repo) else repo
    return ledger.attempt_number(ledger._tip_run(path, BOT[1], 50, History()))


def test_first_attempt_on_a_branch_without_selfheal_commits(repo: Repo) -> None:
    assert attempt(repo) == 1
    assert check(repo.path, Config(), ["f1"], base(repo)) == (1, None)


def test_three_selfheal_commits_at_the_tip_make_attempt_four_and_escalate(repo: Repo) -> None:
    for n in (1, 2, 3):
        repo.selfheal_commit(n, author=BOT)
        assert attempt(repo) == n + 1
    number, stop = check(repo.path, Config(), ["new"], base(repo))
    assert number == 4
    assert stop is not None and stop.outcome == "escalated"
    assert stop.reason.startswith("attempt 4 would exceed max_attempts (3)")
    assert check(repo.path, Config(max_attempts=4), ["new"], base(repo)) == (4, None)


def test_the_run_counts_trailers_whoever_authored_the_commits(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    repo.selfheal_commit(2, author=SOMEONE)
    repo.selfheal_commit(3)
    assert attempt(repo) == 4


def test_a_bot_commit_without_the_trailer_still_counts(repo: Repo) -> None:
    """Removing the trailer (an amend, a squash) must not reset the count: only someone else's commit does."""
    repo.selfheal_commit(1, author=BOT)
    repo.commit({"x.txt": "x\n"}, "selfheal: no trailer this time", author=BOT)
    repo.commit({"y.txt": "y\n"}, "nor this time", author=BOT)
    number, stop = check(repo.path, Config(), ["new"], base(repo))
    assert number == 4 and stop is not None and "exceed max_attempts" in stop.reason


def test_a_human_commit_resets_the_count(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    repo.selfheal_commit(2, author=BOT)
    repo.commit({"app.py": "print('human')\n"}, "a human fixes things up")
    assert attempt(repo) == 1
    repo.selfheal_commit(1, author=BOT)
    assert check(repo.path, Config(), ["new"], base(repo)) == (2, None)


def test_mentioning_the_trailer_outside_the_trailer_block_is_not_a_selfheal_commit(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    repo.commit(
        {"x.txt": "x\n"}, "revert?\n\nSelfheal-Attempt: 1 was wrong, see below.\n\nA last paragraph of prose."
    )
    assert attempt(repo) == 1


def test_a_run_never_counts_for_less_than_its_numbers_say(repo: Repo) -> None:
    repo.commit({"x.txt": "x\n"}, "squashed history", trailers={"Selfheal-Attempt": "3"})
    assert attempt(repo) == 4


def test_hard_cap_counts_selfheal_commits_the_default_branch_lacks(repo: Repo) -> None:
    repo.git("checkout", "--quiet", "main")
    repo.selfheal_commit(1, files={"main-fix.txt": "x\n"})
    repo.push("main")
    repo.git("checkout", "--quiet", "feature/x")
    repo.git("merge", "--quiet", "--no-edit", "main")
    for round_ in range(3):
        repo.selfheal_commit(1, author=BOT, files={f"fix-{round_}.txt": "x\n"})
        repo.commit({f"human-{round_}.txt": "x\n"}, "human work")  # keeps resetting the attempt count
    assert attempt(repo) == 1
    number, stop = check(repo.path, Config(max_commits_per_branch=3), ["new"], base(repo))
    assert number == 1 and stop is not None and stop.outcome == "escalated"
    assert stop.reason == "3 selfheal commits on this branch already (max_commits_per_branch 3)"
    assert check(repo.path, Config(max_commits_per_branch=4), ["new"], base(repo)) == (1, None)


def test_hard_cap_without_a_known_default_branch_counts_everything(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    assert ledger.commits_since_base(repo.path, None, BOT[1], 10, History()) == 1


def test_the_same_failures_after_a_fix_is_no_progress(repo: Repo) -> None:
    repo.selfheal_commit(1, fingerprints=["aaaa", "bbbb"], author=BOT)
    number, stop = check(repo.path, Config(), ["bbbb", "cccc"], base(repo))
    assert number == 2
    assert stop is not None and stop.reason.startswith("no progress:") and "bbbb" in stop.reason


def test_new_failures_after_a_fix_are_progress(repo: Repo) -> None:
    repo.selfheal_commit(1, fingerprints=["aaaa", "bbbb"], author=BOT)
    assert check(repo.path, Config(), ["cccc"], base(repo)) == (2, None)


def test_a_human_commit_clears_the_claim(repo: Repo) -> None:
    repo.selfheal_commit(1, fingerprints=["aaaa"], author=BOT)
    repo.commit({"app.py": "print('human')\n"}, "human")
    assert check(repo.path, Config(), ["aaaa"], base(repo)) == (1, None)


def shallow_clone(repo: Repo, depth: int) -> Path:
    clone = repo.tmp / f"shallow-{depth}"
    url = f"file://{repo.origin}"
    run_git(repo.tmp, "clone", "--quiet", f"--depth={depth}", "--branch", repo.branch, url, str(clone))
    configure(clone, repo.tmp / "no-hooks")
    return clone


def test_a_shallow_clone_at_the_cap_fetches_history_until_it_sees_the_cap(repo: Repo) -> None:
    for n in (1, 2, 3):
        repo.selfheal_commit(n, author=BOT)
    repo.push()
    clone = shallow_clone(repo, 1)  # CI's default: only the tip, which alone says "attempt 3"
    assert git.git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    history = History(f"file://{repo.origin}", repo.branch, "main")
    number, stop = check(clone, Config(), ["new"], None, history)
    assert number == 4 and stop is not None and "exceed max_attempts" in stop.reason


def test_a_shallow_clone_whose_tip_lost_its_number_still_counts_the_run(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    repo.selfheal_commit(2, author=BOT)
    repo.commit({"z.txt": "z\n"}, "bot commit without a number", author=BOT)
    repo.push()
    clone = shallow_clone(repo, 1)
    without = check(clone, Config(), ["new"], None, History())  # nowhere to fetch from: refuse, never guess
    assert without[1] is not None and "shallow clone" in without[1].reason
    number, stop = check(
        clone, Config(), ["new"], None, History(f"file://{repo.origin}", repo.branch, "main")
    )
    assert number == 4 and stop is not None


def test_replace_refs_cannot_rewrite_what_the_ledger_reads(repo: Repo) -> None:
    for n in (1, 2, 3):
        repo.selfheal_commit(n, author=BOT)
    # repository code swaps the tip for a human-looking commit through refs/replace
    fake = repo.git("commit-tree", "HEAD^{tree}", "-p", "HEAD~3", "-m", "an innocent human commit").strip()
    repo.git("update-ref", f"refs/replace/{repo.head()}", fake)
    assert repo.git("log", "-1", "--format=%s").strip() == "an innocent human commit"  # plain git is fooled
    number, stop = check(repo.path, Config(), ["new"], base(repo))
    assert number == 4 and stop is not None


def test_a_rewritten_commit_object_is_caught(repo: Repo) -> None:
    repo.selfheal_commit(1, author=BOT)
    sha = repo.head()
    body = repo.git("cat-file", "commit", sha).replace("Selfheal-Attempt: 1", "Reviewed-by: me").encode()
    obj = repo.path / ".git" / "objects" / sha[:2] / sha[2:]
    obj.chmod(0o644)
    obj.write_bytes(zlib.compress(b"commit %d\0" % len(body) + body))  # same name, other content
    _number, stop = check(repo.path, Config(), ["new"], base(repo))
    assert stop is not None and "tampered" in stop.reason


def test_trailers_stay_small_and_well_formed_whatever_the_reports_hold() -> None:
    forged = ["f" * 16 + str(i) for i in range(100_000)] + ["ok\nSelfheal-Attempt: 0", "a,b", "x" * 500]
    lines = ledger.trailers(2, forged, "https://ci.example/builds/1\nSelfheal-Attempt: 0", "rules")
    text = "\n".join(lines)
    assert len(text) < 4000
    assert sum(1 for line in lines if line.startswith("Selfheal-Attempt:")) == 1
    assert "Selfheal-Fingerprints-Dropped: 99950" in text
    parsed = ledger.parse_trailers("subject\n\nbody\n\n" + text)
    assert parsed["selfheal-attempt"] == ["2"]

"""Rule 1 before any work: the guard skips whatever is not ours to fix, and says why in a few words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from fixer.config import Config
from fixer.context import Facts, Stop
from fixer.stages.guard import check, target_branch
from tests.helpers.repos import Repo, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"app.py": "print('hi')\n"})


def facts_for(repo: Repo, **changes: object) -> Facts:
    facts = Facts(platform="local", branch=repo.branch, commit=repo.head(), default_branch="main")
    return replace(facts, **changes)  # type: ignore[arg-type]


def skipped(stop: Stop | None) -> str:
    assert stop is not None, "the guard let the run go on"
    assert stop.outcome == "skipped"
    return stop.reason


def test_a_pushed_feature_branch_at_the_failed_commit_passes(repo: Repo) -> None:
    assert check(facts_for(repo), Config(), repo.path) is None


@pytest.mark.parametrize("branch", ["main", "master", "release/1.2", "release/2024-q1"])
def test_protected_branches_are_skipped(tmp_path: Path, branch: str) -> None:
    repo = make_repo(tmp_path, {"app.py": "x\n"}, branch=None if branch == "main" else branch)
    facts = facts_for(repo, default_branch="trunk")  # not the CI default: only the configured list protects
    assert skipped(check(facts, Config(), repo.path)) == (
        f"branch {branch} is protected"
        if "/" not in branch
        else f"branch {branch} is protected by 'release/*'"
    )


def test_the_ci_default_branch_is_protected_whatever_its_name(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"app.py": "x\n"}, branch="develop")
    reason = skipped(check(facts_for(repo, default_branch="develop"), Config(), repo.path))
    assert reason == "branch develop is the default branch"
    assert check(facts_for(repo, default_branch="main"), Config(), repo.path) is None


def test_configured_protected_globs(repo: Repo) -> None:
    config = Config(protected_branches=["feature/*"])
    assert "protected by 'feature/*'" in skipped(check(facts_for(repo), config, repo.path))


def test_tag_builds_are_skipped(repo: Repo) -> None:
    repo.git("tag", "v1.0")
    assert (
        skipped(check(facts_for(repo, tag="v1.0"), Config(), repo.path))
        == "tag build (v1.0): only branches are fixed"
    )


def test_fork_pull_requests_are_skipped(repo: Repo) -> None:
    reason = skipped(check(facts_for(repo, is_fork=True, pull_request="42"), Config(), repo.path))
    assert reason.startswith("pull request 42 comes from a fork")


def test_detached_head_without_a_target_branch_is_skipped(repo: Repo) -> None:
    repo.git("checkout", "--quiet", "--detach")
    reason = skipped(check(facts_for(repo, branch=None), Config(), repo.path))
    assert reason.startswith("no branch: detached HEAD")


def test_detached_head_with_the_ci_branch_is_fine(repo: Repo) -> None:
    # Buildkite checks out the commit, not the branch: the branch name comes from the CI
    repo.git("checkout", "--quiet", "--detach")
    assert check(facts_for(repo), Config(), repo.path) is None
    # ... or from --branch
    facts = facts_for(repo, branch=None)
    assert target_branch(facts, Config(branch="feature/x"), repo.path) == "feature/x"
    assert check(facts, Config(branch="feature/x"), repo.path) is None


def test_a_checkout_not_at_the_failed_commit_is_skipped(repo: Repo) -> None:
    failed = repo.head()
    repo.commit({"later.txt": "x\n"}, "a later local commit")
    reason = skipped(check(facts_for(repo, commit=failed), Config(), repo.path))
    assert reason == f"checkout is at {repo.head()[:7]}, not the failed commit {failed[:7]}"


def test_an_unknown_failed_commit_is_skipped(repo: Repo) -> None:
    reason = skipped(check(facts_for(repo, commit="ab" * 20), Config(), repo.path))
    assert reason == "the failed commit abababa is not in this checkout"
    assert (
        skipped(check(facts_for(repo, commit=None), Config(), repo.path))
        == "the failed build's commit is unknown"
    )


def test_a_remote_branch_that_moved_is_skipped(repo: Repo) -> None:
    failed = repo.head()
    newer = repo.push_from_other_clone({"other.txt": "someone else\n"})
    reason = skipped(check(facts_for(repo), Config(), repo.path))
    moved = f"origin/feature/x moved on to {newer[:7]} since the failed build ({failed[:7]})"
    assert reason == f"{moved}: a newer build owns it"


def test_a_remote_branch_that_is_gone_is_skipped(repo: Repo) -> None:
    repo.git("push", "--quiet", "origin", ":refs/heads/feature/x")
    assert (
        skipped(check(facts_for(repo), Config(), repo.path)) == "branch feature/x no longer exists on origin"
    )


def test_an_unreachable_remote_is_skipped_without_showing_its_token(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "glpat-" + "t0k3n" * 5
    repo.git("remote", "set-url", "origin", f"/nonexistent/{token}/repo.git")
    reason = skipped(check(facts_for(repo), Config(), repo.path))
    assert reason.startswith("cannot read branch feature/x from origin: fatal:")
    assert token not in reason and "[REDACTED]" in reason


def test_another_remote_name_is_used(repo: Repo) -> None:
    repo.git("remote", "rename", "origin", "upstream")
    assert check(facts_for(repo), Config(remote="upstream"), repo.path) is None
    assert skipped(check(facts_for(repo), Config(), repo.path)).startswith(
        "cannot read branch feature/x from origin"
    )

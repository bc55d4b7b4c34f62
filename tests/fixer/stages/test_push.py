"""Rule 1 at the wire: push only onto the commit the failed build saw, never force; patch mode: no push."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.config import Config
from fixer.context import Patch, Stop
from fixer.stages.commit import make_commit
from fixer.stages.push import Published, publish, review_branch
from tests.helpers.repos import Repo, make_repo, origin_head, run_git


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"app.py": "x=1\n"})


def fix(repo: Repo) -> tuple[str, str]:
    """(the failed commit, the selfheal commit on top of it, unpushed)."""
    failed = repo.head()
    (repo.path / "app.py").write_text("x = 1\n")
    patch = Patch(engine="rules", diff="", files=["app.py"], summary=["ruff format app.py"])
    return failed, make_commit(repo.path, patch, 1, ["aa11"], None, Config())


def origin_refs(repo: Repo) -> str:
    return run_git(repo.origin, "for-each-ref", "--format=%(refname) %(objectname)")


def test_push_mode_pushes_onto_the_failed_commit(repo: Repo) -> None:
    failed, sha = fix(repo)
    assert repo.origin_head() == failed
    result = publish(repo.path, "push", "origin", "feature/x", failed, Config())
    assert result == Published(pushed_ref="origin:refs/heads/feature/x")
    assert repo.origin_head() == sha


def test_push_mode_refuses_when_someone_pushed_meanwhile(repo: Repo) -> None:
    failed, _sha = fix(repo)
    theirs = repo.push_from_other_clone({"other.txt": "their work\n"})
    result = publish(repo.path, "push", "origin", "feature/x", failed, Config())
    assert isinstance(result, Stop) and result.outcome == "skipped"
    assert result.reason.startswith("the branch moved on: origin/feature/x is no longer at the failed commit")
    assert repo.origin_head() == theirs  # their work is intact, nothing of ours landed


def test_the_lease_holds_where_a_force_push_would_succeed(repo: Repo) -> None:
    # The remote accepts non-fast-forward updates, so a plain force push (or a +refspec) WOULD overwrite
    # the other person's commit here. Only the lease stands between our push and their work.
    run_git(repo.origin, "config", "receive.denyNonFastForwards", "false")
    failed, sha = fix(repo)
    # even a stale remote-tracking ref that still says `failed` does not fool the lease: it is explicit
    theirs = repo.push_from_other_clone({"other.txt": "their work\n"})
    assert repo.git("rev-parse", "refs/remotes/origin/feature/x").strip() == failed
    result = publish(repo.path, "push", "origin", "feature/x", failed, Config())
    assert isinstance(result, Stop) and result.outcome == "skipped"
    assert repo.origin_head() == theirs
    # the premise: this remote really would have taken a force push
    repo.git("push", "--quiet", "--force", "origin", "HEAD:refs/heads/feature/x")
    assert repo.origin_head() == sha


def test_push_mode_refuses_when_the_branch_was_rewound(repo: Repo) -> None:
    # Someone reset the branch to an older commit: our commit would fast-forward it, so a plain push
    # would go through. The lease names the exact commit the build saw, and that is no longer there.
    run_git(repo.origin, "config", "receive.denyNonFastForwards", "false")
    failed, _sha = fix(repo)
    older = repo.git("rev-parse", f"{failed}~1").strip()
    run_git(repo.origin, "update-ref", "refs/heads/feature/x", older)
    result = publish(repo.path, "push", "origin", "feature/x", failed, Config())
    assert isinstance(result, Stop) and result.outcome == "skipped"
    assert repo.origin_head() == older


def test_push_mode_refuses_when_the_branch_was_deleted(repo: Repo) -> None:
    failed, _sha = fix(repo)
    repo.git("push", "--quiet", "origin", ":refs/heads/feature/x")
    result = publish(repo.path, "push", "origin", "feature/x", failed, Config())
    assert isinstance(result, Stop) and result.outcome == "skipped"
    assert repo.origin_head() is None


def test_branch_mode_pushes_a_new_review_branch(repo: Repo) -> None:
    failed, sha = fix(repo)
    name = review_branch("feature/x", failed)
    assert name == f"selfheal/feature/x-{failed[:7]}"
    result = publish(repo.path, "branch", "origin", "feature/x", failed, Config())
    assert result == Published(pushed_ref=f"origin:refs/heads/{name}")
    assert origin_head(repo.origin, name) == sha
    assert repo.origin_head() == failed  # the failing branch itself is left alone


@pytest.mark.parametrize("existing", ["ancestor", "diverged"])
def test_branch_mode_never_overwrites_an_existing_review_branch(repo: Repo, existing: str) -> None:
    run_git(repo.origin, "config", "receive.denyNonFastForwards", "false")
    failed, _sha = fix(repo)
    name = review_branch("feature/x", failed)
    # an ancestor would be fast-forwarded by a plain push; a diverged one overwritten by a force push
    earlier = failed if existing == "ancestor" else repo.push_from_other_clone({"earlier.txt": "proposal\n"})
    run_git(repo.origin, "update-ref", f"refs/heads/{name}", earlier)
    result = publish(repo.path, "branch", "origin", "feature/x", failed, Config())
    assert isinstance(result, Stop) and result.outcome == "skipped"
    assert (
        result.reason
        == f"origin already has {name}: a fix for this build was proposed before; nothing pushed"
    )
    assert origin_head(repo.origin, name) == earlier


def test_patch_mode_writes_a_patch_that_applies_to_the_failed_commit_and_pushes_nothing(
    repo: Repo, tmp_path: Path
) -> None:
    failed, _sha = fix(repo)
    before = origin_refs(repo)
    result = publish(repo.path, "patch", "origin", "feature/x", failed, Config(), None)
    assert isinstance(result, Published) and result.pushed_ref is None
    patch_file = repo.path / ".selfheal" / "fix.patch"
    assert result.patch_file == str(patch_file)
    assert origin_refs(repo) == before
    text = patch_file.read_text()
    assert "Selfheal-Attempt: 1" in text and "-x=1\n+x = 1" in text
    # a reviewer's fresh checkout of the failed commit accepts it
    review = tmp_path / "review"
    run_git(tmp_path, "clone", "--quiet", str(repo.origin), str(review))
    run_git(review, "checkout", "--quiet", "--detach", failed)
    run_git(review, "apply", "--check", str(patch_file))
    run_git(review, "-c", "user.name=r", "-c", "user.email=r@x", "am", "--quiet", str(patch_file))
    assert (review / "app.py").read_text() == "x = 1\n"


def test_patch_mode_honours_the_path(repo: Repo, tmp_path: Path) -> None:
    failed, _sha = fix(repo)
    out = tmp_path / "out" / "my.patch"
    result = publish(repo.path, "patch", "origin", "feature/x", failed, Config(), out)
    assert result == Published(pushed_ref=None, patch_file=str(out)) and out.is_file()


def test_a_failed_push_escalates_without_showing_the_token(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "planted-remote-secret-42"
    monkeypatch.setenv("SELFHEAL_GITLAB_TOKEN", token)
    failed, _sha = fix(repo)
    repo.git("remote", "set-url", "origin", f"/nonexistent/oauth2/{token}/repo.git")
    result = publish(repo.path, "push", "origin", "feature/x", failed, Config())
    assert isinstance(result, Stop) and result.outcome == "escalated"
    assert result.reason.startswith("push to origin failed: fatal:")
    assert token not in result.reason and "[REDACTED]" in result.reason


def test_a_remote_that_rejects_the_push_escalates(repo: Repo) -> None:
    hook = repo.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected by policy' >&2\nexit 1\n")
    hook.chmod(0o755)
    failed, _sha = fix(repo)
    result = publish(repo.path, "push", "origin", "feature/x", failed, Config())
    assert isinstance(result, Stop) and result.outcome == "escalated"
    assert "remote rejected" in result.reason
    assert repo.origin_head() == failed


def test_no_push_ever_carries_force(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    failed, _sha = fix(repo)
    publish(repo.path, "push", "origin", "feature/x", failed, Config())
    publish(repo.path, "branch", "origin", "feature/x", failed, Config())
    pushes = [line for line in trace.read_text().splitlines() if "built-in: git push" in line]
    assert len(pushes) == 2
    for line in pushes:
        words = line.split()
        assert "--force" not in words and "-f" not in words and "--force-with-lease" not in words
        assert not any(w.startswith("+") for w in words), line
        assert any(w.startswith("--force-with-lease=refs/heads/") for w in words), line


def test_unknown_mode_is_a_programming_error(repo: Repo) -> None:
    with pytest.raises(ValueError):
        publish(repo.path, "yolo", "origin", "feature/x", repo.head(), Config())

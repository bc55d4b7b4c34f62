"""Rule 1 at the wire: push only onto the commit the failed build saw, never force; patch mode: no push."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from emitter.redact import Redactor
from fixer import git
from fixer.config import Config
from fixer.context import Patch, Stop
from fixer.stages import tree
from fixer.stages.commit import make_commit, message
from fixer.stages.push import DEFAULT_PATCH, Published, lease_push, publish, review_branch, write_patch
from tests.helpers.repos import Repo, make_repo, origin_head, run_git

REDACT = Redactor().redact


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"app.py": "x=1\n"})


def fix(repo: Repo) -> tuple[str, str]:
    """(the failed commit, the selfheal commit on top of it, unpushed)."""
    failed = repo.head()
    (repo.path / "app.py").write_text("x = 1\n")
    patch = Patch(engine="rules", files=["app.py"], summary=["ruff format app.py"])
    text = message(patch, 1, ["aa11"], None, Config())
    return failed, make_commit(repo.path, tree.candidate(repo.path), failed, text, Config())


def deliver(
    repo: Repo,
    where: str,
    failed: str,
    sha: str,
    url: str | None = "",
    patch_path: Path | None = None,
    redact: Callable[[str], str] = REDACT,
) -> Published | Stop:
    return publish(
        repo.path,
        where,
        str(repo.origin) if url == "" else url,
        "feature/x",
        failed,
        sha,
        patch_path or repo.path / DEFAULT_PATCH,
        redact,
    )


def origin_refs(repo: Repo) -> str:
    return run_git(repo.origin, "for-each-ref", "--format=%(refname) %(objectname)")


def skipped(result: Published | Stop) -> str:
    assert isinstance(result, Stop), f"pushed: {result}"
    assert result.outcome == "skipped"
    return result.reason


def test_push_mode_pushes_onto_the_failed_commit(repo: Repo) -> None:
    failed, sha = fix(repo)
    assert repo.origin_head() == failed
    assert deliver(repo, "push", failed, sha) == Published(pushed_ref="refs/heads/feature/x")
    assert repo.origin_head() == sha


def test_push_mode_refuses_when_someone_pushed_meanwhile(repo: Repo) -> None:
    failed, sha = fix(repo)
    theirs = repo.push_from_other_clone({"other.txt": "their work\n"})
    assert skipped(deliver(repo, "push", failed, sha)) == (
        f"the branch moved on: feature/x is no longer at the failed commit {failed[:7]}, "
        "so a newer build owns it; nothing pushed"
    )
    assert repo.origin_head() == theirs  # their work is intact, nothing of ours landed


def test_the_lease_holds_where_a_force_push_would_succeed(repo: Repo) -> None:
    # The remote accepts non-fast-forward updates, so a plain force push (or a +refspec) WOULD overwrite
    # the other person's commit here. Only the lease stands between our push and their work.
    run_git(repo.origin, "config", "receive.denyNonFastForwards", "false")
    failed, sha = fix(repo)
    # even a stale remote-tracking ref that still says `failed` does not fool the lease: it is explicit
    theirs = repo.push_from_other_clone({"other.txt": "their work\n"})
    assert repo.git("rev-parse", "refs/remotes/origin/feature/x").strip() == failed
    skipped(deliver(repo, "push", failed, sha))
    assert repo.origin_head() == theirs
    # the premise: this remote really would have taken a force push
    repo.git("push", "--quiet", "--force", "origin", f"{sha}:refs/heads/feature/x")
    assert repo.origin_head() == sha


def test_push_mode_refuses_when_the_branch_was_rewound(repo: Repo) -> None:
    # Someone reset the branch to an older commit: our commit would fast-forward it, so a plain push
    # would go through. The lease names the exact commit the build saw, and that is no longer there.
    run_git(repo.origin, "config", "receive.denyNonFastForwards", "false")
    failed, sha = fix(repo)
    older = repo.git("rev-parse", f"{failed}~1").strip()
    run_git(repo.origin, "update-ref", "refs/heads/feature/x", older)
    skipped(deliver(repo, "push", failed, sha))
    assert repo.origin_head() == older


def test_push_mode_refuses_when_the_branch_was_deleted(repo: Repo) -> None:
    failed, sha = fix(repo)
    repo.git("push", "--quiet", "origin", ":refs/heads/feature/x")
    skipped(deliver(repo, "push", failed, sha))
    assert repo.origin_head() is None


def test_the_lease_is_the_expected_commit_not_any_earlier_one(repo: Repo) -> None:
    # lease_push on its own: a new ref must not exist ("" expected), an existing one must be `expected`
    failed, sha = fix(repo)
    url = str(repo.origin)
    moved = "moved"
    assert lease_push(repo.path, url, sha, "refs/heads/new", "", REDACT, moved) == Published("refs/heads/new")
    assert lease_push(repo.path, url, failed, "refs/heads/new", "", REDACT, moved) == Stop("skipped", moved)
    assert origin_head(repo.origin, "new") == sha
    wrong = repo.git("rev-parse", f"{failed}~1").strip()
    assert lease_push(repo.path, url, sha, "refs/heads/feature/x", wrong, REDACT, moved) == Stop(
        "skipped", moved
    )
    assert repo.origin_head() == failed


def test_review_mode_pushes_a_new_review_branch(repo: Repo) -> None:
    failed, sha = fix(repo)
    name = review_branch("feature/x", failed)
    assert name == f"selfheal/feature/x-{failed[:7]}"
    assert deliver(repo, "review", failed, sha) == Published(pushed_ref=f"refs/heads/{name}")
    assert origin_head(repo.origin, name) == sha
    assert repo.origin_head() == failed  # the failing branch itself is left alone


@pytest.mark.parametrize("existing", ["ancestor", "diverged"])
def test_review_mode_never_overwrites_an_existing_review_branch(repo: Repo, existing: str) -> None:
    run_git(repo.origin, "config", "receive.denyNonFastForwards", "false")
    failed, sha = fix(repo)
    name = review_branch("feature/x", failed)
    # an ancestor would be fast-forwarded by a plain push; a diverged one overwritten by a force push
    earlier = failed if existing == "ancestor" else repo.push_from_other_clone({"earlier.txt": "proposal\n"})
    run_git(repo.origin, "update-ref", f"refs/heads/{name}", earlier)
    assert skipped(deliver(repo, "review", failed, sha)) == (
        f"the remote already has {name}: a fix for this build was proposed before; nothing pushed"
    )
    assert origin_head(repo.origin, name) == earlier


def test_patch_mode_writes_a_patch_that_applies_to_the_failed_commit_and_pushes_nothing(
    repo: Repo, tmp_path: Path
) -> None:
    failed, sha = fix(repo)
    before = origin_refs(repo)
    result = deliver(repo, "patch", failed, sha)
    patch_file = repo.path / ".selfheal" / "fix.patch"
    assert result == Published(pushed_ref=None, patch_file=str(patch_file))
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
    assert run_git(review, "log", "-1", "--format=%(trailers:key=Selfheal-Attempt,valueonly)").strip() == "1"


def test_patch_mode_needs_no_remote_and_honours_the_path(repo: Repo, tmp_path: Path) -> None:
    failed, sha = fix(repo)
    out = tmp_path / "out" / "my.patch"
    assert deliver(repo, "patch", failed, sha, url=None, patch_path=out) == Published(None, str(out))
    assert out.is_file() and not (repo.path / DEFAULT_PATCH).exists()


def test_a_planted_link_at_the_patch_path_is_replaced_not_followed(repo: Repo, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's file\n")
    _failed, sha = fix(repo)
    target = repo.path / DEFAULT_PATCH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(victim)  # planted by repository code that ran before delivery
    assert write_patch(repo.path, sha, target) == Published(None, str(target))
    assert victim.read_text() == "the user's file\n"
    assert not target.is_symlink() and "Selfheal-Attempt: 1" in target.read_text()


@pytest.mark.parametrize("where", ["push", "review"])
def test_without_a_url_nothing_is_pushed(repo: Repo, where: str) -> None:
    failed, sha = fix(repo)
    before = origin_refs(repo)
    assert deliver(repo, where, failed, sha, url=None) == Stop("escalated", "no remote URL to push to")
    assert origin_refs(repo) == before


def test_the_url_is_used_not_the_checkouts_remote(repo: Repo) -> None:
    # repository code can rewrite the checkout's remote; the URL was resolved before it ran
    failed, sha = fix(repo)
    repo.git("remote", "set-url", "--push", "origin", "/nonexistent/elsewhere.git")
    assert deliver(repo, "push", failed, sha) == Published(pushed_ref="refs/heads/feature/x")
    assert repo.origin_head() == sha


def test_a_failed_push_escalates_without_showing_the_token(repo: Repo) -> None:
    token = "planted-remote-secret-42"
    redact = Redactor.from_env({"SELFHEAL_GITLAB_TOKEN": token}).redact
    failed, sha = fix(repo)
    result = deliver(repo, "push", failed, sha, url=f"/nonexistent/oauth2/{token}/repo.git", redact=redact)
    assert isinstance(result, Stop) and result.outcome == "escalated"
    assert result.reason.startswith("push failed: fatal:")
    assert token not in result.reason and "[REDACTED]" in result.reason


def test_a_remote_that_rejects_the_push_escalates(repo: Repo) -> None:
    hook = repo.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected by policy' >&2\nexit 1\n")
    hook.chmod(0o755)
    failed, sha = fix(repo)
    result = deliver(repo, "push", failed, sha)
    assert isinstance(result, Stop) and result.outcome == "escalated"
    assert "remote rejected" in result.reason
    assert repo.origin_head() == failed


def recording_git(tmp_path: Path) -> tuple[Path, Path]:
    """A `git` first on PATH that logs each argv (one argument a line, a blank line after) and runs git."""
    real = shutil.which("git")
    assert real is not None
    bin_dir, log = tmp_path / "bin", tmp_path / "argv.log"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    wrapper.write_text(
        f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done >> {log}\necho >> {log}\nexec {real} "$@"\n'
    )
    wrapper.chmod(0o755)
    return bin_dir, log


def test_no_push_ever_carries_force(repo: Repo, tmp_path: Path) -> None:
    failed, sha = fix(repo)
    bin_dir, log = recording_git(tmp_path)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', os.defpath)}", "HOME": str(tmp_path)}
    with git.session(env, repo.path):
        assert isinstance(deliver(repo, "push", failed, sha), Published)
        assert isinstance(deliver(repo, "review", failed, sha), Published)
        assert isinstance(deliver(repo, "review", failed, failed), Stop)  # the lease refuses: it exists
    calls = [block.splitlines() for block in log.read_text().split("\n\n") if block.strip()]
    pushes = [argv for argv in calls if "push" in argv]
    assert len(pushes) == 3
    for argv in pushes:
        args = argv[argv.index("push") + 1 :]  # `-c` overrides come first; none of them is a push option
        assert "--force" not in args and "-f" not in args and "--force-with-lease" not in args, argv
        assert not any(a.startswith("+") for a in args), argv
        leases = [a for a in args if a.startswith("--force-with-lease=")]
        assert len(leases) == 1 and leases[0].startswith("--force-with-lease=refs/heads/"), argv
        assert not any("force" in a.lower() for a in argv[: argv.index("push")]), (
            argv
        )  # nor a config override


def test_an_unknown_delivery_is_a_programming_error_not_a_review_branch(repo: Repo) -> None:
    with pytest.raises(ValueError, match="unknown delivery 'pushh'"):
        publish(
            repo.path, "pushh", str(repo.origin), repo.branch, repo.head(), repo.head(), DEFAULT_PATCH, str
        )
    assert origin_head(repo.origin, review_branch(repo.branch, repo.head())) is None

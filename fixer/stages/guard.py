"""Rule 1 before any work: is this branch ours to fix, here and now?

Refuses (outcome `skipped`, with a short reason) tag builds, detached heads with no target branch,
protected branches, fork pull/merge requests, a checkout that is not the failed commit or holds changes of
its own, and a remote branch that has moved since the failed build: whoever pushed started a newer build,
and that build owns the branch now. The push stage checks the last point again, atomically, at the wire;
patch mode pushes nothing and needs no remote. The checkout's cleanliness is judged on the tree a commit
would take (`tree.candidate`), not on the index, whose flags repository code can set to hide a change.
"""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase
from pathlib import Path

from .. import git
from ..config import Config
from ..context import Facts, Stop
from . import tree


def target_branch(facts: Facts, config: Config, repo: Path) -> str | None:
    """The branch to fix: --branch / SELFHEAL_BRANCH, else the CI's, else the checkout's (local runs)."""
    return config.branch or facts.branch or git.current_branch(repo)


def protected_by(branch: str, facts: Facts, config: Config) -> str | None:
    """Why `branch` is protected (for the reason text), or None."""
    if facts.default_branch and branch == facts.default_branch:
        return "the default branch"
    for pattern in config.protected_branches:
        if fnmatchcase(branch, pattern):
            return "protected" if pattern == branch else f"protected by {pattern!r}"
    return None


def check(facts: Facts, config: Config, repo: Path, redact: Callable[[str], str]) -> Stop | None:
    """None when the fix loop may go on; else the Stop that ends the run as `skipped`."""
    if facts.tag:
        return Stop("skipped", f"tag build ({facts.tag}): only branches are fixed")
    branch = target_branch(facts, config, repo)
    if not branch:
        return Stop("skipped", "no branch: detached HEAD and no target branch given (--branch)")
    why = protected_by(branch, facts, config)
    if why:
        return Stop("skipped", f"branch {branch} is {why}")
    if facts.is_fork:
        what = f"pull request {facts.pull_request}" if facts.pull_request else "this pull request"
        return Stop("skipped", f"{what} comes from a fork: its branch is not ours to push to")
    if not facts.commit:
        return Stop("skipped", "the failed build's commit is unknown")
    failed = git.resolve(repo, facts.commit)
    head = git.resolve(repo, "HEAD")
    if failed is None:
        return Stop("skipped", f"the failed commit {git.short(facts.commit)} is not in this checkout")
    if head != failed:
        at = git.short(head) if head else "no commit"
        return Stop("skipped", f"checkout is at {at}, not the failed commit {git.short(failed)}")
    if tree.candidate(repo) != git.git(repo, "rev-parse", f"{failed}^{{tree}}").strip():
        # the fix would be mixed with someone's uncommitted work, and undoing a failed fix would lose it
        return Stop("skipped", "the checkout has uncommitted changes")
    if config.mode == "patch":
        return None  # nothing is pushed: where the remote is now does not matter
    return _remote_unmoved(repo, facts.remote_url, branch, failed, redact)


def _remote_unmoved(
    repo: Path, url: str | None, branch: str, failed: str, redact: Callable[[str], str]
) -> Stop | None:
    if not url:
        return Stop("skipped", f"no remote to push {branch} to (configure one, or use --mode patch)")
    try:
        now = git.remote_branch_head(repo, url, branch)
    except git.GitError as exc:
        # The remote's address may carry a token (https://user:token@host/…): never show stderr unredacted.
        return Stop(
            "skipped", f"cannot read branch {branch} from the remote: {redact(git.error_line(exc.stderr))}"
        )
    if now is None:
        return Stop("skipped", f"branch {branch} no longer exists on the remote")
    if now != failed:
        return Stop(
            "skipped",
            f"the remote's {branch} moved on to {git.short(now)} since the failed build "
            f"({git.short(failed)}): a newer build owns it",
        )
    return None

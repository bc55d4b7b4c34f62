"""Rule 1 at the wire: deliver the fix without ever overwriting someone else's work.

Every push goes to the URL resolved before any repository code ran (never to a remote name, whose URL the
checkout's configuration can rewrite) and carries an explicit lease (`--force-with-lease=<ref>:<expected>`):
the remote updates the ref only if it still points where the failed build saw it (or, for a new review
branch, does not exist yet). There is no plain `--force` and no `+refspec` anywhere in this module; a
refused lease is a skip, because a newer build owns the branch now. Patch mode writes a file and pushes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import git
from ..context import Stop
from ..safe_write import write_file

DEFAULT_PATCH = Path(".selfheal") / "fix.patch"


@dataclass(frozen=True)
class Published:
    pushed_ref: str | None  # e.g. refs/heads/feature/x; None in patch mode
    patch_file: str | None = None
    commit: str | None = None  # when the platform made its own commit of the fix (an API), its sha


def review_branch(branch: str, failed_sha: str) -> str:
    return f"selfheal/{branch}-{git.short(failed_sha)}"


def lease_push(
    repo: Path, url: str, sha: str, ref: str, expected: str, redact: Callable[[str], str], moved: str
) -> Published | Stop:
    """Pushes `sha` to `ref` at `url` iff the remote's `ref` is `expected` ("" = must not exist)."""
    args = [
        "push",
        "--porcelain",
        "--no-verify",
        f"--force-with-lease={ref}:{expected}",
        "--end-of-options",
        url,
        f"{sha}:{ref}",
    ]
    out = git.run(repo, *args, network=True)
    if out.code == 0:
        return Published(pushed_ref=ref)
    status = _ref_status(out.stdout, ref)
    if "stale info" in status or ("[rejected]" in status and "fetch first" in status):
        return Stop("skipped", moved)
    detail = status or git.error_line(out.stderr)
    return Stop("escalated", f"push failed: {redact(detail)}")


def _ref_status(porcelain: str, ref: str) -> str:
    """The porcelain line for our ref: `<flag>\t<from>:<to>\t<summary> (<reason>)`."""
    for line in porcelain.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1].endswith(f":{ref}"):
            return parts[2]
    return ""


def write_patch(repo: Path, sha: str, target: Path) -> Published:
    """The commit as a mail-formatted patch (`git am`/`git apply` read it; `selfheal deliver` too)."""
    write_file(target, git.output_bytes(repo, "format-patch", "-1", "--stdout", "--no-signature", sha))
    return Published(pushed_ref=None, patch_file=str(target))


def publish(
    repo: Path,
    where: str,
    url: str | None,
    branch: str,
    failed_sha: str,
    sha: str,
    patch_path: Path,
    redact: Callable[[str], str],
) -> Published | Stop:
    """where = push: to the failing branch; review: to a new selfheal/ branch; patch: a file, no push."""
    if where not in ("push", "review", "patch"):
        raise ValueError(f"unknown delivery {where!r}")
    if where == "patch":
        return write_patch(repo, sha, patch_path)
    if not url:
        return Stop("escalated", "no remote URL to push to")
    if where == "push":
        return lease_push(
            repo,
            url,
            sha,
            f"refs/heads/{branch}",
            failed_sha,
            redact,
            f"the branch moved on: {branch} is no longer at the failed commit "
            f"{git.short(failed_sha)}, so a newer build owns it; nothing pushed",
        )
    new = review_branch(branch, failed_sha)
    return lease_push(
        repo,
        url,
        sha,
        f"refs/heads/{new}",
        "",
        redact,
        f"the remote already has {new}: a fix for this build was proposed before; nothing pushed",
    )

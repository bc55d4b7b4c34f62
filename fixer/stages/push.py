"""Rule 1 at the wire: publish the fix without ever overwriting someone else's work.

Every push carries an explicit lease (`--force-with-lease=<ref>:<expected>`): the remote updates the ref
only if it still points where the failed build saw it (or, for a new review branch, does not exist yet).
The lease is checked by the remote against its own ref, so a push that lands between our guard and our
push still loses. There is no plain `--force` and no `+refspec` anywhere in this module; a refused lease
is a skip, because a newer build owns the branch now.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from emitter.redact import Redactor

from .. import git
from ..config import Config
from ..context import Stop

DEFAULT_PATCH = Path(".selfheal") / "fix.patch"


@dataclass(frozen=True)
class Published:
    pushed_ref: str | None  # e.g. origin:refs/heads/feature/x; None in patch mode
    patch_file: str | None = None


def review_branch(branch: str, failed_sha: str) -> str:
    return f"selfheal/{branch}-{git.short(failed_sha)}"


def _push_env() -> dict[str, str]:
    # The full environment: credential helpers and askpass programs the CI set up are how we authenticate.
    return {**os.environ, **git.NO_PROMPT}


def _lease_push(
    repo: Path, remote: str, ref: str, expected: str, redact: Callable[[str], str], moved: str
) -> Published | Stop:
    """Pushes HEAD to `ref` iff the remote's `ref` is `expected` ("" = must not exist)."""
    args = [
        "push",
        "--porcelain",
        "--no-verify",  # no pre-push hook: it would run with our tokens in its env
        f"--force-with-lease={ref}:{expected}",
        "--end-of-options",
        remote,
        f"HEAD:{ref}",
    ]
    out = git.run(repo, *args, env=_push_env())
    if out.code == 0:
        return Published(pushed_ref=f"{remote}:{ref}")
    status = _ref_status(out.stdout, ref)
    if "stale info" in status or ("[rejected]" in status and "fetch first" in status):
        return Stop("skipped", moved)
    detail = status or git.error_line(out.stderr)
    return Stop("escalated", f"push to {remote} failed: {redact(detail)}")


def _ref_status(porcelain: str, ref: str) -> str:
    """The porcelain line for our ref: `<flag>\t<from>:<to>\t<summary> (<reason>)`."""
    for line in porcelain.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1].endswith(f":{ref}"):
            return parts[2]
    return ""


def publish(
    repo: Path,
    mode: str,
    remote: str,
    branch: str,
    failed_sha: str,
    config: Config,
    patch_path: Path | str | None = None,
    redact: Callable[[str], str] | None = None,
) -> Published | Stop:
    """push: HEAD to the failing branch; branch: HEAD to a new selfheal/ branch; patch: a file, no push."""
    if redact is None:
        redact = Redactor.from_env(os.environ).redact
    if mode == "patch":
        target = Path(patch_path) if patch_path else DEFAULT_PATCH
        target = target if target.is_absolute() else Path(repo) / target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(git.output_bytes(repo, "format-patch", "-1", "--stdout", "HEAD"))
        return Published(pushed_ref=None, patch_file=str(target))
    if mode == "push":
        return _lease_push(
            repo,
            remote,
            f"refs/heads/{branch}",
            failed_sha,
            redact,
            f"the branch moved on: {remote}/{branch} is no longer at the failed commit "
            f"{git.short(failed_sha)}, so a newer build owns it; nothing pushed",
        )
    if mode == "branch":
        new = review_branch(branch, failed_sha)
        return _lease_push(
            repo,
            remote,
            f"refs/heads/{new}",
            "",
            redact,
            f"{remote} already has {new}: a fix for this build was proposed before; nothing pushed",
        )
    raise ValueError(f"unknown mode {mode!r}")

"""Rule 2: the loop is bounded, and the ledger is the branch itself.

No state lives outside git, so nothing can be lost or forged more easily than a commit. Each selfheal
commit carries `Selfheal-Attempt: N` and `Selfheal-Fingerprints: …` trailers. Read from the branch tip:

- attempt: the run of consecutive commits carrying the trailer at the tip (first-parent), whoever
  authored them; the first commit without it ends the run, so a human commit starts a fresh count;
- hard cap: all selfheal commits on the branch since its merge base with the default branch;
- progress: if what fails now overlaps what the tip selfheal commit claimed to fix, the fix did not hold.

Any of these ends the run as `escalated`: a human must look now; trying again would only loop.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .. import git
from ..config import Config
from ..context import Stop

ATTEMPT = "Selfheal-Attempt"
FINGERPRINTS = "Selfheal-Fingerprints"
# Bounds git's walk; a run longer than any sane max_attempts already means "escalate".
_RUN_LIMIT = 1000


def _number(value: str) -> int:
    match = re.match(r"\s*(\d{1,6})\b", value)
    return int(match.group(1)) if match else 0


def next_attempt(repo: Path, rev: str = "HEAD") -> int:
    """1 + the attempts already spent in the run of selfheal commits at the tip of `rev`.

    Spent is the larger of the run's length and the highest number in it: a squashed or rebased run
    never counts for less than it says, and a bogus number never counts for less than the commits there.
    """
    run = 0
    highest = 0
    for _sha, values in git.trailer_log(repo, rev, ATTEMPT, max_count=_RUN_LIMIT):
        if not values:
            break
        run += 1
        highest = max(highest, *(_number(v) for v in values))
    return max(run, highest) + 1


def base_ref(repo: Path, remote: str, base_branch: str | None) -> str | None:
    """The default branch as this checkout knows it: the remote-tracking ref first, then a local one."""
    names = [base_branch] if base_branch else ["main", "master"]
    for name in names:
        for ref in (f"refs/remotes/{remote}/{name}", f"refs/heads/{name}"):
            if git.resolve(repo, ref):
                return ref
    return None


def commits_since_base(repo: Path, rev: str, remote: str, base_branch: str | None) -> int:
    """Selfheal commits on `rev` not on the default branch (all reachable ones when it is not known:
    counting too many escalates early, counting too few would let the loop run on)."""
    base = base_ref(repo, remote, base_branch)
    exclude = git.merge_base(repo, rev, base) if base else None
    entries = git.trailer_log(repo, rev, ATTEMPT, exclude=exclude, first_parent=False)
    return sum(1 for _sha, values in entries if values)


def split_fingerprints(value: str) -> list[str]:
    return [fp for fp in re.split(r"[,\s]+", value) if fp]


def previous_fingerprints(repo: Path, rev: str = "HEAD") -> list[str]:
    """What the tip selfheal commit claimed to fix; empty when the tip is not a selfheal commit."""
    tip = git.trailer_log(repo, rev, ATTEMPT, max_count=1)
    if not tip or not tip[0][1]:
        return []
    sha = tip[0][0]
    claims = git.trailer_log(repo, sha, FINGERPRINTS, max_count=1)
    return [fp for value in claims[0][1] for fp in split_fingerprints(value)] if claims else []


def check(
    repo: Path,
    config: Config,
    failing_fingerprints: Iterable[str],
    base_branch: str | None,
    rev: str = "HEAD",
) -> tuple[int, Stop | None]:
    """(the attempt this run would be, a Stop("escalated", …) when the loop must end here)."""
    attempt = next_attempt(repo, rev)
    if attempt > config.max_attempts:
        reason = (
            f"attempt {attempt} would exceed max_attempts ({config.max_attempts}): "
            f"the last {attempt - 1} selfheal commits did not fix the build"
        )
        return attempt, Stop("escalated", reason)
    spent = commits_since_base(repo, rev, config.remote, base_branch)
    if spent >= config.max_commits_per_branch:
        return attempt, Stop(
            "escalated",
            f"{spent} selfheal commits on this branch already "
            f"(max_commits_per_branch {config.max_commits_per_branch})",
        )
    claimed = set(previous_fingerprints(repo, rev))
    again = sorted(claimed.intersection(failing_fingerprints))
    if again:
        return attempt, Stop(
            "escalated",
            f"no progress: the previous selfheal commit claimed to fix "
            f"{len(again)} of the problems failing now ({', '.join(again[:5])})",
        )
    return attempt, None

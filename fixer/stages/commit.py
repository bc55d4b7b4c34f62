"""One honest commit: exactly the guarded tree, the bot's identity, and the ledger's trailers.

The commit is made from the tree id the diff guard judged and verify ran on (`tree.candidate`), never
re-read from the working tree or the index, and only while HEAD is still the failed commit: if anything
moved HEAD in between (repository code committing on its own), there is nothing honest left to commit.
No hook runs (`git.py` switches them off for every command). In push and branch modes the checked-out
branch (or detached HEAD) then moves to the new commit, guarded by its old value; in patch mode nothing
moves: the commit only exists to be written out as a patch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .. import git
from ..config import Config
from ..context import Patch
from . import ledger

SUBJECT_MAX = 100


class CommitError(Exception):
    pass


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _subject(patch: Patch) -> str:
    items = [_one_line(s) for s in patch.summary if s.strip()]
    if len(items) == 1:
        text = items[0]
    else:
        what = f"{len(items)} problems" if items else "the failing check"
        text = f"fix {what} in {', '.join(patch.files[:3])}{' …' if len(patch.files) > 3 else ''}"
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


def message(
    patch: Patch,
    attempt: int,
    fingerprints: Sequence[str],
    build_url: str | None,
    config: Config,
    redact: Callable[[str], str] = lambda text: text,
) -> str:
    """Subject, body, then the trailer block last (git only parses trailers in the final paragraph)."""
    subject = redact(config.commit.message_prefix + _subject(patch))
    body = [f"Fixed by the {patch.engine} engine" + (f" after {build_url} failed:" if build_url else ":")]
    body += [f"- {_one_line(s)[:300]}" for s in patch.summary[:50] if s.strip()] or [
        f"- {f}" for f in patch.files[:50]
    ]
    trailer_block = "\n".join(ledger.trailers(attempt, fingerprints, build_url, patch.engine))
    return "\n\n".join([subject, redact("\n".join(body)), redact(trailer_block)]) + "\n"


def identity(config: Config) -> dict[str, str]:
    name, email = config.commit.author_name, config.commit.author_email
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def make_commit(repo: Path, tree: str, failed: str, text: str, config: Config, move_head: bool = True) -> str:
    """Commits `tree` on top of `failed`; returns the new commit's sha."""
    head = git.resolve(repo, "HEAD")
    if head != failed:
        raise CommitError(f"HEAD moved to {git.short(head or 'nothing')} after the fix was verified")
    if tree == git.git(repo, "rev-parse", f"{failed}^{{tree}}").strip():
        raise CommitError("the fix changes nothing: its tree is the failed commit's")
    sha = git.git(
        repo, "commit-tree", tree, "-p", failed, "-F", "-", input=text, env=identity(config)
    ).strip()
    if move_head:
        # Moves the checked-out branch (or a detached HEAD, as Buildkite checks out) only if HEAD is still `failed`.
        git.git(repo, "update-ref", "-m", "selfheal: commit fix", "HEAD", sha, failed)
        git.git(repo, "reset", "--quiet", "--mixed", "HEAD")  # the index follows; the tree already matches
    return sha

"""One honest commit: exactly the files the patch touched, the fixer's identity, and the ledger trailers.

The commit is built in a private index (`GIT_INDEX_FILE`) from HEAD plus the patch's files, so nothing
else that happens to be staged or lying in the working tree can ride along, and no hook from the
repository runs (hooks would see the fixer's full environment, tokens included). HEAD then moves with
`update-ref` guarded by its old value.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import git
from ..config import Config
from ..context import Patch
from .ledger import ATTEMPT, FINGERPRINTS

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
    body += [f"- {_one_line(s)}" for s in patch.summary if s.strip()] or [f"- {f}" for f in patch.files]
    trailers = [f"{ATTEMPT}: {attempt}"]
    if fingerprints:
        trailers.append(f"{FINGERPRINTS}: {','.join(_one_line(fp) for fp in fingerprints)}")
    if build_url:
        trailers.append(f"Selfheal-Build: {_one_line(build_url)}")
    trailers.append(f"Selfheal-Engine: {_one_line(patch.engine)}")
    return "\n\n".join([subject, redact("\n".join(body)), redact("\n".join(trailers))]) + "\n"


def make_commit(
    repo: Path,
    patch: Patch,
    attempt: int,
    fingerprints: Sequence[str],
    build_url: str | None,
    config: Config,
    redact: Callable[[str], str] = lambda text: text,
) -> str:
    """Commits the patch's files on top of HEAD; returns the new commit's sha."""
    if not patch.files:
        raise CommitError("the patch touched no files: nothing to commit")
    old = git.resolve(repo, "HEAD")
    if old is None:
        raise CommitError("HEAD is not a commit")
    identity = {
        "GIT_AUTHOR_NAME": config.commit.author_name,
        "GIT_AUTHOR_EMAIL": config.commit.author_email,
        "GIT_COMMITTER_NAME": config.commit.author_name,
        "GIT_COMMITTER_EMAIL": config.commit.author_email,
        "GIT_LITERAL_PATHSPECS": "1",  # a file named ':(glob)**' is a file, not a pattern
    }
    with tempfile.TemporaryDirectory(prefix="selfheal-index-") as tmp:
        env = {**os.environ, **identity, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git.git(repo, "read-tree", old, env=env)
        git.git(repo, "add", "--all", "--", *patch.files, env=env)
        tree = git.git(repo, "write-tree", env=env).strip()
    if tree == git.git(repo, "rev-parse", f"{old}^{{tree}}").strip():
        raise CommitError(f"the patch's files are unchanged from HEAD: {', '.join(patch.files[:5])}")
    text = message(patch, attempt, fingerprints, build_url, config, redact)
    env = {**os.environ, **identity}
    sha = git.git(repo, "commit-tree", tree, "-p", old, "-F", "-", input=text, env=env).strip()
    # Moves the checked-out branch (or a detached HEAD, as Buildkite checks out) only if HEAD is still `old`.
    git.git(repo, "update-ref", "-m", "selfheal: commit fix", "HEAD", sha, old)
    # The real index follows the new HEAD; the working tree is left exactly as it is.
    git.git(repo, "reset", "--quiet", "--mixed", "HEAD")
    return sha

"""Which repository files an engine may read and which it may write: the one owner of that policy.

- Secret-bearing files (`secret` globs: `.env*`, keys, `.npmrc`, cloud credentials, Terraform state …) are
  never read: their text would travel to the model's API. Matched case-insensitively, at any depth.
- Protected files (the diff guard's globs: CI configuration, lockfiles, manifests …) are never written.
- The fixer's own state (`.selfheal/`) and git's (`.git/`) are neither read nor written, at any depth.
- A git-ignored file is never written: a change git would not commit cannot be part of a fix, and a fix
  that passes only because of one would fail in a fresh clone.

Globs are gitignore-like (see `glob_regex`); patterns only ever add protection (there is no negation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

OFF_LIMITS = (".git", ".selfheal")  # directory names an engine never reads or writes, at any depth


@lru_cache(maxsize=1024)
def glob_regex(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    """A glob as a regex to fullmatch against repo-relative POSIX paths.

    gitignore-like: `**/` any depth, `/**` everything below, `*` and `?` within one segment, `[a-z]`/`[!x]`
    classes. A pattern without a slash (but a trailing one) matches the name at any depth (`.env` covers
    `api/.env`); one with a slash is anchored at the root (`.github/workflows/**` does not match
    `vendor/x/.github/workflows/ci.yml`, which GitHub never reads); a pattern naming a directory covers
    what is inside. No `!` negation, so extra patterns only protect more.
    """
    pat = pattern.strip()
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    out, i = [], 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif pat[i] in "*?":
            out.append("[^/]*" if pat[i] == "*" else "[^/]")
            i += 1
        elif pat[i] == "[" and "]" in pat[i + 2 :]:
            end = pat.index("]", i + 2)
            body = pat[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(pat[i]))
            i += 1
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(("" if anchored else "(?:.*/)?") + "".join(out) + "(?:/.*)?", flags)


def matched_by(path: str, patterns: Iterable[str], ignore_case: bool = False) -> str | None:
    """The first pattern that covers `path`, or None."""
    for pattern in patterns:
        if pattern.strip() and glob_regex(pattern, ignore_case).fullmatch(path):
            return pattern
    return None


def off_limits(path: str) -> str | None:
    """`.git` or `.selfheal` when the path is inside either (compared case-insensitively), else None."""
    for part in PurePosixPath(path).parts:
        if part.lower() in OFF_LIMITS:
            return part
    return None


@dataclass(frozen=True)
class FilePolicy:
    protected: tuple[str, ...] = ()
    secret: tuple[str, ...] = ()
    # Tells whether a repo-relative path is ignored by git (and not tracked); by default nothing is.
    ignored: Callable[[str], bool] = field(default=lambda path: False)

    def read_refusal(self, path: str) -> str | None:
        """Why an engine may not read `path` (the reason is shown to the model), or None."""
        part = off_limits(path)
        if part:
            return f"the {part} directory is off limits"
        pattern = matched_by(path, self.secret, ignore_case=True)
        if pattern:
            return f"it may hold secrets (matches {pattern!r}); secret-bearing files are never read"
        return None

    def write_refusal(self, path: str) -> str | None:
        """Why an engine may not change or create `path`, or None."""
        why = self.read_refusal(path)
        if why:
            return why
        pattern = matched_by(path, self.protected)
        if pattern:
            return f"protected path (matches {pattern!r}); it may not be changed"
        if self.ignored(path):
            return "git ignores it, so a change there would not be part of the fix"
        return None

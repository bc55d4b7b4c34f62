"""Thin wrappers over the git CLI. Every call names the repository; nothing reads the caller's cwd."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    def __init__(self, args: list[str], code: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)} failed ({code}): {stderr.strip()[:500]}")
        self.code = code
        self.stderr = stderr


def git(
    repo: Path | str,
    *args: str,
    check: bool = True,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args],
        input=input,
        capture_output=True,
        text=True,
        errors="replace",  # file names and diffs in any encoding must not crash the loop
        check=False,
        env=env,
    )
    if check and proc.returncode != 0:
        raise GitError(list(args), proc.returncode, proc.stderr)
    return proc.stdout


def head(repo: Path | str) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def current_branch(repo: Path | str) -> str | None:
    name = git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
    return name or None


def diff_text(repo: Path | str) -> str:
    """The working tree against HEAD, new files included (intent-to-add), as a unified diff."""
    untracked = git(repo, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    untracked = [u for u in untracked if u]
    if untracked:
        git(repo, "add", "--intent-to-add", "--", *untracked)
    return git(repo, "diff", "HEAD", "--no-color", "--no-ext-diff", "--binary")


def changed_files(repo: Path | str) -> list[str]:
    out = git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    files = []
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        if not entry:
            i += 1
            continue
        status, path = entry[:2], entry[3:]
        files.append(path)
        if "R" in status or "C" in status:
            i += 1  # the rename's source path follows
        i += 1
    return files


def untracked(repo: Path | str) -> frozenset[str]:
    """Untracked files that are not ignored, repository-relative."""
    out = git(repo, "ls-files", "--others", "--exclude-standard", "-z")
    return frozenset(p for p in out.split("\0") if p)


def reset_hard(repo: Path | str) -> None:
    """Throws away an engine's edits before the next engine tries: tracked files back at HEAD and the
    untracked files it created removed (files set aside by `untracked_set_aside` are not touched)."""
    git(repo, "reset", "--hard", "--quiet", "HEAD")
    git(repo, "clean", "-fd", "--quiet")


@contextmanager
def untracked_set_aside(repo: Path | str) -> Iterator[frozenset[str]]:
    """While the loop runs, untracked files that were already there (a developer's notes in a local
    checkout, a downloaded artifact) are ignored by git through .git/info/exclude: no diff, patch, diff
    guard or clean-up sees them. The exclude file is put back as it was afterwards."""
    existing = untracked(repo)
    info = _info_exclude(repo)
    before = info.read_bytes() if info.exists() else None
    if existing:
        info.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join("/" + _glob_escape(p) + "\n" for p in sorted(existing))
        info.write_bytes(
            (before or b"") + (b"\n" if before and not before.endswith(b"\n") else b"") + lines.encode()
        )
    try:
        yield existing
    finally:
        if existing:
            if before is None:
                info.unlink(missing_ok=True)
            else:
                info.write_bytes(before)


def _info_exclude(repo: Path | str) -> Path:
    info = Path(git(repo, "rev-parse", "--git-path", "info/exclude").strip())
    return info if info.is_absolute() else Path(repo) / info


def _glob_escape(path: str) -> str:
    escaped = "".join("\\" + c if c in "*?[\\" else c for c in path)
    return "\\" + escaped if escaped[:1] in ("!", "#") else escaped


# --- added for the guard, ledger, commit and push stages -------------------------------------------------

# Network-facing calls must fail rather than wait for a password prompt that nobody in CI will answer.
# (Askpass programs and credential helpers the CI configured keep working: they are how it authenticates.)
NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}


def resolve(repo: Path | str, rev: str) -> str | None:
    """The full sha of `rev` as a commit, or None when the repository does not have it."""
    out = git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    return out.strip() or None


def short(sha: str) -> str:
    return sha[:7]


def remote_branch_head(
    repo: Path | str, remote: str, branch: str, env: dict[str, str] | None = None
) -> str | None:
    """Where `branch` is on the remote now (not the possibly stale remote-tracking ref); None if absent."""
    ref = f"refs/heads/{branch}"
    out = git(repo, "ls-remote", "--end-of-options", remote, ref, env=env)
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        # ls-remote patterns match the tail of a ref name, so refs/heads/a/refs/heads/x would match too
        if name == ref:
            return sha
    return None


def merge_base(repo: Path | str, a: str, b: str) -> str | None:
    out = git(repo, "merge-base", "--end-of-options", a, b, check=False)
    return out.strip() or None


def trailer_log(
    repo: Path | str,
    rev: str,
    key: str,
    exclude: str | None = None,
    first_parent: bool = True,
    max_count: int | None = None,
) -> list[tuple[str, list[str]]]:
    """(sha, values of trailer `key`) for each commit from `rev` back, newest first.

    Only the trailer block counts (git's own parser): a message that merely mentions the key does not.
    """
    fmt = f"%H%x00%(trailers:key={key},valueonly,unfold,separator=%x1f)%x1e"
    args = ["log", f"--format={fmt}"]
    if first_parent:
        args.append("--first-parent")
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    args += ["--end-of-options", rev]
    if exclude:
        args.append(f"^{exclude}")
    out = git(repo, *args)
    entries = []
    for chunk in out.split("\x1e"):
        chunk = chunk.strip("\n")
        if not chunk:
            continue
        sha, _, values = chunk.partition("\0")
        entries.append((sha, [v.strip() for v in values.split("\x1f") if v.strip()]))
    return entries


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run(repo: Path | str, *args: str, env: dict[str, str] | None = None) -> Result:
    """Like `git(…, check=False)`, keeping exit code and stderr for callers that tell failures apart."""
    argv = ["git", "-C", str(repo), *args]
    proc = subprocess.run(argv, capture_output=True, text=True, errors="replace", check=False, env=env)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def output_bytes(repo: Path | str, *args: str) -> bytes:
    """Raw stdout, for content that need not be valid UTF-8 (patches of latin-1 files)."""
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if proc.returncode != 0:
        raise GitError(list(args), proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc.stdout


def error_line(stderr: str, limit: int = 300) -> str:
    """The line of git's stderr that says what went wrong (the first fatal/error), not the boilerplate after.

    May contain a remote's address with credentials in it: callers redact before showing it.
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line[:limit]
    return lines[-1][:limit] if lines else "git failed"


def exclude_locally(repo: Path | str, pattern: str) -> None:
    """Adds `pattern` to .git/info/exclude (never committed): our own reports must not count as changes."""
    info = _info_exclude(repo)
    existing = info.read_text().splitlines() if info.exists() else []
    if pattern not in existing:
        info.parent.mkdir(parents=True, exist_ok=True)
        with info.open("a", encoding="utf-8") as fh:
            fh.write(("\n" if existing and existing[-1] else "") + pattern + "\n")

"""What is pushed is what was verified (trust model).

- `Others.take` before an engine runs: every untracked and ignored file, with its size and mtime.
- `drop_new_ignored` after the engine: ignored files that appeared during its session (written by the
  check it ran, or by code it wrote and took back) are removed, so the final verify sees exactly the
  state before the engine plus the candidate — a fix cannot pass because of a file a commit leaves out.
- `candidate` is the working tree as a commit would take it (a private index from HEAD plus `add --all`,
  so the real index, which repository code can doctor, plays no part): the diff guard judges this tree,
  verify runs on it, and the commit is made from this very tree id.
- `drift`, immediately before the commit: the working tree must still be that tree, byte for byte; if
  verify changed a file or left a new one, the fix is rejected and the tree restored (`restore`).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import git


@dataclass(frozen=True)
class Others:
    """Untracked and ignored files (paths relative to the repository) with (size, mtime_ns)."""

    files: dict[str, tuple[int, int]]

    @classmethod
    def take(cls, repo: Path) -> Others:
        # no --exclude-standard: ignored files are listed too, each one, also inside ignored directories
        out = git.output_bytes(repo, "ls-files", "--others", "-z")
        files: dict[str, tuple[int, int]] = {}
        for raw in out.split(b"\0"):
            if not raw:
                continue
            rel = os.fsdecode(raw)
            try:
                st = os.lstat(repo / rel)
            except OSError:
                continue
            files[rel] = (st.st_size, st.st_mtime_ns)
        return cls(files)


def _ignored(repo: Path, paths: list[str]) -> set[str]:
    """Which of `paths` git ignores (check-ignore exits 1 when none is: not an error here)."""
    if not paths:
        return set()
    names = b"".join(os.fsencode(p) + b"\0" for p in paths)
    try:
        out = git.output_bytes(repo, "check-ignore", "-z", "--stdin", input=names)
    except git.GitError as exc:
        if exc.code == 1:
            return set()
        raise
    return {os.fsdecode(p) for p in out.split(b"\0") if p}


def drop_new_ignored(repo: Path, before: Others) -> list[str]:
    """Deletes ignored files that did not exist in `before`; returns their paths (never a file of the
    user's: those are all in `before`)."""
    now = Others.take(repo)
    new = sorted(set(now.files) - set(before.files))
    removed = []
    for rel in sorted(_ignored(repo, new)):
        try:
            os.unlink(repo / rel)  # unlink never follows a symlink: only the link itself goes
            removed.append(rel)
        except OSError:
            continue
    for rel in removed:  # folders that held nothing but what was removed
        parent = (repo / rel).parent
        while parent != repo and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed


def candidate(repo: Path) -> str:
    """The tree id of the working tree as `git add --all` would commit it (ignored files left out)."""
    with tempfile.TemporaryDirectory(prefix="selfheal-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git.git(repo, "read-tree", "HEAD", env=env)
        git.git(repo, "add", "--all", "--", ".", env=env)
        return git.git(repo, "write-tree", env=env).strip()


def drift(repo: Path, guarded: str) -> str | None:
    """Why the working tree is no longer the guarded tree, or None when it still is."""
    now = candidate(repo)
    if now == guarded:
        return None
    names = git.git(repo, "diff", "--name-only", "--no-renames", "-z", guarded, now, "--").split("\0")
    changed = [n for n in names if n]
    listed = ", ".join(changed[:5]) + (f" (and {len(changed) - 5} more)" if len(changed) > 5 else "")
    return f"the tree changed after it was guarded: {listed or 'tree differs'}"


def restore(repo: Path, before: Others) -> None:
    """Back to HEAD: tracked files reset, new untracked files and new ignored ones removed."""
    git.reset_hard(repo)
    drop_new_ignored(repo, before)

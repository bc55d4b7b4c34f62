"""What a candidate fix changes, read by git from two trees: HEAD and the candidate (`tree.candidate`).

Tree to tree, so neither the index (whose assume-unchanged and skip-worktree bits repository code can set)
nor the engine's own account of its work can hide a change. Renames are detected; every switch that a
user's or repository's setting could flip (prefixes, colour, external diff, textconv, relative paths) is
given explicitly, so what is parsed here is always git's plain format.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import git
from ..context import Change

_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_SWITCHES = (
    "-M",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--ignore-submodules=none",
)
_PREFIXES = ("--src-prefix=a/", "--dst-prefix=b/")


@dataclass
class _Lines:
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _unquote(name: str) -> str:
    """git C-quotes unusual paths ("a\\"b", octal bytes): the same escapes as Python's escape codec."""
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return _decode(codecs.escape_decode(name[1:-1].encode("utf-8", "surrogateescape"))[0])
    return name


def _header_path(text: str, prefix: str) -> str | None:
    name = _unquote(text.rstrip("\t"))  # git ends a name holding spaces with a tab
    return None if name == "/dev/null" else name.removeprefix(prefix)


def _diff(repo: Path, base: str, tree: str, *args: str) -> bytes:
    return git.output_bytes(
        repo, "-c", "core.quotePath=off", "diff", *_SWITCHES, *_PREFIXES, *args, base, tree, "--"
    )


def _lines_by_file(repo: Path, base: str, tree: str) -> dict[str, _Lines]:
    """Removed and added lines per file (the new path for renames, the old one for deletions)."""
    files: dict[str, _Lines] = {}
    old: str | None = None
    current: _Lines | None = None
    rows = _decode(_diff(repo, base, tree, "-U0")).split("\n")
    i = 0
    while i < len(rows):
        row = rows[i]
        i += 1
        if row.startswith("diff --git "):
            old, current = None, None
        elif row.startswith("--- "):
            old = _header_path(row[4:], "a/")
        elif row.startswith("+++ "):
            current = files.setdefault(_header_path(row[4:], "b/") or old or "", _Lines())
        elif current is not None and (hunk := _HUNK.match(row)):
            # the hunk header says how many lines follow: consume exactly those, so a removed line that
            # reads "-- a/x" can never pass for a file header
            todo = {"-": int(hunk[1] or 1), "+": int(hunk[2] or 1)}
            while i < len(rows) and (todo["-"] or todo["+"]):
                body, i = rows[i], i + 1
                if body[:1] in todo and todo[body[:1]]:
                    todo[body[:1]] -= 1
                    (current.removed if body[0] == "-" else current.added).append(body[1:])
                elif not body.startswith("\\"):  # "\ No newline at end of file" sits between the lines
                    break
    return files


def _status(repo: Path, base: str, tree: str) -> list[tuple[str, list[str]]]:
    """[(status letter, paths)] from --name-status: one path, or two (source, destination) for a rename."""
    fields = _decode(_diff(repo, base, tree, "--name-status", "-z")).split("\0")
    status: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(fields) and fields[i]:
        letter = fields[i][0]
        width = 2 if letter in "RC" else 1
        status.append((letter, fields[i + 1 : i + 1 + width]))
        i += 1 + width
    return status


def _binary(repo: Path, base: str, tree: str) -> set[str]:
    """Paths git's numstat calls binary ("-" counts)."""
    fields = _decode(_diff(repo, base, tree, "--numstat", "-z")).split("\0")
    found: set[str] = set()
    i = 0
    while i < len(fields) and fields[i]:
        added, _deleted, path = fields[i].split("\t", 2)
        if not path:  # a rename: the two paths follow as fields of their own
            path, i = fields[i + 2], i + 2
        if added == "-":
            found.add(path)
        i += 1
    return found


def changes(repo: Path, tree: str, base: str = "HEAD") -> list[Change]:
    """Every file that differs between `base` and `tree`, with its added and removed lines."""
    lines = _lines_by_file(repo, base, tree)
    binary = _binary(repo, base, tree)
    result = []
    for letter, paths in _status(repo, base, tree):
        path = paths[-1]
        got = lines.get(path, _Lines())
        result.append(
            Change(
                path=path,
                status=letter,
                old_path=paths[0] if len(paths) == 2 else None,
                added=tuple(got.added),
                removed=tuple(got.removed),
                binary=path in binary,
                added_bytes=sum(len(x.encode()) + 1 for x in got.added),
                removed_bytes=sum(len(x.encode()) + 1 for x in got.removed),
            )
        )
    return result

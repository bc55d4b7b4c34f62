"""Report files given by glob (`--junit`, `--sarif`, `--input KIND=GLOB`): only those written during this run
count (a stale report from an earlier run must never produce records). Light: used before the wrapped
command starts."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Mapping


def snapshot(patterns: Iterable[str]) -> dict[str, int]:
    """mtime of every file the globs match now, so that only files written afterwards count."""
    seen: dict[str, int] = {}
    for path in _expand(patterns):
        try:
            seen[path] = os.stat(path).st_mtime_ns
        except OSError:
            continue
    return seen


def _expand(patterns: Iterable[str]) -> list[str]:
    found: dict[str, None] = {}
    for pattern in patterns:
        for path in sorted(glob.glob(pattern, recursive=True)):
            if os.path.isfile(path):
                found[path] = None
    return list(found)


def fresh_files(patterns: Iterable[str], before: Mapping[str, int] | None) -> list[str]:
    """Files matching the globs; with `before`, only those created or modified since that snapshot."""
    files = _expand(patterns)
    if before is None:
        return files
    fresh = []
    for path in files:
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            continue
        if before.get(path) != mtime:
            fresh.append(path)
    return fresh


def fresh_by_kind(
    patterns: Iterable[tuple[str, str]], before: Mapping[str, int] | None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """((kind, file) for every fresh file, each once; (kind, glob) for every glob that matched none).

    A file matched by globs of two kinds is read as the first kind that names it."""
    files: dict[str, str] = {}
    missing = []
    for kind, pattern in patterns:
        found = fresh_files([pattern], before)
        if not found:
            missing.append((kind, pattern))
        for path in found:
            files.setdefault(path, kind)
    return [(kind, path) for path, kind in files.items()], missing

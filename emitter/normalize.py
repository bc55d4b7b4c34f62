"""Paths made repo-relative and POSIX, positions made 1-based, messages cleaned.

Tools print paths every way there is: absolute, `./x`, `file://` URIs, Windows separators, relative to a
`make -C` directory, or absolute inside a container whose checkout lives elsewhere. The raw path is kept
on the record; `file` is what the repository calls it, or the cleaned raw path when it is outside.
"""

from __future__ import annotations

import os
import posixpath
from urllib.parse import unquote, urlparse

ROOT_VARS = ("SELFHEAL_ROOT", "CI_PROJECT_DIR", "BUILDKITE_BUILD_CHECKOUT_PATH", "GITHUB_WORKSPACE")


def find_root(cwd: str | None = None, env: dict[str, str] | None = None) -> str:
    """The repository root: CI's checkout directory, else the nearest folder holding `.git`, else cwd."""
    env = dict(os.environ) if env is None else env
    for var in ROOT_VARS:
        if env.get(var):
            return os.path.realpath(env[var])
    here = os.path.realpath(cwd or os.getcwd())
    probe = here
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return here
        probe = parent


class PathResolver:
    def __init__(self, root: str, cwd: str | None = None) -> None:
        self.root = os.path.realpath(root)
        self.cwd = os.path.realpath(cwd or os.getcwd())
        self._cache: dict[tuple[str, str | None], str] = {}

    def resolve(self, raw: str, tool_cwd: str | None = None) -> str:
        key = (raw, tool_cwd)
        if key not in self._cache:
            self._cache[key] = self._resolve(raw, tool_cwd)
        return self._cache[key]

    def _resolve(self, raw: str, tool_cwd: str | None) -> str:
        path = raw.strip().strip("\"'")
        if path.startswith("file:"):
            path = unquote(urlparse(path).path)
        path = path.replace("\\", "/")
        if len(path) > 2 and path[1] == ":" and path[0].isalpha():  # C:/… from a Windows agent
            return posixpath.normpath(path)
        if not path.startswith("/"):
            base = self.cwd
            if tool_cwd:
                base = os.path.join(self.cwd, tool_cwd)
            path = os.path.join(base, path)
        path = posixpath.normpath(path)
        real = os.path.realpath(path) if os.path.exists(path) else path
        for candidate in (real, path):
            rel = _relative_to(candidate, self.root)
            if rel is not None:
                return rel
        return self._by_suffix(path) or path

    def _by_suffix(self, path: str) -> str | None:
        """An absolute path from another checkout (a container, a cache): the longest tail that exists here."""
        parts = path.strip("/").split("/")
        bases = [self.root] if self.cwd == self.root else [self.cwd, self.root]
        for i in range(1, len(parts)):
            tail = "/".join(parts[i:])
            for base in bases:
                candidate = os.path.join(base, tail)
                if os.path.isfile(candidate):
                    return _relative_to(os.path.realpath(candidate), self.root) or tail
        return None


def _relative_to(path: str, root: str) -> str | None:
    if path == root:
        return "."
    prefix = root.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else None


def clean_message(message: str) -> str:
    return "\n".join(line.rstrip() for line in message.strip().splitlines())


def one_based(value: int | None, base: int) -> int | None:
    if value is None:
        return None
    value = value + (1 - base)
    return value if value >= 1 else 1

"""Paths made repo-relative and POSIX, positions made 1-based, messages cleaned.

Tools print paths every way there is: absolute, `./x`, `file://` URIs, Windows separators, relative to a
`make -C` directory, relative to a subdirectory the step `cd`-ed into, relative to a build directory
(`../../lib/x.h`), or absolute inside a container whose checkout lives elsewhere. `PathResolver.locate`
gives what the repository calls the file, or None: a record never points outside the repository (its
`raw_file` keeps what the tool printed). In order:

1. a Go package the tool named (`# example.com/svc/pkg` above `go build`'s lines, passed on as the hit's
   cwd `go-package:example.com/svc/pkg`): the module paths of the `go.mod` files under the root map it to
   a folder, and go's files are that folder's own;
2. the path as given, against selfheal's working directory (and make's current directory): when it lies
   inside the root, that is the answer — if no such file exists, the one file with that relative path one
   or two folders down (`cd web && tsc` prints `src/app.ts` for `web/src/app.ts`) is taken instead;
3. outside the root (`../../lib/x.h`, `/app/src/x.py` from a container, `C:\\agent\\repo\\x.cs`): the
   longest tail of it that exists in the repository, unless the path is a library's (site-packages,
   node_modules, /usr/…, Go's module cache…);
4. else None (and for a URL of any scheme but file:).
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlparse

ROOT_VARS = ("SELFHEAL_ROOT", "CI_PROJECT_DIR", "BUILDKITE_BUILD_CHECKOUT_PATH", "GITHUB_WORKSPACE")
# A hit's cwd that names a Go package instead of a directory (emitter/parsers/go.py sets it).
GO_PACKAGE = "go-package:"
# Folders never searched: dependencies, VCS data, build caches.
SKIP_DIRS = frozenset({"node_modules", "vendor", "testdata", "__pycache__", "target", "site-packages"})
MAX_WALK = 20_000  # folders visited looking for go.mod files
MAX_BELOW = 256  # folders one or two levels down tried for a relative path that does not exist
# Paths of code a tool brought along: never mapped onto the repository by their tail.
LIBRARY = re.compile(
    r"(?:^|/)(?:site-packages|dist-packages|node_modules|\.cargo|\.rustup|rustc|go/pkg/mod|\.m2|\.gradle"
    r"|hostedtoolcache|Program Files(?: \(x86\))?)/"
    r"|^/(?:usr|opt|nix|Library|System|Applications)/|^/lib(?:64)?/|/lib/python\d"
)
_URL = re.compile(r"^[A-Za-z][\w+.-]+://")
_GO_MODULE = re.compile(r"^\s*module\s+\"?([^\s\"]+)")


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


CACHE_PATHS = 20_000


class PathResolver:
    """Resolves the paths of one report; caches every answer and what it learned of the tree."""

    def __init__(self, root: str, cwd: str | None = None) -> None:
        self.root = os.path.realpath(root)
        self.cwd = os.path.realpath(cwd or os.getcwd())
        self._cache: dict[tuple[str, str | None], str | None] = {}
        self._modules: list[tuple[str, str]] | None = None
        self._below: list[str] | None = None

    def locate(self, raw: str, tool_cwd: str | None = None) -> str | None:
        """The repository's name for the file (POSIX, relative to the root), or None when it is not in it."""
        key = (raw, tool_cwd)
        if key not in self._cache:
            if len(self._cache) >= CACHE_PATHS:  # a log naming millions of files must not hold them all
                self._cache.clear()
            self._cache[key] = self._locate(raw, tool_cwd)
        return self._cache[key]

    def resolve(self, raw: str, tool_cwd: str | None = None) -> str:
        """`locate`, or the cleaned raw path when the file is outside the repository (for display only)."""
        return self.locate(raw, tool_cwd) or posixpath.normpath(_clean(raw))

    def _locate(self, raw: str, tool_cwd: str | None) -> str | None:
        path = _clean(raw)
        if not path or _URL.match(path):  # https://…, vscode://…: a SARIF location that is no file here
            return None
        if tool_cwd and tool_cwd.startswith(GO_PACKAGE):
            found = self._in_go_package(tool_cwd[len(GO_PACKAGE) :], path)
            if found is not None:
                return found
            tool_cwd = None
        if _is_windows(path):  # C:/… from a Windows agent: never under a POSIX root
            return None if LIBRARY.search(path) else self._by_suffix(path)
        relative = not path.startswith("/")
        if relative:
            base = os.path.join(self.cwd, tool_cwd) if tool_cwd else self.cwd
            path = os.path.join(base, path)
        path = posixpath.normpath(path)
        exists = os.path.exists(path)
        real = os.path.realpath(path) if exists else path
        for candidate in (real, path):
            rel = _relative_to(candidate, self.root)
            if rel is not None:
                return rel if exists or not relative else (self._one_below(rel) or rel)
        if LIBRARY.search(_clean(raw) if relative else path):
            return None
        return self._by_suffix(path)

    # -- Go packages ------------------------------------------------------------------------------------
    def _in_go_package(self, package: str, path: str) -> str | None:
        """A file of a Go package is in the package's folder: module folder + the import path's rest;
        without a go.mod that knows the package (GOPATH, a log read elsewhere), the folder whose path
        ends like the import path."""
        name = posixpath.basename(path)
        for module, folder in self._go_modules():
            if package == module or package.startswith(module + "/"):
                rest = package[len(module) :].strip("/")
                candidate = posixpath.join(folder, rest, name).removeprefix("./")
                if os.path.isfile(os.path.join(self.root, candidate)):
                    return candidate
        return self._by_suffix(f"/{package}/{name}", least=2)

    def _go_modules(self) -> list[tuple[str, str]]:
        """(module path, folder relative to the root) of every go.mod under the root, longest module first."""
        if self._modules is None:
            found: list[tuple[str, str]] = []
            for folder, _dirs, files in walk(self.root, SKIP_DIRS, MAX_WALK):
                if "go.mod" in files:
                    module = _module_path(os.path.join(folder, "go.mod"))
                    if module:
                        found.append((module, _relative_to(folder, self.root) or "."))
            self._modules = sorted(found, key=lambda m: -len(m[0]))
        return self._modules

    # -- paths that do not exist where they were said to be ---------------------------------------------
    def _one_below(self, rel: str) -> str | None:
        """The one folder one or two levels down holding `rel`: the step ran `cd` into it."""
        if rel.startswith("../") or rel == "." or not posixpath.basename(rel):
            return None
        matches = [
            f"{d}/{rel}" for d in self._folders_below() if os.path.isfile(os.path.join(self.root, d, rel))
        ]
        return matches[0] if len(matches) == 1 else None

    def _folders_below(self) -> list[str]:
        if self._below is None:
            below: list[str] = []
            level = [""]
            for _ in range(2):
                deeper = []
                for parent in level:
                    for name in _subfolders(os.path.join(self.root, parent)):
                        deeper.append(f"{parent}/{name}" if parent else name)
                below.extend(deeper)
                level = deeper
            self._below = below[:MAX_BELOW]
        return self._below

    def _by_suffix(self, path: str, least: int = 1) -> str | None:
        """A path outside the root (a container's checkout, a build directory's `../..`): the longest tail
        of at least `least` parts that exists here (the caller has ruled out libraries' files)."""
        parts = [p for p in path.split("/") if p not in ("", ".", "..")]
        if _is_windows(path):
            parts = parts[1:]
        bases = [self.root] if self.cwd == self.root else [self.cwd, self.root]
        for i in range(len(parts) - least + 1):
            tail = "/".join(parts[i:])
            for base in bases:
                candidate = os.path.join(base, tail)
                if os.path.isfile(candidate):
                    rel = _relative_to(os.path.realpath(candidate), self.root)
                    rel = rel or _relative_to(posixpath.normpath(candidate), self.root)
                    if rel is not None:
                        return rel
        return None


def walk(top: str, skip: frozenset[str], limit: int) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk in sorted order, without hidden folders and those in `skip`, over at most `limit` folders."""
    for i, (folder, dirs, files) in enumerate(os.walk(top)):
        if i >= limit:
            return
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in skip)
        yield folder, dirs, files


def _clean(raw: str) -> str:
    path = raw.strip().strip("\"'")
    if path.startswith("file:"):
        path = unquote(urlparse(path).path)
        if len(path) > 3 and path[0] == "/" and path[2] == ":":  # file:///C:/x → C:/x
            path = path[1:]
    return path.replace("\\", "/")


def _is_windows(path: str) -> bool:
    return len(path) > 2 and path[1] == ":" and path[0].isalpha() and path[2] == "/"


def _relative_to(path: str, root: str) -> str | None:
    if path == root:
        return "."
    prefix = root.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else None


def _subfolders(folder: str) -> list[str]:
    try:
        names = [e.name for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    return sorted(n for n in names if not n.startswith(".") and n not in SKIP_DIRS)


def _module_path(go_mod: str) -> str | None:
    try:
        with open(go_mod, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = _GO_MODULE.match(line)
                if m:
                    return m.group(1)
    except OSError:
        return None
    return None


def clean_message(message: str) -> str:
    return "\n".join(line.rstrip() for line in message.strip().splitlines())


def one_based(value: int | None, base: int) -> int | None:
    if value is None:
        return None
    value = value + (1 - base)
    return value if value >= 1 else 1

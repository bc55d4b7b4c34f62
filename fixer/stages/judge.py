"""The judge is not edited by the defendant (DESIGN, trust model): which files of a candidate fix decide
whether the check passes. In `push` mode a model-made change to any of them is never pushed to the failing
branch; the caller hands it to a human instead. This module only finds them; `verify.decide` acts.

A judge file is a file that decides whether the check passes:
- `test`: a test (the diff guard's `is_test_file`, plus `judge_tables.TEST_PATHS`), a file a test runner in
  the failed command names, or a doctest (a `>>>` example, or the expected output under one, in any file);
- `test_data`: a file in a test-data folder, or a non-code file that a test, or the check's own script or
  build file, names at HEAD (`_mentions`): the expected output it compares against;
- `test_config`, `ci_config`, `tool_config`, `vcs_config`, `selfheal_config`: by path (`judge_tables`),
  plus the CI files other CI files pull in: GitLab includes, Buildkite uploads (`judge_ci`);
- `build_file`: what the failed command runs, reads or is defined by, followed through shell scripts,
  Makefile targets, package.json and tox scripts (`judge_commands`);
- `suppression`: an added line that silences a tool (`judge_suppressions`), in any file.

A deletion or rename is judged on every path it touches. Files changed only by deterministic formatters
(`preserving`) may be tests, test data, or a program source the failed command runs (`python summary.py`:
a missing standard-library import added), never anything else: a formatter may reformat a test, but no
"semantics-preserving" change to a configuration, a build description or a shell script is trusted. Each path gets its first kind in `KINDS`
order, so the line a human reads is the most specific one; suppressions are reported besides.

Reading HEAD is bounded (files, bytes, YAML nodes, commands) and asks only for tracked paths. A file that
cannot be parsed only means fewer findings from it; an error reading HEAD is the caller's (its git) and
propagates, so a broken read can never pass for "nothing of the judge was touched".
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from ..context import Change
from .diffguard import is_test_file
from .judge_ci import ci_sources
from .judge_commands import Named, named_by
from .judge_suppressions import added_suppression
from .judge_tables import (
    CI_CONFIG,
    CODE_SUFFIXES,
    CONFIG_FORMAT,
    SELFHEAL_CONFIG,
    TEST_CONFIG,
    TEST_DATA,
    TEST_DATA_NOT_CODE,
    TEST_PATHS,
    TOOL_CONFIG,
    TOOL_PRINCIPLES,
    VCS_CONFIG,
)

KINDS = (
    "selfheal_config",
    "vcs_config",
    "build_file",
    "ci_config",
    "test_config",
    "tool_config",
    "test",
    "test_data",
    "suppression",
)
FORMATTABLE = frozenset({"test", "test_data"})  # what a deterministic formatter may change
# ... and, among the files the failed command runs, program sources (`python summary.py`): never a build
# description, a shell script or a configuration, whose "formatting" can change what runs
PROGRAM_SOURCES = (".py", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".go", ".rs", ".rb")

MAX_SCAN_FILES = 400  # files read at HEAD looking for mentions of a changed data file
MAX_SCAN_BYTES = 8 * 1024 * 1024
MAX_FILE_BYTES = 512 * 1024  # per file read at HEAD (a longer one is read up to this)


@dataclass(frozen=True)
class Finding:
    path: str
    kind: str  # one of KINDS
    detail: str  # one line a human reads: why this file is part of the judge


class HeadTree(Protocol):
    """The failed commit's tree, read through the caller's hardened git."""

    def paths(self) -> list[str]: ...

    def read(self, path: str) -> bytes | None: ...


def check(
    changes: Sequence[Change],
    commands: Sequence[Sequence[str]],
    head: HeadTree,
    preserving: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Every judge file the changes touch, and every suppression they add; [] when none."""
    judge = _Judge(changes, commands, head)
    findings = []
    for change in changes:
        formatted = change.path in preserving or change.old_path in preserving
        for path, note in _touched(change):
            hit = judge.classify(path, change, _formattable(path) if formatted else frozenset())
            if hit:
                findings.append(Finding(path, hit[0], hit[1] + note))
        marker = added_suppression(change)
        if marker:
            findings.append(Finding(change.path, "suppression", f"adds `{marker}`"))
    return findings


def _formattable(path: str) -> frozenset[str]:
    return FORMATTABLE | {"build_file"} if path.endswith(PROGRAM_SOURCES) else FORMATTABLE


def _touched(change: Change) -> list[tuple[str, str]]:
    if change.status.startswith("R") and change.old_path:
        return [
            (change.old_path, f" (renamed to {change.path})"),
            (change.path, f" (renamed from {change.old_path})"),
        ]
    return [(change.path, {"D": " (deleted)", "A": " (added)"}.get(change.status[:1], ""))]


_Compiled = tuple[tuple[re.Pattern[str], str], ...]


def _compile(table: tuple[tuple[str, str], ...]) -> _Compiled:
    return tuple((re.compile(rx), detail) for rx, detail in table)


def _first(table: _Compiled, text: str) -> str | None:
    return next((detail for rx, detail in table if rx.search(text)), None)


_SELFHEAL, _VCS, _CI, _TEST_CONFIG = (
    _compile(t) for t in (SELFHEAL_CONFIG, VCS_CONFIG, CI_CONFIG, TEST_CONFIG)
)
_TOOL, _TOOL_PRINCIPLES, _TEST, _TEST_DATA, _TEST_DATA_NOT_CODE = (
    _compile(t) for t in (TOOL_CONFIG, TOOL_PRINCIPLES, TEST_PATHS, TEST_DATA, TEST_DATA_NOT_CODE)
)
_PROMPT = re.compile(r"^\s*(>>>|iex(\(\d+\))?>)(\s|$)")  # Python and Elixir doctest prompts
_DOCTEST_FILES = (".py", ".pyi", ".pyx", ".md", ".rst", ".txt", ".ex", ".exs")


class _Judge:
    def __init__(self, changes: Sequence[Change], commands: Sequence[Sequence[str]], head: HeadTree) -> None:
        self.changes, self.commands, self.head = changes, commands, head
        self.rules: tuple[tuple[str, Callable[[str, Change], str | None]], ...] = (
            ("selfheal_config", lambda p, c: _first(_SELFHEAL, p)),
            ("vcs_config", lambda p, c: _first(_VCS, p)),
            ("build_file", lambda p, c: self.named.find(p, "build_file")),
            ("ci_config", lambda p, c: _first(_CI, p) or self.ci_sources.get(p)),
            ("test_config", lambda p, c: _first(_TEST_CONFIG, p)),
            ("tool_config", self.tool_config),
            ("test", self.test),
            ("test_data", self.test_data),
        )

    def classify(self, path: str, change: Change, skip: frozenset[str]) -> tuple[str, str] | None:
        for kind, rule in self.rules:
            detail = None if kind in skip else rule(path, change)
            if detail:
                return kind, detail
        return None

    def read_bytes(self, path: str) -> bytes | None:
        """A file at HEAD; only tracked paths are asked for (a name from a command or a CI file may be anything)."""
        return self.head.read(path) if path in self.head_set else None

    def read(self, path: str) -> str | None:
        raw = self.read_bytes(path)
        return None if raw is None or b"\0" in raw[:8000] else raw[:MAX_FILE_BYTES].decode("utf-8", "replace")

    @cached_property
    def head_paths(self) -> list[str]:
        return list(self.head.paths())

    @cached_property
    def head_set(self) -> frozenset[str]:
        return frozenset(self.head_paths)

    @cached_property
    def changed(self) -> list[str]:
        return list(dict.fromkeys(p for c in self.changes for p, _ in _touched(c)))

    @cached_property
    def named(self) -> Named:
        return named_by(self.commands, self.read_bytes, [*self.head_paths, *self.changed])

    @cached_property
    def ci_sources(self) -> dict[str, str]:
        return ci_sources(self.head_paths, self.read)

    def tool_config(self, path: str, change: Change) -> str | None:
        return _first(_TOOL, path) or (_first(_TOOL_PRINCIPLES, path) if CONFIG_FORMAT.search(path) else None)

    def test_data(self, path: str, change: Change) -> str | None:
        folder = None if _is_code(path) else _first(_TEST_DATA_NOT_CODE, path)
        named = self.named.find(path, "test_data")
        return _first(_TEST_DATA, path) or folder or named or self.mentioned.get(path)

    def test(self, path: str, change: Change) -> str | None:
        if is_test_file(path):
            return "test file"
        return _first(_TEST, path) or self.named.find(path, "test") or self.doctest(path, change)

    def doctest(self, path: str, change: Change) -> str | None:
        """A `>>>` example is a test wherever it lives: so is the expected output under it."""
        if any(_PROMPT.match(line) for line in (*change.added, *change.removed)):
            return "changes a doctest example (`>>>`)"
        if not change.removed or not path.endswith(_DOCTEST_FILES):
            return None
        text = self.read(change.old_path or change.path)
        if not text or ">>>" not in text:
            return None
        block: set[str] = set()
        inside = False
        for line in text.splitlines():
            inside = bool(_PROMPT.match(line)) or (
                inside and bool(line.strip()) and line.strip()[:3] not in ('"""', "'''")
            )
            if inside:
                block.add(line.strip())
        # an output line, not a lone bracket that any code could share with it
        if any(re.search(r"\w", line) and line.strip() in block for line in change.removed):
            return "changes a doctest's expected output"
        return None

    @cached_property
    def mentioned(self) -> dict[str, str]:
        """Changed non-code files that a test, or the check's own script or build file, names at HEAD."""
        wanted = [p for p in self.changed if posixpath.splitext(p)[1].lower() not in CODE_SUFFIXES]
        if not wanted:
            return {}
        # the check's own scripts and build files first, then tests, nearest first: a test reads data near it
        own = [p for p in (*self.named.exact, *self.named.read) if p in self.head_set]
        tests = [p for p in self.head_paths if (is_test_file(p) or _first(_TEST, p)) and _is_code(p)]
        tests = [
            p for p in tests if not (_first(_TEST_DATA, p) or _first(_TEST_DATA_NOT_CODE, p))
        ]  # fixtures
        tests.sort(key=lambda p: -max(_shared_dirs(p, w) for w in wanted))
        readers = [p for p in dict.fromkeys([*own, *tests]) if p not in wanted]
        found: dict[str, str] = {}
        budget = MAX_SCAN_BYTES
        for reader in readers[:MAX_SCAN_FILES]:
            text = self.read(reader)
            if text is None:
                continue
            budget -= len(text)
            for path in wanted:
                if path not in found and _mentions(text, path):
                    found[path] = f"named by {reader}"
            if budget <= 0 or len(found) == len(wanted):
                break
        return found


def _is_code(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in CODE_SUFFIXES


def _shared_dirs(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("/")[:-1], b.split("/")[:-1], strict=False):
        if x != y:
            break
        n += 1
    return n


def _mentions(text: str, path: str) -> bool:
    """Whether a reader's text names `path`: the path, or the file name as a whole word when it has an
    extension (`"golden.json"`); a path string starting with its folder (`f"data/{name}.json"`); a name
    without extension (`VERSION`) only as what `open(`/`Path(` opens. Bare words (`row["data"]`,
    `tmp_path / "hooks"`) name too many things to count."""
    name = posixpath.basename(path)
    folder = posixpath.dirname(path)
    whole = rf"(?<![\w.-]){re.escape(name)}(?![\w-]|\.\w)"
    if "." in name.lstrip(".") and name in text and re.search(whole, text):
        return True
    if "/" in path and path in text and re.search(rf"(?<![\w.-]){re.escape(path)}(?![\w.-])", text):
        return True
    if folder and f"{folder}/" in text and re.search(rf"[\"']{re.escape(folder)}/", text):
        return True
    return name in text and bool(re.search(rf"(open|Path)\([ \t]*[\"']{re.escape(path)}[\"']", text))

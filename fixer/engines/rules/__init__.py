"""The `rules` engine: deterministic fixes that need no model, each rule a small module behind one shape.

The engine offers each rule, in registry order, the records no earlier rule has fixed and that the rule
says it can handle; the rule edits the working tree and names the records it fixed. A record a rule leaves
alone stays open for the later rules (a stale SARIF fix can still be fixed by the tool's own fixer).

Invariants the engine enforces whatever a rule does (reports are untrusted data):
- a rule only reaches files through `repo_file`, which refuses paths outside the repository, and only
  files the loop's file policy lets an engine write (no secrets, no protected or git-ignored files);
- files a rule changed that are not its records' files (a formatter that followed a module into its
  children) are put back, and a rule that fails with an error has its files restored;
- nothing fixed → every file put back as it was and None, so the tree is clean for the next engine.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from emitter.report import Record

from ... import git
from ...context import Attempt, Patch
from .. import FixContext


@dataclass(frozen=True)
class Fixed:
    """One record a rule fixed, and the line a human reads about it ("a.py: import math (NameError)").

    `preserving`: the edit keeps the code's meaning (a formatter, a tool's safe fix, an import the code
    already uses): such edits may touch test files in push mode; every other edit of a test is handed over.
    """

    record: Record
    summary: str
    preserving: bool = False


class Rule(Protocol):
    name: str

    def applies(self, record: Record) -> bool:
        """Whether this rule knows how to fix this kind of record (cheap: no file access)."""

    def target(self, record: Record, repo: Path) -> str | None:
        """The repository-relative file the rule would edit for `record`: its `file`, or a file the record
        itself names (a YAML error raised while a test loaded it points at the loading code)."""

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        """Edits the working tree for `records` (all of which it applies to); returns what it fixed."""


def registry() -> tuple[Rule, ...]:
    """Precise edits first; the formatters last, so they also tidy what the edits before them left."""
    from .ansible_fqcn import AnsibleFqcn
    from .ruff_safe import RuffSafe
    from .sarif_fixes import SarifFixes
    from .std_imports import StdImports
    from .tool_fixers import ToolFixers
    from .whitespace import Whitespace
    from .yaml_indent import YamlIndent
    from .yaml_keys import YamlKeys

    rules: tuple[Rule, ...] = (
        SarifFixes(),
        StdImports(),
        YamlIndent(),
        YamlKeys(),
        AnsibleFqcn(),
        Whitespace(),  # after the rules that move lines: it finds its lines through `line_map`
        RuffSafe(),
        ToolFixers(),
    )
    return rules


# -- shared helpers for the rules --------------------------------------------------------------------------
def repo_file(repo: Path, rel: str | None) -> Path | None:
    """The regular file `rel` names inside `repo`, or None when it is missing or would leave the repository.

    Refused: no path, absolute paths, `..` anywhere, `.git/`, an argument-looking first character, and any
    symlink on the way (even one pointing inside: the edit would land in a file no record names).
    """
    if not rel or "\\" in rel or "\0" in rel:
        return None
    pure = PurePosixPath(rel)
    if pure.is_absolute() or not pure.parts or any(p in ("..", ".git") for p in pure.parts):
        return None
    if rel.startswith("-"):
        return None
    root = repo.resolve()
    path = root.joinpath(*pure.parts)
    try:
        if path.resolve(strict=True) != path or not path.is_file():
            return None
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    return path


def repo_relative(path: str, repo: Path) -> str | None:
    """A path a tool printed, as repository-relative: relative paths as they are, absolute ones under the
    repository made relative, and absolute ones from another checkout matched by their longest tail
    that names a file here (the fix step may run in a different directory than the build did)."""
    pure = PurePosixPath(path)
    if not pure.is_absolute():
        return path
    root = repo.resolve()
    try:
        return pure.relative_to(PurePosixPath(root)).as_posix()
    except ValueError:
        pass
    parts = pure.parts[1:]
    for start in range(len(parts)):
        rel = "/".join(parts[start:])
        if repo_file(repo, rel) is not None:
            return rel
    return None


def read_text(path: Path) -> str | None:
    """UTF-8 text with its line endings untouched; None for a file that is not UTF-8 text."""
    try:
        data = path.read_bytes()
        return None if b"\0" in data else data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split only at \\n, \\r\\n and \\r: the lines tools count (str.splitlines
    also splits at form feeds and U+2028, which would shift every line number after one)."""
    return list(io.StringIO(text, newline=""))


def ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def by_file(records: list[Record]) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = {}
    for record in records:
        if record.file:
            groups.setdefault(record.file, []).append(record)
    return groups


def text_files(repo: Path, records: list[Record]) -> Iterator[tuple[str, Path, str, list[Record]]]:
    """(name, path, text, its records) for each records' file inside the repository that is UTF-8 text."""
    for rel, group in by_file(records).items():
        path = repo_file(repo, rel)
        text = read_text(path) if path else None
        if path is not None and text is not None:
            yield rel, path, text, group


def line_map(repo: Path, rel: str, text: str) -> Callable[[int], int | None]:
    """Where a line of the committed file (the lines a record counts) is in `text` now, or None when an
    earlier rule removed or rewrote it: a rule that inserts an import moves every line below it."""
    try:
        committed = git.output_bytes(repo, "show", f"HEAD:{rel}").decode("utf-8")
    except (git.GitError, UnicodeDecodeError):
        committed = text  # not in HEAD: nothing can have moved it
    if committed == text:
        return lambda line: line
    old, new = split_lines(committed), split_lines(text)
    table: dict[int, int] = {}
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal" or (op == "replace" and a2 - a1 == b2 - b1):  # same place, or edited in place
            table.update({a + 1: b + 1 for a, b in zip(range(a1, a2), range(b1, b2), strict=True)})
    return table.get


# -- the engine --------------------------------------------------------------------------------------------
class _Snapshot:
    """The bytes of files before a rule ran, to put back when the rule must be undone."""

    def __init__(self) -> None:
        self.saved: dict[Path, bytes] = {}

    def take(self, path: Path) -> None:
        if path not in self.saved:
            self.saved[path] = path.read_bytes()

    def restore(self, paths: Sequence[Path] | None = None) -> None:
        for path in self.saved if paths is None else paths:
            if path in self.saved and path.read_bytes() != self.saved[path]:
                path.write_bytes(self.saved[path])


class RulesEngine:
    name = "rules"

    def __init__(self, rules: Sequence[Rule] | None = None) -> None:
        self.rules = tuple(rules) if rules is not None else registry()
        self.notes: list[str] = []  # why a rule gave up, for whoever wants to show it

    def available(self, ctx: FixContext) -> str | None:
        return None  # no key, no network: rules that find their tool missing just fix nothing

    def fix(self, ctx: FixContext) -> Attempt:
        self.notes = []
        repo = ctx.repo
        snapshot = _Snapshot()
        pending = list(ctx.records)
        fixed: list[Fixed] = []
        for rule in self.rules:
            group, allowed = [], set()
            for record in pending:
                target = rule.target(record, repo) if rule.applies(record) else None
                path = repo_file(repo, target)
                if path is not None and target is not None and ctx.files.write_refusal(target) is None:
                    group.append(record)
                    allowed.add(path)
            if not group:
                continue
            for path in allowed:
                snapshot.take(path)
            before = set(git.changed_files(repo))
            try:
                done = rule.apply(repo, group, ctx)
            except (
                OSError,
                ValueError,
                RecursionError,
            ) as exc:  # a rule's bad day must not cost the others their fixes
                snapshot.restore(sorted(allowed))
                done = []
                self.notes.append(ctx.redact(f"{rule.name}: gave up: {exc}"))
            self._undo_strays(repo, before, allowed)
            ours = {id(r) for r in group}
            done = [f for f in done if id(f.record) in ours]
            fixed.extend(done)
            claimed = {id(f.record) for f in done}
            pending = [r for r in pending if id(r) not in claimed]
        changed = git.changed_files(repo)
        if not fixed or not changed:
            snapshot.restore()
            return Attempt(self.name, None, "no rule applied", tuple(self.notes))
        fingerprints = list(dict.fromkeys(f.record.fingerprint for f in fixed))
        rewritten = {f.record.file for f in fixed if not f.preserving}
        patch = Patch(
            engine=self.name,
            files=changed,
            summary=list(dict.fromkeys(f.summary for f in fixed)),  # one line per thing fixed
            fixed_fingerprints=fingerprints,
            preserving=frozenset(
                f.record.file for f in fixed if f.record.file and f.record.file not in rewritten
            ),
        )
        return Attempt(self.name, patch, f"{len(fixed)} record(s) fixed", tuple(self.notes))

    @staticmethod
    def _undo_strays(repo: Path, before: set[str], allowed: set[Path]) -> None:
        """Puts back files a rule changed that none of its records named (a tool can reach further)."""
        root = repo.resolve()
        for rel in git.changed_files(repo):
            if rel in before or root / rel in allowed:
                continue
            tracked = git.git(repo, "ls-files", "--error-unmatch", "--", rel, check=False).strip()
            if tracked:
                git.git(repo, "checkout", "--quiet", "HEAD", "--", rel)
            else:
                (root / rel).unlink(missing_ok=True)  # a file the rule created

"""A benchmark case is data: a folder under `cases/` holding

    case.yml   what breaks (`what`), the tool, the CI step's check command, its task name, and the verdict
               a correct fixer reaches (`expect: fixed` or `expect: escalated`: a trap)
    base/      the green tree, committed on `main`
    broken/    the files the breaking commit changes (whole files, bytes exact: trailing spaces, tabs, CRLF
               and missing final newlines are the point of many cases); `delete:` lists files it removes
    fixed/     optional: the reference fix, laid over the broken tree; without it the reference fix is the
               base's content of every file the break touched

Files are bytes, never text: a case is about bytes a linter objects to, so nothing here may normalise them.
"""

from __future__ import annotations

import fnmatch
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

import yaml

CASES = Path(__file__).resolve().parent / "cases"
KEYS = {"what", "tool", "expect", "task", "check", "delete"}
Verdict = Literal["fixed", "escalated"]
Tree = dict[str, bytes]


class CaseError(ValueError):
    """A case folder that does not describe a case."""


def read_tree(root: Path) -> Tree:
    """Every regular file under `root`, by POSIX path relative to it."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _safe(rel: str) -> bool:
    pure = PurePosixPath(rel)
    return not pure.is_absolute() and ".." not in pure.parts and ".git" not in pure.parts


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    what: str
    tool: str
    expect: Verdict
    task: str
    check: tuple[str, ...]  # argv, as the CI step runs it under `selfheal run`
    delete: tuple[str, ...] = ()

    @property
    def trap(self) -> bool:
        return self.expect == "escalated"

    def base(self) -> Tree:
        return read_tree(self.folder / "base")

    def changes(self) -> dict[str, bytes | None]:
        """What the breaking commit does to the base: new bytes per file, None for a deleted file."""
        out: dict[str, bytes | None] = dict(read_tree(self.folder / "broken"))
        out.update(dict.fromkeys(self.delete))
        return out

    def broken(self) -> Tree:
        return apply(self.base(), self.changes())

    def reference(self) -> Tree:
        """The broken tree with the reference fix applied."""
        broken, base = self.broken(), self.base()
        given = read_tree(self.folder / "fixed")
        if given:
            return {**broken, **given}
        reverted = dict(broken)
        for rel in self.changes():
            if rel in base:
                reverted[rel] = base[rel]
            else:
                reverted.pop(rel, None)  # the break added it: the fix takes it away
        return reverted


def apply(tree: Tree, changes: dict[str, bytes | None]) -> Tree:
    out = dict(tree)
    for rel, data in changes.items():
        if data is None:
            out.pop(rel, None)
        else:
            out[rel] = data
    return out


def load(folder: Path) -> Case:
    spec_file = folder / "case.yml"
    if not spec_file.is_file():
        raise CaseError(f"{folder.name}: no case.yml")
    data = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise CaseError(f"{folder.name}: case.yml is not a mapping")
    unknown = set(data) - KEYS
    missing = {"what", "tool", "expect", "check"} - set(data)
    if unknown or missing:
        raise CaseError(f"{folder.name}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    if data["expect"] not in ("fixed", "escalated"):
        raise CaseError(f"{folder.name}: expect must be `fixed` or `escalated`, not {data['expect']!r}")
    check = data["check"]
    argv = tuple(shlex.split(check) if isinstance(check, str) else [str(a) for a in check])
    if not argv:
        raise CaseError(f"{folder.name}: empty check")
    case = Case(
        name=folder.name,
        folder=folder,
        what=str(data["what"]),
        tool=str(data["tool"]),
        expect=data["expect"],
        task=str(data.get("task") or "check"),
        check=argv,
        delete=tuple(str(d) for d in data.get("delete") or ()),
    )
    base, changes = case.base(), case.changes()
    if not base:
        raise CaseError(f"{folder.name}: base/ is empty")
    if not changes or case.broken() == base:
        raise CaseError(f"{folder.name}: the break changes nothing")
    bad = [rel for rel in [*base, *changes, *read_tree(folder / "fixed")] if not _safe(rel)]
    if bad:
        raise CaseError(f"{folder.name}: paths outside the tree: {bad}")
    return case


def load_all(root: Path = CASES, patterns: list[str] | None = None) -> list[Case]:
    """Every case folder under `root` (sorted), or those whose name matches one of `patterns` (globs)."""
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))  # .ruff_cache
    if patterns:
        folders = [f for f in folders if any(fnmatch.fnmatch(f.name, p) for p in patterns)]
    return [load(f) for f in folders]


def selected(root: Path, patterns: list[str]) -> list[Case] | None:
    """The cases a command line asks for; None, with one line on stderr, when there are none to run."""
    try:
        cases = load_all(root, patterns)
    except CaseError as exc:
        print(f"fixbench: {exc}", file=sys.stderr)
        return None
    if not cases:
        print("fixbench: no case matches", file=sys.stderr)
        return None
    return cases

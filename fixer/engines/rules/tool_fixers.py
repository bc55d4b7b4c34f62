"""The failing tool's own fixer, when it is installed, scoped to the failing files.

Reports are untrusted data, so a record's `fix.command` only *chooses* a fixer: its first element must be
one of the known fixers' bare names (no path), and the command that runs is always built here from a fixed
template plus the record's own validated, repository-relative file (and ruff rule codes that look like rule
codes). Nothing else from the report reaches a command line: `ruff format --config evil.toml a.py` in a
report runs as `ruff format --no-cache a.py`.

Records without a command are matched by tool name, but only formatters (type `format`): a linter's
`--fix` also applies every other fixable rule in the file, so the linter must have said the finding is
fixable (the parsers then attach the command). A record counts as fixed when its file changed.
`ruff check --fix` is not here: ruff_safe asks ruff which of its fixes are safe first.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from emitter.report import Record

from .. import FixContext
from . import Fixed, repo_file

TIMEOUT_S = 300.0
_EDITION = re.compile(r'^\s*edition\s*=\s*"(?P<year>20\d\d)"', re.M)


@dataclass(frozen=True)
class Fixer:
    program: str
    args: tuple[str, ...]  # before the files
    label: str
    node: bool = False  # the project's node_modules/.bin comes before PATH
    # keeps the code's meaning (formatters; ruff's safe fixes): may touch tests. eslint runs the
    # project's own plugins, whose fixes can do anything.
    preserving: bool = True


FIXERS: dict[str, Fixer] = {
    "ruff-format": Fixer("ruff", ("format", "--no-cache", "--quiet"), "ruff format"),
    "black": Fixer("black", ("--quiet",), "black"),
    "isort": Fixer("isort", ("--quiet",), "isort"),
    "eslint": Fixer("eslint", ("--fix",), "eslint --fix", node=True, preserving=False),
    "prettier": Fixer("prettier", ("--write", "--log-level", "warn"), "prettier --write", node=True),
    "gofmt": Fixer("gofmt", ("-w",), "gofmt -w"),
    # `cargo fmt` formats the whole crate; rustfmt on the files keeps to what failed
    "rustfmt": Fixer("rustfmt", (), "rustfmt"),
    "terraform": Fixer("terraform", ("fmt", "-no-color"), "terraform fmt"),
    "tofu": Fixer("tofu", ("fmt", "-no-color"), "tofu fmt"),
}
# a formatter's record (type `format`) without a command: which fixer its tool name means
_BY_TOOL = {
    "ruff-format": "ruff-format",
    "black": "black",
    "isort": "isort",
    "prettier": "prettier",
    "gofmt": "gofmt",
    "rustfmt": "rustfmt",
    "cargo-fmt": "rustfmt",
    "terraform": "terraform",
    "tofu": "tofu",
}
_SIMPLE_COMMANDS = ("black", "isort", "eslint", "prettier", "gofmt", "rustfmt", "terraform", "tofu")


def fixer_for(record: Record) -> str | None:
    """The key of the fixer a record asks for, or None (an unknown command is never run)."""
    command = record.fix.command if record.fix else None
    if command:
        head, rest = command[0], command[1:2]
        if head == "ruff":
            return "ruff-format" if rest == ["format"] else None
        if head == "cargo":
            return "rustfmt" if rest == ["fmt"] else None
        return head if head in _SIMPLE_COMMANDS else None
    if record.type == "format":
        return _BY_TOOL.get(record.tool)
    return None


def find_program(fixer: Fixer, repo: Path, env: Mapping[str, str]) -> str | None:
    if fixer.node:
        local = repo / "node_modules" / ".bin" / fixer.program
        if local.is_file() and os.access(local, os.X_OK):
            return str(local)
    return shutil.which(fixer.program, path=env.get("PATH", os.defpath))


class ToolFixers:
    name = "tool_fixers"

    def applies(self, record: Record) -> bool:
        return fixer_for(record) is not None

    def target(self, record: Record, repo: Path) -> str | None:
        return record.file

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        batches: dict[str, dict[str, list[Record]]] = {}  # one run per fixer, over all its files
        for record in records:
            key = fixer_for(record)
            if key is not None and record.file is not None:
                batches.setdefault(key, {}).setdefault(record.file, []).append(record)
        fixed: list[Fixed] = []
        for key, files in batches.items():
            fixed += self._run(repo, FIXERS[key], files, ctx)
        return fixed

    @staticmethod
    def _run(repo: Path, fixer: Fixer, files: dict[str, list[Record]], ctx: FixContext) -> list[Fixed]:
        program = find_program(fixer, repo, ctx.runner.env)
        paths = {rel: repo_file(repo, rel) for rel in files}
        targets = {rel: p for rel, p in paths.items() if p is not None}
        if program is None or not targets:
            return []
        argv = [program, *fixer.args]
        if fixer.program == "rustfmt":
            argv += _edition(repo, next(iter(targets.values())))
        before = {rel: p.read_bytes() for rel, p in targets.items()}
        result = ctx.runner.run([*argv, *targets], cwd=repo, timeout_s=TIMEOUT_S)
        if result.timed_out:  # a half-run formatter may have left half-written files
            for rel, p in targets.items():
                p.write_bytes(before[rel])
            return []
        fixed = []
        for rel, p in targets.items():
            if p.read_bytes() != before[rel]:
                summary = f"{rel}: {fixer.label}"
                fixed += [Fixed(r, f"{summary} ({r.rule or r.tool})", fixer.preserving) for r in files[rel]]
        return fixed


def _edition(repo: Path, file: Path) -> list[str]:
    """rustfmt alone assumes the 2015 edition; the nearest Cargo.toml says which one the crate uses."""
    root = repo.resolve()
    for folder in file.parents:
        manifest = folder / "Cargo.toml"
        if manifest.is_file():
            m = _EDITION.search(manifest.read_text(errors="replace"))
            return ["--edition", m.group("year")] if m else []
        if folder == root:
            break
    return []

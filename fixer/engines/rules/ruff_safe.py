"""ruff's own fixes, where ruff itself calls them safe.

ruff knows which of its fixes keep the code's meaning: `ruff check --output-format json` gives each
finding's `fix.applicability` (`safe`, `unsafe`, `display-only`), and `--fix --no-unsafe-fixes` applies the
safe ones only, whatever the project's `unsafe-fixes` setting says. So no list of rules lives here: ruff is
asked about the records' files and rules, the rules of the records whose finding has a safe fix are fixed,
and ruff is asked again. A record counts as fixed when its rule's findings in its file went down by at
least the safe ones; a finding whose only fix is unsafe stays open, for a human or the model.

What runs is built here: the `ruff` on the child's PATH, fixed options, `--select` with codes shaped like
ruff codes, `--no-fix` on the questions (a project's `fix = true` must not turn them into edits), and the
records' own repository files after `--`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from emitter.report import Record

from .. import FixContext
from . import Fixed, line_map, read_text, repo_file
from .tool_fixers import TIMEOUT_S

_CODE = re.compile(r"[A-Z]{1,4}[0-9]{1,4}")
_ASK = ("check", "--output-format", "json", "--no-fix", "--exit-zero", "--no-cache", "--quiet")
_FIX = ("check", "--fix", "--no-unsafe-fixes", "--exit-zero", "--no-cache", "--quiet")


@dataclass(frozen=True)
class Finding:
    file: str  # repository-relative
    rule: str
    line: int
    applicability: str | None  # None: ruff has no fix for it


class RuffSafe:
    name = "ruff_safe"

    def applies(self, record: Record) -> bool:
        return (
            record.tool == "ruff"
            and bool(record.rule and _CODE.fullmatch(record.rule))
            and bool(record.file and record.file.endswith((".py", ".pyi")) and record.line)
        )

    def target(self, record: Record, repo: Path) -> str | None:
        return record.file

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        program = shutil.which("ruff", path=ctx.runner.env.get("PATH", os.defpath))
        files = sorted({r.file for r in records if r.file and repo_file(repo, r.file)})
        if program is None or not files:
            return []
        rules = sorted({r.rule for r in records if r.rule})
        before = ask(repo, ctx, program, files, rules)
        if before is None:
            return []
        safe = _safe_records(repo, records, before)
        if not safe:
            return []
        chosen = sorted({r.rule or "" for r in safe})
        result = ctx.runner.run([program, *_FIX, "--select", ",".join(chosen), "--", *files], repo, TIMEOUT_S)
        after = ask(repo, ctx, program, files, chosen) if not result.timed_out else None
        if after is None:
            return []  # the engine puts back what a half-run fixer left: nothing is claimed
        gone = _counts(before) - _counts(after)
        wanted = Counter((f.file, f.rule) for f in before if f.applicability == "safe")
        return [
            Fixed(r, f"{r.file}: ruff check --fix --select {r.rule} ({r.rule})", True)
            for r in safe
            if gone[(r.file or "", r.rule or "")] >= wanted[(r.file or "", r.rule or "")]
        ]


def ask(
    repo: Path, ctx: FixContext, program: str, files: list[str], rules: list[str]
) -> list[Finding] | None:
    """What ruff finds for these rules in these files, with each fix's applicability; None if it cannot say."""
    argv = [program, *_ASK, "--select", ",".join(r for r in rules if _CODE.fullmatch(r)), "--", *files]
    done = ctx.runner.run(argv, repo, TIMEOUT_S)
    if done.timed_out or done.exit_code != 0:
        return None
    return findings(done.output.decode("utf-8", "replace"), repo)


def findings(output: str, repo: Path) -> list[Finding] | None:
    """ruff's JSON findings, read past any line ruff printed before the document."""
    start = output.find("[")
    try:
        doc, _ = json.JSONDecoder().raw_decode(output[start:]) if start >= 0 else (None, 0)
    except ValueError:
        return None
    if not isinstance(doc, list):
        return None
    root = repo.resolve()
    found = []
    for item in doc:
        if not isinstance(item, dict) or not isinstance(item.get("location"), dict):
            continue
        try:
            rel = Path(str(item.get("filename"))).resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        fix = item.get("fix") if isinstance(item.get("fix"), dict) else {}
        row = item["location"].get("row")
        if isinstance(row, int):
            found.append(Finding(rel, str(item.get("code")), row, fix.get("applicability") if fix else None))
    return found


def _safe_records(repo: Path, records: list[Record], found: list[Finding]) -> list[Record]:
    """The records whose finding, at the line they name (as earlier rules left the file), has a safe fix."""
    safe_at = {(f.file, f.rule, f.line) for f in found if f.applicability == "safe"}
    maps = {}
    chosen = []
    for record in records:
        rel = record.file or ""
        if rel not in maps:
            path = repo_file(repo, rel)
            text = read_text(path) if path else None
            maps[rel] = line_map(repo, rel, text) if text is not None else (lambda line: None)
        line = maps[rel](record.line or 0)
        if line is not None and (rel, record.rule, line) in safe_at:
            chosen.append(record)
    return chosen


def _counts(found: Iterable[Finding]) -> Counter[tuple[str, str]]:
    return Counter((f.file, f.rule) for f in found)

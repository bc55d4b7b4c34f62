"""From raw hits to the report's records: normalise, fingerprint, merge duplicates, apply the caps.

Duplicates: the same error printed twice (Maven, g++ with several targets) or seen both in the log and in
a JUnit/SARIF file. The first record keeps its place and takes any field it lacks from its duplicate.
Caps keep errors before warnings and notes, then the original order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .fingerprint import fingerprint, normalise_message
from .hit import Hit
from .normalize import PathResolver, clean_message, one_based
from .report import Fix, Record
from .severity import severity

MAX_RECORDS = 1000
MAX_MESSAGE = 4000
_NESTED_TEST = re.compile(r" (?:›|>) ")
_RANK = {"error": 0, "warning": 1, "note": 2}
_TEST_LEAF = re.compile(r"[^:.\s/]+(?:\[.*\])?(?: .*)?$")  # name, [params], then subtest text


@dataclass
class Merged:
    records: list[Record]
    dropped: int
    truncated: int


def to_record(hit: Hit, task: str, paths: PathResolver, max_message: int) -> tuple[Record, bool]:
    file = paths.resolve(hit.file, hit.cwd) if hit.file else None
    message = clean_message(hit.message)
    truncated = len(message) > max_message
    if truncated:
        message = message[: max_message - 1] + "…"
    fix = Fix.model_validate(hit.fix) if hit.fix else None
    if fix is not None:
        for edit in fix.edits:  # SARIF fixes name files as the log does (URIs, absolute paths)
            edit.file = paths.resolve(edit.file, hit.cwd)
    if fix is not None and fix.command and file and hit.file:
        # tools print absolute or cwd-relative paths; the fixer runs the command from the repo root
        fix.command = [file if arg == hit.file else arg for arg in fix.command]
    record = Record(
        type=hit.type,
        task=task,
        tool=hit.tool,
        file=file,
        raw_file=hit.file if hit.file and hit.file != file else None,
        line=one_based(hit.line, 1),
        column=one_based(hit.column, hit.base),
        end_line=one_based(hit.end_line, 1),
        end_column=one_based(hit.end_column, hit.base),
        severity=severity(hit.tool, hit.severity),
        rule=hit.rule,
        message=message,
        suggestion=hit.suggestion,
        test=hit.test,
        fingerprint=fingerprint(hit.tool, hit.rule, file, message, hit.test),
        source=hit.source,
        fix=fix,
    )
    return record, truncated


def _key(record: Record) -> tuple[object, ...]:
    if record.type == "test_failure" and record.test:
        if _NESTED_TEST.search(record.test):  # jest `Suite › test`, Gradle `Class > test`: the whole path
            return ("test", record.test)
        leaf = _TEST_LEAF.search(record.test)
        return ("test", leaf.group(0) if leaf else record.test)
    return (record.file, record.line, record.rule, normalise_message(record.message)[:200])


def _compatible(a: Record, b: Record) -> bool:
    """Same error: the files agree, and so do the columns when both sources give one (two findings of one
    rule on one line, at different columns, stay two records)."""
    same_file = a.file is None or b.file is None or a.file == b.file
    same_column = a.column is None or b.column is None or a.column == b.column or a.type == "test_failure"
    return same_file and same_column


def _absorb(into: Record, other: Record) -> None:
    for name in ("file", "raw_file", "line", "column", "end_line", "end_column", "rule", "suggestion", "fix"):
        if getattr(into, name) is None and getattr(other, name) is not None:
            setattr(into, name, getattr(other, name))
    if len(other.message) > len(into.message) and other.source != "log":
        into.message = other.message  # a report file's message is the full one; the log's is a summary


def merge(
    hits: Iterable[Hit],
    task: str,
    paths: PathResolver,
    max_records: int = MAX_RECORDS,
    max_message: int = MAX_MESSAGE,
) -> Merged:
    kept: list[Record] = []
    seen: dict[tuple[object, ...], list[Record]] = {}
    truncated = 0
    for hit in hits:
        record, cut = to_record(hit, task, paths, max_message)
        truncated += cut
        same = seen.setdefault(_key(record), [])
        twin = next((r for r in same if _compatible(r, record)), None)
        if twin is not None:
            _absorb(twin, record)
            continue
        same.append(record)
        kept.append(record)
    if len(kept) <= max_records:
        return Merged(kept, 0, truncated)
    order = sorted(range(len(kept)), key=lambda i: (_RANK.get(str(kept[i].severity), 3), i))
    chosen = sorted(order[:max_records])
    return Merged([kept[i] for i in chosen], len(kept) - max_records, truncated)

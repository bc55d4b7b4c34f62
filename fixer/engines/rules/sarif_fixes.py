"""Applies the edits a tool proposed itself (SARIF `fixes`, carried on records as `fix.edits`).

Positions are 1-based, end exclusive (emitter.report.Edit); columns count characters. A record's edits are
all applied or none: half a fix is worse than none. Refused, leaving the record to later rules:
- an edit in a file other than the record's own (a report may not steer edits elsewhere);
- a position the file no longer has (the file changed since the tool ran: a stale fix);
- edits overlapping each other, within one record or with another record's accepted edits.
Identical edits proposed by two records (the same finding seen in a log and in SARIF) are applied once.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path, PurePosixPath

from emitter.report import Edit, Record

from .. import FixContext
from . import Fixed, repo_relative, split_lines, text_files, write_text

Span = tuple[int, int, str]  # start offset, end offset (exclusive), replacement text


class SarifFixes:
    name = "sarif_fixes"

    def applies(self, record: Record) -> bool:
        return bool(record.file and record.fix and record.fix.edits)

    def target(self, record: Record, repo: Path) -> str | None:
        return record.file

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        fixed: list[Fixed] = []
        for rel, path, text, group in text_files(repo, records):
            starts = _line_starts(text)
            accepted: list[Span] = []
            done: list[Record] = []
            for record in group:
                spans = _spans(record, text, starts, repo)
                if spans is None:
                    continue
                fresh = [s for s in spans if s not in accepted]
                if _overlapping(sorted(accepted + fresh)):
                    continue
                accepted.extend(fresh)
                done.append(record)
            if not done:
                continue
            for start, end, new in sorted(accepted, reverse=True):  # bottom-up: earlier offsets stay valid
                text = text[:start] + new + text[end:]
            write_text(path, text)
            for record in done:
                what = (record.fix.description if record.fix else "") or record.rule or "fix"
                what = what.splitlines()[0][:120] if what.strip() else "fix"
                fixed.append(Fixed(record, f"{rel}:{record.line or 1}: {what} ({record.tool}'s own fix)"))
        return fixed


def _line_starts(text: str) -> list[int]:
    """Offset of each line's first character, plus one past the end (where line N+1 would start)."""
    starts = [0]
    for line in split_lines(text):
        starts.append(starts[-1] + len(line))
    return starts


def _offset(text: str, starts: list[int], line: int, column: int) -> int | None:
    """The offset of (line, column), or None when the file does not have that position."""
    lines = len(starts) - 1
    if line == lines + 1:
        # just past the last line: only column 1 exists there, and only after a line break
        return starts[-1] if column == 1 and (not text or text[-1] in "\r\n") else None
    if not 1 <= line <= lines:
        return None
    start, end = starts[line - 1], starts[line]
    width = len(text[start:end].rstrip("\r\n"))
    if column - 1 > width:  # the column just after the last character (the line break) is the limit
        return None
    return start + column - 1


def _same_file(edit: Edit, record: Record, repo: Path) -> bool:
    """Does the edit's path name the record's file (as the report has it, raw or normalised)?"""
    if edit.file in (record.file, record.raw_file):
        return True
    return PurePosixPath(edit.file).is_absolute() and repo_relative(edit.file, repo) == record.file


def _spans(record: Record, text: str, starts: list[int], repo: Path) -> list[Span] | None:
    assert record.fix is not None
    spans: list[Span] = []
    for edit in record.fix.edits:
        if not _same_file(edit, record, repo):
            return None
        start = _offset(text, starts, edit.start_line, edit.start_column)
        end = _offset(text, starts, edit.end_line, edit.end_column)
        if start is None or end is None or end < start:
            return None
        spans.append((start, end, edit.text))
    if _overlapping(sorted(spans)):
        return None
    return spans


def _overlapping(spans: list[Span]) -> bool:
    """Sorted spans touching each other's text, or two inserting at the same place (order unknowable)."""
    return any(b[0] < a[1] or b[0] == a[0] for a, b in pairwise(spans))

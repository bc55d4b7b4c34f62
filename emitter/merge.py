"""From raw hits to the report's records: normalise, fingerprint, merge duplicates, apply the caps.

Duplicates: the same error printed twice (Maven, g++ with several targets) or seen both in the log and in
a JUnit/SARIF file. The first record keeps its place and takes any field it lacks from its duplicate.
Caps keep errors before warnings and notes, then the original order.

What is one error:
- a failing test is one record whatever the sources call it: `tests/test_x.py::TestA::test_b[1]` (pytest's
  log), `tests.test_x.TestA::test_b[1]` (its JUnit), `TestA > test_b[1]` (Gradle) name the same test when
  the test names agree and one suite path ends with the other. `suite_a.test_x` and `suite_b.test_x` are
  two tests. The record is located where the log says it failed: the log shows the whole traceback, a
  JUnit file often only the test's file;
- any other finding is one record per file, line, rule, column (when both sources give one) and message:
  the messages agree when they are equal up to case and spacing, or one is the other cut short (a log's
  summary of a report file's full text). Two findings of one rule on one line with different messages
  (mypy's `Argument 1 …` and `Argument 2 …`) stay two records. A message tied to no file or line (an
  infrastructure failure) is compared with its numbers folded: a retried download's 502 and 503 are one.

Paths come from `PathResolver.locate`: a file outside the repository leaves `file` empty and keeps the
tool's path in `raw_file`; a fix that would edit such a file is dropped.
"""

from __future__ import annotations

import posixpath
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
_JEST_NESTED = " › "  # jest's `Suite › test`: the names are the whole path
_RANK = {"error": 0, "warning": 1, "note": 2}
_TEST_LEAF = re.compile(r"[^:.\s/>]+(?:\[.*\])?(?: (?!> ).*)?$")  # name, [params], then subtest text
_SUITE_SEP = re.compile(r"::|[./\\#]| > ")
_SPACE = re.compile(r"\s+")
_CUT = ("…", "...")
_FINDINGS = frozenset({"lint", "format", "security", "type_error"})  # never keyed as tests
_LOCATION = ("file", "raw_file", "line", "column", "end_line", "end_column")


@dataclass
class Merged:
    records: list[Record]
    dropped: int
    truncated: int


def to_record(hit: Hit, task: str, paths: PathResolver, max_message: int) -> tuple[Record, bool]:
    file = paths.locate(hit.file, hit.cwd) if hit.file else None
    message = clean_message(hit.message)
    truncated = len(message) > max_message
    if truncated:
        message = message[: max_message - 1] + "…"
    fix = _fix(hit, file, paths)
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
        fingerprint=fingerprint(hit.tool, hit.rule, file or _outside_name(hit.file), message, hit.test),
        source=hit.source,
        fix=fix,
    )
    return record, truncated


def _outside_name(raw: str | None) -> str | None:
    """A file outside the repository in a fingerprint: its name only (its folder differs per machine)."""
    return posixpath.basename(raw.replace("\\", "/")) if raw else None


def _fix(hit: Hit, file: str | None, paths: PathResolver) -> Fix | None:
    if not hit.fix:
        return None
    fix = Fix.model_validate(hit.fix)
    for edit in fix.edits:  # SARIF fixes name files as the log does (URIs, absolute paths)
        where = paths.locate(edit.file, hit.cwd)
        if where is None:
            return None  # it would edit a file outside the repository: not a fix selfheal may apply
        edit.file = where
    if fix.command and hit.file:
        if file is None:
            return None
        # tools print absolute or cwd-relative paths; the fixer runs the command from the repo root
        fix.command = [file if arg == hit.file else arg for arg in fix.command]
    return fix


# -- what is one error ----------------------------------------------------------------------------------
def _test_key(record: Record) -> tuple[str, ...] | None:
    """The bucket of a failing test (None for findings: a linter's JUnit may name its rules as tests)."""
    if not record.test or record.type in _FINDINGS:
        return None
    return (_test_id(record.test)[1],)


def _test_id(test: str) -> tuple[tuple[str, ...], str]:
    """(suite path, test name): `tests/t.py::TestA::test_b[x.y]` → (("tests", "t", "TestA"), "test_b[x.y]")."""
    if _JEST_NESTED in test:
        return (), test
    leaf = _TEST_LEAF.search(test)
    if leaf is None:
        return (), test
    suite = re.sub(r"\.py(?=::|$)", "", test[: leaf.start()].rstrip(":./\\> "))
    return tuple(p for p in _SUITE_SEP.split(suite) if p), leaf.group(0)


def _same_test(a: Record, b: Record) -> bool:
    """One suite path ends with the other: the sources name the test from different roots."""
    x, y = _test_id(a.test or "")[0], _test_id(b.test or "")[0]
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return not short or long[len(long) - len(short) :] == short


def _fold(record: Record) -> str:
    """The message up to case and spacing; a message tied to no place (an infrastructure failure, a
    make error) with its numbers folded too, so that a retried download's 502 and 503 are one failure."""
    if record.file is None and record.raw_file is None and record.line is None:
        return normalise_message(record.message)
    return _SPACE.sub(" ", record.message).strip().lower()


def _cut_short(short: str, long: str) -> bool:
    """`short` is `long` cut: a log's summary line of a report file's full message."""
    if len(short) >= len(long):
        return False
    for cut in _CUT:
        short = short.removesuffix(cut)
    return len(short) >= 8 and long.startswith(short)


def _same_place(a: Record, b: Record) -> bool:
    """The files agree, and so do the columns when both sources give one (two findings of one rule on
    one line, at different columns, stay two records)."""
    same_file = a.file is None or b.file is None or a.file == b.file
    return same_file and (a.column is None or b.column is None or a.column == b.column)


class _Findings:
    """Findings of one file, line and rule: equal messages are found at once; a message cut short is
    only looked for among the other sources' records (a log against a report file), so that a log of
    many thousand findings is never compared with itself pairwise."""

    __slots__ = ("by_message", "by_source")

    def __init__(self) -> None:
        self.by_message: dict[str, list[Record]] = {}
        self.by_source: dict[str, list[tuple[str, Record]]] = {}

    def twin(self, record: Record, folded: str) -> Record | None:
        for other in self.by_message.get(folded, ()):
            if _same_place(other, record):
                return other
        for source, members in self.by_source.items():
            if source != record.source:
                for text, other in members:
                    near = _cut_short(text, folded) or _cut_short(folded, text)
                    if near and _same_place(other, record):
                        return other
        return None

    def add(self, record: Record, folded: str) -> None:
        self.by_message.setdefault(folded, []).append(record)
        self.by_source.setdefault(str(record.source), []).append((folded, record))


def _absorb(into: Record, other: Record) -> None:
    log_place = other.file is not None and (other.line is not None or into.line is None)
    if into.test and other.source == "log" and into.source != "log" and log_place:
        # the log shows where the test failed, a report file often only the test's file; the record
        # keeps the log's identity too, so that a rerun without the report file finds it again
        for name in _LOCATION:
            setattr(into, name, getattr(other, name))
        into.type, into.fingerprint = other.type, other.fingerprint
    for name in (*_LOCATION, "rule", "suggestion", "fix"):
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
    tests: dict[tuple[str, ...], list[Record]] = {}
    findings: dict[tuple[object, ...], _Findings] = {}
    truncated = 0
    for hit in hits:
        record, cut = to_record(hit, task, paths, max_message)
        truncated += cut
        test = _test_key(record)
        if test is not None:
            same = tests.setdefault(test, [])
            twin = next((r for r in same if _same_test(r, record)), None)
            if twin is None:
                same.append(record)
        else:
            folded = _fold(record)
            bucket = findings.setdefault(
                (record.file or record.raw_file, record.line, record.rule), _Findings()
            )
            twin = bucket.twin(record, folded)
            if twin is None:
                bucket.add(record, folded)
        if twin is not None:
            _absorb(twin, record)
            continue
        kept.append(record)
    if len(kept) <= max_records:
        return Merged(kept, 0, truncated)
    order = sorted(range(len(kept)), key=lambda i: (_RANK.get(str(kept[i].severity), 3), i))
    chosen = sorted(order[:max_records])
    return Merged([kept[i] for i in chosen], len(kept) - max_records, truncated)

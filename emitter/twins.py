"""What is one error: the index of the records kept so far that finds a new record's twin.

The same error is printed twice (Maven, g++ with several targets) or seen both in the log and in a
JUnit/SARIF file. The first record keeps its place and takes any field it lacks from its duplicate
(`absorb`).

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

A record stays filed under the keys it arrived with (its `Slot`), though absorbing may fill in its place
later; `remove` takes it out again when the report's cap lets it go (emitter/merge.py's `Keep`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .fingerprint import normalise_message
from .light import Record

_JEST_NESTED = " › "  # jest's `Suite › test`: the names are the whole path
_TEST_LEAF = re.compile(r"[^:.\s/>]+(?:\[.*\])?(?: (?!> ).*)?$")  # name, [params], then subtest text
_SUITE_SEP = re.compile(r"::|[./\\#]| > ")
_SPACE = re.compile(r"\s+")
_CUT = ("…", "...")
_FINDINGS = frozenset({"lint", "format", "security", "type_error"})  # never keyed as tests
_LOCATION = ("file", "raw_file", "line", "column", "end_line", "end_column")


class Slot(NamedTuple):
    """Where a record is filed: its bucket, and its folded message (None: filed as a test)."""

    key: tuple[object, ...]
    folded: str | None


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


def _discard(items: list[Record], record: Record) -> None:
    """Takes `record` itself out (not an equal one); from the end, where the cap's victims usually are."""
    for i in range(len(items) - 1, -1, -1):
        if items[i] is record:
            del items[i]
            return


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
        self.by_source.setdefault(record.source, []).append((folded, record))

    def remove(self, record: Record, folded: str) -> bool:
        """Takes the record out; True when the bucket is left empty."""
        _discard(self.by_message[folded], record)
        if not self.by_message[folded]:
            del self.by_message[folded]
        members = self.by_source[record.source]
        for i in range(len(members) - 1, -1, -1):
            if members[i][1] is record:
                del members[i]
                break
        if not members:
            del self.by_source[record.source]
        return not self.by_message


class Twins:
    """The records kept so far, filed by what makes two of them one error."""

    __slots__ = ("findings", "tests")

    def __init__(self) -> None:
        self.tests: dict[tuple[object, ...], list[Record]] = {}
        self.findings: dict[tuple[object, ...], _Findings] = {}

    def find(self, record: Record) -> tuple[Record | None, Slot]:
        """The kept record this one repeats (None: it is new), and where it would be filed."""
        test = _test_key(record)
        if test is not None:
            same = self.tests.get(test, ())
            return next((r for r in same if _same_test(r, record)), None), Slot(test, None)
        folded = _fold(record)
        key = (record.file or record.raw_file, record.line, record.rule)
        bucket = self.findings.get(key)
        return (bucket.twin(record, folded) if bucket else None), Slot(key, folded)

    def add(self, record: Record, slot: Slot) -> None:
        if slot.folded is None:
            self.tests.setdefault(slot.key, []).append(record)
        else:
            self.findings.setdefault(slot.key, _Findings()).add(record, slot.folded)

    def remove(self, record: Record, slot: Slot) -> None:
        if slot.folded is None:
            same = self.tests[slot.key]
            _discard(same, record)
            if not same:
                del self.tests[slot.key]
        elif self.findings[slot.key].remove(record, slot.folded):
            del self.findings[slot.key]


def absorb(into: Record, other: Record) -> None:
    """`into` takes from its duplicate `other` what it lacks."""
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

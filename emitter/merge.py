"""From raw hits to the report's records: normalise, fingerprint, merge duplicates, apply the caps.

`Keep` takes hits as they arrive (`selfheal run` feeds it while the command runs) and holds only what the
report will hold, whatever the log's size: at most `max_records` records, each message cut to
`max_message` characters, plus the index of what they are (emitter/twins.py says when two hits are one
error). The cap keeps errors before warnings before notes, then the order of arrival: when it is full, a
record that outranks the last-arrived of the lowest-ranked kept ones takes its place, and either way one
record is dropped and counted. `merge` is the same on a list of hits, as pydantic models.

Where this differs from merging every hit first and cutting at the end (as the emitter did until it
merged hits as they came): a dropped record is remembered by a hash of what it is, and only the first
GONE_PER_RECORD × `max_records` of them (more would make the state grow with the log), so
- an exact repeat of a remembered one (msbuild and Maven repeat every error in their closing summary) is
  neither kept nor counted again; a repeat of one beyond that memory is a new record: dropped as well when
  it ranks no higher, and counted again, so `records_dropped` then exceeds the number of distinct records
  beyond the cap;
- a repeat that is not exact (a message cut short, a column more) or that ranks higher (a warning
  repeated as an error) is a new record under the same rule;
- a report file's record (JUnit, SARIF… merged in at the end) whose twin was a dropped log record is
  a new record too, under the same rule;
- a hit that would have been the twin of a dropped record and of a kept one joins the kept one.
Below the cap nothing is dropped, and the records are those of the whole-log merge, field for field.
tests/emitter/test_merge_bounded.py holds both, and these corners.

Paths come from `PathResolver.locate`, when the hit arrives (so while the command runs: a file it creates
or deletes after naming it may resolve otherwise than after the run): a file outside the repository leaves
`file` empty and keeps the tool's path in `raw_file`; a fix that would edit such a file is dropped.
"""

from __future__ import annotations

import copy
import heapq
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from .fingerprint import fingerprint
from .hit import Hit
from .light import Fix, Record, as_dict, fix_of
from .normalize import PathResolver, clean_message, one_based
from .severity import severity
from .twins import Slot, Twins, absorb

if TYPE_CHECKING:
    from . import report

MAX_RECORDS = 1000
MAX_MESSAGE = 4000
GONE_PER_RECORD = 20
_RANK = {"error": 0, "warning": 1, "note": 2}  # anything else after notes


@dataclass
class Merged:
    records: list[report.Record]
    dropped: int
    truncated: int


def to_record(hit: Hit, task: str, paths: PathResolver, max_message: int) -> tuple[Record, bool]:
    file = paths.locate(hit.file, hit.cwd) if hit.file else None
    message = clean_message(hit.message)
    truncated = len(message) > max_message
    if truncated:
        message = message[: max_message - 1] + "…"
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
        fix=_fix(hit, file, paths),
    )
    return record, truncated


def _outside_name(raw: str | None) -> str | None:
    """A file outside the repository in a fingerprint: its name only (its folder differs per machine)."""
    return posixpath.basename(raw.replace("\\", "/")) if raw else None


def _fix(hit: Hit, file: str | None, paths: PathResolver) -> Fix | None:
    if not hit.fix:
        return None
    fix = fix_of(hit.fix)
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


def _exact(record: Record, rank: int) -> int:
    """A dropped record, as little as it can be held: the fingerprint is stable across line shifts and
    numbers in messages, so it would take distinct findings for repeats."""
    where = (record.file, record.raw_file, record.line, record.column, record.end_line, record.end_column)
    return hash((record.tool, record.rule, record.message, record.test, *where, rank))


class _Kept(NamedTuple):
    order: int  # of arrival among the records kept
    record: Record
    slot: Slot


class Keep:
    """The records of one report as hits arrive: duplicates merged, the caps applied at once."""

    def __init__(
        self,
        task: str,
        paths: PathResolver,
        max_records: int = MAX_RECORDS,
        max_message: int = MAX_MESSAGE,
    ) -> None:
        self.task, self.paths = task, paths
        self.max_records, self.max_message = max_records, max_message
        self.twins = Twins()
        # per rank, in order of arrival: the record to let go is the last of the lowest rank held
        self._ranks: list[list[_Kept]] = [[] for _ in range(len(_RANK) + 1)]
        self._held = 0
        self._arrived = 0
        self.hits = 0  # hits taken in, merged or dropped
        self.dropped = 0
        self.truncated = 0
        self.refused = 0  # hits no record could be made of (a parser's bug): lost alone, not the scan
        self.refusal: str | None = None  # why the first one was
        self._gone: set[int] = set()  # what dropped records were (`_exact`), up to a bound

    def add(self, hit: Hit) -> None:
        try:
            record, cut = to_record(hit, self.task, self.paths, self.max_message)
        except ValueError as exc:
            self.refused += 1
            self.refusal = self.refusal or f"{hit.tool}: {exc}"
            return
        self.hits += 1
        self.truncated += cut
        twin, slot = self.twins.find(record)
        if twin is not None:
            absorb(twin, record)
            return
        rank = _RANK.get(record.severity, len(_RANK))
        if _exact(record, rank) in self._gone:
            return  # an exact repeat of a dropped record: counted when it was dropped
        if self._held >= self.max_records:
            lowest = max((r for r, kept in enumerate(self._ranks) if kept), default=None)
            if lowest is None or rank >= lowest:
                self._let_go(record, rank)
                return
            victim = self._ranks[lowest].pop()
            self.twins.remove(victim.record, victim.slot)
            self._held -= 1
            self._let_go(victim.record, lowest)
        self._ranks[rank].append(_Kept(self._arrived, record, slot))
        self.twins.add(record, slot)
        self._arrived += 1
        self._held += 1

    def _let_go(self, record: Record, rank: int) -> None:
        self.dropped += 1
        if len(self._gone) < GONE_PER_RECORD * self.max_records:
            self._gone.add(_exact(record, rank))

    def extend(self, hits: Iterable[Hit]) -> None:
        for hit in hits:
            self.add(hit)

    @property
    def records(self) -> list[Record]:
        """The records kept, in order of arrival."""
        return [kept.record for kept in heapq.merge(*self._ranks)]

    def copy(self) -> Keep:
        """An independent copy (the path resolver shared: its answers do not depend on the records)."""
        return copy.deepcopy(self, {id(self.paths): self.paths})


def merge(
    hits: Iterable[Hit],
    task: str,
    paths: PathResolver,
    max_records: int = MAX_RECORDS,
    max_message: int = MAX_MESSAGE,
) -> Merged:
    """Every hit at once (the fixer's verify step, tests): the records as the report's pydantic models."""
    from .report import Record as Model

    keep = Keep(task, paths, max_records, max_message)
    keep.extend(hits)
    return Merged([Model.model_validate(as_dict(r)) for r in keep.records], keep.dropped, keep.truncated)

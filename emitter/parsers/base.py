"""What every parser shares: the raw hit it emits, the stream context, and a regex line parser.

Parsers run inside the hot loop, so this module imports nothing but `re` and `dataclasses`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, ClassVar


@dataclass(slots=True)
class Hit:
    """One error as a parser saw it, before normalisation (paths, 1-based positions, severity table).

    `severity` is the tool's own word ("E", "convention", "HIGH", "warning"…): emitter/severity.py maps it.
    `base` says whether the tool counts columns from 0 or 1.
    """

    tool: str
    message: str
    type: str = "unknown"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    severity: str = "error"
    rule: str | None = None
    suggestion: str | None = None
    test: str | None = None
    fix: dict[str, Any] | None = None
    base: int = 1
    cwd: str | None = None
    source: str = "log"


class Status(IntEnum):
    """What a parser in block mode says about the line it was just shown."""

    MORE = 0  # consumed; keep sending me lines
    DONE = 1  # consumed; my block is over
    REJECT = 2  # not mine; my block is over and the line goes through normal dispatch


@dataclass(slots=True)
class Context:
    """Per-stream state shared by the parsers of one stream."""

    emit: Callable[[Hit], None]
    hint: str = ""  # the wrapped command line: tells apart tools that print the same format
    dirs: list[str] = field(default_factory=list)  # make's "Entering directory" stack

    @property
    def cwd(self) -> str | None:
        return self.dirs[-1] if self.dirs else None

    def hit(self, hit: Hit) -> None:
        if hit.cwd is None:
            hit.cwd = self.cwd
        self.emit(hit)


class Parser:
    """Base class of every log parser (the protocol lives here, the registry in `__init__`).

    - `name`: registry key; `tools`: the tool names its hits may carry.
    - `anchors`: regex sources, each starting with a literal, that every line this parser cares about
      contains. The scanner searches whole chunks for the union of anchors (fast: a literal prefix
      lets `re` skip ahead in C); only lines with an anchor reach any parser.
    - `trigger`: matched (`search`) against an anchored, ANSI-free line; a match calls `start`.
    - `start` returns True to enter block mode (following lines then go to `more` until it stops),
      False when the line was handled, None to decline it (the next parser whose trigger matches gets it).
    - `finish` flushes a pending record at end of stream.
    """

    name: ClassVar[str] = ""
    tools: ClassVar[tuple[str, ...]] = ()
    anchors: ClassVar[tuple[str, ...]] = ()
    trigger: ClassVar[re.Pattern[str]]

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        raise NotImplementedError

    def more(self, line: str, ctx: Context) -> Status:
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        return None


def to_int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return None


class RegexLineParser(Parser):
    """A one-line format: the trigger's named groups (file, line, col, end_line, end_col, severity,
    rule, message) become the hit. Subclasses set `tool`, and `kind()` to choose the record type."""

    tool: ClassVar[str] = ""
    base: ClassVar[int] = 1
    default_type: ClassVar[str] = "unknown"

    def kind(self, rule: str | None, severity: str, message: str) -> str:
        return self.default_type

    def make_hit(self, m: re.Match[str]) -> Hit:
        g = m.groupdict()
        severity = g.get("severity") or "error"
        rule = g.get("rule") or None
        message = (g.get("message") or "").strip()
        return Hit(
            tool=self.tool or self.name,
            message=message,
            type=self.kind(rule, severity, message),
            file=g.get("file"),
            line=to_int(g.get("line")),
            column=to_int(g.get("col")),
            end_line=to_int(g.get("end_line")),
            end_column=to_int(g.get("end_col")),
            severity=severity,
            rule=rule,
            base=self.base,
        )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        hit = self.make_hit(m)
        if not hit.message:
            return None
        ctx.hit(hit)
        return False


# Shared anchors. Each starts with a literal so the chunk search stays in C.
LOC_COLON = r":\d"  # file:line[:col]
LOC_PAREN = r"\(\d+,\d+\)"  # file(line,col) — tsc, msbuild
LOC_WORDS = r"line \d"  # "line 3" — Python tracebacks, PyYAML, terraform, eslint compact
ERROR_WORD = r"rror"  # error, Error
ERROR_UPPER = r"RROR"  # ERROR
FAIL_UPPER = r"FAIL"  # FAIL, FAILED, FAILURE

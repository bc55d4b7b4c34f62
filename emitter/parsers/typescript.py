"""TypeScript's compiler, `tsc` (also vue-tsc and `tsc -b`, which print the same).

Plain form (CI default, stdout is not a terminal):

    src/a.ts(6,26): error TS2322: Type '{ b: string; }' is not assignable to type 'Inner'.
      Types of property 'b' are incompatible.

`--pretty` form: `src/a.ts:6:26 - error TS2322: …`, the same indented chain, then a blank line, a code
excerpt with squiggles and, for some errors, related locations (`  src/a.ts:3:30` + excerpt + text). It
ends with `Found N errors in M files.` and a per-file table whose `src/a.ts:1` cells look like locations:
both are swallowed so that no fallback parser turns them into records.
"""

from __future__ import annotations

import re
from typing import ClassVar

from .base import ERROR, WARN, Context, Hit, Parser, Status

# The path runs to the first colon (after a drive letter), so that the many `error` lines that are not
# tsc's fail fast; the last `(` before it starts the position (`app/(shop)/page.tsx(3,14):`).
_HEADER = re.compile(
    r"^(?:(?P<file>(?:[A-Za-z]:)?[^\s:][^:]*)(?:\((?P<line>\d+),(?P<col>\d+)\):|:(?P<pline>\d+):(?P<pcol>\d+) -) )?"
    r"(?P<severity>error|warning) TS(?P<code>\d+): (?P<message>.*)$"
)
_EXCERPT = re.compile(r"^\d+(?: |$)")  # `12 const x = 1;` — the gutter of a --pretty code excerpt
_SUMMARY = re.compile(r"^Found \d+ errors? in (?P<where>\d+ files\.|the same file|\S)")
_TABLE_ROW = re.compile(r"^\s+\d+  \S.*:\d+$")

# Codes whose problem is a module that cannot be found or imported rather than a type.
_IMPORT_CODES = frozenset({"2305", "2306", "2307", "2792", "2614", "1192", "1259", "7016"})


def kind(code: str) -> str:
    if code in _IMPORT_CODES:
        return "import_error"
    if code.startswith(("5", "6")) or code == "18003":  # tsconfig and command-line diagnostics
        return "compile_error"
    if len(code) == 4 and code.startswith("1"):  # TS1xxx: the scanner's and parser's diagnostics
        return "syntax_error"
    return "type_error"


def _int(value: str | None) -> int | None:
    return int(value) if value else None


class Tsc(Parser):
    name = "tsc"
    tools = ("tsc",)
    anchors = (ERROR, WARN)
    trigger = re.compile(_HEADER.pattern)

    def __init__(self) -> None:
        self._hit: Hit | None = None
        self._pretty = False
        self._in_message = False  # still on the header's indented continuation lines

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        code = m.group("code")
        self._hit = Hit(
            tool="tsc",
            message=m.group("message").strip(),
            type=kind(code),
            file=m.group("file"),
            line=_int(m.group("line") or m.group("pline")),
            column=_int(m.group("col") or m.group("pcol")),
            severity=m.group("severity"),
            rule=f"TS{code}",
        )
        self._pretty = m.group("pline") is not None
        self._in_message = True
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if self._in_message:
            if line[:1] in (" ", "\t") and line.strip():
                assert self._hit is not None
                self._hit.message += "\n" + line.rstrip()
                return Status.MORE
            self._in_message = False
            self._flush(ctx)
            if not self._pretty:
                return Status.REJECT
        # --pretty body: blank lines, the excerpt gutter and indented related locations belong to it.
        if not line.strip() or line[:1] in (" ", "\t") or _EXCERPT.match(line):
            return Status.MORE
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _flush(self, ctx: Context) -> None:
        if self._hit is not None:
            ctx.hit(self._hit)
            self._hit = None


class TscSummary(Parser):
    """`Found 3 errors in 2 files.` and the `Errors  Files` table under it: noise, consumed."""

    name = "tsc-summary"
    tools = ("tsc",)
    anchors = (ERROR,)
    trigger = re.compile(_SUMMARY.pattern)
    table_head: ClassVar[str] = "Errors  Files"

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        return True

    def more(self, line: str, ctx: Context) -> Status:
        stripped = line.strip()
        if not stripped or stripped == self.table_head or _TABLE_ROW.match(line):
            return Status.MORE
        return Status.REJECT


PARSERS: tuple[type[Parser], ...] = (Tsc, TscSummary)

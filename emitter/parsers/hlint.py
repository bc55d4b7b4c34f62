"""hlint: one block per hint, ended by a blank line, and a closing count.

    src/Calc.hs:11:18-36: Suggestion: Redundant bracket
    Found:
      (eval a) + (eval b)
    Perhaps:
      eval a + (eval b)
    Note: increases laziness

    src/Bad.hs:12:1: Error: Parse error: on input `='
    Found:
        parseMessage s =
      > parseMessage s = …

    2 hints

The place is GHC's span: `line:col`, `line:col-endcol`, or `(line,col)-(endline,endcol)` for a span over
lines. The severity is Suggestion, Warning or Error (Ignore only where configured); the hint's name
(`Redundant bracket`, the name `{-# HLINT ignore … #-}` takes) is the rule. hlint often gives two hints at
one place under one name (each bracket of `(a) + (b)`), told apart only by what they would change, so the
message is the whole block as printed and the `Perhaps:` text is the suggestion. `Parse error` is the
file's syntax error; its rule is just `Parse error`.
"""

from __future__ import annotations

import re

from .base import LOCATION, Context, Hit, Parser, Status, to_int

HEADER = re.compile(
    r"^(?P<file>(?:[A-Za-z]:)?[^:\s][^:]*):"
    r"(?:(?P<line>\d+):(?P<col>\d+)(?:-(?P<col_end>\d+))?"
    r"|\((?P<line2>\d+),(?P<col2>\d+)\)-\((?P<end_line>\d+),(?P<end_col>\d+)\)): "
    r"(?P<severity>Suggestion|Warning|Error|Ignore): (?P<title>\S.*?)\s*$"
)
SECTION = re.compile(r"^(?:Found|Perhaps|Note):")
_MAX_LINES = 60  # a block's lines kept for the message; hlint quotes whole declarations


class Hlint(Parser):
    name = "hlint"
    tools = ("hlint",)
    anchors = (LOCATION,)
    trigger = HEADER

    def __init__(self) -> None:
        self._hit: Hit | None = None
        self._lines: list[str] = []

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self.finish(ctx)
        title = m["title"]
        parse_error = title.startswith("Parse error")
        line_no = to_int(m["line"] or m["line2"])
        self._hit = Hit(
            tool="hlint",
            message=title,
            type="syntax_error" if parse_error else "lint",
            file=m["file"],
            line=line_no,
            column=to_int(m["col"] or m["col2"]),
            end_line=to_int(m["end_line"]) or (line_no if m["col_end"] else None),
            end_column=to_int(m["end_col"] or m["col_end"]),
            severity=m["severity"],
            rule="Parse error" if parse_error else title,
        )
        self._lines = [title]
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if not line.strip():
            self.finish(ctx)
            return Status.DONE
        if self._hit is None or (len(self._lines) == 1 and not SECTION.match(line)):
            self.finish(ctx)  # a header with no `Found:` under it: the next line is someone else's
            return Status.REJECT
        if len(self._lines) < _MAX_LINES:
            self._lines.append(line.rstrip())
        return Status.MORE

    def finish(self, ctx: Context) -> None:
        hit, self._hit = self._hit, None
        if hit is None:
            return
        hit.message = "\n".join(self._lines)
        hit.suggestion = _perhaps(self._lines)
        ctx.hit(hit)


def _perhaps(lines: list[str]) -> str | None:
    """The code under `Perhaps:`, dedented: what hlint would write instead."""
    if "Perhaps:" not in lines:
        return None
    code: list[str] = []
    for line in lines[lines.index("Perhaps:") + 1 :]:
        if SECTION.match(line):
            break
        code.append(line)
    indent = min((len(c) - len(c.lstrip()) for c in code if c.strip()), default=0)
    return "\n".join(c[indent:] for c in code) or None


PARSERS: tuple[type[Parser], ...] = (Hlint,)

"""RuboCop: the default `progress` format (and `clang`, which is the same without the dots), `emacs` and
`simple` (and `quiet`, which is `simple` without the summary).

    app/models/user.rb:4:5: W: Lint/UselessAssignment: Useless assignment to variable - unused.      progress
        unused = 1                                                                                   (source,
        ^^^^^^                                                                                        caret)
    /repo/app/models/user.rb:7:12: C: [Correctable] Style/DefWithParentheses: Omit the parentheses …  emacs
    == app/models/user.rb ==                                                                         simple
    W:  4:  5: Lint/UselessAssignment: Useless assignment to variable - unused.

The severity is one letter (I info, R refactor, C convention, W warning, E error, F fatal: the table in
severity.py maps them); the cop (`Department/Name`) came with RuboCop 0.x's `--display-cop-names`, the
default today, and is the rule; `[Correctable]` (or `[Corrected]` after `-a`) before it says RuboCop can
fix the offense itself: the record then carries `rubocop --autocorrect --only <cop> <file>`. `Lint/Syntax`
is a file that does not parse.

A `progress` offense is one line: its source excerpt and caret line are left to the ordinary scan (they
hold Ruby source, which no parser takes, and nothing under an emacs line can be told from them without
looking ahead). A `simple` offense line holds no anchor (`C:  4:  5:`), nor does its `== file ==` header:
they are read from the stream's tail, like other tools' anchorless reports (see stylelint.py).
"""

from __future__ import annotations

import re
from typing import Any

from .base import ERROR, LOCATION, Context, Hit, Parser, one_trigger, to_int

_SEVERITY = r"(?P<severity>[IRCWEF])"
_CORRECTABLE = r"(?:\[(?P<mark>Correctable|Corrected|Todo)\] )?"
_COP = r"(?:(?P<rule>[A-Z][A-Za-z0-9]*(?:/[A-Z][A-Za-z0-9]*)+): )?"
# The look-ahead finds the severity letter by scanning back from the line's end in C: the many location
# lines that are not RuboCop's are turned away before their path is parsed (the hot path's budget).
OFFENSE = re.compile(
    r"^(?=.*: [IRCWEF]: )(?P<file>(?:[A-Za-z]:)?[^:\s][^:]*(?::(?!\d)[^:]*)*):(?P<line>\d+):(?P<col>\d+): "
    + _SEVERITY
    + ": "
    + _CORRECTABLE
    + _COP
    + r"(?P<message>\S.*)$"
)
SIMPLE_FILE = re.compile(r"^== (?P<file>\S.*?) ==$")
SIMPLE_ROW = re.compile(
    r"^" + _SEVERITY + r": *(?P<line>\d+): *(?P<col>\d+): " + _CORRECTABLE + _COP + r"(?P<message>\S.*)$"
)


def rubocop_hit(file: str, g: dict[str, str | None]) -> Hit:
    rule = g["rule"]
    hit = Hit(
        tool="rubocop",
        message=(g["message"] or "").strip(),
        type="syntax_error" if rule == "Lint/Syntax" else "lint",
        file=file,
        line=to_int(g["line"]),
        column=to_int(g["col"]),
        severity=g["severity"] or "error",
        rule=rule,
    )
    if g["mark"] == "Correctable" and rule:
        fix: dict[str, Any] = {
            "description": "rubocop --autocorrect",
            "command": ["rubocop", "--autocorrect", "--only", rule, file],
        }
        hit.fix = fix
    return hit


class RubocopOffense(Parser):
    """`progress`, `clang` and `emacs`: `file:line:col: C: [Correctable] Cop/Name: message`."""

    name = "rubocop"
    tools = ("rubocop",)
    anchors = (LOCATION,)
    trigger = OFFENSE

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        ctx.hit(rubocop_hit(m["file"], m.groupdict()))
        return False


class RubocopSimple(Parser):
    """`simple` and `quiet`: a `== file ==` header, then `C:  4:  5: Cop/Name: message` rows, read from
    the tail (in an ordinary scan only a row whose message says "error" would be shown: it is left to the
    tail too, where its header is in sight)."""

    name = "rubocop-simple"
    tools = ("rubocop",)
    anchors = (ERROR,)
    tail = True
    trigger = one_trigger(SIMPLE_FILE, SIMPLE_ROW)

    def __init__(self) -> None:
        self._file: str | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if ctx.preceding(1):
            return None  # an ordinary scan: see the class docstring
        header = SIMPLE_FILE.match(line)
        if header is not None:
            self._file = header["file"]
            return False
        row = SIMPLE_ROW.match(line)
        if row is None or self._file is None:
            return None
        ctx.hit(rubocop_hit(self._file, row.groupdict()))
        return False

    def finish(self, ctx: Context) -> None:
        self._file = None  # the tail is read after this: it starts with no file


PARSERS: tuple[type[Parser], ...] = (RubocopOffense, RubocopSimple)

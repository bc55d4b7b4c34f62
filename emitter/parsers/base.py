"""What every parser shares: the raw hit it emits, the stream context, and a regex line parser.

Parsers run inside the hot loop, so this module imports nothing but `re` and `dataclasses`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import ClassVar

from ..hit import Hit as Hit  # re-exported: parsers build hits


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
    # Set by the scanner while `start` runs: the lines just before the trigger line, nearest last
    # (a rule line above a location line, a file header above its findings). Empty elsewhere.
    lookback: Callable[[int], list[str]] = field(default=lambda n: [])

    def preceding(self, n: int = 1) -> list[str]:
        """Up to `n` cleaned lines before the current trigger line, oldest first."""
        return self.lookback(n)

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
    - `anchors`: entries of ANCHORS below. The scanner searches each chunk once per anchor in use, on a
      case- and digit-folded copy, so the vocabulary is small on purpose: every pass costs throughput.
      Only lines holding one of a parser's anchors are offered to it. A trigger line without any anchor
      can still be reached: from an anchored line after it (`ctx.preceding`), in block mode, or by
      declaring `tail = True` (see below).
    - `trigger`: matched (`search`) against an anchored, ANSI-free line; a match calls `start`.
      A trigger starting with `^` must be anchored as a whole (no top-level `|`).
    - `start` returns True to enter block mode (following lines then go to `more` until it stops),
      False when the line was handled, None to decline it (the next parser whose trigger matches gets it).
    - `tail`: the parser is also shown every line of the stream's last TAIL_BYTES at the end (single-line
      parsers only): for messages with no anchor that come at the end of a failed step (a killed process,
      an unreachable host, a formatter's list of files). The merge step folds repeats.
    - `finish` flushes a pending record at end of stream.
    """

    name: ClassVar[str] = ""
    tools: ClassVar[tuple[str, ...]] = ()
    anchors: ClassVar[tuple[str, ...]] = ()
    trigger: ClassVar[re.Pattern[str]]
    tail: ClassVar[bool] = False

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        raise NotImplementedError

    def more(self, line: str, ctx: Context) -> Status:
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        return None


_GROUP_NAME = re.compile(r"\(\?P<\w+>")


def unname(pattern: str) -> str:
    """The pattern with its group names dropped, so that patterns sharing names can be joined."""
    if "(?P=" in pattern:
        raise ValueError(f"a named back-reference cannot be joined with other patterns: {pattern}")
    return _GROUP_NAME.sub("(?:", pattern)


def one_trigger(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One trigger for several line shapes; `start()` re-matches the exact one. When all are
    `^`-anchored the `^` is factored out: the scanner tries such triggers at position 0 only, so the
    alternation must sit inside it."""
    sources = [unname(p.pattern) for p in patterns]
    if len(sources) > 1 and all(src.startswith("^") for src in sources):
        return re.compile("^(?:" + "|".join(f"(?:{src[1:]})" for src in sources) + ")")
    return re.compile("|".join(sources))


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


# The anchor vocabulary. Each is a regex over the folded chunk (A-Z → a-z; 0-9, `(`, `[` and ESC → 0; w → f),
# starting with a literal so that `re` skips through noise in C, and rejecting in C the everyday lines that
# hold the same words: a line that reaches Python only to be turned away costs more than a chunk's search.
# Adding one costs every build log a pass: measure first (bench/throughput.py).
# file:12, x.c:(.text+0x5), Foo.java:[3,5], `a.py<ESC>[36m:<ESC>[0m1` (colour) — not 12:34:56 (a digit before
# the colon), not the everyday non-locations: apt's `Get:12`, URLs with ports (`example.org:443`,
# `localhost:8080`), `(node:1234)`; and not a stack frame's location closing its line (`at f (x.js:3:7)`,
# `at a.B.c(B.java:42)`, an anonymous `at x.js:3:7`): runtimes print them by the thousand and the parsers
# read them inside their blocks. A bare `a.py:1:8` or `a.rs:3:5` closing a line is ruff's or rustc's `-->`.
LOCATION = (  # the stack-frame check comes second: it turns away in one step what the others let through
    r":0(?<=[^0\s]:0)(?!0*(?::0+)?\)\r?\n|(?<=[jt]s:0|sx:0)0*:0+\r?\n)"
    r"(?<!get:0|\.io:0)(?<!\.org:0|\.com:0|\.net:0|host:0)(?<!0node:0)"
)
# error, Error, ERROR, TypeError — not Maven's `Errors: 0`. Two more share the pass (one `r` prefix): black's
# `would reformat`, and make's `Entering directory '/x'` (the `r` of directory), which every stream follows.
ERROR = r"r(?:ror(?!s: 0\b|s=0\b)|e(?:format|ctory (?:(?<=entering directory )|(?<=leaving directory ))))"
REFORMAT = ERROR  # a name of its own for readers of the parsers; the same pass
FAIL = r"fail(?!ures: 0\b|ed=0\b|ed: 0\b)"  # FAIL, failed, Failure — not `Failures: 0`, ansible's `failed=0`
# warning, WARN, [warn] — not DeprecationWarning (m: ANSI colour ends in it), not npm's `WARN deprecated`.
# The fold reads w as f, so that fail and warn (`farn`) share one pass: the scanner joins anchors whose
# literal heads agree (scan.py, `passes`), and `fa` is rarer in a log than either pass is dear.
WARN = r"farn(?<![a-ln-z]farn)(?! +deprecated )"
LINE = r"line 0+(?:[,:]| in\b|\r?\n)"  # "x.py", line 3, in f / in "x.yaml", line 3, column 1 / a.sh line 3:
ANCHORS = {
    "location": LOCATION,
    "error": ERROR,
    "fail": FAIL,
    "warn": WARN,
    "line": LINE,
}

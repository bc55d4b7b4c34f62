"""stylelint: the default `string` formatter (and `verbose`, which starts the same), `unix` and `compact`.

`string` names each file on a line of its own, then one row per problem, the severity as a symbol:

    src/site.css
      1:12  ⚠  Expected "#FFFFFF" to be "#FFF"   color-hex-length
      4:3   ✖  Unknown property "colr"           property-no-unknown

    ✖ 2 problems (1 error, 1 warning)

(`×` and `‼` where the terminal has no Unicode; stylelint before 15 printed no summary). Neither the file
line nor a row holds an anchor, so the table is read two ways, and the merge step folds what both find:
- from the stream's tail (`tail = True`): stylelint exits non-zero right after its report, which it
  prints on stderr, so a failed lint step ends with it. There the parser is shown the file lines, rows and
  blank lines in order and keeps the current file between them;
- from the summary line (`N problems (… errors`, an anchor) looking back over the lines above it, for a
  report that more output pushed out of the tail; only what the look-back window holds is found that way.
`unix` (`file:line:col: message (rule) [error]`) and `compact` (`file: line 1, col 3, error - message
(rule)`) are one line per problem with an anchor each. Columns are 1-based; a CssSyntaxError is the
rule of a file that does not parse.
"""

from __future__ import annotations

import re

from .base import ERROR, LINE, LOCATION, Context, Hit, Parser, one_trigger, to_int

# stylelint's symbols, and the ASCII-terminal fallbacks; an alternation, not a class: the scanner's byte
# pre-check compiles the trigger over UTF-8 bytes, where a class of multi-byte characters breaks
_SYMBOLS = {"✖": "error", "×": "error", "⚠": "warning", "‼": "warning"}
_SYMBOL = "(?:" + "|".join(_SYMBOLS) + ")"
ROW = re.compile(
    rf"^\s+(?P<line>\d+):(?P<col>\d+)\s+(?P<symbol>{_SYMBOL})\s+(?P<message>\S.*?)\s{{2,}}(?P<rule>[\w@/.-]+)\s*$"
)
SUMMARY = re.compile(rf"^{_SYMBOL} \d+ problems? \(\d+ errors?, \d+ warnings?\)$")
# a file stylelint reads (stylesheets, and the markup and scripts its custom syntaxes take CSS from), with no
# colon; spaces are allowed (`src/nav bar.css`). An ordinary scan sees it only where it holds "error".
_STYLED = r"css|scss|sass|less|sss|styl|pcss|postcss|html?|vue|svelte|astro|[cm]?[jt]sx?|mdx?|php"
FILE_LINE = re.compile(rf"^(?P<file>[^\s:][^:]*\.(?:{_STYLED}))$")
BLANK = re.compile(r"^\s*$")
LOOK_BACK = 400  # lines above the summary; the scanner's look-back window is the tighter bound

UNIX = re.compile(  # the look-ahead turns other location lines away cheaply (see rubocop.py)
    r"^(?=.*\]$)(?P<file>[^:\s][^:]*(?::(?!\d)[^:]*)*):(?P<line>\d+):(?P<col>\d+): (?P<message>.*) "
    r"\((?P<rule>[\w@/.-]+)\) \[(?P<severity>error|warning)\]$"
)
COMPACT = re.compile(
    r"^(?P<file>(?:[A-Za-z]:)?[^\s:][^:]*): line (?P<line>\d+), col (?P<col>\d+), (?P<severity>error|warning) - "
    r"(?P<message>.*) \((?P<rule>[\w@/.-]+)\)$"
)


def stylelint_hit(file: str, line: str, col: str, severity: str, message: str, rule: str) -> Hit:
    return Hit(
        tool="stylelint",
        message=message.strip(),
        type="syntax_error" if rule == "CssSyntaxError" else "lint",
        file=file,
        line=to_int(line),
        column=to_int(col),
        severity=severity,
        rule=rule,
    )


class _Table:
    """Reads `string` output line by line: a file line, its rows, a blank line between files."""

    def __init__(self) -> None:
        self.file: str | None = None

    def read(self, line: str) -> Hit | None:
        row = ROW.match(line)
        if row is not None:
            if self.file is None:
                return None  # a row whose file line is out of sight
            g = row.groupdict()
            return stylelint_hit(
                self.file, g["line"], g["col"], _SYMBOLS[g["symbol"]], g["message"], g["rule"]
            )
        path = FILE_LINE.match(line)
        self.file = path["file"] if path is not None else None
        return None


class StylelintString(Parser):
    name = "stylelint"
    tools = ("stylelint",)
    anchors = (ERROR,)  # the summary's "errors"; rows only through the tail
    tail = True
    trigger = one_trigger(ROW, SUMMARY, FILE_LINE, BLANK)

    def __init__(self) -> None:
        self._tail = _Table()

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if SUMMARY.match(line):
            table = _Table()
            for text in ctx.preceding(LOOK_BACK):
                hit = table.read(text)
                if hit is not None:
                    ctx.hit(hit)
            return False
        if ctx.preceding(1):
            # An ordinary scan shows only rows and file lines that happen to hold an anchor: their
            # table is read from the summary or the tail, never line by line out of context.
            return None
        hit = self._tail.read(line)  # the tail: every file line, row and blank line, in order
        if hit is not None:
            ctx.hit(hit)
        return False

    def finish(self, ctx: Context) -> None:
        self._tail = _Table()  # the tail is read after this: it starts with no file


class StylelintUnix(Parser):
    name = "stylelint-unix"
    tools = ("stylelint",)
    anchors = (LOCATION,)
    trigger = UNIX

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        g = m.groupdict()
        ctx.hit(stylelint_hit(g["file"], g["line"], g["col"], g["severity"], g["message"], g["rule"]))
        return False


class StylelintCompact(Parser):
    name = "stylelint-compact"
    tools = ("stylelint",)
    anchors = (LINE,)
    trigger = COMPACT

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        g = m.groupdict()
        ctx.hit(stylelint_hit(g["file"], g["line"], g["col"], g["severity"], g["message"], g["rule"]))
        return False


PARSERS: tuple[type[Parser], ...] = (StylelintString, StylelintUnix, StylelintCompact)

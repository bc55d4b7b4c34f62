"""remark-lint (remark-cli, through vfile-reporter): the file on a line of its own, then one row per message.

    docs/a.md
    5:31-6:1 warning Unexpected `3` spaces for hard break, expected `2` spaces  hard-break-spaces  remark-lint
    6:1      error   Cannot process file                                                    (a fatal error)

    README.md: no issues found

    3 messages (✖ 1 error, ⚠ 2 warnings)                                                    (or `⚠ 2 warnings`)

vfile-reporter 8 starts rows at the margin with a `line:col-endline:endcol` place; before it, rows were
indented (` 25:3  warning …`). The last two columns are the rule and its source (`remark-lint`, or a
plugin such as `remark-validate-links`); a fatal error has neither. Columns are padded to the longest
message, so one space may be all that separates a message from its rule. A row says `warning` or `error`
(an anchor): the first opens a block that takes its file from the line above and then reads the other
rows, the next files (a blank line between them) and the closing count.
"""

from __future__ import annotations

import re

from .base import ERROR, WARN, Context, Hit, Parser, Status, to_int

_PLACE = r"(?P<line>\d+):(?P<col>\d+)(?:-(?P<end_line>\d+):(?P<end_col>\d+))?"
_SOURCE = r"(?:remark|retext|rehype|micromark|mdast)[\w-]*"
ROW = re.compile(
    rf"^(?:\s*{_PLACE}\s+(?P<severity>warning|error|info)|\s+(?P<fatal>error))\s+(?P<message>\S.*?)"
    rf"(?:\s+(?P<rule>[a-z][\w-]*)\s+(?P<source>{_SOURCE}))?\s*$"
)
# remark-cli's default extensions: the file line of any other tool's table (yamllint's) is not taken
FILE = re.compile(r"^(?P<file>[^\s:][^:]*\.(?:md|markdown|mdown|mkdn|mkd|mdwn|mkdown|mdx|ron))$")
CLEAN = re.compile(r"^[^\s:][^:]*: no issues found$")
TOTAL = re.compile(
    r"^(?:(?:⚠|✖|×|‼)\s*)?\d+ (?:messages?|warnings?|errors?)(?: \(.*\))?$"
)  # `4 messages (✖ 1 error, ⚠ 3 warnings)`
CAUSE = re.compile(r"^\s+(?:\[cause\]:|\S)")  # a fatal error's causes and their stacks, indented


class RemarkLint(Parser):
    name = "remark-lint"
    tools = ("remark-lint",)
    anchors = (WARN, ERROR)
    trigger = ROW

    def __init__(self) -> None:
        self._file: str | None = None
        self._gap = False  # after a blank line: a file line or the count may follow, not a row
        self._fatal = False  # after a fatal error: its indented causes follow

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        above = ctx.preceding(1)
        header = FILE.match(above[0]) if above else None
        if header is None:
            return None  # not under a Markdown file's line: another tool's row (eslint's, yamllint's…)
        self._file = header["file"]
        self._emit(m, ctx)
        return True

    def more(self, line: str, ctx: Context) -> Status:
        row = ROW.match(line) if not self._gap else None
        if row is not None and self._file is not None:
            self._emit(row, ctx)
            return Status.MORE
        if self._fatal and CAUSE.match(line):
            return Status.MORE
        self._fatal = False
        if not line.strip():
            self._gap = True
            return Status.MORE
        if TOTAL.match(line):
            return Status.DONE
        header = FILE.match(line)
        if header is not None or CLEAN.match(line):
            self._file, self._gap = header["file"] if header is not None else None, False
            return Status.MORE
        return Status.REJECT

    def _emit(self, m: re.Match[str], ctx: Context) -> None:
        line = to_int(m["line"])
        self._gap, self._fatal = False, m["fatal"] is not None
        ctx.hit(
            Hit(
                tool="remark-lint",
                message=m["message"],
                type="lint" if m["rule"] else "unknown",  # no rule: the file could not be read or processed
                file=self._file,
                line=line or None,
                column=to_int(m["col"]) if line else None,
                end_line=to_int(m["end_line"]) or None,
                end_column=to_int(m["end_col"]) if m["end_line"] and to_int(m["end_line"]) else None,
                severity=m["severity"] or m["fatal"],
                rule=m["rule"],
            )
        )


PARSERS: tuple[type[Parser], ...] = (RemarkLint,)

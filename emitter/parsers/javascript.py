"""JavaScript tools: eslint (stylish and compact formats), jest and `prettier --check`.

eslint's default `stylish` format prints the absolute file path alone on a line, then one row per problem:

    /repo/src/a.js
      2:7   error    'x' is assigned a value but never used  no-unused-vars
      1:15  error    Parsing error: Unexpected token ;

    ✖ 9 problems (7 errors, 2 warnings)
      2 errors and 1 warning potentially fixable with the `--fix` option.

The path line holds no anchor, its rows do (`error`, `warning`): the first row opens the block and takes
its file from the line above it; the block then reads the other rows, the next files and the summary.
Whether a problem is fixable is only said in aggregate, so a record gets eslint's `--fix` as its fix only
when the summary says every problem is fixable; until the summary the records are held back.
Jest failures are `●` blocks inside the block a `FAIL <suite>` line opens; see `Jest`.
"""

from __future__ import annotations

import re
from typing import Any

from .base import ERROR, FAIL, LINE, WARN, Context, Hit, Parser, Status, to_int

_EXTENSIONS = (
    r"[cm]?[jt]sx?"  # .js .jsx .mjs .cjs .ts .tsx .mts .cts; plugins' files (.vue, .md…) are not read
)
_STYLISH_FILE = re.compile(rf"^(?:/|[A-Za-z]:[\\/])[^\t]*?\.{_EXTENSIONS}$")  # eslint prints absolute paths
_STYLISH_ROW = re.compile(
    r"^\s+(?P<line>\d+):(?P<col>\d+)\s+(?P<severity>error|warning)\s+(?P<message>.*?)(?:\s{2,}(?P<rule>\S+))?\s*$"
)
_STYLISH_SUMMARY = re.compile(r"^✖ (?P<total>\d+) problems? \(\d+ errors?, \d+ warnings?\)$")
_FIXABLE = re.compile(
    r"^\s+(?P<errors>\d+) errors? and (?P<warnings>\d+) warnings? potentially fixable with the"
)


def _eslint_kind(message: str) -> str:
    return "syntax_error" if message.startswith("Parsing error") else "lint"


class EslintStylish(Parser):
    name = "eslint-stylish"
    tools = ("eslint",)
    anchors = (ERROR, WARN)
    trigger = re.compile(r"^\s+\d+:\d+\s+(?P<severity>error|warning)\s")  # a row; yamllint's look the same
    # where the block is: in a file's rows, after a blank line (next file or summary), on a path line
    # (a row must follow), after the summary (the fixable count may follow)
    _ROWS, _GAP, _FILE, _SUMMARY = range(4)

    MAX_HELD = 2000  # rows held for the summary's verdict on --fix; past it they go on without one

    def __init__(self) -> None:
        self._file = ""
        self._state = self._ROWS
        self._held: list[Hit] = []
        self._spilled = False  # some rows went on before the summary: it can no longer speak for all
        self._total = 0

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        above = ctx.preceding(1)
        if not above or not _STYLISH_FILE.match(above[0]):
            return None  # not under an eslint path line: another tool's row (yamllint's file is relative)
        self._file = above[0]
        if not self._add(line):
            return None
        self._state, self._spilled = self._ROWS, False
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if self._state == self._SUMMARY:  # the line after the summary may say how many `--fix` can fix
            fixable = _FIXABLE.match(line)
            total = int(fixable.group("errors")) + int(fixable.group("warnings")) if fixable else -1
            if total == self._total and not self._spilled:
                for hit in self._held:
                    hit.fix = {"description": "eslint --fix", "command": ["eslint", "--fix", hit.file]}
            self.finish(ctx)
            return Status.DONE if fixable else Status.REJECT
        if self._state in (self._ROWS, self._FILE) and self._add(line):
            self._state = self._ROWS
            if len(self._held) >= self.MAX_HELD:  # a runaway lint must not hold the log in memory
                self._spilled = True
                self.finish(ctx)
            return Status.MORE
        if self._state == self._ROWS and not line.strip():
            self._state = self._GAP  # a blank line closes the file's table
            return Status.MORE
        if self._state == self._GAP:
            if _STYLISH_FILE.match(line):
                self._file, self._state = line, self._FILE
                return Status.MORE
            summary = _STYLISH_SUMMARY.match(line)
            if summary is not None:
                self._total, self._state = int(summary.group("total")), self._SUMMARY
                return Status.MORE
        self.finish(ctx)  # not eslint's any more: no summary will come
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        for hit in self._held:
            ctx.hit(hit)
        self._held = []

    def _add(self, line: str) -> bool:
        row = _STYLISH_ROW.match(line)
        if row is None:
            return False
        message = row.group("message")
        line_no = int(row.group("line"))
        self._held.append(
            Hit(
                tool="eslint",
                message=message,
                type=_eslint_kind(message),
                file=self._file,
                line=line_no or None,  # 0:0 is a file-level message (e.g. "File ignored…")
                column=int(row.group("col")) if line_no else None,
                severity=row.group("severity"),
                rule=row.group("rule"),
            )
        )
        return True


class EslintCompact(Parser):
    """`/repo/a.js: line 3, col 10, Error - 'x' is defined but never used. (no-unused-vars)`"""

    name = "eslint-compact"
    tools = ("eslint",)
    anchors = (LINE,)  # `line 3,`
    trigger = re.compile(
        r"^(?P<file>(?:[A-Za-z]:)?[^\s:][^:]*): line (?P<line>\d+), col (?P<col>\d+), (?P<severity>Error|Warning) - "
        r"(?P<message>.*?)(?: \((?P<rule>[@\w][\w@/.-]*)\))?$"
    )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        message = m.group("message")
        line_no = int(m.group("line"))
        ctx.hit(
            Hit(
                tool="eslint",
                message=message,
                type=_eslint_kind(message),
                file=m.group("file"),
                line=line_no or None,
                column=int(m.group("col")) if line_no else None,
                severity=m.group("severity"),
                rule=m.group("rule"),
            )
        )
        return False


_FRAME = re.compile(r"^\s+at (?:.*? \()?(?P<file>[^()\s][^()]*?):(?P<line>\d+):(?P<col>\d+)\)?$")
_CODE_FRAME = re.compile(r"^\s+(?:>?\s*\d+ \||\|)")
_BABEL_SYNTAX = re.compile(r"^SyntaxError: (?P<file>.+?): (?P<message>.+?) \((?P<line>\d+):(?P<col>\d+)\)$")
_JEST_TITLE = re.compile(r"^  ● (?P<title>.+?)\s*$")
_JEST_CONSOLE = re.compile(r"^  console\.\w+\s*$")
_MAX_LINES = 40
_MAX_KEPT = 2000  # a section's lines held for its message and first user frame; a runaway log is cut


def _user_frame(m: re.Match[str]) -> bool:
    path = m.group("file")
    return "node_modules" not in path and not path.startswith(("node:", "internal/", "<"))


class Jest(Parser):
    """Jest: `FAIL src/a.test.js` opens a block holding, per failure,

          ● Suite › nested › test name

            expect(received).toBe(expected) // Object.is equality
            Expected: 3 / Received: -1        (the assertion and its diff: the message)
              4 |   test("adds", () => {      (code frame: skipped)
              at Object.toBe (src/a.test.js:5:23)   (first frame outside node_modules: the location)

    and ends at the first unindented line that is not another `FAIL` header (`Test Suites:`, `PASS …`).
    `● Test suite failed to run` sections (syntax errors, missing modules) become records without a test;
    console output (`  console.log` and its indented text and frame) is skipped. Only `FAIL` holds an
    anchor, so `●` lines outside such a block (systemd's status) are never read.
    """

    name = "jest"
    tools = ("jest",)
    anchors = (FAIL,)
    trigger = re.compile(r"^\s*FAIL\s+(?P<suite>\S.*?\.[cm]?[jt]sx?)(?: \([\d.]+ m?s\))?\s*$")
    _console = "Console"

    def __init__(self) -> None:
        self._suite: str | None = None
        self._title: str | None = None  # the section being read: a failure's title, Console, or none yet
        self._lines: list[str] = []

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._suite, self._title, self._lines = m.group("suite"), None, []
        return True

    def more(self, line: str, ctx: Context) -> Status:
        suite = self.trigger.match(line)  # in colour the header is ` FAIL  …`: tried before indentation
        if suite is not None:  # the next suite, or the "Summary of all failing tests" repeating one
            self._emit(ctx)
            self._suite = suite.group("suite")
            return Status.MORE
        if line[:1] not in ("", " ", "\t"):  # `Test Suites:`, `PASS …`, another tool
            self._emit(ctx)
            return Status.REJECT
        title = _JEST_TITLE.match(line)
        if title is not None or _JEST_CONSOLE.match(line):
            self._emit(ctx)
            self._title = title.group("title") if title is not None else self._console
            self._lines = []
        elif self._title not in (None, self._console) and len(self._lines) < _MAX_KEPT:
            self._lines.append(line)
        return Status.MORE  # the test list under the header, console text, a failure's lines

    def finish(self, ctx: Context) -> None:
        self._emit(ctx)

    def _emit(self, ctx: Context) -> None:
        title, self._title = self._title, None
        if title is None or title == self._console:
            return
        text: list[str] = []
        frame: re.Match[str] | None = None
        for line in self._lines:
            if _CODE_FRAME.match(line):
                continue
            at = _FRAME.match(line)
            if at is not None:
                if frame is None and _user_frame(at):
                    frame = at
                continue
            if frame is None and len(text) < _MAX_LINES:
                text.append(line)
        if title == "Test suite failed to run":
            ctx.hit(self._suite_failure(text, frame))
            return
        ctx.hit(
            Hit(
                tool="jest",
                message=_dedent(text) or title,
                type="test_failure",
                file=frame.group("file") if frame else self._suite,
                line=to_int(frame.group("line")) if frame else None,
                column=to_int(frame.group("col")) if frame else None,
                test=title,
            )
        )

    def _suite_failure(self, text: list[str], frame: re.Match[str] | None) -> Hit:
        lines = _dedent(text).splitlines()
        for line in lines:
            syntax = _BABEL_SYNTAX.match(line)
            if syntax is not None:  # Babel's location: 1-based line, 0-based column
                return Hit(
                    tool="jest",
                    message=f"SyntaxError: {syntax.group('message')}",
                    type="syntax_error",
                    file=syntax.group("file"),
                    line=int(syntax.group("line")),
                    column=int(syntax.group("col")),
                    base=0,
                )
        paragraph = "\n".join(lines).split("\n\n", 1)[0] or "Test suite failed to run"
        return Hit(
            tool="jest",
            message=paragraph,
            type="import_error" if "Cannot find module" in paragraph else "test_failure",
            file=frame.group("file") if frame else self._suite,
            line=to_int(frame.group("line")) if frame else None,
            column=to_int(frame.group("col")) if frame else None,
        )


def _dedent(lines: list[str]) -> str:
    """Jest indents a failure's text by four spaces; diffs inside it keep their own indentation."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines = lines[1:]
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    kept: list[str] = []
    for line in lines:
        if line.strip():
            kept.append(line[cut:].rstrip())
        elif kept and kept[-1]:
            kept.append("")  # one blank line between paragraphs, never a run of them
    return "\n".join(kept).strip("\n")


_PRETTIER_SYNTAX = re.compile(r"^(?P<message>\w*Error: .*?)(?: \((?P<line>\d+):(?P<col>\d+)\))?$")
_PRETTIER_FRAME = re.compile(r"^\[error\] \s*>?\s*\d*\s*\|")
_HAS_EXTENSION = re.compile(r"\.\w+$")


class Prettier(Parser):
    """`prettier --check`: `[warn] src/a.js` per unformatted file (the build fails on them, so the table in
    severity.py counts prettier's `warn` as an error) and `[error] src/b.js: SyntaxError: … (1:15)` followed
    by a code frame of `[error]` lines."""

    name = "prettier"
    tools = ("prettier",)
    anchors = (WARN, ERROR)
    trigger = re.compile(r"^\[(?P<level>warn|error)\] (?P<rest>\S.*?)\s*$")

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        rest = m.group("rest")
        if m.group("level") == "warn":
            return self._unformatted(rest, ctx)
        file, sep, error = rest.partition(": ")
        syntax = _PRETTIER_SYNTAX.match(error) if sep else None
        if syntax is None or not _HAS_EXTENSION.search(file):
            return None
        ctx.hit(
            Hit(
                tool="prettier",
                message=syntax.group("message"),
                type="syntax_error" if syntax.group("message").startswith("SyntaxError") else "format",
                file=file,
                line=to_int(syntax.group("line")),
                column=to_int(syntax.group("col")),
            )
        )
        return True

    def more(self, line: str, ctx: Context) -> Status:
        return Status.MORE if _PRETTIER_FRAME.match(line) else Status.REJECT

    @staticmethod
    def _unformatted(rest: str, ctx: Context) -> bool | None:
        if rest.startswith("Code style issues"):
            return False  # the summary: one record per file is already out
        if ": " in rest or not _HAS_EXTENSION.search(rest):
            return None  # another tool's `[warn]` line (sbt prints `[warn] /a/B.scala:3:1: …`)
        fix: dict[str, Any] = {"description": "prettier --write", "command": ["prettier", "--write", rest]}
        ctx.hit(
            Hit(
                tool="prettier",
                message="Code style issues found",
                type="format",
                file=rest,
                severity="warn",
                fix=fix,
            )
        )
        return False


PARSERS: tuple[type[Parser], ...] = (EslintStylish, EslintCompact, Jest, Prettier)

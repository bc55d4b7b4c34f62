"""pytest's terminal report (tool "pytest"): the ERRORS and FAILURES sections in every `--tb` style
(long, short, line, native), the short test summary, and conftest import errors; `-q`, `-v`, `-rA` and
xdist's `-n` print the same sections.

Once "=== ERRORS ===" or "=== FAILURES ===" is seen, the parser owns every line up to the session's
closing "=== 2 failed in 0.1s ===" (or the end of the summary), so the tracebacks pytest prints there,
native ones included, never reach the python_tb parser. The "short test summary info" header holds no
anchor: it comes inside that block, or (`--tb=no`) right before a FAILED/ERROR line, which then starts
the block in the summary.

One record per failing test. A failure block and its summary line describe the same failure, so they
are paired here and emitted once: the block gives the line and the full message, the summary the node
id ("tests/test_x.py::TestX::test_b[param id]", kept as printed). Blocks are paired by their header
("TestX.test_b[param id]"); `--tb=line` entries have none and are paired in order, as pytest prints
both lists in the same order. Records are emitted when the summary ends (or at the closing line).

Choices a user of the records relies on:
- file/line: for a failed assertion, the deepest frame in the test's own file (the failing assert), so
  the record names the file the summary names; for an exception, the deepest frame outside the
  interpreter's library: the line that raised it (a NameError in `app/calc.py`, not the test's call of
  it), which is what a fix edits; a failure raised outside the test file (a fixture in conftest.py, a
  `--tb=line` entry) likewise; else the test's file with no line.
- message: the `E` lines without their prefix (the assertion diff included, cut at 30 lines), or the
  exception of a native traceback; the summary's one-line, possibly cut message only when no block
  was printed (`--tb=no`).
- rule: the exception class; a bare `assert` counts as AssertionError in every style.
- type: ImportError/ModuleNotFoundError → import_error, SyntaxError and kin → syntax_error (collection
  errors mostly), anything else → test_failure; setup/teardown errors are test failures too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from .base import ERROR, FAIL, Context, Hit, Parser, Status
from .python_tb import (
    CHAIN,
    FRAME,
    TRACEBACK,
    Frame,
    TracebackReader,
    clip,
    deepest_own,
    exception_kind,
    exception_name,
    is_library,
)

SECTION = re.compile(r"^=+ (?P<title>.+?) =+$")
FINAL = re.compile(r"^(?:=+ )?(?:no tests ran|\d+ \w+(?: \w+)?(?:, \d+ \w+(?: \w+)?)*) in \d+(?:\.\d+)?s\b")
HEADER = re.compile(r"^_+ (?![_ ]*$)(?P<title>.*?\S) _+$")
CAPTURED = re.compile(r"^-+ (?:Captured|generated) .* -+$")
LOCATION = re.compile(
    r"^(?P<file>(?:[A-Za-z]:)?[^:\s][^:]*?\.py|<[^>]+>):(?P<line>\d+)(?::(?: (?P<rest>.*))?)?$"
)
FIXTURE_LOCATION = re.compile(r"^file (?P<file>.+?), line (?P<line>\d+)$")
SUMMARY = re.compile(r"^(?P<kind>FAILED|ERROR) (?P<rest>.+)$")
SUBTEST = re.compile(
    r"^SUBFAILED(?P<desc>.*?) (?P<rest>[^\s\[]+::.*)$"
)  # pytest 9: "SUBFAILED[msg] (i=1) node - …"
SUMMARY_OTHER = re.compile(r"^(?:[A-Z]{4,}|!)")  # PASSED, SKIPPED, XFAIL, SUBPASSED…, "!!! Interrupted !!!"
CLASS_NAME = re.compile(r"[A-Za-z_][\w.]*")
SETUP_ERROR = re.compile(r"^ERROR at (?:setup|teardown) of (?P<test>.+)$")
COLLECT_ERROR = "ERROR collecting "
CONFTEST = re.compile(r"^ImportError while loading conftest '(?P<file>.+)'\.$")


@dataclass
class _Failure:
    """One failure as pytest showed it, until its summary line (if any) names it."""

    section: str  # "failed" (FAILURES) or "error" (ERRORS, a conftest that does not import)
    title: str | None = None  # the "___ header ___"; None for a --tb=line entry
    path: str | None = None  # the file it is about, when the display says so
    frames: list[Frame] = field(default_factory=list)
    e_lines: list[str] = field(default_factory=list)
    exc_name: str | None = None  # long style's closing "path:line: ExcType"
    line_message: str | None = None  # line style's closing "path:line: message"
    closed: bool = False  # a --tb=line entry got its closing location line
    native: TracebackReader | None = None
    node: str | None = None  # from the summary
    summary: str | None = None

    def reset(self) -> None:
        """A chained exception follows: the record describes the last one."""
        self.frames, self.e_lines, self.native = [], [], None
        self.exc_name = self.line_message = None


MAX_PENDING = 1000  # failure blocks waiting for their summary line; past it the oldest goes on alone
MAX_E_LINES = 400  # of one failure's `E` lines: a runaway diff is cut (the message is clipped anyway)


class PytestParser(Parser):
    name: ClassVar[str] = "pytest"
    tools: ClassVar[tuple[str, ...]] = ("pytest",)
    anchors: ClassVar[tuple[str, ...]] = (FAIL, ERROR)
    # A summary line must name a test or a test file: "FAILED (failures=1)" is unittest's verdict.
    trigger: ClassVar[re.Pattern[str]] = re.compile(
        r"^(?:=+ (?:FAILURES|ERRORS) =+$|ImportError while loading conftest '"
        r"|(?:FAILED|ERROR) [^\s:]+(?:::\S|\.py(?: - |$))|SUBFAILED.*? [^\s\[]+::)"
    )

    def __init__(self) -> None:
        self.state = ""  # section | captured | other | summary | conftest
        self.section = ""
        self.current: _Failure | None = None
        self.pending: list[_Failure] = []
        self.shown: set[str] = set()  # the lines of the failure the last summary entry named

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        conftest = CONFTEST.match(line)
        if conftest:
            self.state = "conftest"
            self.current = _Failure("error", path=conftest.group("file"))
            return True
        title = SECTION.match(line)
        if title is None:  # a summary line with no section before it (--tb=no)
            self._enter("short test summary info")
            return self._summary(line, ctx) is Status.MORE
        self._enter(title.group("title"))
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if self.state == "conftest":
            return self._conftest(line, ctx)
        head = line[:1]
        if (head == "=" or head == "n" or head.isdigit()) and FINAL.match(line):
            self._flush(ctx)
            return Status.DONE
        if head == "=":
            title = SECTION.match(line)
            if title:
                self._enter(title.group("title"))
                return Status.MORE
        if self.state == "summary":
            status = self._summary(line, ctx)
        else:
            if self.state == "captured" and head == "_" and HEADER.match(line):
                self.state = "section"
            if self.state == "section":
                self._section(line)
            status = Status.MORE
        if len(self.pending) > MAX_PENDING:  # so many failures: pairing would hold them all (and be slow)
            ctx.hit(self._hit(self.pending.pop(0)))
        return status

    def finish(self, ctx: Context) -> None:
        if self.state == "conftest":
            self._conftest("", ctx)
        self._flush(ctx)

    # -- sections ---------------------------------------------------------------------------------
    def _enter(self, title: str) -> None:
        self.current = None
        if title in ("FAILURES", "ERRORS"):
            self.state, self.section = "section", "failed" if title == "FAILURES" else "error"
        elif title == "short test summary info":
            self.state = "summary"
        else:
            self.state = "other"  # warnings summary, PASSES, coverage…: not failures

    def _open(self, title: str | None) -> _Failure:
        failure = _Failure(self.section, title)
        if title and title.startswith(COLLECT_ERROR):
            failure.path = title[len(COLLECT_ERROR) :]
        self.pending.append(failure)
        self.current = failure
        return failure

    def _section(self, line: str) -> None:
        head = line[:1]
        if head == "_":
            header = HEADER.match(line)
            if header:
                self._open(header.group("title"))
                return
        if head == "-" and CAPTURED.match(line):
            self.state = "captured"  # the test's output: anything goes until the next header
            return
        cur = self.current
        if line == TRACEBACK:
            cur = cur or self._open(None)
            cur.reset()
            cur.native = TracebackReader(greedy=True)  # the block's end is known: take the whole message
        elif CHAIN.match(line):
            if cur is not None:
                cur.reset()
        elif cur is not None and cur.native is not None:
            cur.native.feed(line)
        elif head == "E" and (len(line) == 1 or line[1] == " "):
            if cur is None or (cur.title is None and cur.closed):
                cur = self._open(None)  # --tb=line: "E   …" lines, then "path:line: message"
            if len(cur.e_lines) < MAX_E_LINES:
                cur.e_lines.append(line[1:])
        elif cur is not None and cur.title is None and cur.e_lines and not cur.closed and head == " ":
            if len(cur.e_lines) < MAX_E_LINES:
                cur.e_lines.append(line[1:])  # --tb=line continues the E line without the prefix
        elif cur is not None and not (cur.title is None and cur.closed):
            self._location(cur, line)
        elif LOCATION.match(line):
            self._location(self._open(None), line)  # --tb=line before pytest 8: no E lines, one line each

    def _location(self, cur: _Failure, line: str) -> None:
        m = LOCATION.match(line) or FIXTURE_LOCATION.match(line)
        if m is None:
            return  # source lines, arguments, "_ _ _" frame separators, "[gw0] linux -- Python …"
        cur.frames.append(Frame(m.group("file"), int(m.group("line"))))
        rest = (m.groupdict().get("rest") or "").strip()
        if not rest or rest.startswith("in "):
            return  # a frame that called on
        if CLASS_NAME.fullmatch(rest):
            cur.exc_name = rest
        if cur.title is None or cur.exc_name != rest:
            cur.line_message = rest
        cur.closed = cur.title is None

    def _conftest(self, line: str, ctx: Context) -> Status:
        cur = self.current
        assert cur is not None
        if line.startswith("E") and (len(line) == 1 or line[1] == " "):
            cur.e_lines.append(line[1:])
            return Status.MORE
        if line.startswith(" ") or (not cur.e_lines and LOCATION.match(line)):
            if not line.startswith(" "):
                self._location(cur, line)
            return Status.MORE
        self.state, self.current = "", None
        ctx.hit(self._hit(cur))
        return Status.REJECT

    # -- the short test summary -------------------------------------------------------------------
    def _summary(self, line: str, ctx: Context) -> Status:
        m = SUMMARY.match(line) or SUBTEST.match(line)
        if m:
            node, message = _split_summary(m.group("rest"))
            section = "error" if line.startswith("ERROR") else "failed"
            self.shown = _shown(self._pair(section, node, message, m.groupdict().get("desc") or ""))
            return Status.MORE
        if not line.strip() or SUMMARY_OTHER.match(line):
            return Status.MORE
        if line.strip() in self.shown:  # CI=true and -vv print the whole message, not its first line
            return Status.MORE
        self._flush(ctx)  # -qq prints no closing line: whatever follows is not pytest's
        return Status.REJECT

    def _pair(self, section: str, node: str, message: str | None, subtest: str) -> _Failure:
        failure = self._match(section, node, subtest)
        if failure is None:
            failure = _Failure(section)
            self.pending.append(failure)
        failure.node, failure.summary = f"{node} {subtest}" if subtest else node, message
        return failure

    def _match(self, section: str, node: str, subtest: str) -> _Failure | None:
        path, _, rest = node.partition("::")
        if section == "error" and not rest:
            titles = {COLLECT_ERROR + path}
        elif section == "error":
            titles = {f"ERROR at setup of {_headline(rest)}", f"ERROR at teardown of {_headline(rest)}"}
        else:
            titles = {f"{_headline(rest)} {subtest}" if subtest else _headline(rest)}
        free = [f for f in self.pending if f.node is None and f.section == section and f.title in titles]
        for failure in free:
            own = deepest_own(failure.frames[:1])
            if own is None or _same_file(own.file, path):
                return failure
        if free:
            return free[0]
        return next(
            (f for f in self.pending if f.node is None and f.section == section and f.title is None), None
        )

    def _flush(self, ctx: Context) -> None:
        for failure in self.pending:
            ctx.hit(self._hit(failure))
        self.pending = []
        self.current = None

    # -- records ----------------------------------------------------------------------------------
    def _hit(self, f: _Failure) -> Hit:
        frames = list(f.frames)
        lines = _dedent(f.e_lines)
        if f.native is not None and f.native.exc:
            frames += f.native.frames
            message = f.native.message
        elif lines and (FRAME.match(lines[0]) or lines[0] == TRACEBACK):
            shown = TracebackReader()  # a SyntaxError display inside the E lines
            for text in lines:
                shown.feed(text)
            frames += shown.frames
            message = shown.message or clip(lines)
        elif lines:
            message = clip(lines)
        else:
            message = f.line_message or f.summary or _fallback(f)
        name = _assertion(message) or exception_name(message) or f.exc_name
        node, path = _identify(f, frames)
        frame = _choose(frames, path)
        if name and name != "AssertionError":  # raised by the code under test: where it was raised
            frame = deepest_own(frames) or frame
        return Hit(
            tool="pytest",
            message=message,
            type=exception_kind(name, "test_failure"),
            file=frame.file if frame else path,
            line=frame.line if frame else None,
            rule=name,
            test=node,
        )


def _shown(f: _Failure) -> set[str]:
    """The message lines the block showed: what a summary entry may continue with."""
    lines = f.e_lines + (f.native.message.splitlines() if f.native is not None and f.native.message else [])
    return {t.strip() for t in lines if t.strip()}


def _dedent(lines: list[str]) -> list[str]:
    indent = min((len(t) - len(t.lstrip(" ")) for t in lines if t.strip()), default=0)
    return [t[indent:].rstrip() for t in lines]


def _split_summary(rest: str) -> tuple[str, str | None]:
    """ "tests/t.py::test_a[x - y] - AssertionError: boom" → the node id and the message.

    The node id ends at the first " - " outside its parameter brackets.
    """
    depth = 0
    for i, char in enumerate(rest):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif depth == 0 and rest.startswith(" - ", i):
            return rest[:i], rest[i + 3 :]
    close = rest.find("] - ")  # unbalanced brackets in a parameter id
    return (rest[: close + 1], rest[close + 4 :]) if close != -1 else (rest, None)


def _headline(rest: str) -> str:
    """A node id's tail as pytest heads its block: "TestX::test_b[a::b]" → "TestX.test_b[a::b]"."""
    name, bracket, params = rest.partition("[")
    return name.replace("::", ".") + bracket + params


def _node_tail(headline: str) -> str:
    name, bracket, params = headline.partition("[")
    return name.replace(".", "::") + bracket + params


def _assertion(message: str) -> str | None:
    return "AssertionError" if message.startswith("assert ") else None


def _fallback(f: _Failure) -> str:
    if f.section == "failed":
        return "test failed"
    node = f.node or ""
    return f"error collecting {node}" if "::" not in node else "error in test setup or teardown"


def _identify(f: _Failure, frames: list[Frame]) -> tuple[str | None, str | None]:
    """(test id, test file): the summary's node id, else what the block header tells."""
    if f.node:
        return f.node, f.node.partition("::")[0]
    if f.title is None or f.path:
        return f.path if f.title else None, f.path
    setup = SETUP_ERROR.match(f.title)
    if setup:
        return _node_tail(setup.group("test")), None  # the block shows the fixture, not the test's file
    own = next((fr for fr in frames if not is_library(fr.file)), None)  # pytest starts at the test
    if own is None:
        return _node_tail(f.title), None
    return f"{own.file}::{_node_tail(f.title)}", own.file


def _choose(frames: list[Frame], path: str | None) -> Frame | None:
    if path:
        own = [fr for fr in frames if _same_file(fr.file, path)]
        if own:
            return own[-1]
    return deepest_own(frames)


def _same_file(a: str, b: str) -> bool:
    """Location lines are relative to the invocation directory, node ids to rootdir, native frames
    absolute: the same file when one path ends with the other."""
    a = a.replace("\\", "/").removeprefix("./")
    b = b.replace("\\", "/").removeprefix("./")
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


PARSERS: tuple[type[Parser], ...] = (PytestParser,)

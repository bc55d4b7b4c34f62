"""go test (tool `go-test`).

`--- FAIL: TestX (0.00s)` is followed (or, with -v, preceded under `=== RUN`) by the test's log lines
`    x_test.go:12: got 1 want 2`, which give file, line and message. A parent whose only failures are its
subtests makes no record of its own. Log lines name files relative to the package directory, and the
package is only known from the `FAIL <import path>` line that closes its output, so records wait for it:
their directory becomes `/<import path>`, which path normalisation matches by suffix against the
checkout. A panic (`panic: …` and its goroutine trace) is located at the deepest frame that is not in the
runtime or testing packages.

`=== RUN` lines and a panic message such as "assignment to entry in nil map" hold no anchor: a log line
met outside a block is given to the test of the nearest `=== RUN` above it, and a goroutine trace met
outside a block is read back to its `panic:` line (a trace with none is skipped whole).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..normalize import GO_PACKAGE
from .base import ERROR, FAIL, LOCATION, Context, Hit, Parser, Status, one_trigger, to_int

FAIL_LINE = re.compile(r"^(?P<indent> *)--- FAIL: (?P<test>\S+) \([\d.]+s\)$")
RUN_LINE = re.compile(r"^=== (?:RUN|CONT|NAME) +(?P<test>\S+)$")
LOG = re.compile(r"^(?P<indent> +)(?P<file>[^\s:][^:]*\.go):(?P<line>\d+): (?P<msg>.*)$")
JS_FILE = re.compile(r"\.[cm]?[jt]sx?$")
PKG = re.compile(r"^(?:FAIL|ok)\s+(?P<pkg>[^\s\[]+)(?:\s+\[[^\]]*\])?(?:\s+(?:[\d.]+s|\(cached\)).*)?$")
PANIC = re.compile(r"^panic: (?P<msg>.+?)(?: \[recovered\])?$")
TRACE = re.compile(
    r"^(?:$|goroutine \d+ |\t|created by |\[signal |\.\.\.additional frames|panic: |\S+\(.*\)$)"
)
FRAME = re.compile(r"^\t(?P<file>\S+\.go):(?P<line>\d+)(?: \+0x[0-9a-f]+)?$")
TEST_FUNC = re.compile(r"\.(?P<test>Test\w*?)(?:\.func\d+)*\(")
RUNTIME_FUNC = ("runtime.", "testing.", "panic(", "created by ")
GOROOT = re.compile(r"/go(?:-?[\d.]+)?/src/|/x64/src/|/libexec/src/|/toolchain@")
FAILURE_WORDS = re.compile(
    r"\b(?:want|wanted|got|expected|fail\w*|error|unexpected|mismatch|should)\b|!=", re.I
)
MAX_LOGS = 10
MAX_VERBOSE = 256
RUN_LOOKBACK = 64  # lines a test may print between its `=== RUN` and its first log line
PANIC_LOOKBACK = 12  # `panic:`, nested panics, `[signal …]`, `goroutine N`, the function: then a frame


@dataclass
class _Test:
    name: str
    logs: list[Hit] = field(default_factory=list)


class GoTestParser(Parser):
    name = "go-test"
    tools = ("go-test",)
    # "--- FAIL", "FAIL\tpkg", "x_test.go:12:", "panic: runtime error", "\t/src/x.go:12 +0x1d"
    anchors = (FAIL, LOCATION, ERROR)
    trigger = one_trigger(FAIL_LINE, LOG, PKG, PANIC, FRAME)

    def __init__(self) -> None:
        self.current: str | None = None  # the test `go test -v` is running
        self.vlogs: dict[str, list[Hit]] = {}  # -v: log lines seen before their test's FAIL line
        self.tests: list[_Test] = []  # the FAIL lines of the open block
        self.held: list[Hit] = []  # records waiting for their package line
        self.panic: Hit | None = None
        self.skipping = False  # inside a goroutine trace that follows no panic
        self.frame_func = ""
        self.fallback: tuple[str, int | None] | None = None  # the first frame, when no user frame shows

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if (pkg := PKG.match(line)) is not None:
            if JS_FILE.search(pkg.group("pkg")):
                return None  # jest's `FAIL src/a.test.js`, not a Go package
            self._release(ctx, pkg.group("pkg"))
            return False
        if (fail := FAIL_LINE.match(line)) is not None:
            self.tests = [_Test(fail.group("test"))]
            return True
        if (log := LOG.match(line)) is not None:
            self.current = self._running(line, ctx)
            if self.current is None:
                return None
            self.tests = []
            self._log(log, self._vlog(self.current))
            return True
        if (panic := PANIC.match(line)) is not None:
            self.tests = []
            self._start_panic(panic)
            return True
        if FRAME.match(line) is not None:
            self.tests = []
            self._trace(line, ctx)
            return True
        return None

    def more(self, line: str, ctx: Context) -> Status:
        if self.skipping:
            if TRACE.match(line):
                return Status.MORE
            self.skipping = False
            return Status.REJECT
        if (run := RUN_LINE.match(line)) is not None:
            self._end_block()  # the FAIL lines before it are complete; its log lines may follow
            self.current = run.group("test")
            return Status.MORE
        if (pkg := PKG.match(line)) is not None and not JS_FILE.search(pkg.group("pkg")):
            self._end_block()
            self._release(ctx, pkg.group("pkg"))
            return Status.DONE
        if self.panic is not None:
            if line.startswith("exit status "):
                self._end_block()
                return Status.DONE
            if TRACE.match(line):
                self._frame(line)
                return Status.MORE
        elif (fail := FAIL_LINE.match(line)) is not None:
            self.tests.append(_Test(fail.group("test")))
            return Status.MORE
        elif (log := LOG.match(line)) is not None:
            logs = self.tests[-1].logs if self.tests else self._vlog(self.current or "")
            self._log(log, logs)
            return Status.MORE
        elif line[:1] == " " and line.strip() and not line.lstrip().startswith("--- "):
            self._continue(line)
            return Status.MORE
        elif (panic := PANIC.match(line)) is not None:
            self._start_panic(panic)
            return Status.MORE
        self._end_block()
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._end_block()
        self._release(ctx, None)

    # -- log lines and FAIL blocks ----------------------------------------------------------------
    def _running(self, line: str, ctx: Context) -> str | None:
        """The test `go test -v` is running: named by the nearest `=== RUN` (or CONT, NAME) above."""
        for above in reversed(_above(ctx, line, RUN_LOOKBACK)):
            run = RUN_LINE.match(above)
            if run is not None:
                return run.group("test")
            if PKG.match(above):
                return None  # another package's run
        return None

    def _log(self, m: re.Match[str], logs: list[Hit]) -> None:
        if len(logs) < MAX_LOGS:
            logs.append(
                Hit(
                    tool="go-test",
                    message=m.group("msg"),
                    type="test_failure",
                    file=m.group("file"),
                    line=to_int(m.group("line")),
                )
            )

    def _vlog(self, test: str) -> list[Hit]:
        if test not in self.vlogs and len(self.vlogs) >= MAX_VERBOSE:
            del self.vlogs[next(iter(self.vlogs))]  # passing tests' t.Log output: keep memory bounded
        return self.vlogs.setdefault(test, [])

    def _continue(self, line: str) -> None:
        """A deeper-indented line continues the last log message (t.Errorf("a\\nb"))."""
        logs = self.tests[-1].logs if self.tests else self.vlogs.get(self.current or "", [])
        if logs and logs[-1].message.count("\n") < MAX_LOGS:
            logs[-1].message += "\n" + line.strip()

    def _end_block(self) -> None:
        tests, self.tests = self.tests, []
        names = [t.name for t in tests]
        if self.panic is not None and self.panic.test is None and tests:
            self.panic.test = tests[-1].name  # its FAIL line came right before the panic
        for test in tests:
            logs = test.logs or self.vlogs.pop(test.name, [])
            if self.panic is not None and self.panic.test == test.name:
                continue  # the panic is this test's record
            if not logs and any(n.startswith(test.name + "/") for n in names):
                continue  # a parent that failed only through its subtests
            first = _failing(logs) or Hit(tool="go-test", message="test failed", type="test_failure")
            first.message = "\n".join(log.message for log in logs) or first.message
            first.test = test.name
            self.held.append(first)
        if self.panic is not None:
            self._end_panic()

    def _release(self, ctx: Context, pkg: str | None) -> None:
        held, self.held = self.held, []
        for hit in held:
            if pkg is not None and hit.file and "/" not in hit.file.replace("\\", "/"):
                hit.cwd = GO_PACKAGE + pkg  # go test prints files relative to the package directory
            ctx.hit(hit)
        if pkg is not None:
            self.vlogs, self.current = {}, None

    # -- panics -----------------------------------------------------------------------------------
    def _trace(self, line: str, ctx: Context) -> None:
        """A goroutine frame outside a block: its panic line held no anchor ("assignment to entry in
        nil map"), so it is read back from here through the trace lines above."""
        above = _above(ctx, line, PANIC_LOOKBACK)
        for i in range(len(above) - 1, -1, -1):
            panic = PANIC.match(above[i])
            if panic is not None:
                self._start_panic(panic)
                for traced in [*above[i + 1 :], line]:
                    self._frame(traced)
                return
            if not TRACE.match(above[i]):
                break
        self.skipping = True  # a trace of no panic we saw (a fatal error, a goroutine dump): skip it

    def _start_panic(self, m: re.Match[str]) -> None:
        self.panic = Hit(tool="go-test", message=m.group("msg"), type="test_failure")
        self.frame_func, self.fallback = "", None

    def _frame(self, line: str) -> None:
        panic = self.panic
        assert panic is not None
        frame = FRAME.match(line)
        if frame is None:
            if line and line[0] not in "\t[" and not line.startswith(("goroutine ", "panic: ")):
                self.frame_func = line
                found = TEST_FUNC.search(line)
                if found is not None and panic.test is None:
                    panic.test = found.group("test")
            return
        where = (frame.group("file"), to_int(frame.group("line")))
        if self.fallback is None:
            self.fallback = where
        func = self.frame_func
        user = not func.startswith(RUNTIME_FUNC) and not (GOROOT.search(where[0]) and _stdlib(func))
        if panic.file is None and user:
            panic.file, panic.line = where

    def _end_panic(self) -> None:
        panic, self.panic = self.panic, None
        if panic is None:
            return
        if panic.file is None and self.fallback is not None:
            panic.file, panic.line = self.fallback
        if panic.test is None:
            panic.type = "unknown"  # a crashed program, not a test
        self.held.append(panic)  # keeps the package's records in order; its frame path is absolute


def _above(ctx: Context, line: str, n: int) -> list[str]:
    """`ctx.preceding(n)` without the trigger line itself: the scanner's look-back ends with it when the
    line was held back at the end of the previous buffer (and then the line is read twice)."""
    lines = ctx.preceding(n + 1)
    if lines and lines[-1] == line:
        lines.pop()
    return lines[-n:]


def _stdlib(func: str) -> bool:
    """Standard-library import paths have no dot in their first element ("net/http", "fmt");
    modules do ("example.com/x"). `main` looks like the former, so callers also check the file."""
    head = func.split("/", 1)[0] if "/" in func.split("(", 1)[0] else func.split(".", 1)[0]
    return "." not in head


def _failing(logs: list[Hit]) -> Hit | None:
    """t.Log and t.Error print alike: locate the record at the first line that reads like a failure,
    else at the last one (t.Fatal ends the test)."""
    if not logs:
        return None
    located = next((log for log in logs if FAILURE_WORDS.search(log.message)), logs[-1])
    first = logs[0]
    first.file, first.line = located.file, located.line
    return first


PARSERS: tuple[type[Parser], ...] = (GoTestParser,)

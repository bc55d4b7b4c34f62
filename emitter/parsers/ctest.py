"""CTest: one record per failed test, with what its output says went wrong.

    Test project /src/build
        Start 1: balance
    1/4 Test #1: balance ..........Subprocess aborted***Exception:   0.01 sec
    test_balance: /src/tests/test_balance.c:6: main: Assertion `balance(a, 3) == 12' failed.   (--output-on-failure)

    2/4 Test #2: parse ............***Failed    0.00 sec
    3/4 Test #3: sync .............***Timeout   1.00 sec
    4/4 Test #4: ok ...............   Passed    0.01 sec

    25% tests passed, 3 tests failed out of 4
    The following tests FAILED:
              1 - balance (Subprocess aborted)

A test failed when its verdict has `***` (not `***Skipped`, not `(Disabled)`). Its message is the useful
part of the output `--output-on-failure` printed under it (`-V` prints it before, as `1: …` lines): an
assertion (C `assert`, GoogleTest, Catch2, Boost.Test, Unity, or a `file:line: error` line), which also
gives the file and line, else the output's last lines; the verdict comes first when it says more than
"Failed" (a timeout, a crash, a test that could not start). Without that option only the verdicts are
known. The final list names every failed test in full and closes the run.

Only `***Failed` and the lines around the final list hold an anchor, so the parser takes the whole run
from the first of them (a block), and reads the lines before it again from the look-back: a test that
crashed or timed out before any test failed is told of there. From there on the output lines it takes (an
assertion among them) go to no other parser: the test's record is the one record of that failure. With
`--repeat until-pass`, a test's last verdict counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import FAIL, Context, Hit, Parser, Status, one_trigger

_PROGRESS = re.compile(r"^\s*(?:\d+/\d+ +)?Test +#(?P<number>\d+): (?P<name>.+?) \.{3,}(?P<rest>.*)$")
_FAILED_PROGRESS = re.compile(r"^\s*(?:\d+/\d+ +)?Test +#\d+: .+? \.{3,}\s*\*\*\*Failed\b")
_START = re.compile(r"^\s+Start +(?P<number>\d+): (?P<name>.+)$")
_SUMMARY = re.compile(r"^\d+% tests passed, \d+ tests? failed out of \d+")
_FAILED_HEAD = re.compile(r"^The following tests FAILED:\s*$")
_OTHER_HEAD = re.compile(
    r"^(?:The following tests did not run:|Label Time Summary:|Subproject Time Summary:)"
)
# `  1 - balance (Subprocess aborted)`, maybe with the test's labels after it
_ENTRY = re.compile(r"^\s+(?P<number>\d+) - (?P<name>.+?) \((?P<verdict>[^()]+)\)(?:\s[^()]*)?$")
_TAIL = re.compile(
    r"^(?:Total Test time|\S.*=\s+[\d.]+ sec\*proc|Errors while running CTest|Output from these)"
)
_VERBOSE = re.compile(r"^(?P<number>\d+): (?P<text>.*)$")
_VERBOSE_HEADER = re.compile(
    r"^(?:Test command|Working Directory|Test timeout computed|Environment variables)"
)
_BOUNDARY = re.compile(r"^Test project |^\d+% tests passed")
_ASSERTIONS = (
    # glibc: `prog: file.c:12: main: Assertion `x == 1' failed.`
    re.compile(r"^(?:.+?: )?(?P<file>[^\s:][^:]*):(?P<line>\d+): (?P<message>[^:]+: Assertion .* failed\.)$"),
    # musl `Assertion failed: x == 1 (file.c: main: 12)`; BSD `… (x == 1), function main, file x.c, line 12.`
    re.compile(r"^(?P<message>Assertion failed: .*) \((?P<file>[^\s:]+): [^:]+: (?P<line>\d+)\)$"),
    re.compile(
        r"^(?P<message>Assertion failed: .*?), function \S+, file (?P<file>.+?), line (?P<line>\d+)\.$"
    ),
    # GoogleTest `x_test.cc:12: Failure`, Catch2 `x.cpp:12: FAILED:`: the lines below say what failed
    re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+): (?P<message>Failure|FAILED:)$"),
    # Boost.Test `x.cpp(12): error: in "suite/case": check …`; Unity `x.c:12:test_add:FAIL: Expected 3 Was 4`
    re.compile(r"^(?P<file>[^\s(]+)\((?P<line>\d+)\): (?:fatal )?error:? (?P<message>in \".*)$"),
    re.compile(r"^(?P<file>[^\s:]+\.\w+):(?P<line>\d+):\w+:(?P<message>FAIL\b.*)$"),
    # a compiler-style line: `file:line[:col]: error: …`
    re.compile(r"^(?P<file>[^\s:]+\.\w+):(?P<line>\d+):(?:\d+:)? (?P<message>(?:fatal )?error: .*)$"),
)
_MAX_OUTPUT = 200  # lines of one test's output kept
_MAX_TAIL = 12  # lines of output a message without an assertion keeps
_MAX_LOOSE = 200  # unattributed lines before the run is taken not to be CTest's
_LOOKBACK = 300  # lines before the first anchored line that are read again
_MAX_VERDICT = 2000  # a required regex that spans lines, up to its `0.01 sec`


@dataclass
class _Test:
    name: str
    verdict: str = ""
    output: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)  # ctest's own lines before the verdict (Not Run)
    failed: bool = False


def _timed(text: str) -> tuple[str, bool]:
    """`***Failed    0.01 sec` → (`***Failed`, True); a verdict a line break cut → (it, False). String
    operations, not a regex: a pattern with `\\s+` before the time would be quadratic on a line of blanks."""
    body = text.rstrip()
    if body.endswith(" sec"):
        head, _, number = body[: -len(" sec")].rstrip().rpartition(" ")
        if number and number.replace(".", "", 1).isdigit():
            return head.strip(), True
    return text.strip(), False


def _failed(verdict: str) -> bool:
    return "***" in verdict and "Skipped" not in verdict and "(Disabled)" not in verdict


def _verdict_text(verdict: str) -> str:
    """`Subprocess aborted***Exception:` → `Subprocess aborted`; `***Exception: SegFault` → `Exception: SegFault`."""
    head, _, tail = verdict.partition("***")
    tail = re.sub(r"\s+", " ", tail).strip()
    if tail == "Exception:" and head.strip():
        return head.strip()
    return tail.removeprefix("Failed ").strip() if tail.startswith("Failed ") else tail or head.strip()


def _failure_message(test: _Test) -> tuple[str, str | None, int | None]:
    """The message, file and line of a failed test, from its output."""
    lines = [line.rstrip() for line in test.output]
    for i, line in enumerate(lines):
        for pattern in _ASSERTIONS:
            m = pattern.match(line.strip())
            if m is None:
                continue
            message = m.group("message")
            if message in ("Failure", "FAILED:"):  # the lines below hold the check and its values
                below = [text.strip() for text in lines[i + 1 : i + 9]]
                message = "\n".join(_until_blank(below)) or line.strip()
            return message, m.group("file"), int(m.group("line"))
    verdict = _verdict_text(test.verdict)
    said = [verdict] if verdict and verdict != "Failed" else []
    if not test.output and verdict == "Not Run":
        said += [line for line in test.before if "executable" in line][:1]  # `Could not find executable x`
    said += [line for line in lines if line.strip()][-_MAX_TAIL:]
    return "\n".join(said) or verdict or "Failed", None, None


def _until_blank(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not line or line.startswith("["):  # gtest's `[  FAILED  ]` closes the message
            break
        out.append(line)
    return out


class CTest(Parser):
    name = "ctest"
    tools = ("ctest",)
    anchors = (FAIL,)  # `***Failed`, `3 tests failed out of 4`, `The following tests FAILED:`
    trigger = one_trigger(_FAILED_PROGRESS, _SUMMARY, _FAILED_HEAD)

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._tests: dict[str, _Test] = {}  # by ctest's test number
        self._current: _Test | None = None  # the failed test whose output is being read
        self._open: _Test | None = None  # a verdict that goes on on the next line (a regex's `[bye\n]`)
        self._loose: list[str] = []
        self._after = False  # past the `N% tests passed` line: only the lists and the totals follow
        self._listing = False  # in `The following tests FAILED:`
        self._emitted: set[str] = set()
        self._verbose = False  # -V: every test's output comes before its verdict, as `N: …` lines

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if not self._tests:  # a fresh run: what came before the trigger is in the look-back
            lines = ctx.preceding(_LOOKBACK)
            first = max((i for i, text in enumerate(lines) if _BOUNDARY.match(text)), default=-1)
            for text in lines[first + 1 :]:
                self._read(text, ctx)
        status = self._read(line, ctx)
        return status is Status.MORE

    def more(self, line: str, ctx: Context) -> Status:
        return self._read(line, ctx)

    def finish(self, ctx: Context) -> None:
        self._end(ctx)

    # -- one line of a run --------------------------------------------------------------------------
    def _read(self, line: str, ctx: Context) -> Status:
        if self._open is not None:
            text, timed = _timed(line)
            self._open.verdict += text  # the regex went on past a line break
            if timed or len(self._open.verdict) > _MAX_VERDICT:
                self._open = None
            return Status.MORE
        if self._listing:
            if (entry := _ENTRY.match(line)) is not None:
                self._listed(entry, ctx)
                return Status.MORE
            self._end(ctx)
            return Status.DONE if _TAIL.match(line) or not line.strip() else Status.REJECT
        if (progress := _PROGRESS.match(line)) is not None:
            self._progress(progress)
        elif (start := _START.match(line)) is not None:
            self._tests.setdefault(start["number"], _Test(start["name"].strip()))
            self._current, self._loose = None, []
        elif _SUMMARY.match(line) or _OTHER_HEAD.match(line):
            self._current, self._after = None, True
        elif _FAILED_HEAD.match(line):
            self._listing = True
        elif (
            (verbose := _VERBOSE.match(line)) is not None
            and verbose["number"] in self._tests
            and (self._verbose or verbose["text"].startswith("Test command: "))
        ):
            self._verbose = True
            test = self._tests[verbose["number"]]
            if not _VERBOSE_HEADER.match(verbose["text"]) and len(test.output) < _MAX_OUTPUT:
                test.output.append(verbose["text"])
        elif self._current is not None and not self._after:
            if len(self._current.output) < _MAX_OUTPUT:
                self._current.output.append(line)
        elif line.strip() and (self._after and not _TAIL.match(line) and not _ENTRY.match(line)):
            self._end(ctx)
            return Status.REJECT
        elif line.strip() and not self._after:
            self._loose.append(line)
            if len(self._loose) > _MAX_LOOSE:
                self._end(ctx)
                return Status.REJECT
        return Status.MORE

    def _progress(self, m: re.Match[str]) -> None:
        test = self._tests.setdefault(m["number"], _Test(m["name"]))
        test.verdict, timed = _timed(m["rest"])
        test.failed = _failed(test.verdict)
        test.before, self._loose = self._loose, []
        if not self._verbose:  # --repeat runs a test again: what follows is this run's output
            test.output = []
        self._current = test if test.failed and not self._verbose else None  # -V: its output came before
        if test.failed and not timed:
            self._open = test

    def _listed(self, entry: re.Match[str], ctx: Context) -> None:
        test = self._tests.setdefault(entry["number"], _Test(entry["name"]))
        test.name = entry["name"]  # the list's name is the whole name
        if not test.failed:  # the run's lines were not seen: the list's verdict is all there is
            test.failed, test.verdict = True, "***" + entry["verdict"]
        self._emit(test, ctx)

    def _emit(self, test: _Test, ctx: Context) -> None:
        if test.name in self._emitted:
            return
        self._emitted.add(test.name)
        message, file, line = _failure_message(test)
        ctx.hit(Hit(tool="ctest", message=message, type="test_failure", file=file, line=line, test=test.name))

    def _end(self, ctx: Context) -> None:
        """The run is over (or no longer ours): failed tests the list did not name are still failures."""
        for test in self._tests.values():
            if test.failed:
                self._emit(test, ctx)
        self._reset()


PARSERS: tuple[type[Parser], ...] = (CTest,)

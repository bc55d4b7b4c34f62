"""Maven Surefire and Failsafe: one record per failed test, placed in the test's source file.

Surefire tells of a failure twice. While the tests run, a detailed block (the exception and its trace):

    [ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! -- in com.acme.CalcTest
    [ERROR] com.acme.CalcTest.sum -- Time elapsed: 0.01 s <<< FAILURE!        (2.x: `sum(com.acme.CalcTest)  Time …`)
    org.opentest4j.AssertionFailedError: expected: <3> but was: <4>
    \tat com.acme.CalcTest.sum(CalcTest.java:15)

then, under `Results:`, a line per test (2.13 and later; 2.12 wrote `sum(com.acme.CalcTest): message`):

    [ERROR] Failures:                                       (2.x without the prefix: `Failed tests:`)
    [ERROR]   CalcTest.sum:15 expected: <3> but was: <4>
    [ERROR]   CalcTest.average:20->check:31 sum of 1 and 2  (the test's own frame first, then its helpers)
    [ERROR] Errors:                                         (`Tests in error:`)
    [ERROR]   CalcTest.divide:23 » Arithmetic / by zero     (» : thrown below the test, in code it called)
    [WARNING] Flakes:                                       (with reruns: failed, then passed)
    [WARNING] com.acme.FlakyTest.settles
    [ERROR]   Run 1: FlakyTest.settles:13 not settled
    [INFO]   Run 2: PASS
    [ERROR] Tests run: 10, Failures: 5, Errors: 3, Skipped: 0

Both tellings are one record, named as the detailed block names the test (`com.acme.CalcTest.sum`): the
block gives the full message and trace, the summary the line of the test's own frame and, for a test that
printed no block, everything. Records are held until the summary ends (or the stream does): a test listed
under Flakes passed on a rerun and is no failure, though its first run printed a block. The test's file is
its class's source (jvm.TestSources); the line, that of the test's own frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import ERROR, FAIL, WARN, Context, Hit, Parser, Status, one_trigger, to_int
from .jvm import ClassNames, TestSources, simple_name

_LEVEL = re.compile(r"^\[(?:ERROR|WARNING|INFO)\] ?")
_COUNTS = r"Tests run: \d+, Failures: \d+, Errors: \d+, Skipped: \d+(?:, Flakes: \d+)?"
_CLASS_DONE = re.compile(  # one test class failed; 2.x says ` - in`, 3.x ` -- in`, 2.12 nothing
    rf"^(?:\[\w+\] )?{_COUNTS}, Time elapsed: [^<]*<<< (?:FAILURE|ERROR)!(?: -+ in (?P<cls>[\w$.]+))?\s*$"
)
_TOTAL = re.compile(rf"^(?:\[\w+\] )?{_COUNTS}\s*$")  # the end of the summary
_DETAIL = re.compile(  # greedy head: a lazy one before `\s*Time` is quadratic on a line of blanks
    r"^(?:\[(?:ERROR|WARNING)\] )?(?P<head>\S.*)Time elapsed: [\d.,]+ s(?:ec)?\s+<<< (?:FAILURE|ERROR)!\s*$"
)
_SECTION = re.compile(
    r"^(?:\[(?:ERROR|WARNING)\] )?(?P<section>Failures|Errors|Flakes|Failed tests|Tests in error|Flaked tests):"
    r"[ \t]*(?P<rest>.*)$"
)
_OLD_NAME = re.compile(r"^(?P<method>[^\s(]+)\((?P<cls>[\w$.]+)\)$")  # 2.x: `sum(com.acme.CalcTest)`
_RUN = re.compile(r"^\s+(?:Run \d+: )?(?P<rest>\S.*)$")
_COMPACT = re.compile(  # CalcTest.sum:15->check:22 message; CalcTest>BaseTest.check:22; CalcTest.x » …
    r"^(?P<cls>[\w$]+)(?:>(?P<owner>[\w$]+))?\.(?P<method>[\w$]+)(?::(?P<line>\d+))?(?:->\S+)?"
    r"(?: (?:» )?(?P<msg>.*))?$"
)
_OLD_ENTRY = re.compile(r"^(?P<method>[^\s(]+)\((?P<cls>[\w$.]+)\)(?::\s*(?P<msg>.*))?$")
_GROUP = re.compile(r"^(?P<test>[\w$]+(?:\.[\w$]+)+(?:\([^)]*\))?(?:\[[^\]]*\])?)$")  # rerun: the test
_RUNNING = re.compile(r"^(?:\[\w+\] )?Running (?P<cls>[\w$.]+)\s*$")
_FRAME = re.compile(r"^\s+(?:at |\.\.\. \d+ (?:more|common frames omitted))")  # not AssertJ's indented values
_MAX_MESSAGE = 40  # lines of an exception's text kept (a diff can run long; the report files keep it all)
_MAX_TRACE = 400  # lines of one detailed block kept: enough for the test's frame under deep frameworks
_FLAKY = ("Flakes", "Flaked tests")


@dataclass
class _Failure:
    hit: Hit
    cls: str  # the test's class, qualified when the log named the package
    method: str | None  # None: the class failed as a whole (@BeforeAll, a static initialiser)
    matched: bool = False  # the summary has listed it
    flaky: bool = False


def _base(method: str | None) -> str | None:
    """The method without JUnit 5's parameters and invocation index: `parse(String)[2]` → `parse`."""
    return re.split(r"[(\[]", method, maxsplit=1)[0] if method else None


class Surefire(Parser):
    name = "surefire"
    tools = ("maven",)
    anchors = (ERROR, FAIL, WARN)  # [ERROR], FAILURE!, `Failed tests:`; [WARNING] Flakes:
    trigger = one_trigger(_CLASS_DONE, _TOTAL, _DETAIL, _SECTION)

    def __init__(self) -> None:
        self._sources = TestSources()
        self._names = ClassNames()
        self._failures: list[_Failure] = []
        self._detail: _Failure | None = None
        self._trace: list[str] = []
        self._in_trace = False
        self._section = ""
        self._group: str | None = None  # rerun lists: the test the `Run N:` lines belong to
        self._group_done = False
        self._entry: _Failure | None = None  # the summary entry whose message may continue
        self._continues = False  # an entry was just read: an unprefixed line is its message going on
        self._blanks = 0

    # -- dispatch ---------------------------------------------------------------------------------
    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if (done := _CLASS_DONE.match(line)) is not None:
            self._names.learn(done.group("cls") or self._running(ctx))
            return False
        if _TOTAL.match(line):
            self._flush(ctx)
            return False
        if (detail := _DETAIL.match(line)) is not None:
            return self._start_detail(detail)
        section = _SECTION.match(line)
        if section is None or (section.group("rest") and not _entry_shape(section.group("rest"))):
            return None  # `Errors: 3` in someone else's output
        self._open_section(section)
        return True

    def more(self, line: str, ctx: Context) -> Status:
        return self._more_detail(line, ctx) if self._detail is not None else self._more_results(line, ctx)

    def finish(self, ctx: Context) -> None:
        self._end_detail()
        self._flush(ctx)

    # -- the detailed block -------------------------------------------------------------------------
    def _start_detail(self, m: re.Match[str]) -> bool:
        head = m.group("head").rstrip()
        new = head.endswith(
            " --"
        )  # 3.x: `com.acme.CalcTest.sum -- Time elapsed`; 2.x: `sum(com.acme.CalcTest)  Time`
        head = head.removesuffix(" --").rstrip()
        old = _OLD_NAME.match(head) if not new else None
        if old is not None:
            cls, method = old.group("cls"), old.group("method")
        else:
            cls, method = self._names.split(head)
        self._names.learn(cls)
        test = f"{cls}.{method}" if method else cls
        self._detail = _Failure(Hit(tool="maven", message="", type="test_failure", test=test), cls, method)
        self._trace, self._in_trace = [], False
        return True

    def _more_detail(self, line: str, ctx: Context) -> Status:
        assert self._detail is not None
        if not line.strip() or _LEVEL.match(line) or len(self._trace) >= _MAX_TRACE:
            self._end_detail()
            return Status.DONE if not line.strip() else Status.REJECT
        self._in_trace = self._in_trace or _FRAME.match(line) is not None
        hit = self._detail.hit
        if not self._in_trace and hit.message.count("\n") < _MAX_MESSAGE:  # the exception's text
            hit.message = (hit.message + "\n" + line.rstrip()).strip("\n")
        self._trace.append(line)  # `Caused by:` and its frames too: the test's frame may be there
        return Status.MORE

    def _end_detail(self) -> None:
        failure, self._detail = self._detail, None
        if failure is None:
            return
        if any(f.hit.test == failure.hit.test for f in self._failures):
            return  # a rerun printed its block again
        failure.hit.message = failure.hit.message or "test failed"
        self._sources.place(failure.hit, failure.cls, "\n".join(self._trace), method=_base(failure.method))
        self._failures.append(failure)

    # -- the summary --------------------------------------------------------------------------------
    def _more_results(self, line: str, ctx: Context) -> Status:
        if _TOTAL.match(line):
            self._flush(ctx)
            return Status.DONE
        level = _LEVEL.match(line)
        body = line[level.end() :] if level else line
        if (section := _SECTION.match(line)) is not None:
            self._open_section(section)
            return Status.MORE
        if not body.strip():  # `[INFO] ` between rerun groups; 2.x: blank lines between sections
            self._entry, self._continues, self._blanks = None, False, self._blanks + (level is None)
            if self._blanks < 2:
                return Status.MORE
        elif level is not None and (group := _GROUP.match(body)) is not None:
            self._group, self._group_done = group.group("test"), False
            self._entry, self._continues = None, False
            return Status.MORE
        elif body[:1].isspace() and (run := _RUN.match(body)) is not None:
            self._blanks = 0
            rest = run.group("rest")
            if rest == "PASS":  # `Run 2: PASS`: a flake's passing run
                self._continues = False
            elif self._continues and level is None and _entry_shape(rest) is None:
                self._continue(line)  # an indented line of the message (assertAll's failures)
            else:
                self._add_entry(rest)
            return Status.MORE
        elif level is None and self._continues:  # a multi-line message goes on, unprefixed
            self._continue(line)
            return Status.MORE
        self._flush(ctx)
        return Status.REJECT

    def _continue(self, line: str) -> None:
        if self._entry is not None and self._entry.hit.message.count("\n") < _MAX_MESSAGE:
            self._entry.hit.message += "\n" + line.rstrip()

    def _open_section(self, section: re.Match[str]) -> None:
        self._section, self._group, self._blanks = section.group("section"), None, 0
        self._entry, self._continues = None, False
        if section.group("rest"):  # 2.12: `Failed tests:   sum(com.acme.CalcTest): message`
            self._add_entry(section.group("rest"))

    def _add_entry(self, text: str) -> None:
        """One test of the summary: the failure its detailed block told of, or a new one."""
        self._entry, self._continues = None, True
        if self._group is not None:
            if self._group_done:
                return  # Run 2, Run 3…: the same failure again
            self._group_done = True
        shape = _entry_shape(text)
        if shape is None:
            return
        cls, method, line, message, where = shape
        if self._group is not None:
            cls, method = self._names.split(self._group)
        else:
            cls = self._names.qualify(cls)
        failure = self._match(cls, method)
        if self._section in _FLAKY:
            if failure is not None:
                failure.flaky = True
            return
        if failure is None:
            test = f"{cls}.{method}" if method else cls
            hit = Hit(tool="maven", message=message or "test failed", type="test_failure", test=test)
            failure = _Failure(hit, cls, method)
            self._sources.place(hit, self._names.qualify(where, near=cls), line=line)
            self._failures.append(failure)
            self._entry = failure if message else None
        elif failure.hit.line is None and line is not None:
            self._sources.place(failure.hit, self._names.qualify(where, near=cls), line=line)
        failure.matched = True

    def _match(self, cls: str, method: str | None) -> _Failure | None:
        """The detailed block of this summary entry: same class and method, else the class's own failure."""

        def same_class(f: _Failure) -> bool:
            return f.cls == cls or (
                ("." not in f.cls or "." not in cls) and simple_name(f.cls) == simple_name(cls)
            )

        same = [f for f in self._failures if same_class(f)]
        return (
            next((f for f in same if not f.matched and _base(f.method) == _base(method)), None)
            or next((f for f in same if not f.matched and f.method is None), None)
            or next((f for f in same if _base(f.method) == _base(method)), None)
        )

    def _flush(self, ctx: Context) -> None:
        for failure in self._failures:
            if not failure.flaky:
                ctx.hit(failure.hit)
        self._failures, self._entry, self._group, self._section = [], None, None, ""

    # -- class names ---------------------------------------------------------------------------------
    @staticmethod
    def _running(ctx: Context) -> str | None:
        for text in reversed(ctx.preceding(3)):
            if (m := _RUNNING.match(text)) is not None:
                return m.group("cls")
        return None


def _entry_shape(text: str) -> tuple[str, str | None, int | None, str, str] | None:
    """(test class, method, line of the test's frame, message, class that line is in) of a summary entry."""
    if (old := _OLD_ENTRY.match(text)) is not None:
        return old.group("cls"), old.group("method"), None, (old.group("msg") or "").strip(), old.group("cls")
    if (compact := _COMPACT.match(text)) is None:
        return None
    cls = compact.group("cls")
    where = compact.group("owner") or cls  # `CalcTest>BaseTest.check:22`: line 22 is BaseTest's
    message = (compact.group("msg") or "").strip()
    return cls, compact.group("method"), to_int(compact.group("line")), message, where


PARSERS: tuple[type[Parser], ...] = (Surefire,)

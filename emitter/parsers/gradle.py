"""Gradle's own output: the failure report at the end of a build and the test task's failure lines.
The compilers it runs print their own diagnostics (jvm.py for javac, kotlin.py for Kotlin)."""

from __future__ import annotations

import re

from .base import FAIL, Context, Hit, Parser, Status

_GRADLE_NOISE = (
    "Compilation failed; see the compiler error output",
    "Compilation error. See log for more details",
    "There were failing tests",
)
_WHERE = re.compile(r"^(?:(?:Build|Settings|Initialization) file|Script) '(?P<file>.+)' line: (?P<line>\d+)$")
_GRADLE_MISSING = re.compile(r"Could not (?:resolve|download|GET) |Could not find [\w.-]+:[\w.-]+")
_GRADLE_RULER = re.compile(r"^(?:\d+: Task failed with an exception\.|-{5,}|={5,})$")
_GRADLE_NEXT = re.compile(r"^(?:\* \w|BUILD |={5,}$|\d+: Task failed)")  # what follows a "What went wrong"
_MAX_LINES = 12


class GradleFailure(Parser):
    """Gradle's report, from `FAILURE: Build failed with an exception.` (or `Build completed with N
    failures.`) to `BUILD FAILED`: each `* What went wrong:` block, which runs to the next `* Try:`-like
    heading (blank lines included: a script compilation error has some), with the build-script location
    of the `* Where:` block before it. The headings carry no anchor, hence the block from the FAILURE line.
    `> Task :x FAILED` lines are consumed: the failure itself comes from the task's output."""

    name = "gradle"
    tools = ("gradle",)
    anchors = (FAIL,)
    # one group around both forms: a `^` trigger must not hold a top-level `|`
    trigger = re.compile(r"^(?P<form>FAILURE: Build (?:failed|completed) with |> Task \S+ FAILED$)")

    def __init__(self) -> None:
        self._head: str | None = None  # the report section being read
        self._lines: list[str] = []
        self._where: tuple[str, int] | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if not m.group("form").startswith("FAILURE"):
            return False
        self._head, self._lines, self._where = None, [], None
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if self._head == "What went wrong":
            if not _GRADLE_NEXT.match(line):
                if len(self._lines) < _MAX_LINES and (line.strip() or (self._lines and self._lines[-1])):
                    self._lines.append(line.rstrip())
                return Status.MORE
            self.finish(ctx)
        elif self._head == "Where" and line.strip():
            where = _WHERE.match(line)
            if where is not None:
                self._where = (where.group("file"), int(where.group("line")))
            return Status.MORE
        if line.startswith("BUILD "):
            self.finish(ctx)
            return Status.DONE
        if line.startswith("* "):  # a heading: What went wrong, Where, Try, Exception is, Get more help…
            self._head, self._lines = line[2:].rstrip().rstrip(":"), []
            return Status.MORE
        if not line.strip():
            self._head = None  # `* Try:` advice and `* Exception is:` frames end at a blank line
            return Status.MORE
        if self._head is not None or _GRADLE_RULER.match(line):
            return Status.MORE
        # Not the report's shape (its stream may have lost `BUILD FAILED` to the other one, or the
        # deprecation notice comes next): let go rather than swallow what follows.
        self.finish(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        head, self._head = self._head, None
        lines, self._lines = self._lines, []
        if head != "What went wrong" or not lines:
            return
        where, self._where = self._where, None
        text = "\n".join(lines).strip()
        if any(noise in text for noise in _GRADLE_NOISE):
            return
        kind = "dependency" if _GRADLE_MISSING.search(text) else "unknown"
        if text.startswith("Script compilation error"):
            kind = "compile_error"
        ctx.hit(
            Hit(
                tool="gradle",
                message=text,
                type=kind,
                file=where[0] if where else None,
                line=where[1] if where else None,
            )
        )


class GradleTest(Parser):
    """`CalculatorTest > addsNumbers() FAILED`, then the exception indented by four spaces (short form
    `org.opentest4j.AssertionFailedError at CalculatorTest.java:12`, or the full one with frames)."""

    name = "gradle-test"
    tools = ("gradle",)
    anchors = (FAIL,)
    trigger = re.compile(r"^(?P<test>[\w$.]+(?: > [^>]+?)+) FAILED$")

    def __init__(self) -> None:
        self._hit: Hit | None = None
        self._frames = False

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._hit = Hit(tool="gradle", message="", type="test_failure", test=m.group("test"))
        self._frames = False
        return True

    def more(self, line: str, ctx: Context) -> Status:
        assert self._hit is not None
        if not line.startswith("    ") or not line.strip():
            self.finish(ctx)
            return Status.REJECT
        text = line.strip()
        if text.startswith(("at ", "... ")):
            self._frames = True
        elif not self._frames and self._hit.message.count("\n") < _MAX_LINES:
            self._hit.message = (self._hit.message + "\n" + text).strip("\n")
        return Status.MORE

    def finish(self, ctx: Context) -> None:
        if self._hit is not None:
            self._hit.message = self._hit.message or "Test failed"
            ctx.hit(self._hit)
        self._hit = None


PARSERS: tuple[type[Parser], ...] = (
    GradleFailure,
    GradleTest,
)

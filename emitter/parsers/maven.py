"""Maven: the compiler plugin's lines, Surefire's test failures and `Failed to execute goal` reasons.

Maven prints each compiler error twice: in the compiler plugin's listing (continuation lines bare) and
in the `Failed to execute goal` summary (continuation lines prefixed with `[ERROR] `). Both are emitted,
identical, and the merge step keeps one.
"""

from __future__ import annotations

import re

from .base import ERROR, LOCATION, Context, Hit, Parser, Status
from .jvm import java_hit

_MAVEN_PREFIX = re.compile(r"^\[(?:ERROR|WARNING)\] ")


class MavenCompiler(Parser):
    """`[ERROR] /abs/Foo.java:[3,5] cannot find symbol` (maven-compiler-plugin; `[WARNING]` alike)."""

    name = "maven-compiler"
    tools = ("maven",)
    anchors = (LOCATION,)  # `Foo.java:[3,5]`
    trigger = re.compile(
        r"^\[(?P<severity>ERROR|WARNING)\] (?P<file>\S.*?):\[(?P<line>\d+),(?P<col>\d+)\] (?P<message>.*)$"
    )

    def __init__(self) -> None:
        self._hit: Hit | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        g = m.group
        self._hit = java_hit("maven", g("severity"), g("message"), g("file"), int(g("line")), int(g("col")))
        return True

    def more(self, line: str, ctx: Context) -> Status:
        assert self._hit is not None
        detail = _MAVEN_PREFIX.sub("", line, count=1)
        if detail.startswith("  ") and detail.strip():
            self._hit.message += "\n" + detail[2:].rstrip()
            return Status.MORE
        ctx.hit(self._hit)
        self._hit = None
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        if self._hit is not None:
            ctx.hit(self._hit)
            self._hit = None


_HELP = re.compile(r"\s*-> \[Help \d+\]$")
_NOT_FOUND = ("could not be resolved", "Could not resolve", "Could not find artifact", "Could not transfer")
_NETWORK = ("Unknown host", "Connection refused", "Connection reset", "timed out", "Network is unreachable")


def _maven_failure_kind(reason: str) -> str:
    if any(word in reason for word in _NETWORK):
        return "infra"
    if any(word in reason for word in _NOT_FOUND):
        return "dependency"
    return "unknown"


class Surefire(Parser):
    """Surefire's failures, as a detailed block and again in the `Results:` section:

        [ERROR] com.example.CalcTest.adds -- Time elapsed: 0.01 s <<< FAILURE!   (2.x: `adds(…CalcTest)`)
        org.opentest4j.AssertionFailedError: expected: <5> but was: <-1>
        \tat com.example.CalcTest.adds(CalcTest.java:12)

        [ERROR] Failures:
        [ERROR]   CalcTest.adds:12 expected: <5> but was: <-1>
        [ERROR] Errors:
        [ERROR]   CalcTest.divides:17 » Arithmetic / by zero

    Frames name only the file's base name, so records carry the test and message but no file.
    """

    name = "surefire"
    tools = ("maven",)
    anchors = (ERROR,)
    trigger = re.compile(
        r"^\[ERROR\] (?P<head>(?P<section>Failures|Errors): ?"
        r"|(?P<name>\S+?)(?:\((?P<cls>[\w$.]+)\))?(?: --)? +Time elapsed:.*<<< (?:FAILURE|ERROR)!)$"
    )
    _entry = re.compile(
        r"^\[ERROR\]   (?:Run \d+: )?(?P<test>[\w$.]+?)(?::(?P<line>\d+))?(?: (?:» )?(?P<msg>.*))?$"
    )

    def __init__(self) -> None:
        self._hit: Hit | None = None
        self._detail = False  # in a detailed block (exception text + frames), not the Results section
        self._frames = False

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._detail = m.group("section") is None
        self._frames = False
        if self._detail:
            test = m.group("name") if m.group("cls") is None else f"{m.group('cls')}.{m.group('name')}"
            self._hit = Hit(tool="maven", message="", type="test_failure", test=test)
        return True

    def more(self, line: str, ctx: Context) -> Status:
        return self._more_detail(line, ctx) if self._detail else self._more_results(line, ctx)

    def _more_detail(self, line: str, ctx: Context) -> Status:
        assert self._hit is not None
        if not line.strip() or line.startswith("["):
            self.finish(ctx)
            return Status.DONE if not line.strip() else Status.REJECT
        if line[:1].isspace():  # frames, `... 70 more`
            self._frames = True
        elif not self._frames:  # the exception's text, before the first frame
            self._hit.message = (self._hit.message + "\n" + line.rstrip()).strip("\n")
        return Status.MORE

    def _more_results(self, line: str, ctx: Context) -> Status:
        entry = self._entry.match(line)
        if entry is None:
            if _MAVEN_PREFIX.match(line) or not line.strip() or line.startswith("["):
                self.finish(ctx)
                return Status.REJECT
            if self._hit is not None:  # a multi-line assertion message continues unprefixed
                self._hit.message += "\n" + line.rstrip()
            return Status.MORE
        self.finish(ctx)
        if entry.group("msg"):
            self._hit = Hit(
                tool="maven", message=entry.group("msg"), type="test_failure", test=entry.group("test")
            )
        return Status.MORE

    def finish(self, ctx: Context) -> None:
        if self._hit is not None and self._hit.message:
            ctx.hit(self._hit)
        self._hit = None


class MavenGoal(Parser):
    """`[ERROR] Failed to execute goal … on project x: <reason>`: compiler and test failures are noise here
    (already recorded from their own lines); any other reason (unresolvable plugin or dependency) is kept."""

    name = "maven-goal"
    tools = ("maven",)
    anchors = (ERROR,)
    trigger = re.compile(
        r"^\[ERROR\] (?P<head>Failed to execute goal (?:\S+ (?:\([^)]*\) )?)?on project \S+?: (?P<reason>.+)"
        r"|(?P<plugin>Plugin \S+ or one of its dependencies could not be resolved: .+))$"
    )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        reason = _HELP.sub("", m.group("reason") or m.group("plugin"))
        if reason.startswith(("Compilation failure", "There are test failures", "There are failing tests")):
            return False
        ctx.hit(Hit(tool="maven", message=reason, type=_maven_failure_kind(reason)))
        return False


PARSERS: tuple[type[Parser], ...] = (
    MavenCompiler,
    Surefire,
    MavenGoal,
)

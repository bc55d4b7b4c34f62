"""Maven: the compiler plugin's lines and `Failed to execute goal` reasons (Surefire's test failures are
surefire.py's, the Kotlin plugin's own lines kotlin.py's).

Maven prints each compiler error twice: in the compiler plugin's listing (continuation lines bare) and
in the `Failed to execute goal` summary (continuation lines prefixed with `[ERROR] `). Both are emitted,
identical, and the merge step keeps one.
"""

from __future__ import annotations

import re

from .base import ERROR, LOCATION, Context, Hit, Parser, Status, to_int
from .jvm import java_hit

_MAVEN_PREFIX = re.compile(r"^\[(?:ERROR|WARNING)\] ")
_FORKED = re.compile(r"^(?:(?P<kind>(?:error|warning): )|\[[\w-]+\] )")  # see MavenCompiler
_KOTLIN_MORE = re.compile(r"^\[ERROR\] (?!-> \[Help )(?!\S.*?:\[\d)\S")  # not the goal's end, not a new error


class MavenCompiler(Parser):
    """`[ERROR] /abs/Foo.java:[3,5] cannot find symbol` (maven-compiler-plugin; `[WARNING]` alike).

    The plugin writes `[line]` alone when the column is 0. A forked javac's messages are what the plugin
    parsed from javac's text: `error: ` or a lint tag (`[rawtypes] `) still in front, the column the
    caret's index in its line (0-based, so `[12]` is column 1 there); elsewhere `[12]` has no column.
    The Kotlin plugin's summary of its errors takes the same form (`File.kt:[214,35]`), its messages'
    further lines unindented behind `[ERROR] `.
    """

    name = "maven-compiler"
    tools = ("maven",)
    anchors = (LOCATION,)  # `Foo.java:[3,5]`, `Foo.java:[3]`
    trigger = re.compile(
        r"^\[(?P<severity>ERROR|WARNING)\] (?P<file>\S.*?):\[(?P<line>\d+)(?:,(?P<col>-?\d+))?\] "
        r"(?P<message>.*)$"
    )

    def __init__(self) -> None:
        self._hit: Hit | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        g = m.group
        message, column = g("message"), to_int(g("col"))
        forked = _FORKED.match(message)
        if forked is not None:
            message = message[len(forked.group("kind") or "") :]
        if forked is not None and column is None:
            column = 0
        elif column is not None and column < (0 if forked else 1):
            column = None
        self._hit = java_hit("maven", g("severity"), message, g("file"), int(g("line")), column)
        self._hit.base = 0 if forked else 1
        return True

    def more(self, line: str, ctx: Context) -> Status:
        assert self._hit is not None
        detail = _MAVEN_PREFIX.sub("", line, count=1)
        if detail.startswith("  ") and detail.strip():
            self._hit.message += "\n" + detail[2:].rstrip()
            return Status.MORE
        if (self._hit.file or "").endswith((".kt", ".kts")) and _KOTLIN_MORE.match(line):
            # the Kotlin plugin's messages go on unindented (a list of candidates): the same text as
            # the plugin's own listing, so that the merge step folds the two
            self._hit.message += "\n" + detail.rstrip()
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
    MavenGoal,
)

"""The Kotlin compiler as Gradle prints it: the current `file://` form and the one before 1.8."""

from __future__ import annotations

import re

from .base import ERROR, LOCATION, WARN, Context, Hit, Parser, Status

_MAX_LINES = 12  # continuation lines kept: candidate lists can run long
_KOTLIN_STOP = re.compile(r"^(?:[ewiv]: |> |\* |FAILURE|BUILD |\[|\d+ actionable)")
_KOTLIN_TYPE = re.compile(r"type mismatch|Type mismatch", re.I)


def _kotlin_kind(message: str, severity: str) -> str:
    if severity == "w":
        return "lint"
    if message.startswith(("Expecting", "Syntax error", "Unexpected tokens")):
        return "syntax_error"
    if _KOTLIN_TYPE.search(message):
        return "type_error"
    return "compile_error"


def _kotlin_hit(m: re.Match[str]) -> Hit:
    message, severity = m.group("message").strip(), m.group("severity")
    return Hit(
        tool="kotlin",
        message=message,
        type=_kotlin_kind(message, severity),
        file=m.group("file"),
        line=int(m.group("line")),
        column=int(m.group("col")),
        severity=severity,
    )


class Kotlin(Parser):
    """The Kotlin compiler (1.8 and later) under Gradle: `e: file:///abs/A.kt:3:5 Unresolved reference:
    foo`, `w:` for warnings. Some messages list candidates on the following, unprefixed lines."""

    name = "kotlin"
    tools = ("kotlin",)
    anchors = (LOCATION,)  # `A.kt:3`
    trigger = re.compile(
        r"^(?P<severity>[ew]): (?P<file>file:/\S*?):(?P<line>\d+):(?P<col>\d+) (?P<message>.*)$"
    )

    def __init__(self) -> None:
        self._hit: Hit | None = None
        self._extra = 0

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self.finish(ctx)
        self._hit = _kotlin_hit(m)
        self._extra = 0
        return True

    def more(self, line: str, ctx: Context) -> Status:
        assert self._hit is not None
        if not line.strip() or _KOTLIN_STOP.match(line) or self._extra >= _MAX_LINES:
            self.finish(ctx)
            return Status.REJECT
        self._extra += 1
        self._hit.message += "\n" + line.rstrip()
        return Status.MORE

    def finish(self, ctx: Context) -> None:
        if self._hit is not None:
            ctx.hit(self._hit)
            self._hit = None


class KotlinLegacy(Parser):
    """Kotlin before 1.8: `e: /abs/A.kt: (3, 5): Unresolved reference: foo`. The line holds no anchor
    (`: (` is not a location to the scanner), but the compiler's errors end the failed step (Gradle stops
    at the failed compile task), so the stream's tail shows them; elsewhere only a line whose message
    says "error" or "warning" is seen. Both ways give the same one-line record: the candidate lists
    some messages continue with are left out of it."""

    name = "kotlin-legacy"
    tools = ("kotlin",)
    anchors = (ERROR, WARN)
    tail = True
    trigger = re.compile(
        r"^(?P<severity>[ew]): (?P<file>\S.*?\.kts?): \((?P<line>\d+), (?P<col>\d+)\): (?P<message>.*)$"
    )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        ctx.hit(_kotlin_hit(m))
        return False


PARSERS: tuple[type[Parser], ...] = (
    Kotlin,
    KotlinLegacy,
)

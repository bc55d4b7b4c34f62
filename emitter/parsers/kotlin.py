"""The Kotlin compiler as Gradle prints it (the current `file://` form and the one before 1.8) and as
kotlin-maven-plugin logs it."""

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


def _kotlin_hit(m: re.Match[str], severity: str | None = None) -> Hit:
    """The hit of a match with `file`, `message`, `severity` and a `line`/`col` (or `uline`/`ucol`) pair."""
    g = m.groupdict()
    severity = severity or m.group("severity")
    message = m.group("message").strip()
    return Hit(
        tool="kotlin",
        message=message,
        type=_kotlin_kind(message, severity),
        file=m.group("file"),
        line=int(g.get("line") or g["uline"]),
        column=int(g.get("col") or g["ucol"]),
        severity=severity,
    )


class _KotlinBlock(Parser):
    """A message whose candidate lists and notes continue on the following, unprefixed lines."""

    def __init__(self) -> None:
        self._hit: Hit | None = None
        self._extra = 0

    def begin(self, hit: Hit, ctx: Context) -> bool:
        self.finish(ctx)
        self._hit, self._extra = hit, 0
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


class Kotlin(_KotlinBlock):
    """The Kotlin compiler (1.8 and later) under Gradle: `e: file:///abs/A.kt:3:5 Unresolved reference:
    foo`, `w:` for warnings."""

    name = "kotlin"
    tools = ("kotlin",)
    anchors = (LOCATION,)  # `A.kt:3`
    trigger = re.compile(
        r"^(?P<severity>[ew]): (?P<file>file:/\S*?):(?P<line>\d+):(?P<col>\d+) (?P<message>.*)$"
    )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        return self.begin(_kotlin_hit(m), ctx)


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


class KotlinMaven(_KotlinBlock):
    """The Kotlin compiler under kotlin-maven-plugin, which logs each message at Maven's level:

        [ERROR] e: /abs/src/main/kotlin/A.kt: (214, 35) Unresolved reference: x
        [WARNING] w: /abs/src/main/kotlin/A.kt: (3, 5) Parameter 'y' is never used
        [ERROR] /abs/src/main/kotlin/A.kt: (214, 35) Unresolved reference: x     (older plugins: no `e:`)
        [ERROR] e: file:///abs/src/main/kotlin/A.kt:214:35 Unresolved reference 'x'.   (Kotlin 2)

    The plugin then fails the goal with the same errors in the compiler plugin's form (`A.kt:[214,35]`,
    maven.py), which the merge step folds into these."""

    name = "kotlin-maven"
    tools = ("kotlin",)
    anchors = (ERROR, WARN, LOCATION)  # [ERROR], [WARNING]; `A.kt:214:35`
    trigger = re.compile(
        r"^\[(?P<level>ERROR|WARNING)\] (?:(?P<severity>[ew]): )?(?P<file>(?:file:/)?\S.*?\.kts?)"
        r"(?:: \((?P<line>\d+), (?P<col>\d+)\):?|:(?P<uline>\d+):(?P<ucol>\d+)) (?P<message>\S.*)$"
    )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        severity = m.group("severity") or ("e" if m.group("level") == "ERROR" else "w")
        return self.begin(_kotlin_hit(m, severity), ctx)


PARSERS: tuple[type[Parser], ...] = (
    Kotlin,
    KotlinLegacy,
    KotlinMaven,
)

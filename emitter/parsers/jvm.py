"""JVM builds: javac (alone or under Gradle), Maven (compiler plugin, surefire, goal failures), Gradle's
own failure report and test lines, and the Kotlin compiler as Gradle prints it.

javac puts the source line and a caret under the first line of a message, then the rest of the message
(`  symbol:`, `  location:`, `  required:` …) indented by two spaces; the caret gives the column:

    src/A.java:17: error: cannot find symbol
            undefinedCall(n);
            ^
      symbol:   method undefinedCall(int)
      location: class Shapes

Maven prints each compiler error twice: in the compiler plugin's listing (continuation lines bare) and
in the `Failed to execute goal` summary (continuation lines prefixed with `[ERROR] `). Both are emitted,
identical, and the merge step keeps one.
"""

from __future__ import annotations

import re

from .base import ERROR, FAIL, LOCATION, WARN, Context, Hit, Parser, Status

_LINT = re.compile(r"^\[(?P<rule>[\w-]+)\] (?P<message>.*)$")  # `[rawtypes] found raw type: …`
_JAVA_SYNTAX = re.compile(
    r"expected$|^illegal start of|^class, interface|^reached end of file|^unclosed |^not a statement"
    r"|^illegal character|^orphaned |^'else' without 'if'|^malformed "
)
_JAVA_IMPORT = re.compile(r"^package \S+ does not exist|^cannot access |^static import only")
_JAVA_TYPE = re.compile(r"^incompatible types|cannot be converted to|^bad operand type|lossy conversion")


def java_kind(message: str, severity: str) -> str:
    if severity.lower().startswith("warn"):
        return "lint"
    if _JAVA_SYNTAX.search(message):
        return "syntax_error"
    if _JAVA_IMPORT.search(message):
        return "import_error"
    if _JAVA_TYPE.search(message):
        return "type_error"
    return "compile_error"


def java_hit(tool: str, severity: str, message: str, file: str, line: int, column: int | None) -> Hit:
    lint = _LINT.match(message)
    rule = lint.group("rule") if lint else None
    text = lint.group("message") if lint else message
    return Hit(
        tool=tool,
        message=text.strip(),
        type=java_kind(text, severity),
        file=file,
        line=line,
        column=column,
        severity=severity.lower(),
        rule=rule,
    )


class Javac(Parser):
    name = "javac"
    tools = ("javac",)
    anchors = (LOCATION,)  # `A.java:17:` (errors and warnings alike)
    # The path runs to the first colon (after a drive letter): a failed match stops there, not at the end
    # of the many located lines that are not javac's.
    trigger = re.compile(
        r"^(?P<file>(?:[A-Za-z]:)?[^\s:][^:]*\.java):(?P<line>\d+): (?P<severity>error|warning): (?P<message>.*)$"
    )
    _caret = re.compile(r"^[ \t]*\^$")

    def __init__(self) -> None:
        self._hit: Hit | None = None
        self._seen = 0  # lines after the header: 1 = source line, 2 = caret, then details

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        g = m.group
        self._hit = java_hit("javac", g("severity"), g("message"), g("file"), int(g("line")), None)
        self._seen = 0
        return True

    def more(self, line: str, ctx: Context) -> Status:
        assert self._hit is not None
        self._seen += 1
        if self.trigger.match(line):
            self._flush(ctx)
            return Status.REJECT
        if self._seen == 1:
            return Status.MORE  # the offending source line
        if self._seen == 2 and self._caret.match(line):
            self._hit.column = line.index("^") + 1  # javac keeps the source's tabs in the caret line
            return Status.MORE
        if self._seen > 2 and line.startswith("  ") and line.strip():
            self._hit.message += "\n" + line[2:].rstrip()
            return Status.MORE
        self._flush(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _flush(self, ctx: Context) -> None:
        if self._hit is not None:
            ctx.hit(self._hit)
            self._hit = None


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
    Javac,
    MavenCompiler,
    Surefire,
    MavenGoal,
    GradleFailure,
    GradleTest,
    Kotlin,
    KotlinLegacy,
)

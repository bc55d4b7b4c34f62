"""javac's own diagnostics (alone or under Gradle), and the reading of a Java compiler message that the
Maven compiler plugin's lines share (see maven.py).

javac puts the source line and a caret under the first line of a message, then the rest of the message
(`  symbol:`, `  location:`, `  required:` …) indented by two spaces; the caret gives the column:

    src/A.java:17: error: cannot find symbol
            undefinedCall(n);
            ^
      symbol:   method undefinedCall(int)
      location: class Shapes
"""

from __future__ import annotations

import re

from .base import LOCATION, Context, Hit, Parser, Status

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


PARSERS: tuple[type[Parser], ...] = (Javac,)

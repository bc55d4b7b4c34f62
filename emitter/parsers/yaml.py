"""YAML tools: yamllint (standard, colored, parsable), PyYAML's error text, ansible-lint (full, pep8, old).

yamllint's standard format names the file once, on a line of its own, then lists `  3:1  error  msg  (rule)`
lines under it: the first problem line opens a block and takes the file from the line above it.
ansible-lint's default format puts `rule: message` on one line and the location on the next: the location
line is the trigger and reads the rule line above it. PyYAML spreads one error over a context, a problem
and their `in "file", line N, column M` marks: the problem's mark is the trigger and reads the text above.
The one-line formats are regex lines.
"""

from __future__ import annotations

import re

from .base import ERROR, LINE, LOCATION, WARN, Context, Hit, Parser, RegexLineParser, Status, to_int

YAML_FILE = r"\.ya?ml"
_SEVERITY_WORDS = r"(?:error|warning|note|info|fatal|hint|style|remark|debug)\b"


# -- yamllint -------------------------------------------------------------------------------------------
def yamllint_kind(rule: str | None, message: str) -> str:
    return "syntax_error" if rule == "syntax" or message.startswith("syntax error:") else "lint"


class YamllintParsable(RegexLineParser):
    """`a.yaml:3:1: [error] wrong indentation: expected 2 but found 4 (indentation)`"""

    name = tool = "yamllint"
    tools = ("yamllint",)
    anchors = (LOCATION,)
    trigger = re.compile(
        r"^(?P<file>(?:[A-Za-z]:)?[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): \[(?P<severity>error|warning)\] "
        r"(?P<message>.+?) \((?P<rule>[\w-]+)\)$"
    )

    def kind(self, rule: str | None, severity: str, message: str) -> str:
        return yamllint_kind(rule, message)


_YAMLLINT_FILE = re.compile(r"^\S.*\.(?:ya?ml|yamllint)$")


class YamllintStandard(Parser):
    """The file on a line of its own (underlined when colored), then one indented line per problem.

    A problem line says `error` or `warning` (the scanner's anchors); the file line says nothing the
    scanner looks for, so the first problem reads it from the line above and keeps the block open for
    the rest of the file's problems, up to the blank line that ends them."""

    name = "yamllint-standard"
    tools = ("yamllint",)
    anchors = (ERROR, WARN)
    trigger = re.compile(
        r"^  (?P<line>\d+):(?P<col>\d+) +(?P<severity>error|warning) +(?P<message>.+?)"
        r"(?:  \((?P<rule>[\w-]+)\)| \((?P<syntax>syntax)\))$"
    )

    def __init__(self) -> None:
        self.file: str | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        above = ctx.preceding(1)
        # without its file line (cut off, or not yamllint's) the problem still has a position
        self.file = above[0] if above and _YAMLLINT_FILE.match(above[0]) else None
        self._emit(m, ctx)
        return True

    def more(self, line: str, ctx: Context) -> Status:
        m = self.trigger.match(line)
        if m is not None:
            self._emit(m, ctx)
            return Status.MORE
        return Status.DONE if not line.strip() else Status.REJECT

    def _emit(self, m: re.Match[str], ctx: Context) -> None:
        rule = m.group("rule") or m.group("syntax")
        message = m.group("message")
        ctx.hit(
            Hit(
                tool="yamllint",
                message=message,
                type=yamllint_kind(rule, message),
                file=self.file,
                line=to_int(m.group("line")),
                column=to_int(m.group("col")),
                severity=m.group("severity"),
                rule=rule,
            )
        )


# -- PyYAML ---------------------------------------------------------------------------------------------
_EXCEPTION = re.compile(r"^(?:ruamel\.)?yaml\.[\w.]*Error: ")  # a traceback's last line names the class
# What PyYAML prints above a context's mark rather than a problem's: the scanner's, parser's and
# constructor's "while …", and the composer's two of its own.
_CONTEXT = re.compile(
    r"^(?:while |expected a single document in the stream$|found duplicate anchor .*; first)"
)
_MARK = re.compile(r'^  in "(?P<file>[^"]+)", line (?P<line>\d+), column (?P<col>\d+)(?P<snippet>:?)$')
_SNIPPET = "    "  # a mark ending in ':' is followed by the source line and a caret, indented by four


def _text(line: str) -> str | None:
    """A line of PyYAML's message (the exception's class dropped), or None for a mark, snippet or blank."""
    if not line or line[0].isspace():
        return None
    prefix = _EXCEPTION.match(line)
    return line[prefix.end() :].strip() if prefix else line.strip()


def _context(above: list[str]) -> str | None:
    """The context printed above a problem: right above it, or above the context's mark (and snippet)."""
    rest = above[:]
    if (
        len(rest) >= 3
        and rest[-1].startswith(_SNIPPET)
        and rest[-2].startswith(_SNIPPET)
        and _MARK.match(rest[-3])
    ):
        del rest[-2:]
    if rest and _MARK.match(rest[-1]):
        rest.pop()
    text = _text(rest[-1]) if rest else None
    return text if text and _CONTEXT.match(text) else None


class PyYAML(Parser):
    """`str(yaml.YAMLError)`: [context, context mark,] problem, problem mark — with or without the
    `yaml.scanner.ScannerError: ` prefix of a traceback's last line (python_tb hands that line back).

    Each mark is a trigger (`line N,`). A mark under a context is the context's: the problem and its
    mark follow, and that mark, the location of the error, reads the problem and context above it."""

    name = "pyyaml"
    tools = ("pyyaml",)
    anchors = (LINE,)
    trigger = _MARK

    def __init__(self) -> None:
        self.snippet = 0

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        above = ctx.preceding(6)
        problem = _text(above[-1]) if above else None
        if problem is None or _CONTEXT.match(problem) is None:
            context = _context(above[:-1]) if problem is not None else None
            texts = [t for t in (context, problem) if t]
            ctx.hit(
                Hit(
                    tool="pyyaml",
                    message="\n".join(texts) or "invalid YAML",
                    type="syntax_error",
                    file=m.group("file"),
                    line=to_int(m.group("line")),
                    column=to_int(m.group("col")),
                )
            )
        self.snippet = 2 if m.group("snippet") else 0
        return self.snippet > 0

    def more(self, line: str, ctx: Context) -> Status:
        if self.snippet and line.startswith(_SNIPPET):  # the source line and caret under the mark
            self.snippet -= 1
            return Status.MORE if self.snippet else Status.DONE
        self.snippet = 0
        return Status.REJECT


# -- ansible-lint ---------------------------------------------------------------------------------------
# Its line formats are plain enough to be mistaken for other tools' lines, so the file must be YAML.
_SYNTAX_RULES = ("syntax-check", "load-failure", "parser-error")


def ansible_kind(rule: str | None, severity: str, message: str) -> str:
    return "syntax_error" if rule and rule.startswith(_SYNTAX_RULES) else "lint"


class AnsibleLintPep8(RegexLineParser):
    """`-f pep8` (alias `-p`): `playbook.yml:5:7: fqcn[action-core]: Use FQCN … (copy).` Rich markup leaks
    a literal `[/]` after some rule ids when colour is off; a trailing ` (warning)` is the severity."""

    name = "ansible-lint-pep8"
    tool = "ansible-lint"
    tools = ("ansible-lint",)
    anchors = (LOCATION,)
    trigger = re.compile(
        rf"^(?P<file>[^\s:][^:]*{YAML_FILE}):(?P<line>\d+)(?::(?P<col>\d+))?: "
        rf"(?!{_SEVERITY_WORDS})(?P<rule>[a-z][\w-]*(?:\[[\w-]+\])?)(?:\[/\])?"
        r"(?:: (?P<message>.+?))?(?: \((?P<severity>warning)\))?$"
    )

    def kind(self, rule: str | None, severity: str, message: str) -> str:
        return ansible_kind(rule, severity, message)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        hit = self.make_hit(m)
        hit.message = hit.message or hit.rule or ""  # `-q` prints the rule without its message
        ctx.hit(hit)
        return False


class AnsibleLintOld(RegexLineParser):
    """ansible-lint 4 and 5: `main.yml:1: [E201] Trailing whitespace`."""

    name = "ansible-lint-old"
    tool = "ansible-lint"
    tools = ("ansible-lint",)
    default_type = "lint"
    anchors = (LOCATION,)
    trigger = re.compile(
        rf"^(?P<file>[^\s:][^:]*{YAML_FILE}):(?P<line>\d+): \[(?P<rule>E?[A-Z]*\d+)\] (?P<message>.+)$"
    )


_RULE_LINE = re.compile(
    r"^(?P<rule>[a-z][\w-]*(?:\[[a-z][\w-]*\])?)(?:\[/\])?: "
    r"(?P<message>\S.*?)(?: \((?P<severity>warning)\))?$"
)
_NOT_A_RULE = re.compile(_SEVERITY_WORDS)  # `error: …` above a location is a compiler's, not a rule
_LISTING = re.compile(r"^(?:WARNING\s+)?Listing \d+ violation\(s\)")  # the header above the first finding


class AnsibleLintFull(Parser):
    """The default format: `fqcn[action-core]: Use FQCN …` then `playbook.yml:5:7 Use `ansible.builtin…``,
    then a blank line. The location line is the trigger and reads the rule line above it. A rule line is
    recognisable by its `name[tag]: ` shape; an unbracketed one (`no-changed-when: …`) is any `word: text`
    line, so it is taken only under ansible-lint's "Listing N violation(s)" header, right after another
    finding (the findings run back to back), or when the wrapped command is ansible-lint."""

    name = "ansible-lint"
    tools = ("ansible-lint",)
    anchors = (LOCATION,)
    trigger = re.compile(
        rf"^(?P<al_file>[^\s:]+{YAML_FILE}):(?P<al_line>\d+)(?::(?P<al_col>\d+))?(?: (?P<al_detail>.*\S))?\s*$"
    )

    def __init__(self) -> None:
        self.previous = ""  # the location line of the last finding

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        above = ctx.preceding(3)
        rule_line = _RULE_LINE.match(above[-1]) if above else None
        if rule_line is None or _NOT_A_RULE.match(above[-1]):
            return None
        rule = rule_line.group("rule")
        if "[" not in rule and not self._in_a_listing(above[:-1]) and "ansible-lint" not in ctx.hint:
            return None
        self.previous = line
        message = rule_line.group("message")
        if m.group("al_detail"):
            message += "\n" + m.group("al_detail")
        severity = rule_line.group("severity") or "error"
        ctx.hit(
            Hit(
                tool="ansible-lint",
                message=message,
                type=ansible_kind(rule, severity, message),
                file=m.group("al_file"),
                line=to_int(m.group("al_line")),
                column=to_int(m.group("al_col")),
                severity=severity,
                rule=rule,
            )
        )
        return False

    def _in_a_listing(self, above: list[str]) -> bool:
        """The lines above a rule line: the listing's header, or the previous finding and a blank line."""
        if above and _LISTING.match(above[-1]):
            return True
        return len(above) == 2 and above[0] == self.previous and not above[1].strip()


PARSERS: tuple[type[Parser], ...] = (
    YamllintParsable,
    YamllintStandard,
    PyYAML,
    AnsibleLintPep8,
    AnsibleLintOld,
    AnsibleLintFull,
)

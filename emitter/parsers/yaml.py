"""YAML tools: yamllint (standard, colored, parsable), PyYAML's error text, ansible-lint (full, pep8, old).

yamllint's standard format names the file once, on a line of its own, then lists `  3:1  error  msg  (rule)`
lines under it; ansible-lint's default format puts `rule: message` on one line and the location on the next;
PyYAML spreads one error over a context, a problem and their `in "file", line N, column M` marks. All three
are small block parsers; the one-line formats are regex lines.
"""

from __future__ import annotations

import re

from .base import ERROR_WORD, LOC_COLON, LOC_WORDS, Context, Hit, Parser, RegexLineParser, Status, to_int

YAML_FILE = r"\.ya?ml"
_SEVERITY_WORDS = r"(?:error|warning|note|info|fatal|hint|style|remark|debug)\b"


# -- yamllint -------------------------------------------------------------------------------------------
def yamllint_kind(rule: str | None, message: str) -> str:
    return "syntax_error" if rule == "syntax" or message.startswith("syntax error:") else "lint"


class YamllintParsable(RegexLineParser):
    """`a.yaml:3:1: [error] wrong indentation: expected 2 but found 4 (indentation)`"""

    name = tool = "yamllint"
    tools = ("yamllint",)
    anchors = (LOC_COLON,)
    trigger = re.compile(
        r"^(?P<file>(?:[A-Za-z]:)?[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): \[(?P<severity>error|warning)\] "
        r"(?P<message>.+?) \((?P<rule>[\w-]+)\)$"
    )

    def kind(self, rule: str | None, severity: str, message: str) -> str:
        return yamllint_kind(rule, message)


_YAMLLINT_PROBLEM = re.compile(
    r"^  (?P<line>\d+):(?P<col>\d+) +(?P<severity>error|warning) +(?P<message>.+?)"
    r"(?:  \((?P<rule>[\w-]+)\)| \((?P<syntax>syntax)\))$"
)


class YamllintStandard(Parser):
    """The file on a line of its own (underlined when colored), then one indented line per problem."""

    name = "yamllint-standard"
    tools = ("yamllint",)
    anchors = (YAML_FILE, LOC_COLON)
    trigger = re.compile(
        r"^(?:(?P<yl_file>\S.*\.(?:ya?ml|yamllint))|  \d+:\d+ +(?:error|warning) +.+ \([\w-]+\))$"
    )

    def __init__(self) -> None:
        self.file: str | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if m.group("yl_file"):
            self.file = m.group("yl_file")
            return True
        self.file = None  # a problem line whose file line we could not recognise
        return False if self._problem(line, ctx) else None

    def more(self, line: str, ctx: Context) -> Status:
        if self._problem(line, ctx):
            return Status.MORE
        return Status.DONE if not line.strip() else Status.REJECT

    def _problem(self, line: str, ctx: Context) -> bool:
        m = _YAMLLINT_PROBLEM.match(line)
        if m is None:
            return False
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
        return True


# -- PyYAML ---------------------------------------------------------------------------------------------
# How PyYAML's contexts and problems begin: enough to tell its lines from the output around them.
_PROBLEM = (
    r"(?:while (?:scanning|parsing|constructing|composing)"
    r"|found (?:character|undefined|unexpected|unknown|duplicate|incompatible|non-specific|unhashable)"
    r"|(?:could not|did not) find expected|expected (?:<[^>]+>|'[^']*'(?: or '[^']*')?), but (?:found|got)"
    r"|(?:mapping values|mapping keys|block sequence entries) are not allowed here"
    r"|could not determine a constructor)\b.*"
)
_PROBLEM_LINE = re.compile(_PROBLEM)
_MARK = re.compile(r'^  in "(?P<file>[^"]+)", line (?P<line>\d+), column (?P<col>\d+)(?P<snippet>:?)$')


class PyYAML(Parser):
    """`str(yaml.YAMLError)`: [context, context mark,] problem, problem mark — with or without the
    `yaml.scanner.ScannerError: ` prefix of a traceback's last line. The problem mark is the location."""

    name = "pyyaml"
    tools = ("pyyaml",)
    anchors = (
        "while (?:scanning|parsing|constructing|composing)",
        "allowed here",
        "found ",
        "find expected",
        "could not determine",
        LOC_WORDS,
        ERROR_WORD,
    )
    trigger = re.compile(
        rf"^(?:(?:(?:ruamel\.)?yaml\.[\w.]*Error: )?(?P<py_text>{_PROBLEM})"
        r"|(?:ruamel\.)?yaml\.[\w.]*Error: (?P<py_other>.+)"
        r'|  in "[^"]+", line \d+, column \d+:?)$'
    )

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.texts: list[str] = []
        self.mark: re.Match[str] | None = None
        self.snippet = 0
        self.complete = False

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool:
        self._reset()
        text = m.group("py_text") or m.group("py_other")
        if text:
            self.texts.append(text)
        else:
            self._mark(line)
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if self.snippet and line.startswith("    "):  # the source line and caret under a mark ending in ':'
            self.snippet -= 1
            return self._after_mark(ctx) if not self.snippet else Status.MORE
        self.snippet = 0
        if _MARK.match(line):
            self._mark(line)
            return self._after_mark(ctx) if not self.snippet else Status.MORE
        if len(self.texts) < 4 and self._expects_problem() and _PROBLEM_LINE.match(line):
            self.texts.append(line.strip())
            return Status.MORE
        self._emit(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._emit(ctx)

    def _mark(self, line: str) -> None:
        self.mark = _MARK.match(line)
        self.snippet = 2 if self.mark and self.mark.group("snippet") else 0
        # A mark after the problem (anything but a "while …" context) ends the error.
        self.complete = bool(self.texts) and not self.texts[-1].startswith("while ")

    def _expects_problem(self) -> bool:
        """After a context (or a bare mark) PyYAML prints the problem next; after the problem, nothing."""
        return not self.complete and (self.mark is not None or self.texts[-1].startswith("while "))

    def _after_mark(self, ctx: Context) -> Status:
        if self.complete:
            self._emit(ctx)
            return Status.DONE
        return Status.MORE

    def _emit(self, ctx: Context) -> None:
        if self.mark is None:
            self._reset()
            return
        ctx.hit(
            Hit(
                tool="pyyaml",
                message="\n".join(self.texts) or "invalid YAML",
                type="syntax_error",
                file=self.mark.group("file"),
                line=to_int(self.mark.group("line")),
                column=to_int(self.mark.group("col")),
            )
        )
        self._reset()


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
    anchors = (LOC_COLON,)
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
    anchors = (LOC_COLON,)
    trigger = re.compile(
        rf"^(?P<file>[^\s:][^:]*{YAML_FILE}):(?P<line>\d+): \[(?P<rule>E?[A-Z]*\d+)\] (?P<message>.+)$"
    )


_RULE_LINE = re.compile(
    r"^(?P<rule>[a-z][\w-]*(?:\[[a-z][\w-]*\])?)(?:\[/\])?: "
    r"(?P<message>\S.*?)(?: \((?P<severity>warning)\))?$"
)
# The file has no spaces and a directory or an extension: "Get:12 http://…" (apt) is not a location.
_LOCATION = re.compile(
    r"^(?P<file>[^\s:]*[./][^\s:]*):(?P<line>\d+)(?::(?P<col>\d+))?(?: (?P<detail>.*\S))?\s*$"
)


class AnsibleLintFull(Parser):
    """The default format: `fqcn[action-core]: Use FQCN …` then `playbook.yml:5:7 Use `ansible.builtin…``,
    then a blank line. The rule line is only recognisable by its `name[tag]: ` shape, so outside a block
    only bracketed rules start one; inside, any rule line is taken (the blocks run back to back)."""

    name = "ansible-lint"
    tools = ("ansible-lint",)
    anchors = ("]: ", LOC_COLON)
    trigger = re.compile(
        rf"^(?:(?!{_SEVERITY_WORDS})[a-z][\w-]*\[[a-z][\w-]*\](?:\[/\])?: \S"
        rf"|(?P<al_file>[^\s:][^:]*{YAML_FILE}):\d+(?::\d+)?(?: .*)?$)"
    )

    def __init__(self) -> None:
        self.pending: re.Match[str] | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if m.group("al_file") is not None:
            # A location line with no rule line before it (the first rule had no `[tag]`): worth a block
            # only when we know the command is ansible-lint.
            if "ansible-lint" not in ctx.hint:
                return None
            self.pending = None
            return True
        self.pending = _RULE_LINE.match(line)
        return True if self.pending else None

    def more(self, line: str, ctx: Context) -> Status:
        if self.pending is not None:
            loc = _LOCATION.match(line)
            rule_match, self.pending = self.pending, None
            if loc is None:
                return Status.REJECT
            self._emit(rule_match, loc, ctx)
            return Status.MORE
        if not line.strip():
            return Status.MORE
        m = _RULE_LINE.match(line)
        if m is None or re.match(_SEVERITY_WORDS, line):
            return Status.REJECT
        self.pending = m
        return Status.MORE

    def _emit(self, rule_match: re.Match[str], loc: re.Match[str], ctx: Context) -> None:
        rule = rule_match.group("rule")
        message = rule_match.group("message")
        if loc.group("detail"):
            message += "\n" + loc.group("detail")
        severity = rule_match.group("severity") or "error"
        ctx.hit(
            Hit(
                tool="ansible-lint",
                message=message,
                type=ansible_kind(rule, severity, message),
                file=loc.group("file"),
                line=to_int(loc.group("line")),
                column=to_int(loc.group("col")),
                severity=severity,
                rule=rule,
            )
        )


PARSERS: tuple[type[Parser], ...] = (
    YamllintParsable,
    YamllintStandard,
    PyYAML,
    AnsibleLintPep8,
    AnsibleLintOld,
    AnsibleLintFull,
)

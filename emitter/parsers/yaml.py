"""YAML tools: yamllint (standard, colored, parsable), PyYAML's error text, ansible-lint (every text format).

yamllint's standard format names the file once, on a line of its own, then lists `  3:1  error  msg  (rule)`
lines under it: the first problem line opens a block and takes the file from the line above it.
ansible-lint's default format puts `rule: message` on one line and the location on the next: the location
line is the trigger and reads the rule line above it. PyYAML spreads one error over a context, a problem
and their `in "file", line N, column M` marks: the problem's mark is the trigger and reads the text above.
The one-line formats are regex lines.

ansible-lint's text formats, newest first (`-f brief|full|md` all print the default one today):
| format            | ansible-lint >= 6                          | 5                              | 4 (rule ids are numbers) |
|-------------------|--------------------------------------------|--------------------------------|--------------------------|
| default           | `rule[tag]: message` / `file:line[:col] details` | `rule: message` / location | `301 message` (`[301]` coloured) / `file:line` / the source line |
| pep8 (`-p`)       | `file:line[:col]: rule[tag]: message`      | `file:line: rule message`      | `file:line: [E301] message` |
| parseable severity| —                                          | `file:line: [rule] [HIGH] message` | `file:line: [E301] [HIGH] message` |
| quiet (`-f quiet`, 4's `-q`) | `rule file:line[:col]`          | the same                       | `301 file:line`          |
A number is the rule `E301` in every format, as ansible-lint 4's `-p` prints it. The HIGH/LOW levels of
`--parseable-severity` are dropped: ansible-lint 4 and 5 fail on every rule that is not on the warn list.
ansible-lint 5 and 6.0's pep8 put a space where the colon after the rule is now (`file:line: rule message`).
A line whose shape is common is taken when its rule id is ansible-lint's by its look alone: a tag
(`yaml[truthy]`), a hyphen (`no-changed-when`), or one of its one-word ids (`fqcn`, `yaml`, …); else only
where ansible-lint is known to be talking: under its "Listing N violation(s)" header, right after another of
its findings, or when the wrapped command is ansible-lint. The header goes to stderr and the findings to
stdout, which are scanned apart, so the id alone is what finds a listing whose first rule is untagged.
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


_HINT = "ansible-lint"
_NUMBER = re.compile(r"^E?(\d+)$")
_LISTING = re.compile(r"^(?:WARNING\s+)?Listing \d+ violation\(s\)")  # the header above the first finding
# ansible-lint's core rule ids with neither tag nor hyphen (the others are known by their shape)
_ONE_WORD_IDS = frozenset(
    {"args", "complexity", "fqcn", "galaxy", "jinja", "latest", "name", "pattern", "sanity", "schema", "yaml"}
)


def ansible_id(rule: str) -> bool:
    """Is `rule` ansible-lint's by its look alone (see the module docstring)?"""
    return "[" in rule or "-" in rule or rule in _ONE_WORD_IDS


def ansible_rule(rule: str) -> str:
    """ansible-lint 4's rule numbers as its `-p` prints them: `301` → `E301`."""
    number = _NUMBER.match(rule)
    return f"E{number.group(1)}" if number else rule


class _Findings(Parser):
    """What ansible-lint's own multi-finding listings share: is a line with a common shape its finding?"""

    def __init__(self) -> None:
        self.previous = ""  # the last line of the last finding

    def _in_a_listing(self, above: list[str], hint: str) -> bool:
        """The lines above a finding: the listing's header, or the previous finding (possibly its details
        line, then the blank line that ends it) — or the command is ansible-lint."""
        if _HINT in hint or (above and _LISTING.match(above[-1])):
            return True
        rest = above[:-1] if above and not above[-1].strip() else above
        return bool(self.previous) and self.previous in rest[-2:]


class AnsibleLintPep8(RegexLineParser, _Findings):
    """`-f pep8` (alias `-p`): `playbook.yml:5:7: fqcn[action-core]: Use FQCN … (copy).` Rich markup leaks
    a literal `[/]` after some rule ids when colour is off; a trailing ` (warning)` is the severity.
    ansible-lint 5 and 6.0 put a space where the colon after the rule is now, and no column: such a line is
    taken when its rule id is ansible-lint's by its look (see the module docstring), else only where
    ansible-lint is known to be talking (actionlint prints `file.yml:3:5: word …` lines too)."""

    name = "ansible-lint-pep8"
    tool = "ansible-lint"
    tools = ("ansible-lint",)
    anchors = (LOCATION,)
    trigger = re.compile(
        rf"^(?P<file>[^\s:][^:]*{YAML_FILE}):(?P<line>\d+)(?::(?P<col>\d+))?: "
        rf"(?!{_SEVERITY_WORDS})(?P<rule>[a-z][\w-]*(?:\[[\w-]+\])?)(?:\[/\])?"
        r"(?:: (?P<message>.+?)| (?!\(warning\)$)(?P<spaced>.+?))?(?: \((?P<severity>warning)\))?$"
    )

    def kind(self, rule: str | None, severity: str, message: str) -> str:
        return ansible_kind(rule, severity, message)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        spaced, rule = m.group("spaced"), m.group("rule")
        # the spaced form never had a column (actionlint's `file.yml:3:5: word …` always has one)
        known = "[" in rule or (m.group("col") is None and ansible_id(rule))
        if spaced and not known and not self._in_a_listing(ctx.preceding(1), ctx.hint):
            return None
        self.previous = line
        hit = self.make_hit(m)
        hit.message = hit.message or spaced or hit.rule or ""  # `-q` prints the rule without its message
        ctx.hit(hit)
        return False


class AnsibleLintOld(RegexLineParser):
    """ansible-lint 4 and 5 `-p` and `--parseable-severity`: `main.yml:1: [E201] Trailing whitespace`,
    `main.yml:1: [E201] [LOW] Trailing whitespace`, `main.yml:1: [no-changed-when] [HIGH] Commands …`."""

    name = "ansible-lint-old"
    tool = "ansible-lint"
    tools = ("ansible-lint",)
    default_type = "lint"
    anchors = (LOCATION,)
    trigger = re.compile(
        rf"^(?P<file>[^\s:][^:]*{YAML_FILE}):(?P<line>\d+): "
        r"\[(?P<rule>E?[A-Z]*\d+|[a-z][\w-]*(?:\[[\w-]+\])?)\](?: \[[A-Z_]+\])? (?P<message>.+)$"
    )

    def kind(self, rule: str | None, severity: str, message: str) -> str:
        return ansible_kind(rule, severity, message)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        hit = self.make_hit(m)
        hit.rule = ansible_rule(hit.rule or "")
        ctx.hit(hit)
        return False


class AnsibleLintQuiet(_Findings):
    """`-f quiet` (ansible-lint 4's `-q`): `fqcn playbook.yml:6:7`, `301 playbook.yml:10`, one per line."""

    name = "ansible-lint-quiet"
    tools = ("ansible-lint",)
    anchors = (LOCATION,)
    trigger = re.compile(  # no conditional group: the scanner joins triggers with their names dropped
        rf"^(?:\[(?P<q_number>E?\d+)\]|(?P<q_rule>[a-z][\w-]*|E?\d+)) "
        rf"(?P<q_file>[^\s:]+{YAML_FILE}):(?P<q_line>\d+)(?::(?P<q_col>\d+))?$"
    )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        rule = ansible_rule(m.group("q_number") or m.group("q_rule"))
        if not (m.group("q_number") or ansible_id(rule) or self._in_a_listing(ctx.preceding(1), ctx.hint)):
            return None
        self.previous = line
        ctx.hit(
            Hit(
                tool="ansible-lint",
                message=rule,
                type=ansible_kind(rule, "error", rule),
                file=m.group("q_file"),
                line=to_int(m.group("q_line")),
                column=to_int(m.group("q_col")),
                rule=rule,
            )
        )
        return False


_RULE_LINE = re.compile(
    r"^(?:(?P<rule>[a-z][\w-]*(?:\[[a-z][\w-]*\])?)(?:\[/\])?:"  # >= 5: `rule[tag]: message`
    r"|\[(?P<bracketed>E?\d{3})\]|(?P<number>\d{3}))"  # 4: `301 message`, `[301] message` coloured
    r" (?P<message>\S.*?)(?: \((?P<severity>warning)\))?$"
)
_NOT_A_RULE = re.compile(_SEVERITY_WORDS)  # `error: …` above a location is a compiler's, not a rule


class AnsibleLintFull(_Findings):
    """The default format: `fqcn[action-core]: Use FQCN …` then `playbook.yml:5:7 Use `ansible.builtin…``,
    then a blank line (ansible-lint 4: `301 Commands …`, `playbook.yml:10`, the task, a blank line). The
    location line is the trigger and reads the rule line above it. A rule line is recognisable by its
    `name[tag]: ` or `[301] ` shape, or by an id that is ansible-lint's by its look (`no-changed-when: …`);
    any other (`custom: …`, `301 …`) is just a `word: text` line, so it is taken only where ansible-lint is
    known to be talking (see the module docstring)."""

    name = "ansible-lint"
    tools = ("ansible-lint",)
    anchors = (LOCATION,)
    trigger = re.compile(
        rf"^(?P<al_file>[^\s:]+{YAML_FILE}):(?P<al_line>\d+)(?::(?P<al_col>\d+))?(?: (?P<al_detail>.*\S))?\s*$"
    )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        above = ctx.preceding(4)
        rule_line = _RULE_LINE.match(above[-1]) if above else None
        if rule_line is None or _NOT_A_RULE.match(above[-1]):
            return None
        rule = ansible_rule(
            rule_line.group("rule") or rule_line.group("bracketed") or rule_line.group("number")
        )
        known = ansible_id(rule) or rule_line.group("bracketed")
        if not known and not self._in_a_listing(above[:-1], ctx.hint):
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


PARSERS: tuple[type[Parser], ...] = (
    YamllintParsable,
    YamllintStandard,
    PyYAML,
    AnsibleLintPep8,
    AnsibleLintOld,
    AnsibleLintQuiet,
    AnsibleLintFull,
)

"""Python linters: ruff check, flake8, pylint, bandit (type checkers live in python_types).

Decisions the fixer and the tests rely on:
- ruff and flake8 print the same `file:line:col: CODE message` line. It is ruff's when it carries ruff's
  `[*]` (fixable) marker or a ruff-only pseudo-rule (`invalid-syntax`, `unformatted`); else the wrapped
  command decides when it names exactly one of them; else a pyflakes/pycodestyle/mccabe code (E, W, F,
  C9) quoting a name in backticks is ruff's (flake8 quotes with '); anything still undecided is flake8's,
  because a fix command for a tool the project does not use is worse than no fix.
- ruff's default (full) output puts the code and message on a header line with nothing to anchor on, and
  the location on the ` --> file:line:col` line after it: that line starts the record and reads the header
  just above it.
- Types: E999/invalid-syntax/SyntaxError are syntax_error; isort-family rules (I001, I002) are format,
  like isort's own records; E902 (file unreadable) is unknown; the rest, F821 and F401 included, is lint.
  Severity is the code's first letter: emitter/severity.py maps flake8's and ruff's letters.
- pylint: the rule is the message id (C0114); the symbolic name stays at the end of the message as pylint
  prints it. Columns are 0-based, except E0001 whose column is Python's 1-based SyntaxError offset.
- bandit: the screen/txt block and the `-f custom` default template; bandit's columns are 0-based. The
  block's `Location:` line is the one with a location: it reads `>> Issue:` and the fields above it, and
  takes the fields after it (older bandit printed `More Info:` last).
"""

from __future__ import annotations

import re
from typing import ClassVar

from .base import ERROR, LOCATION, Context, Hit, Parser, Status, one_trigger, to_int

# Greedy, not lazy: a path ends at its first colon either way, and `re` skips a greedy class to the
# literal after it in C, where a lazy one steps through the pattern char by char (most lines fail here).
_FILE = r"^(?P<file>(?:[A-Za-z]:)?[^:\s][^:]*)"


# -- ruff check and flake8 -------------------------------------------------------------------------
_FIXABLE = r"(?P<fixable> \[\*\])? "
_CODE = r"(?:(?P<rule>[A-Z]{1,5}\d{1,4})" + _FIXABLE + r"|(?P<name>invalid-syntax|unformatted|SyntaxError): )"
LINT_LINE = re.compile(_FILE + r":(?P<line>\d+):(?P<col>\d+): " + _CODE + r"(?P<message>.*)$")
RUFF_HEADER = re.compile(  # ruff's codes have 3 or 4 digits: a stricter shape for a line with no location
    r"^(?:(?P<rule>[A-Z]{1,5}\d{3,4})"
    + _FIXABLE
    + r"|(?P<name>invalid-syntax|unformatted): )(?P<message>\S.*)$"
)
RUFF_ARROW = re.compile(r"^ *--> (?P<file>.+?):(?P<line>\d+):(?P<col>\d+)$")
RUFF_FRAME = re.compile(r"^ *(?:\d+ *)?(?:\||[-+](?: |$)|\.\.\.|::: )|^-{8,}$")  # -{8,}: between diff hunks
RUFF_HELP = re.compile(r"^(?: *= )?(?P<kind>help|note|info): (?P<text>.*)$")
HINT_RUFF = re.compile(r"(?:^|[\s/])ruff(?:\s|$)")
HINT_RUFF_FORMAT = re.compile(r"(?:^|[\s/])ruff\s+format\b")
HINT_RUFF_CHECK = re.compile(r"(?:^|[\s/])ruff\s+check\b")
HINT_FLAKE8 = re.compile(r"(?:^|[\s/])flake8(?:\s|$)")
FLAKE8_CORE = re.compile(r"^(?:[EWF]\d{3}|C9\d\d)$")  # pycodestyle, pyflakes, mccabe: quotes are '…'
SYNTAX_RULES = frozenset({"E999", "invalid-syntax", "SyntaxError"})
ISORT_RULE = re.compile(r"^I\d{3}$")


def lint_tool(m: re.Match[str], hint: str) -> str:
    """Whose `file:line:col: CODE message` line this is (see the module docstring)."""
    if m["name"] or m["fixable"]:
        return ruff_tool(m["name"], hint)
    ruff, flake8 = bool(HINT_RUFF.search(hint)), bool(HINT_FLAKE8.search(hint))
    if ruff != flake8:
        return "ruff" if ruff else "flake8"
    if "`" in m["message"] and FLAKE8_CORE.match(m["rule"]):
        return "ruff"
    return "flake8"


def ruff_tool(name: str | None, hint: str) -> str:
    if name == "unformatted":
        return "ruff-format"
    if name and HINT_RUFF_FORMAT.search(hint) and not HINT_RUFF_CHECK.search(hint):
        return "ruff-format"
    return "ruff"


def lint_kind(rule: str, message: str) -> str:
    if rule in SYNTAX_RULES or (rule == "E902" and "TokenError" in message):
        return "syntax_error"
    if rule == "E902":
        return "unknown"
    if rule == "unformatted" or ISORT_RULE.match(rule):
        return "format"
    return "lint"


def lint_hit(tool: str, m: re.Match[str], file: str, line: str, col: str) -> Hit:
    rule = m["rule"] or m["name"]
    message = m["message"].strip()
    hit = Hit(
        tool=tool,
        message=message,
        type=lint_kind(rule, message),
        file=file,
        line=to_int(line),
        column=to_int(col),
        severity=rule[0] if m["rule"] else "error",
        rule=rule,
    )
    if tool == "ruff" and m["fixable"] and m["rule"]:
        hit.fix = {
            "description": "ruff check --fix",
            "command": ["ruff", "check", "--fix", "--select", rule, file],
        }
    elif tool == "ruff-format" and rule == "unformatted":
        hit.fix = {"description": "ruff format", "command": ["ruff", "format", file]}
    return hit


class _RuffFrame(Parser):
    """A located ruff record still taking its code frame and `help:`/`note:` lines; emitted at the blank
    line (or anything else) that ends them."""

    first_help_wins: ClassVar[bool] = False  # ruff >= 0.12 prints the fix's help first, then more help

    def __init__(self) -> None:
        self.pending: Hit | None = None

    def more(self, line: str, ctx: Context) -> Status:
        pending = self.pending
        if pending is not None:
            help_ = RUFF_HELP.match(line)
            if help_ is not None:
                if help_["kind"] == "help" and not (self.first_help_wins and pending.suggestion is not None):
                    pending.suggestion = help_["text"].strip()
                return Status.MORE
            if RUFF_FRAME.match(line):
                return Status.MORE
        self._flush(ctx)
        return Status.REJECT if line.strip() else Status.DONE

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _flush(self, ctx: Context) -> None:
        hit, self.pending = self.pending, None
        if hit is not None:
            ctx.hit(hit)


class LintLineParser(_RuffFrame):
    """flake8, pycodestyle-style lines, and ruff's concise (and pre-0.12 full) output."""

    name = "flake8"
    tools = ("flake8", "ruff", "ruff-format")
    anchors = (LOCATION,)
    trigger = one_trigger(LINT_LINE)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        g = LINT_LINE.match(line)
        if g is None:
            return None
        hit = lint_hit(lint_tool(g, ctx.hint), g, g["file"], g["line"], g["col"])
        if hit.tool == "flake8":
            ctx.hit(hit)
            return False
        self.pending = hit  # ruff < 0.12 printed a code frame and "= help:" under this line
        return True


class RuffFullParser(_RuffFrame):
    """ruff >= 0.12 default output: `CODE [*] message`, then ` --> file:line:col`, a frame, `help:`.

    The header holds no anchor: the `-->` line starts the record and reads the header just above it.
    The block then takes the frame, help and notes, and lets go at the blank line that ends them."""

    name = "ruff"
    tools = ("ruff", "ruff-format")
    anchors = (LOCATION,)
    trigger = one_trigger(RUFF_ARROW)
    first_help_wins = True

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        arrow = RUFF_ARROW.match(line)
        above = ctx.preceding(1)
        header = RUFF_HEADER.match(above[0]) if above else None
        if arrow is None or header is None:
            return None  # a `-->` under something else is not ruff's
        tool = ruff_tool(header["name"], ctx.hint)
        self.pending = lint_hit(tool, header, arrow["file"], arrow["line"], arrow["col"])
        return True


# -- pylint ----------------------------------------------------------------------------------------
PYLINT = re.compile(
    _FILE + r":(?P<line>\d+):(?:(?P<col>\d+): (?P<rule>[CRWEFI]\d{4}): (?P<message>.*)"
    r"| \[(?P<prule>[CRWEFI]\d{4})\((?P<symbol>[a-z0-9-]+)\), [^\]]*\] (?P<pmessage>.*))$"
)
PYLINT_WORDS = {
    "C": "convention",
    "R": "refactor",
    "W": "warning",
    "E": "error",
    "F": "fatal",
    "I": "information",
}


class PylintParser(Parser):
    """The default text format (`file:line:col: C0114: message (symbol)`) and `parseable`."""

    name = "pylint"
    tools = ("pylint",)
    anchors = (LOCATION,)
    trigger = one_trigger(PYLINT)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        g = PYLINT.match(line)
        if g is None:
            return None
        rule = g["rule"] or g["prule"]
        message = g["message"] if g["rule"] else f"{g['pmessage']} ({g['symbol']})"
        kind = {"E0001": "syntax_error", "E0401": "import_error"}.get(rule, "lint")
        ctx.hit(
            Hit(
                tool="pylint",
                message=message.strip(),
                type=kind,
                file=g["file"],
                line=to_int(g["line"]),
                column=to_int(g["col"]),
                severity=PYLINT_WORDS[rule[0]],
                rule=rule,
                base=1 if rule == "E0001" else 0,
            )
        )
        return False


# -- bandit ----------------------------------------------------------------------------------------
BANDIT_ISSUE = re.compile(r"^>> Issue: \[(?P<rule>B\d{3})(?::\w+)?\] (?P<message>.*)$")
BANDIT_FIELD = re.compile(r"^ +(?P<key>Severity|Confidence|CWE|More Info|Location): (?P<value>.*)$")
BANDIT_AT = re.compile(r"^ +Location: (?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?\s*$")
BANDIT_CUSTOM = re.compile(
    _FILE + r":(?P<line>\d+): (?P<rule>B\d{3})\[bandit\]: (?P<severity>[A-Z]+): (?P<message>.*)$"
)
BANDIT_ABOVE = 5  # `>> Issue:` and at most Severity, CWE, More Info (and a spare) above `Location:`


class BanditParser(Parser):
    """The screen/txt block (`>> Issue:` then indented fields) and the `-f custom` default template."""

    name = "bandit"
    tools = ("bandit",)
    anchors = (LOCATION,)
    trigger = one_trigger(BANDIT_AT, BANDIT_CUSTOM)

    def __init__(self) -> None:
        self.pending: Hit | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        g = BANDIT_CUSTOM.match(line)
        if g is not None:
            ctx.hit(
                Hit(
                    tool="bandit",
                    message=g["message"].strip(),
                    type="security",
                    file=g["file"],
                    line=to_int(g["line"]),
                    severity=g["severity"],
                    rule=g["rule"],
                )
            )
            return False
        at = BANDIT_AT.match(line)
        hit = self._issue_above(ctx.preceding(BANDIT_ABOVE)) if at is not None else None
        if at is None or hit is None:
            return None
        hit.file, hit.line, hit.column = at["file"], to_int(at["line"]), to_int(at["col"])
        self.pending = hit
        return True  # older bandit printed `More Info:` after the location

    def more(self, line: str, ctx: Context) -> Status:
        field = BANDIT_FIELD.match(line)
        if field is None or self.pending is None or field["key"] == "Location":
            self._flush(ctx)
            return Status.REJECT
        self._field(self.pending, field)
        return Status.MORE

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _issue_above(self, lines: list[str]) -> Hit | None:
        """The issue whose fields run without a break from its `>> Issue:` line down to the location."""
        fields: list[re.Match[str]] = []
        for text in reversed(lines):
            issue = BANDIT_ISSUE.match(text)
            if issue is not None:
                hit = Hit(
                    tool="bandit",
                    message=issue["message"].strip(),
                    type="security",
                    rule=issue["rule"],
                    base=0,
                )
                for above in reversed(fields):
                    self._field(hit, above)
                return hit
            field = BANDIT_FIELD.match(text)
            if field is None or field["key"] == "Location":
                return None
            fields.append(field)
        return None

    @staticmethod
    def _field(hit: Hit, field: re.Match[str]) -> None:
        key, value = field["key"], field["value"].strip()
        if key == "Severity" and value:
            hit.severity = value.split()[0]
        elif key == "More Info":
            hit.suggestion = value

    def _flush(self, ctx: Context) -> None:
        hit, self.pending = self.pending, None
        if hit is not None:
            ctx.hit(hit)


# -- summaries -------------------------------------------------------------------------------------
SUMMARY = re.compile(
    r"^(?:Found \d+ errors? in \d+ files? \(|Found \d+ errors?\.$|"
    r"\d+ errors?, \d+ warnings?, \d+ informations?\s*$)"
)


class SummaryParser(Parser):
    """mypy's, ruff's and pyright's closing counts: noise that must not become a record elsewhere."""

    name = "python_lint_summary"
    tools = ("mypy", "ruff", "pyright")
    anchors = (ERROR,)
    trigger = SUMMARY

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        return False


PARSERS: tuple[type[Parser], ...] = (
    PylintParser,
    BanditParser,
    LintLineParser,
    RuffFullParser,
    SummaryParser,
)

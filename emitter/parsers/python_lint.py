"""Python linters: ruff check, flake8, pylint, bandit (type checkers live in python_types).

Decisions the fixer and the tests rely on:
- ruff and flake8 print the same `file:line:col: CODE message` line. It is ruff's when it carries ruff's
  `[*]` (fixable) marker or a ruff-only pseudo-rule (`invalid-syntax`, `unformatted`); else the wrapped
  command decides when it names exactly one of them; else a pyflakes/pycodestyle/mccabe code (E, W, F,
  C9) is ruff's when its message quotes a name in backticks (flake8 quotes with ') or starts with a capital
  (flake8's start lowercase, but for the exception names of E902 and E999); anything still undecided is
  flake8's, because a fix command for a tool the project does not use is worse than no fix.
- ruff's default (full) output puts the code and message on a header line with nothing to anchor on, and
  the location on the ` --> file:line:col` line after it: that line starts the record and reads the header
  just above it.
- Types: E999/invalid-syntax/SyntaxError are syntax_error; isort-family rules (I001, I002) are format,
  like isort's own records; E902 (file unreadable) is unknown; the rest, F821 and F401 included, is lint.
  Severity is the code's first letter: emitter/severity.py maps flake8's and ruff's letters.
- pylint: the rule is the message id (C0114) in every format, so one finding keeps its fingerprint and
  its documentation link whichever format printed it; the symbolic name stays at the end of the message as
  the default format prints it (`parseable` puts it beside the id: it is moved there). Columns are 0-based,
  except E0001 whose column is Python's 1-based SyntaxError offset.
- `file:line: [CODE] message` (flake8 --format=pylint, ruff --output-format pylint, pylint before 1.0 with
  no object): a pylint message id (C0103) is pylint's unless the command names flake8 or ruff and not
  pylint; anything else is told apart as the `file:line:col: CODE` lines are. A YAML file is ansible-lint's.
- Paths may hold colons (`dir/a:b.py`, `a:1:b.py`, `C:\\src\\x.py`): the path ends at the first colon that
  the location follows (`:12: `, `:12:5: `, mypy's `:12:5:12:9: `), not at the first colon. What follows a
  colon inside the path holds no space (a Windows drive's `C:\\` aside), so that a prefix holding colons
  (`x: a.py:1:1: …`, `[12:01:02] a.py:1:1: …`) never passes for part of the path.
- bandit: the screen/txt block and the `-f custom` default template; bandit's columns are 0-based. The
  block's `Location:` line is the one with a location: it reads `>> Issue:` and the fields above it, and
  takes the fields after it (older bandit printed `More Info:` last).
"""

from __future__ import annotations

import re
from typing import ClassVar

from .base import ERROR, LOCATION, Context, Hit, Parser, Status, one_trigger, to_int

# A path runs to the first colon that its location follows (see the module docstring). Greedy, not lazy:
# `re` skips a greedy class to the literal after it in C, where a lazy one steps through the pattern char
# by char (most lines fail here); the look-ahead runs once per colon, so a line full of colons stays linear.
LOCATION_AHEAD = r"\d+(?::\d+)*: "  # `12: `, `12:5: `, `12:5:12:9: `
PY_PATH = rf"(?:[A-Za-z]:[\\/])?[^:\s][^:]*(?::(?!{LOCATION_AHEAD})[^:\s]*)*"
_FILE = rf"^(?P<file>{PY_PATH})"


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
FLAKE8_UPPER = frozenset({"E902", "E999"})  # flake8's messages that start with a capital: an exception's name
SYNTAX_RULES = frozenset({"E999", "invalid-syntax", "SyntaxError"})
ISORT_RULE = re.compile(r"^I\d{3}$")


def lint_tool(m: re.Match[str], hint: str) -> str:
    """Whose `file:line:col: CODE message` line this is (see the module docstring)."""
    if m["name"] or m["fixable"]:
        return ruff_tool(m["name"], hint)
    return code_tool(m["rule"], m["message"], hint)


def code_tool(rule: str, message: str, hint: str) -> str:
    """ruff or flake8, for a line with a code and no mark of ruff's own."""
    ruff, flake8 = bool(HINT_RUFF.search(hint)), bool(HINT_FLAKE8.search(hint))
    if ruff != flake8:
        return "ruff" if ruff else "flake8"
    if FLAKE8_CORE.match(rule) and ("`" in message or (message[:1].isupper() and rule not in FLAKE8_UPPER)):
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


def lint_hit(tool: str, m: re.Match[str], file: str, line: str, col: str | None) -> Hit:
    """The hit of a ruff/flake8 match with groups `rule` (a code) or `name` (a pseudo-rule), `message`
    and optionally `fixable`."""
    code = m["rule"]
    rule = code or m["name"]
    message = m["message"].strip()
    hit = Hit(
        tool=tool,
        message=message,
        type=lint_kind(rule, message),
        file=file,
        line=to_int(line),
        column=to_int(col),
        severity=code[0] if code else "error",
        rule=rule,
    )
    if tool == "ruff" and code and m.groupdict().get("fixable"):
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
PYLINT_ID = r"[CRWEFI]\d{4}"
PYLINT = re.compile(  # text: `:line:col: C0103: message (symbol)`; parseable: `:line: [C0103(symbol), obj] …`
    _FILE + rf":(?P<line>\d+):(?:(?P<col>\d+): (?P<rule>{PYLINT_ID}): (?P<message>.*)"
    rf"|(?:(?P<pcol>\d+):)? \[(?P<prule>{PYLINT_ID})(?:\((?P<symbol>[a-z0-9-]+)\))?, [^\]]*\] (?P<pmessage>.*))$"
)
PYLINT_WORDS = {
    "C": "convention",
    "R": "refactor",
    "W": "warning",
    "E": "error",
    "F": "fatal",
    "I": "information",
}
PYLINT_CODE = re.compile(PYLINT_ID)
# The text format prints the symbol after the message; duplicate-code's message runs over the lines of the
# similar code, so its symbol comes many lines down: it is added here, as `parseable` gives it.
TRAILING_SYMBOL = {"R0801": "duplicate-code"}
HINT_PYLINT = re.compile(r"(?:^|[\s/])pylint(?:\s|$)")


def pylint_hit(rule: str, message: str, file: str, line: str, col: str | None = None) -> Hit:
    return Hit(
        tool="pylint",
        message=message.strip(),
        type={"E0001": "syntax_error", "E0401": "import_error"}.get(rule, "lint"),
        file=file,
        line=to_int(line),
        column=to_int(col),
        severity=PYLINT_WORDS[rule[0]],
        rule=rule,
        base=1 if rule == "E0001" else 0,
    )


class PylintParser(Parser):
    """The default text format and `parseable`, with the object (pylint >= 1.0 prints the symbol beside
    the id, older pylint and `{msg_id}` templates do not; a `{column}` in a template puts one after the
    line)."""

    name = "pylint"
    tools = ("pylint",)
    anchors = (LOCATION,)
    trigger = one_trigger(PYLINT)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        g = PYLINT.match(line)
        if g is None:
            return None
        rule = g["rule"]
        if rule:
            message = g["message"]
            if rule in TRAILING_SYMBOL and not message.endswith(")"):
                message += f" ({TRAILING_SYMBOL[rule]})"
            ctx.hit(pylint_hit(rule, message, g["file"], g["line"], g["col"]))
            return False
        message = f"{g['pmessage']} ({g['symbol']})" if g["symbol"] else g["pmessage"]
        ctx.hit(pylint_hit(g["prule"], message, g["file"], g["line"], g["pcol"]))
        return False


# -- `file:line: [CODE] message` -------------------------------------------------------------------
BRACKET_LINE = re.compile(
    _FILE + r":(?P<line>\d+): \[(?:(?P<rule>[A-Z]{1,5}\d{1,4})|(?P<name>invalid-syntax))\] (?P<message>.*)$"
)
_YAML = (".yml", ".yaml")  # ansible-lint 4's `-p` lines have this shape too (emitter/parsers/yaml.py)


class BracketLineParser(Parser):
    """flake8 --format=pylint, ruff --output-format pylint, and pylint before 1.0 for a message with no
    object: one shape, no column, told apart as the module docstring says."""

    name = "pylint-format"
    tools = ("flake8", "ruff", "pylint")
    anchors = (LOCATION,)
    trigger = one_trigger(BRACKET_LINE)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        g = BRACKET_LINE.match(line)
        if g is None or g["file"].endswith(_YAML):
            return None
        code, file = g["rule"], g["file"]
        if code and PYLINT_CODE.fullmatch(code) and self._pylint(ctx.hint):
            ctx.hit(pylint_hit(code, g["message"], file, g["line"]))
        elif code:
            ctx.hit(lint_hit(code_tool(code, g["message"], ctx.hint), g, file, g["line"], None))
        else:
            ctx.hit(lint_hit("ruff", g, file, g["line"], None))
        return False

    @staticmethod
    def _pylint(hint: str) -> bool:
        other = HINT_FLAKE8.search(hint) or HINT_RUFF.search(hint)
        return not other or bool(HINT_PYLINT.search(hint))


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
    BracketLineParser,
    RuffFullParser,
    SummaryParser,
)

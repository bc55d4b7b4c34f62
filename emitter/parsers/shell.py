"""Shell and Dockerfile linters: shellcheck (tty and gcc formats) and hadolint (tty and gnu formats).

shellcheck's tty format shows the source line and puts a caret under the column; tabs in the source are
shown as they are while the caret is placed as if they were 8 columns wide, so the column is recovered by
walking the source line with tab stops (it then agrees with `-f gcc`, which counts characters). SC1xxx
codes are parse errors. hadolint runs shellcheck on RUN instructions, so its SC codes carry tool "hadolint".
"""

from __future__ import annotations

import re

from .base import LINE, LOCATION, Context, Hit, Parser, RegexLineParser, Status


def shellcheck_kind(rule: str | None, severity: str, message: str) -> str:
    return "syntax_error" if rule and rule.startswith("SC1") and severity == "error" else "lint"


class ShellcheckGcc(RegexLineParser):
    """`-f gcc`: `a.sh:3:6: note: Double quote to prevent globbing and word splitting. [SC2086]`"""

    name = "shellcheck-gcc"
    tool = "shellcheck"
    tools = ("shellcheck",)
    anchors = (LOCATION,)
    trigger = re.compile(
        r"^(?P<file>(?:[A-Za-z]:)?[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|note): "
        r"(?P<message>.+) \[(?P<rule>SC\d+)\]$"
    )

    def kind(self, rule: str | None, severity: str, message: str) -> str:
        return shellcheck_kind(rule, severity, message)


_CARET = re.compile(
    r"^(?P<pad>[ \t]*)\^(?P<span>-*\^)?-* (?P<rule>SC\d+) \((?P<severity>\w+)\): (?P<message>.+)$"
)


def char_column(source: str, visual: int) -> int:
    """1-based character column of the character shellcheck's caret points at (tabs count 8)."""
    pos = 0
    for index, char in enumerate(source):
        pos = (pos // 8 + 1) * 8 if char == "\t" else pos + 1
        if pos > visual:
            return index + 1
    return len(source) + 1 + (visual - pos)


class ShellcheckTty(Parser):
    """The default format:

        In a.sh line 3:
        echo $x
             ^-- SC2086 (info): Double quote to prevent globbing and word splitting.

        Did you mean:
        echo "$x"

    The fixed line under "Did you mean:" becomes the suggestion of that block's problems."""

    name = "shellcheck"
    tools = ("shellcheck",)
    anchors = (LINE,)
    trigger = re.compile(r"^In (?P<sc_file>.+) line (?P<sc_line>\d+):$")

    def __init__(self) -> None:
        self.file = ""
        self.line = 0
        self.source: str | None = None
        self.stage = ""  # "source", "carets", "suggestion"
        self.hits: list[Hit] = []

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool:
        self._flush(ctx)
        self.file, self.line = m.group("sc_file"), int(m.group("sc_line"))
        self.source, self.stage = None, "source"
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if self.stage == "source":
            self.source, self.stage = line, "carets"  # may be empty: an error at the end of the file
            return Status.MORE
        if self.stage == "carets":
            m = _CARET.match(line)
            if m is not None:
                self.hits.append(self._hit(m))
                return Status.MORE
        if self.stage == "suggestion":
            if line.strip():
                suggestion = line.rstrip()
                for hit in self.hits:
                    hit.suggestion = f"{hit.suggestion}\n{suggestion}" if hit.suggestion else suggestion
                return Status.MORE
            self.stage = "after"
        if not line.strip():
            return Status.MORE
        if line.rstrip() == "Did you mean:" and self.hits:
            self.stage = "suggestion"
            return Status.MORE
        self._flush(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _hit(self, m: re.Match[str]) -> Hit:
        source = self.source or ""
        pad = m.group("pad").expandtabs(8)
        column = char_column(source, len(pad))
        end = None
        if m.group("span"):
            end = char_column(source, len(pad) + len(m.group("span")))
        rule, severity = m.group("rule"), m.group("severity")
        return Hit(
            tool="shellcheck",
            message=m.group("message"),
            type=shellcheck_kind(rule, severity, ""),
            file=self.file,
            line=self.line,
            column=column,
            end_line=self.line if end else None,
            end_column=end,
            severity=severity,
            rule=rule,
        )

    def _flush(self, ctx: Context) -> None:
        for hit in self.hits:
            ctx.hit(hit)
        self.hits = []
        self.stage = ""


class Hadolint(RegexLineParser):
    """`Dockerfile:3 DL3008 warning: Pin versions in apt get install…` (tty; hadolint 1.x had no severity)
    and `hadolint:Dockerfile:3: DL3008 warning: …` (`-f gnu`)."""

    name = tool = "hadolint"
    tools = ("hadolint",)
    default_type = "lint"
    anchors = (LOCATION,)
    trigger = re.compile(
        r"^(?:hadolint:)?(?P<file>(?:[A-Za-z]:)?[^\s:][^:]*):(?P<line>\d+):? (?P<rule>(?:DL|SC)\d{4}) "
        r"(?:(?P<severity>error|warning|info|style): )?(?P<message>\S.*)$"
    )


class HadolintParseError(RegexLineParser):
    """A Dockerfile hadolint cannot parse: `Dockerfile:4:1 unexpected 'F' expecting …` (megaparsec's
    message with its newlines turned into spaces). Only for files named like Dockerfiles."""

    name = "hadolint-parse"
    tool = "hadolint"
    tools = ("hadolint",)
    default_type = "syntax_error"
    anchors = (LOCATION,)
    trigger = re.compile(
        r"^(?:hadolint:)?(?P<file>(?:\S*/)?[^\s/:]*(?:[Dd]ockerfile|[Cc]ontainerfile)[^\s/:]*)"
        r":(?P<line>\d+):(?P<col>\d+):? (?P<message>unexpected .+)$"
    )

    def make_hit(self, m: re.Match[str]) -> Hit:
        hit = super().make_hit(m)
        hit.message = " ".join(hit.message.split())
        return hit


PARSERS: tuple[type[Parser], ...] = (ShellcheckGcc, ShellcheckTty, Hadolint, HadolintParseError)

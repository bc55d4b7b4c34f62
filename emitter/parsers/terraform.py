"""Terraform (and OpenTofu) diagnostics from init/validate/plan/apply.

A diagnostic is a block: `Error: <summary>`, a blank line, `  on main.tf line 8, in resource "x" "y":`, the
source lines (`   8:   foo = 1`) with any `├──` value notes, a blank line, then the detail paragraphs.
With colour on, the block is boxed (`╷`, `│ ` in front of every line, `╵`); with `-no-color` it is not,
and a plain `Error: …` line is too common elsewhere to open a block on its own: it opens one when the
wrapped command is terraform, and otherwise the location line (`  on main.tf line 8, in …:`, the LINE
anchor) opens it, reading the summary from the lines above. Columns are only shown as an underline,
which ANSI clean-up removes, so records carry lines only.

`terraform fmt -check` (its file list, or its diffs with `-diff`) is read in format_lists.py, with the
other formatters' checks.
"""

from __future__ import annotations

import re

from . import infra
from .base import ERROR, LINE, WARN, Context, Hit, Parser, Status, to_int

_BAR = "│"
_SUMMARY = re.compile(r"^(?P<severity>Error|Warning): (?P<summary>.+?)\s*$")
_ON = re.compile(r"^  on (?P<file>.+?) line (?P<line>\d+)(?:, in .+)?:$")
_SNIPPET = re.compile(r"^ +(?:\d+: |\d+:$|├|│)")
_WITH = re.compile(r"^  with .+,$")
TERRAFORM = re.compile(r"(?:^|[\s/])(?:terraform|tofu|terragrunt)(?:\s|$)")
_CHDIR = re.compile(r"-chdir=(\S+)")
# init's preamble to the configuration's own errors, which follow in boxes of their own
_PREAMBLE = re.compile(r"^Terraform encountered problems during initiali[sz]ation")

_SYNTAX = re.compile(
    r"^(?:Invalid expression|Argument or block definition required|Unclosed configuration block"
    r"|Missing newline after|Invalid block definition|Invalid character|Unterminated template string"
    r"|Invalid multi-line string|Missing key/value separator|Missing item separator|Extra characters after"
    r"|Invalid argument name|Missing expression|Unclosed template interpolation|Invalid single-argument block"
    r"|Missing attribute value|Attribute redefined|Unsupported operator)"
)
_TYPE = re.compile(
    r"^(?:Incorrect attribute value type|Invalid value for|Inconsistent conditional result types"
    r"|Unsuitable value type|Invalid function argument|Error in function call|Incorrect value type"
    r"|Invalid index)"
)
_DEPENDENCY = re.compile(
    r"^(?:Failed to query available provider packages|Failed to install provider|Inconsistent dependency lock"
    r"|Module not installed|Missing required provider|Provider registry not found|Failed to download module"
    r"|Incompatible provider version|Module version requirements have changed)"
)
_CONFIG = re.compile(
    r"^(?:Unsupported argument|Missing required argument|Unsupported block type|Unsupported attribute"
    r"|Reference to undeclared|Invalid reference|Call to unknown function|Duplicate |Missing required"
    r"|Variables not allowed|Invalid resource|Invalid count argument|Invalid for_each argument"
    r"|Unknown variable|Cycle:|Self-referential|Unsupported meta-argument|No configuration files)"
)


def kind(summary: str, detail: str, severity: str) -> str:
    if infra.classify(detail) is not None:
        return "infra"
    for pattern, name in (
        (_SYNTAX, "syntax_error"),
        (_TYPE, "type_error"),
        (_DEPENDENCY, "dependency"),
        (_CONFIG, "compile_error"),
    ):
        if pattern.match(summary):
            return name
    return "lint" if severity == "Warning" else "unknown"


class Diagnostic(Parser):
    name = "terraform"
    tools = ("terraform",)
    anchors = (ERROR, WARN, LINE)
    trigger = re.compile(r"^(?:│ )?(?:(?:Error|Warning): \S|  on .+? line \d+(?:, in .+)?:$)")

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.summary: re.Match[str] | None = None
        self.boxed = False
        self.file: str | None = None
        self.line: int | None = None
        self.stage = ""  # "head" (before the detail), "detail"
        self.detail: list[str] = []
        self.rule: str | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        boxed = line.startswith(_BAR)
        text = line[2:] if boxed else line
        summary = _SUMMARY.match(text)
        if summary is not None:
            if not boxed and not TERRAFORM.search(ctx.hint):
                return None  # perhaps not terraform's: its location line decides
            self._reset()
            self.summary, self.boxed, self.stage = summary, boxed, "head"
            return True
        on = _ON.match(text)
        if on is None:
            return None
        summary = _summary_above(ctx.preceding(3), boxed)
        if summary is None and not boxed:
            return None
        self._reset()
        self.summary, self.boxed, self.stage = summary, boxed, "head"
        self.file, self.line = on.group("file"), to_int(on.group("line"))
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if self.boxed:
            if line.startswith("╵"):
                self._emit(ctx)
                return Status.DONE
            if not line.startswith(_BAR):
                self._emit(ctx)
                return Status.REJECT
            line = _unboxed(line)
        elif _SUMMARY.match(line) or line[:1] in ("╷", _BAR, "╵"):  # the next diagnostic, maybe boxed
            self._emit(ctx)
            return Status.REJECT
        if self.stage == "head":
            return self._head(line)
        if line.strip():
            self.detail.append(line.strip())
            return Status.MORE
        if self.boxed:
            self.detail.append("")
            return Status.MORE
        self._emit(ctx)  # without a box, the first paragraph of the detail ends the block
        return Status.DONE

    def _head(self, line: str) -> Status:
        on = _ON.match(line)
        if on is not None and self.file is None:
            self.file, self.line = on.group("file"), to_int(on.group("line"))
        elif line.strip() and not _SNIPPET.match(line) and not _WITH.match(line):
            self.stage = "detail"
            self.detail.append(line.strip())
        return Status.MORE

    def finish(self, ctx: Context) -> None:
        if self.stage:
            self._emit(ctx)

    def _emit(self, ctx: Context) -> None:
        summary = self.summary.group("summary") if self.summary else "Terraform error"
        if self.stage and not _PREAMBLE.match(summary):
            severity = self.summary.group("severity") if self.summary else "Error"
            detail = _paragraphs(self.detail)
            message = f"{summary}\n{detail}" if detail else summary
            ctx.hit(
                Hit(
                    tool="terraform",
                    message=message,
                    type=kind(summary, detail, severity),
                    file=self.file,
                    line=self.line,
                    severity=severity,
                    rule=infra.classify(detail),
                    cwd=chdir(ctx.hint) if self.file else None,
                )
            )
        self._reset()


def _unboxed(line: str) -> str:
    """The text of a line inside a box: `│ text`, or a bare `│`."""
    return line[2:] if line.startswith(_BAR + " ") else line[1:]


def _summary_above(lines: list[str], boxed: bool) -> re.Match[str] | None:
    """The `Error: …` line above a location line, past a blank line and a `with …,` line."""
    for line in reversed(lines):
        if boxed:
            if not line.startswith(_BAR):
                return None
            line = _unboxed(line)
        summary = _SUMMARY.match(line)
        if summary is not None:
            return summary
        if line.strip() and not _WITH.match(line):
            return None
    return None


def chdir(hint: str) -> str | None:
    """`terraform -chdir=DIR …` prints paths relative to DIR."""
    m = _CHDIR.search(hint)
    return m.group(1).strip("\"'") if m else None


def _paragraphs(lines: list[str]) -> str:
    """Terraform wraps its detail at ~78 columns: unwrap each paragraph onto one line."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n".join(" ".join(p) for p in paragraphs if p)


PARSERS: tuple[type[Parser], ...] = (Diagnostic,)

"""Python formatters in check mode: black, ruff format, isort.

One format record per file, with the tool's own command as its fix; a file the formatter could not parse
is a syntax_error instead (black's columns are 0-based: they come from its tokenizer). ruff format's
newer diagnostics (`unformatted:` / `invalid-syntax:` with a `-->` location) are read by the ruff parsers
in python_lint, which share ruff's output shapes.
"""

from __future__ import annotations

import re

from .base import ERROR, REFORMAT, Context, Hit, Parser, Status, one_trigger, to_int

# -- black -----------------------------------------------------------------------------------------
BLACK_WOULD = re.compile(r"^would reformat (?P<file>.+?)\s*$")
BLACK_CANNOT_FORMAT = re.compile(r"^error: cannot format (?P<file>.+?): (?P<reason>.*)$")
BLACK_OLD_PARSE = re.compile(
    r"^(?P<context>Cannot parse(?: for target version [^:]+)?): (?P<line>\d+):(?P<col>\d+): "
)
BLACK_PARSE = re.compile(
    r"^error: (?P<context>cannot parse(?: for target version [^:]+)?): "
    r"(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)$"
)
BLACK_DETAIL = re.compile(r"^\w+Error: (?P<message>.*)$")  # "ParseError: bad input"
BLACK_EXCERPT = 2  # the faulty source line and its caret


def black_fix(file: str) -> dict[str, object]:
    return {"description": "black", "command": ["black", file]}


class BlackParser(Parser):
    name = "black"
    tools = ("black",)
    anchors = (REFORMAT, ERROR)  # `would reformat x`, `error: cannot format|parse …`
    trigger = one_trigger(BLACK_WOULD, BLACK_CANNOT_FORMAT, BLACK_PARSE)

    def __init__(self) -> None:
        self.pending: Hit | None = None
        self.excerpt = 0

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        g = BLACK_WOULD.match(line)
        if g is not None:
            file = g["file"]
            ctx.hit(
                Hit(tool="black", message="would reformat", type="format", file=file, fix=black_fix(file))
            )
            return False
        g = BLACK_PARSE.match(line)  # black >= 25: location here, the reason three lines below
        if g is not None:
            self.pending = self._syntax(g["file"], g["context"], g["line"], g["col"])
            self.excerpt = BLACK_EXCERPT
            return True
        g = BLACK_CANNOT_FORMAT.match(line)
        if g is None:
            return None
        reason = g["reason"].strip()
        old = BLACK_OLD_PARSE.match(reason)  # "Cannot parse: 3:4: <the source line>"
        if old is not None:
            hit = self._syntax(g["file"], old["context"], old["line"], old["col"])
            hit.message = f"{old['context']}: {reason[old.end() :].strip()}".rstrip(": ")
        else:  # e.g. "INTERNAL ERROR: Black produced code that is not equivalent to the source"
            hit = Hit(tool="black", message=reason, type="format", file=g["file"])
        ctx.hit(hit)
        return False

    def more(self, line: str, ctx: Context) -> Status:
        pending = self.pending
        if pending is None:
            return Status.REJECT
        if self.excerpt and line.startswith("    "):
            self.excerpt -= 1
            return Status.MORE
        detail = BLACK_DETAIL.match(line)
        if detail is not None:
            pending.message = f"{pending.message}: {detail['message'].strip()}"
            self._flush(ctx)
            return Status.DONE
        self._flush(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    @staticmethod
    def _syntax(file: str, context: str, line: str, col: str) -> Hit:
        message = context[:1].upper() + context[1:]
        return Hit(
            tool="black",
            message=message,
            type="syntax_error",
            file=file,
            line=to_int(line),
            column=to_int(col),
            base=0,
        )

    def _flush(self, ctx: Context) -> None:
        hit, self.pending = self.pending, None
        if hit is not None:
            ctx.hit(hit)


# -- ruff format (before its diagnostics moved to the shared ruff output, see python_lint) ------------
RUFF_WOULD = re.compile(r"^Would reformat: (?P<file>.+?)\s*$")
RUFF_PARSE = re.compile(r"^error: Failed to parse (?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)$")


class RuffFormatParser(Parser):
    name = "ruff-format"
    tools = ("ruff-format",)
    anchors = (REFORMAT, ERROR)  # `Would reformat: x`, `error: Failed to parse …`
    trigger = one_trigger(RUFF_WOULD, RUFF_PARSE)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        g = RUFF_WOULD.match(line)
        if g is not None:
            file = g["file"]
            fix = {"description": "ruff format", "command": ["ruff", "format", file]}
            ctx.hit(Hit(tool="ruff-format", message="Would reformat", type="format", file=file, fix=fix))
            return False
        g = RUFF_PARSE.match(line)
        if g is None:
            return None
        ctx.hit(
            Hit(
                tool="ruff-format",
                message=g["message"].strip(),
                type="syntax_error",
                file=g["file"],
                line=to_int(g["line"]),
                column=to_int(g["col"]),
                rule="invalid-syntax",
            )
        )
        return False


# -- isort -----------------------------------------------------------------------------------------
ISORT = re.compile(
    r"^ERROR: (?P<file>.+?) (?P<message>Imports are incorrectly sorted and/or formatted\.)\s*$"
)


class IsortParser(Parser):
    name = "isort"
    tools = ("isort",)
    anchors = (ERROR,)
    trigger = one_trigger(ISORT)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        g = ISORT.match(line)
        if g is None:
            return None
        file = g["file"]
        fix = {"description": "isort", "command": ["isort", file]}
        ctx.hit(Hit(tool="isort", message=g["message"], type="format", file=file, fix=fix))
        return False


PARSERS: tuple[type[Parser], ...] = (BlackParser, RuffFormatParser, IsortParser)

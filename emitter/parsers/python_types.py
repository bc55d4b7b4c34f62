"""Python type checkers: mypy and pyright.

Decisions the fixer and the tests rely on:
- mypy: a note on the same file and line as the error just before it (including `--pretty` wrapped
  messages and code frames) is that error's suggestion; any other note is a record of severity note.
  `--show-error-code-links` notes are dropped: they only link the code's page, which the rule gives.
  `[syntax]` is a syntax_error, `import-not-found`/`import-untyped` an import_error, the rest type_error;
  without a code (`--hide-error-codes`, mypy before 0.990) the import errors are known by their words.
  `--show-column-numbers`, `--show-error-end`, `--show-error-context` and `--pretty` give the records of
  the plain run, with the positions they add. Paths may hold colons, as python_lint's do.
- pyright: continuation lines belong to the message; the rule is the trailing `(reportX)`. An error with
  no rule comes from pyright's parser, so it is a syntax_error; reportMissingImports/ModuleSource are
  import_error.
- Their closing counts ("Found 1 error in 1 file", "3 errors, 1 warning, 0 informations") are swallowed
  by python_lint's SummaryParser, which ruff shares.
"""

from __future__ import annotations

import re

from .base import LOCATION, Context, Hit, Parser, Status, one_trigger, to_int
from .python_lint import PY_PATH

# -- mypy ------------------------------------------------------------------------------------------
MYPY = re.compile(
    rf"^(?P<file>{PY_PATH}\.pyi?):(?P<line>\d+)(?::(?P<col>\d+))?"
    r"(?::(?P<end_line>\d+):(?P<end_col>\d+))?: (?P<severity>error|warning|note|info): (?P<message>.*)$"
)
MYPY_CODE = re.compile(r"\s+\[(?P<code>[a-z][a-z0-9-]*)\]$")
MYPY_SUMMARY = re.compile(r"^(?:Found \d+ errors? in \d+ files?|Success: no issues found)")
MYPY_IMPORT = frozenset({"import", "import-not-found", "import-untyped"})
MYPY_IMPORT_WORDS = re.compile(  # the same errors without their code, old wordings included
    r"^(?:Cannot find (?:implementation or library stub for )?module named |Library stubs not installed for "
    r"|Skipping analyzing |No library stub file for module )"
)
MYPY_CODE_LINK = re.compile(r"^See https://mypy\.rtfd\.io/\S+#code-[a-z0-9-]+ for more info$")
MYPY_WRAP = 4  # `--pretty` wraps a long message onto a few lines before the code frame
SOURCE_FRAME = re.compile(r"^[ \t]+\S")
# never a wrapped message: another tool's located line, or mypy's "x.py: note: In function" context
LOCATED = re.compile(rf"^{PY_PATH}:\d+[:\s]|^\S[^:]*: (?:note|error|warning): ")


class MypyParser(Parser):
    name = "mypy"
    tools = ("mypy",)
    anchors = (LOCATION,)
    trigger = one_trigger(MYPY)

    def __init__(self) -> None:
        self.pending: Hit | None = None
        self.notes: list[str] = []
        self.wrap = 0  # lines that may still continue the pending message

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        hit = self._hit(MYPY.match(line))
        if hit is None:
            return None
        if hit.severity == "note":
            if not MYPY_CODE_LINK.match(hit.message):
                ctx.hit(self._finish(hit))  # reveal_type, or a note whose error is not right before it
            return False
        self.pending = hit
        self.wrap = MYPY_WRAP if len(line) >= 40 and not MYPY_CODE.search(line) else 0
        return True

    def more(self, line: str, ctx: Context) -> Status:
        pending = self.pending
        if pending is None:
            return Status.REJECT
        m = MYPY.match(line)
        if m is not None:
            if m["severity"] == "note" and m["file"] == pending.file and to_int(m["line"]) == pending.line:
                if not MYPY_CODE_LINK.match(m["message"]):
                    self.notes.append(m["message"].rstrip())
                self.wrap = 0
                return Status.MORE
            self._flush(ctx)
            return Status.REJECT
        if SOURCE_FRAME.match(line):
            self.wrap = 0
            return Status.MORE
        if MYPY_SUMMARY.match(line):
            self._flush(ctx)
            return Status.DONE
        if self.wrap and line.strip() and not LOCATED.match(line):
            pending.message += " " + line.strip()
            self.wrap = 0 if MYPY_CODE.search(line) else self.wrap - 1
            return Status.MORE
        self._flush(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    @staticmethod
    def _hit(m: re.Match[str] | None) -> Hit | None:
        if m is None:
            return None
        return Hit(
            tool="mypy",
            message=m["message"].strip(),
            file=m["file"],
            line=to_int(m["line"]),
            column=to_int(m["col"]),
            end_line=to_int(m["end_line"]),
            end_column=to_int(m["end_col"]),
            severity=m["severity"],
        )

    @staticmethod
    def _finish(hit: Hit) -> Hit:
        code = MYPY_CODE.search(hit.message)
        if code is not None:
            hit.rule = code["code"]
            hit.message = hit.message[: code.start()]
        if hit.rule == "syntax" or (hit.rule is None and hit.message.startswith("invalid syntax")):
            hit.type = "syntax_error"
        elif hit.rule in MYPY_IMPORT or (hit.rule is None and MYPY_IMPORT_WORDS.match(hit.message)):
            hit.type = "import_error"
        else:
            hit.type = "type_error"
        return hit

    def _flush(self, ctx: Context) -> None:
        hit, self.pending = self.pending, None
        if hit is None:
            return
        if self.notes:
            hit.suggestion = "\n".join(self.notes)
            self.notes = []
        ctx.hit(self._finish(hit))


# -- pyright ---------------------------------------------------------------------------------------
PYRIGHT = re.compile(
    # pyright indents by exactly two spaces; a deeper indent is a stack frame (`    at f (node:x:9:5)`)
    r"^  (?P<file>\S.*?):(?P<line>\d+):(?P<col>\d+) - (?P<severity>error|warning|information): "
    r"(?P<message>.*)$"
)
PYRIGHT_RULE = re.compile(r"\s*\((?P<rule>report[A-Za-z]+)\)$")
PYRIGHT_IMPORT = frozenset({"reportMissingImports", "reportMissingModuleSource"})


class PyrightParser(Parser):
    name = "pyright"
    tools = ("pyright",)
    anchors = (LOCATION,)
    trigger = one_trigger(PYRIGHT)

    def __init__(self) -> None:
        self.pending: Hit | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        g = PYRIGHT.match(line)
        if g is None:
            return None
        self.pending = Hit(
            tool="pyright",
            message=g["message"].rstrip(),
            file=g["file"],
            line=to_int(g["line"]),
            column=to_int(g["col"]),
            severity=g["severity"],
        )
        return True

    def more(self, line: str, ctx: Context) -> Status:
        # pyright's addenda: indented deeper than the diagnostic, with no-break spaces after the first two
        if self.pending is not None and line[2:4].isspace() and line.startswith("  ") and line.strip():
            self.pending.message += "\n" + line.replace("\u00a0", " ")[4:].rstrip()
            return Status.MORE
        self._flush(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _flush(self, ctx: Context) -> None:
        hit, self.pending = self.pending, None
        if hit is None:
            return
        rule = PYRIGHT_RULE.search(hit.message)
        if rule is not None:
            hit.rule = rule["rule"]
            hit.message = hit.message[: rule.start()]
        if hit.rule in PYRIGHT_IMPORT:
            hit.type = "import_error"
        elif hit.rule is None and hit.severity == "error":
            hit.type = "syntax_error"
        else:
            hit.type = "type_error"
        ctx.hit(hit)


PARSERS: tuple[type[Parser], ...] = (
    MypyParser,
    PyrightParser,
)

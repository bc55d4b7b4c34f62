"""Python tracebacks: a script that crashed (tool "python") and unittest's FAIL/ERROR blocks (tool
"unittest"). `TracebackReader` is shared with the pytest parser, whose `--tb=native` output and
collection errors show the same display.

Choices a user of the records relies on:
- One record per traceback. Chained exceptions ("During handling of the above exception…", "The above
  exception was the direct cause…") give the last one: it is the one that stopped the program.
- file/line: the deepest frame outside the interpreter's own library (site-packages, dist-packages,
  lib/pythonX.Y, `<frozen …>`, `<string>`): the code the repository owns. None when every frame is
  library code, rather than a path the fixer cannot edit.
- rule: the exception class as printed ("NameError", "json.decoder.JSONDecodeError").
- type (exception_kind): SyntaxError/IndentationError/TabError and yaml.* errors → syntax_error;
  ImportError/ModuleNotFoundError → import_error; NameError → compile_error, in scripts and tests alike (an undefined name is what a compiler
  would have caught, usually a missing import, and the fixer treats it as a missing-import candidate);
  any other exception → unknown for a script, test_failure for a unittest block.
- column: never reported for SyntaxError. Python prints the offending line with its indentation
  stripped and puts the caret under that, so the caret tells the true column only for unindented
  lines, and the display does not say which ones those are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from .base import ERROR, FAIL, LINE, Context, Hit, Parser, Status

MAX_MESSAGE_LINES = 30
LOOK_BACK = 60  # lines read above an exception line for its frames: the innermost ones matter
TRACEBACK = "Traceback (most recent call last):"
FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?$')
EXCEPTION = re.compile(r"^(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::(?: .*)?)?$")
# PyYAML's errors end in `  in "x.yaml", line 3, column 5` marks, indented like a message continuation:
# the yaml parser reads them (exception line included) to give the YAML file's own position.
YAML_ERROR = re.compile(r"^(?:ruamel\.)?yaml\.[\w.]*Error: ")
CHAIN = re.compile(
    r"^(?:During handling of the above exception, another exception occurred"
    r"|The above exception was the direct cause of the following exception):$"
)
_LIBRARY = re.compile(r"site-packages|dist-packages|[\\/]lib[\\/]python\d|[\\/]Lib[\\/]|^<")
_SYNTAX = frozenset({"SyntaxError", "IndentationError", "TabError"})
_IMPORT = frozenset({"ImportError", "ModuleNotFoundError"})


@dataclass(slots=True)
class Frame:
    file: str
    line: int


def is_library(path: str) -> bool:
    """Code the interpreter brought along, not code the repository can fix."""
    return _LIBRARY.search(path) is not None


def deepest_own(frames: list[Frame]) -> Frame | None:
    return next((f for f in reversed(frames) if not is_library(f.file)), None)


def exception_kind(name: str | None, default: str) -> str:
    """The record type an exception class implies (`default` when it implies none).

    Shared by scripts, unittest and pytest: a test that dies of a NameError, an ImportError or a YAML
    file that does not parse failed because of the code or a config file, not because an assertion
    found a wrong answer — and that is what decides who may fix it.
    """
    full = name or ""
    short = full.rsplit(".", 1)[-1]
    if short in _SYNTAX or full.startswith(("yaml.", "ruamel.yaml.")):
        return "syntax_error"
    if short in _IMPORT:
        return "import_error"
    if short == "NameError":
        return "compile_error"  # an undefined name is what a compiler would have caught
    return default


def exception_name(message: str) -> str | None:
    """The class printed at the head of an exception line ("KeyError: 'x'" → "KeyError")."""
    m = EXCEPTION.match(message.split("\n", 1)[0])
    return m.group("name") if m else None


def clip(lines: list[str]) -> str:
    """Joins message lines, trailing blanks dropped and long displays (diffs) cut."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if len(lines) > MAX_MESSAGE_LINES:
        lines = [*lines[:MAX_MESSAGE_LINES], "…"]
    return "\n".join(line.rstrip() for line in lines)


@dataclass
class TracebackReader:
    """Reads one traceback display after its "Traceback" line: frames, then the exception line.

    Lines after the exception line belong to its message when they are indented (pytest's assertion
    explanations) or, with `greedy`, always (unittest prints diffs at column 0 up to its separator).
    The caller handles "Traceback" lines and chaining: only it knows where the display ends.
    """

    greedy: bool = False
    frames: list[Frame] = field(default_factory=list)
    exc: list[str] = field(default_factory=list)

    def feed(self, line: str) -> bool:
        """True when `line` belongs to the traceback."""
        if self.exc:
            if self.greedy or (line[:1] in (" ", "\t") and line.strip() and not FRAME.match(line)):
                self.exc.append(line)
                return True
            return False
        m = FRAME.match(line)
        if m:
            self.frames.append(Frame(m.group("file"), int(m.group("line"))))
            return True
        if line[:1] in (" ", "\t"):
            return True  # source line, caret markers, "[Previous line repeated N more times]"
        if EXCEPTION.match(line):
            self.exc.append(line)
            return True
        return False

    @property
    def name(self) -> str | None:
        return exception_name(self.exc[0]) if self.exc else None

    @property
    def message(self) -> str:
        return clip(self.exc)

    def hit(self, tool: str, default_kind: str, test: str | None = None) -> Hit:
        frame = deepest_own(self.frames)
        return Hit(
            tool=tool,
            message=self.message,
            type=exception_kind(self.name, default_kind),
            file=frame.file if frame else None,
            line=frame.line if frame else None,
            rule=self.name,
            test=test,
        )


class TracebackParser(Parser):
    """A crash printed by the interpreter, optionally behind a constant prefix ("web-1  | ",
    "INTERNALERROR> "), or a bare SyntaxError display (a script that does not compile prints no
    "Traceback" line).

    The "Traceback (most recent call last):" header holds no anchor: the block starts at the first
    `  File "x.py", line 3, in f` frame (a SyntaxError's frame ends with the line number). Python 3.13
    colours the frame's number, which hides it from the anchor, so an exception line that ends a display
    of such frames starts the record too: it reads the frames above it.
    """

    name: ClassVar[str] = "python_tb"
    tools: ClassVar[tuple[str, ...]] = ("python",)
    anchors: ClassVar[tuple[str, ...]] = (LINE, ERROR)
    trigger: ClassVar[re.Pattern[str]] = re.compile(
        # the prefix: "web-1  | " (compose), "INTERNALERROR> "; each shape ends in a literal, which keeps
        # the failing match of an ordinary line from backtracking through its first word
        r'^(?:(?P<tb_prefix>[\w./-]+  *\| |[\w./-]+> ?)?  File "[^"]+", line \d+(?:, in .+)?'
        r"|(?P<tb_exc>[A-Za-z_][\w.]*Error)(?::.*)?)$"
    )

    def __init__(self) -> None:
        self.reader: TracebackReader | None = None
        self.prefix = ""
        self.chained = False

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if m.group("tb_exc"):
            reader = self._display_above(line, ctx)
            if reader is None:
                return None
            self.prefix = ""
        else:
            self.prefix = m.group("tb_prefix") or ""
            reader = TracebackReader()
            reader.feed(line[len(self.prefix) :])
        self.reader = reader
        self.chained = False
        return True

    @staticmethod
    def _display_above(line: str, ctx: Context) -> TracebackReader | None:
        """The traceback an exception line closes, when its frames were not seen (coloured ones)."""
        if YAML_ERROR.match(line):
            return None  # the yaml parser reads it with the marks below it
        last = ctx.preceding(1)
        if not last or last[0][:1] not in (" ", "\t"):
            return None  # not under a source line, caret or frame: not the end of a traceback
        display: list[str] = []
        for text in reversed(ctx.preceding(LOOK_BACK)):
            if text[:1] not in (" ", "\t"):
                break  # "Traceback (most recent call last):", or whatever came before a bare display
            display.append(text)
        reader = TracebackReader()
        for text in reversed(display):
            reader.feed(text)
        if not reader.frames or not reader.feed(line) or not reader.exc:
            return None
        return reader

    def more(self, line: str, ctx: Context) -> Status:
        reader = self.reader
        if reader is None:
            return Status.REJECT
        if self.prefix:
            if not line.startswith(self.prefix):
                return self._end(ctx)
            line = line[len(self.prefix) :]
        if line == TRACEBACK:
            if reader.exc and not self.chained:
                ctx.hit(reader.hit("python", self._default(reader)))  # a second, unrelated crash
            self.reader = TracebackReader()
            self.chained = False
            return Status.MORE
        if not reader.exc and not self.prefix and YAML_ERROR.match(line):
            reader.feed(line)
            return self._end(ctx)  # REJECT: this line goes on to the yaml parser
        if reader.feed(line):
            return Status.MORE
        if reader.exc and (not line.strip() or CHAIN.match(line)):
            self.chained = self.chained or bool(CHAIN.match(line))
            return Status.MORE  # maybe a chained exception follows
        return self._end(ctx)

    def finish(self, ctx: Context) -> None:
        self._end(ctx)

    def _end(self, ctx: Context) -> Status:
        reader, self.reader = self.reader, None
        if reader is not None and reader.exc:
            ctx.hit(reader.hit("python", self._default(reader)))
        return Status.REJECT

    @staticmethod
    def _default(reader: TracebackReader) -> str:
        return "unknown"  # exception_kind() has already named the kinds it knows


_SEPARATOR = re.compile(r"^(?:={20,}|-{20,})$")


class UnittestParser(Parser):
    """`python -m unittest` (and runners that print its format, e.g. Django's): a block per failure.

        ======================================================================
        FAIL: test_b (test_mod.TestX.test_b)        ← before 3.11: "(test_mod.TestX)"
        Optional first line of the docstring
        ----------------------------------------------------------------------
        Traceback (most recent call last):
          File "/abs/test_mod.py", line 9, in test_b
        AssertionError: 1 != 2
        <diff lines, blank lines, up to the next separator>

    The test id is "module.Class.method" plus any subTest parameters as printed.
    """

    name: ClassVar[str] = "unittest"
    tools: ClassVar[tuple[str, ...]] = ("unittest",)
    anchors: ClassVar[tuple[str, ...]] = (FAIL, ERROR)
    trigger: ClassVar[re.Pattern[str]] = re.compile(
        r"^(?:FAIL|ERROR): (?P<ut_name>[^\s(]+) \((?P<ut_where>[^()\s]+)\)(?P<ut_sub> \(.*\))?$"
    )

    def __init__(self) -> None:
        self.test = ""
        self.stage = ""  # "head" (docstring line allowed), "body", "output" (captured stdout/stderr)
        self.heading = 0
        self.reader = TracebackReader(greedy=True)

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        name, where = m.group("ut_name"), m.group("ut_where")
        test = where if where.endswith("." + name) else f"{where}.{name}"
        self.test = test + (m.group("ut_sub") or "")
        self.stage, self.heading = "head", 0
        self.reader = TracebackReader(greedy=True)
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if self.stage == "head":
            if line == TRACEBACK:
                return self._abandon()  # not unittest's layout: leave the traceback to the traceback parser
            if line.startswith("-") and _SEPARATOR.match(line):
                self.stage = "body"
                return Status.MORE
            self.heading += 1
            return Status.MORE if self.heading == 1 else self._abandon()
        if _SEPARATOR.match(line):
            self._emit(ctx)
            return Status.DONE
        if line == TRACEBACK:
            self.reader = TracebackReader(greedy=True)
        elif line in ("Stdout:", "Stderr:") and self.reader.exc:
            self.stage = "output"  # `-b` prints the test's captured output after the traceback
        elif self.stage == "body":
            self.reader.feed(line)
        return Status.MORE

    def finish(self, ctx: Context) -> None:
        if self.stage in ("body", "output"):
            self._emit(ctx)

    def _abandon(self) -> Status:
        self.stage = ""
        return Status.REJECT

    def _emit(self, ctx: Context) -> None:
        self.stage = ""
        if self.reader.exc:
            ctx.hit(self.reader.hit("unittest", "test_failure", self.test))


PARSERS: tuple[type[Parser], ...] = (UnittestParser, TracebackParser)

"""`cargo test` failures (tool `cargo-test`). libtest prints `failures:`, then a `---- name stdout ----`
section per failed test holding the panic (`thread 'name' panicked at file:line:col:` and the message
lines), "test did not panic as expected", a returned `Error: …` or a doctest's compiler errors, then
`failures:` again with the list of names, which only repeats them and makes no records. The block opens
at the first `failures:` (the section headers hold no anchor); a section met without it (a cut log) is
read from the line above its first anchored line. With --nocapture the panic line stands alone and the
thread names the test. An old-style panic (rust < 1.73, `panicked at 'message', file:line:col`) whose
message spans lines is seen outside a block only when its first line holds an anchor ("assertion
failed").

The registry runs this module before rust.py: a doctest's compiler errors under its section header are
the test's record, not rustc's. The rustc formats it reads inside a section (HEADER, ARROW) live there.
"""

from __future__ import annotations

import re

from .base import ERROR, FAIL, LOCATION, Context, Hit, Parser, Status, to_int
from .rust import ARROW, HEADER, lines_above

SECTION = re.compile(r"^---- (?P<test>.+) stdout ----$")
PANIC = re.compile(
    r"^thread '(?P<thread>[^']*)'(?: \(\d+\))? panicked at (?P<file>.+?):(?P<line>\d+):(?P<col>\d+):$"
)
OLD_PANIC = re.compile(r"^thread '(?P<thread>[^']*)' panicked at '(?P<msg>.*)$")  # rust < 1.73
OLD_CLOSE = re.compile(r"^(?P<msg>.*)', (?P<file>[^\s,]+?):(?P<line>\d+):(?P<col>\d+)$")
NO_PANIC = re.compile(
    r"^note: test did not panic as expected(?: at (?P<file>.+?):(?P<line>\d+):(?P<col>\d+))?"
)
RETURNED = re.compile(r"^Error: (?P<msg>.+)$")
MESSAGE_END = re.compile(
    r"^(?:$|stack backtrace:|note: |---- |failures:|test .* \.\.\. |\S+ --- FAILED$|thread ')"
)
BACKTRACE = re.compile(r"^(?: +\d+: | +at |stack backtrace:|note: (?:run with|Some details))")
MAX_MESSAGE_LINES = 20


class CargoTestParser(Parser):
    name = "cargo-test"
    tools = ("cargo-test",)
    anchors = (LOCATION, ERROR, FAIL)  # "failures:", "panicked at src/lib.rs:10:9:", "assertion failed"
    # the lines that can open a record; start() re-checks each exactly
    trigger = re.compile(
        r"^(?:failures:$|thread '[^']*'(?: \(\d+\))? panicked at |(?:error(?:\[[A-Z]*\d+\])?|Error): "
        r"|note: test did not panic as expected)"
    )

    def __init__(self) -> None:
        self.pending: Hit | None = None
        self.section = False  # inside a `---- name stdout ----` section (captured output)
        self.reading = False  # collecting the panic message lines
        self.quoted = False  # …of an old-style panic, up to the closing `', file:line:col`
        self.lines: list[str] = []

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        if line == "failures:":
            return True  # the captured outputs follow, each under its section header
        section = self._section_above(line, ctx)
        if section is not None:  # no `failures:` above (a cut log): this line is the section's first
            self._open_section(section)
            return self.more(line, ctx) is Status.MORE
        if not line.startswith("thread "):
            return None  # an `error:` or `Error:` of no test
        self.pending = Hit(tool="cargo-test", message="", type="test_failure")
        if not self._panic(line):
            self.pending = None
            return None
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if self.quoted:
            self._quoted(line)
            return Status.MORE
        if self.reading:
            if not MESSAGE_END.match(line) and len(self.lines) < MAX_MESSAGE_LINES:
                self.lines.append(line)
                return Status.MORE
            self.reading = False
        section = SECTION.match(line)
        if section is not None:
            self._flush(ctx)
            self._open_section(section.group("test"))
            return Status.MORE
        pending = self.pending
        if pending is None:  # between the first `failures:` and a section
            if not line.strip():
                return Status.MORE
            # no section came (every output was shown live): this is the list of names
            return Status.DONE if line == "failures:" else Status.REJECT
        if pending.file is None and self._panic(line):
            return Status.MORE
        if self.section:
            return self._in_section(line, ctx)
        if BACKTRACE.match(line):
            return Status.MORE
        self._flush(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _section_above(self, line: str, ctx: Context) -> str | None:
        """The test whose section header is just above this line (blank lines apart)."""
        for above in reversed(lines_above(ctx, line, 2)):
            if above.strip():
                section = SECTION.match(above)
                return section.group("test") if section is not None else None
        return None

    def _open_section(self, test: str) -> None:
        self.pending = Hit(tool="cargo-test", message="", type="test_failure", test=test)
        self.section = True

    def _in_section(self, line: str, ctx: Context) -> Status:
        pending = self.pending
        assert pending is not None
        if line.startswith(("failures:", "test result:")):
            self._flush(ctx)
            return Status.DONE
        no_panic = NO_PANIC.match(line)
        if no_panic is not None and pending.file is None:
            self.lines = ["test did not panic as expected"]
            self._locate(no_panic)
        returned = RETURNED.match(line) or HEADER.match(line)  # a returned Err, a doctest that won't compile
        if returned is not None and not self.lines:
            self.lines = [returned.group("msg")]
        arrow = ARROW.match(line)
        if arrow is not None and pending.file is None and self.lines:
            self._locate(arrow)
        return Status.MORE  # whatever else the test printed

    def _panic(self, line: str) -> bool:
        m = PANIC.match(line) or OLD_PANIC.match(line)
        if m is None:
            return False
        pending = self.pending
        assert pending is not None
        if pending.test is None and m.group("thread") not in ("main", "<unnamed>"):
            pending.test = m.group("thread")
        self.lines = []
        if m.re is PANIC:
            self._locate(m)
            self.reading = True
        else:
            self.quoted = True
            self._quoted(m.group("msg"))
        return True

    def _quoted(self, text: str) -> None:
        close = OLD_CLOSE.match(text)
        if len(self.lines) < MAX_MESSAGE_LINES:
            self.lines.append(text if close is None else close.group("msg"))
        if close is not None:
            self.quoted = False
            self._locate(close)

    def _locate(self, m: re.Match[str]) -> None:
        pending = self.pending
        assert pending is not None
        pending.file, pending.line, pending.column = (
            m.group("file"),
            to_int(m.group("line")),
            to_int(m.group("col")),
        )

    def _flush(self, ctx: Context) -> None:
        hit, self.pending = self.pending, None
        if hit is None:
            return
        hit.message = "\n".join(self.lines).strip() or "test failed"
        if hit.test is None:
            hit.type = "unknown"  # a panic outside any test (a binary, a build script)
        self.lines, self.reading, self.quoted, self.section = [], False, False, False
        ctx.hit(hit)


PARSERS: tuple[type[Parser], ...] = (CargoTestParser,)

"""rustc (through cargo build/check), clippy, cargo's own errors, and `cargo test` failures.

A rustc diagnostic is a header (`error[E0425]: cannot find value …`) followed by ` --> file:line:col`,
a gutter of `|` lines, `= note:`/`= help:` lines and a blank line. A bare `error: …` header is what git,
pip and others print too, so it is claimed only with evidence (an error code, a cargo/rustc/clippy
command, or rust output earlier in the stream); otherwise the parser declines it, and claims it when the
next line turns out to be its ` --> ` location (read from there, the line above).

The tool is the program that spoke: `clippy` when the lint is `clippy::…` (rule from the
`#[warn(clippy::x)]` note, the `-D clippy::x` note or the lint URL), `cargo` for Cargo.toml and
resolution errors, `rustc` otherwise (rule: the error code, or the lint named in `#[warn(lint)]`).
cargo's closing lines ("could not compile", "aborting due to", "generated N warnings") are swallowed.

`cargo test` failures (tool `cargo-test`): libtest prints `failures:`, then a `---- name stdout ----`
section per failed test holding the panic (`thread 'name' panicked at file:line:col:` and the message
lines), "test did not panic as expected", a returned `Error: …` or a doctest's compiler errors, then
`failures:` again with the list of names, which only repeats them and makes no records. The block opens
at the first `failures:` (the section headers hold no anchor); a section met without it (a cut log) is
read from the line above its first anchored line. With --nocapture the panic line stands alone and the
thread names the test. An old-style panic (rust < 1.73, `panicked at 'message', file:line:col`) whose
message spans lines is seen outside a block only when its first line holds an anchor ("assertion
failed").
"""

from __future__ import annotations

import re

from .base import ERROR, FAIL, LOCATION, WARN, Context, Hit, Parser, Status, one_trigger, to_int

HEADER = re.compile(r"^(?P<sev>error|warning)(?:\[(?P<code>[A-Z]*\d+)\])?: (?P<msg>.+)$")
ARROW = re.compile(r"^ *--> (?P<file>.+?):(?P<line>\d+):(?P<col>\d+)$")
SHORT = re.compile(
    r"^(?P<file>(?:[A-Za-z]:)?[^:\s][^:]*?\.rs):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<sev>error|warning)(?:\[(?P<code>[A-Z]*\d+)\])?: (?P<msg>.+)$"
)
NOISE = re.compile(
    r"^(?:could not compile |aborting due to |build failed|test failed, to rerun|\d+ warnings? emitted"
    r"|`[^`]+` \(.+\) generated \d+ warnings?|Some errors have detailed)"
)
BLOCK_LINE = re.compile(r"^ *(?:\d+ *)?(?:\||\.\.\.$|::: |\d+ [+~-] )|^\s*\d+ *$")
SUB = re.compile(r"^ *(?:= )?(?P<kind>help|note)(?:\[\w+\])?: (?P<text>.*)$")
INLINE_HELP = re.compile(r"[\^-] help: (?P<text>.+)$")
ADDED = re.compile(r"^ *\d+ *\+ (?P<code>.*)$")
LINT_ATTR = re.compile(r"#\[(?:warn|deny|forbid)\((?P<lint>[\w:]+)\)\]")
LINT_FLAG = re.compile(r"`-[DWF] (?P<lint>[\w:-]+)` implied")
CLIPPY_URL = re.compile(r"rust-clippy/.*#(?P<lint>\w+)")
RUST_HINT = re.compile(r"\b(?:cargo|rustc|clippy|cross)\b")
IMPORT_CODES = frozenset({"E0432", "E0433", "E0463", "E0583"})
SYNTAX = re.compile(
    r"^(?:expected |unexpected |mismatched closing|this file contains an unclosed|unterminated)"
)
DEPENDENCY = re.compile(
    r"no matching (?:package|version)|failed to select a version|failed to (?:download|fetch|load source)"
    r"|failed to get `[^`]+` as a dependency|could not find `[^`]+` in registry"
)


class RustcParser(Parser):
    name = "rustc"
    tools = ("rustc", "cargo", "clippy")
    anchors = (ERROR, WARN, LOCATION)
    trigger = one_trigger(HEADER, ARROW, SHORT)

    def __init__(self) -> None:
        self.pending: Hit | None = None
        self.seen = False  # the stream has shown rustc output: bare headers are ours from now on
        self.helps: list[str] = []
        self.blank = False  # the block's closing blank line was seen
        self.cause = False  # inside cargo's "Caused by:" chain
        self.diff = False  # the last help may be followed by the suggested code
        self.gutter = False  # rustc draws `|` and `= note:` lines; cargo's own errors are plain text

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        short = SHORT.match(line)
        if short is not None:
            self._open(short, ctx)
            assert self.pending is not None
            self.pending.file, self.pending.line = short.group("file"), to_int(short.group("line"))
            self.pending.column = to_int(short.group("col"))
            self._flush(ctx, short=True)
            return False
        arrow = ARROW.match(line)
        if arrow is not None:
            # the header of a diagnostic declined for lack of evidence: its location proves it rustc's
            above = _above(ctx, line, 1)
            header = HEADER.match(above[0]) if above else None
            if header is None or NOISE.match(header.group("msg")):
                return None
            self._open(header, ctx)
            self._locate(arrow)
            self.seen = True
            return True
        header = HEADER.match(line)
        if header is None:
            return None
        if NOISE.match(header.group("msg")):
            return False
        if header.group("code") or self.seen or RUST_HINT.search(ctx.hint):
            self._open(header, ctx)
            self.seen = True
            return True
        return None

    def more(self, line: str, ctx: Context) -> Status:
        pending = self.pending
        assert pending is not None
        if not line.strip():
            self.blank = True
            return Status.MORE
        if self.blank and not self.cause:
            if line.rstrip() != "Caused by:":
                self._flush(ctx)
                return Status.REJECT
            self.cause = True
            return Status.MORE
        if self.cause:
            if line.rstrip() == "Caused by:":
                return Status.MORE
            if not line.startswith(" "):
                self._flush(ctx)
                return Status.REJECT
            if self.blank:  # the first line of each cause; the last one is the root
                pending.message += ": " + line.strip()
                self.blank = False
            return Status.MORE
        arrow = ARROW.match(line)
        if arrow is not None:
            if pending.file is None:
                self._locate(arrow)
            return Status.MORE
        sub = SUB.match(line)
        if sub is not None:
            self.gutter = True
            self._sub(sub.group("kind"), sub.group("text"))
            return Status.MORE
        if BLOCK_LINE.match(line):
            self.gutter = True
            self._excerpt(line)
            return Status.MORE
        if pending.file is None and not HEADER.match(line):
            return Status.MORE  # the free text of a cargo error
        self._flush(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _open(self, m: re.Match[str], ctx: Context) -> None:
        code = m.group("code")
        self.pending = Hit(tool="", message=m.group("msg"), severity=m.group("sev"), rule=code, cwd=ctx.cwd)
        self.helps, self.blank, self.cause, self.diff, self.gutter = [], False, False, False, False

    def _locate(self, arrow: re.Match[str]) -> None:
        assert self.pending is not None
        self.pending.file = arrow.group("file")
        self.pending.line, self.pending.column = to_int(arrow.group("line")), to_int(arrow.group("col"))

    def _sub(self, kind: str, text: str) -> None:
        pending = self.pending
        assert pending is not None
        if pending.rule is None:
            found = LINT_ATTR.search(text) or LINT_FLAG.search(text) or CLIPPY_URL.search(text)
            if found is not None:
                lint = found.group("lint").replace("-", "_")
                if found.re is CLIPPY_URL:
                    lint = "clippy::" + lint
                pending.rule = lint
        if kind == "help" and "for further information visit" not in text and "to override" not in text:
            self.helps.append(text)
            self.diff = True

    def _excerpt(self, line: str) -> None:
        """Labels carry help too ("^^^ help: prefix it with an underscore"); a help's diff shows the fix."""
        inline = INLINE_HELP.search(line)
        if inline is not None:
            self.helps.append(inline.group("text"))
        added = ADDED.match(line)
        if added is not None and self.diff and self.helps:
            self.helps[-1] += "\n" + added.group("code").strip()
            self.diff = False

    def _flush(self, ctx: Context, short: bool = False) -> None:
        hit, self.pending = self.pending, None
        if hit is None:
            return
        code = hit.rule if hit.rule and hit.rule[0] == "E" and hit.rule[1:].isdigit() else None
        if (hit.rule or "").startswith("clippy::") or (short and "clippy" in ctx.hint and code is None):
            hit.tool, hit.type = "clippy", "lint"
        elif (hit.file is None and not self.gutter) or (hit.file or "").rsplit("/", 1)[-1] == "Cargo.toml":
            hit.tool = "cargo"
            hit.type = "dependency" if DEPENDENCY.search(hit.message) else "compile_error"
        else:
            hit.tool = "rustc"
            if code in IMPORT_CODES:
                hit.type = "import_error"
            elif code is None and hit.severity == "error" and SYNTAX.match(hit.message):
                hit.type = "syntax_error"
            else:
                hit.type = "compile_error"
        if self.helps:
            hit.suggestion = "\n".join(self.helps[:5])
        ctx.hit(hit)


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
        for above in reversed(_above(ctx, line, 2)):
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


def _above(ctx: Context, line: str, n: int) -> list[str]:
    """`ctx.preceding(n)` without the trigger line itself: the scanner's look-back ends with it when the
    line was held back at the end of the previous buffer (and then the line is read twice)."""
    lines = ctx.preceding(n + 1)
    if lines and lines[-1] == line:
        lines.pop()
    return lines[-n:]


# cargo-test first: a doctest's compiler errors under its section header are the test's record
PARSERS: tuple[type[Parser], ...] = (CargoTestParser, RustcParser)

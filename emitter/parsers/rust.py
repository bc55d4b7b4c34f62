"""rustc (through cargo build/check), clippy and cargo's own errors; `cargo test` is cargo_test.py's.

A rustc diagnostic is a header (`error[E0425]: cannot find value …`) followed by ` --> file:line:col`,
a gutter of `|` lines, `= note:`/`= help:` lines and a blank line. A bare `error: …` header is what git,
pip and others print too, so it is claimed only with evidence (an error code, a cargo/rustc/clippy
command, or rust output earlier in the stream); otherwise the parser declines it, and claims it when the
next line turns out to be its ` --> ` location (read from there, the line above).

The tool is the program that spoke: `clippy` when the lint is `clippy::…` (rule from the
`#[warn(clippy::x)]` note, the `-D clippy::x` note or the lint URL), `cargo` for Cargo.toml and
resolution errors, `rustc` otherwise (rule: the error code, or the lint named in `#[warn(lint)]`).
cargo's closing lines ("could not compile", "aborting due to", "generated N warnings") are swallowed.
"""

from __future__ import annotations

import re

from .base import ERROR, LOCATION, WARN, Context, Hit, Parser, Status, one_trigger, to_int

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
            above = lines_above(ctx, line, 1)
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


def lines_above(ctx: Context, line: str, n: int) -> list[str]:
    """`ctx.preceding(n)` without the trigger line itself: the scanner's look-back ends with it when the
    line was held back at the end of the previous buffer (and then the line is read twice)."""
    lines = ctx.preceding(n + 1)
    if lines and lines[-1] == line:
        lines.pop()
    return lines[-n:]


PARSERS: tuple[type[Parser], ...] = (RustcParser,)

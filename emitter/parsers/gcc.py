"""C and C++ compilers (gcc, g++, clang), the GNU linker and GNU make.

One parser owns the whole family so it can tell what matters in a stream: a compiler diagnostic opens a
block that swallows its source excerpt, caret and `|` lines, "In function" / "required from" context and
its notes (kept as the suggestion). The tool name comes from the wrapped command when it names a compiler,
else from the output itself: a clang excerpt has no `N |` gutter and clang ends with "N errors generated.";
gcc-style diagnostics on C++ sources are g++.

make's "*** [Makefile:3: all] Error 1" is only the consequence of a failed recipe: it is held until the
end of the stream and reported, as a note, only when the stream showed no compiler, linker or make error.
Of a chain of such lines only the first (innermost make) and its siblings at the same or a deeper level
are kept: "make: *** [all] Error 2" from a parent make adds nothing. "Makefile:3: *** missing separator."
is a real error.

Lines the scanner never offers (they hold no anchor of the vocabulary) are read from where they lead:
ld's "cannot find -lfoo: No such file or directory" from the "collect2: error" line under it, make's
"make: *** No rule to make target 'x'.  Stop." from the recipe line of the parent make, or, when it
ends the log (top-level make), by MakeStopParser from the stream's tail.
"""

from __future__ import annotations

import re

from .base import ERROR, LOCATION, Context, Hit, Parser, Status, to_int

_LOC = r"^(?P<file>(?:[A-Za-z]:)?[^:\s][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)?"
DIAG = re.compile(_LOC + r" (?P<sev>fatal error|error|warning|note): (?P<msg>.*)$")
CONTEXT = re.compile(_LOC + r"   \S|^(?:In file included| {10,})from \S.*:\d+[:,]$")
DRIVER = re.compile(
    r"^(?:[\w.+-]*-)?(?P<prog>gcc|g\+\+|cc|c\+\+|clang(?:\+\+)?|cc1(?:plus)?|collect2)(?:-[\d.]+)?: "
    r"(?P<sev>fatal error|error): (?P<msg>.*)$"
)
MAKE_RECIPE = re.compile(
    r"^\S*make(?:\[(?P<level>\d+)\])?: \*\*\* \[(?:(?P<file>[^\]]+?):(?P<line>\d+): )?(?P<target>[^\]]+)\] "
    r"(?P<what>.+?)(?: \(ignored\))?$"
)
MAKE_STOP = re.compile(
    r"^(?:(?P<file>[^:\s][^:]*):(?P<line>\d+)|\S*make(?:\[\d+\])?): \*\*\* (?P<msg>.+?)\.?  Stop\.$"
)
LD_REF = re.compile(
    r"^(?:\S*ld(?:\.\w+)?: )?(?P<file>[^:]+):(?:(?P<line>\d+)|\([^)]*\)): "
    r"(?P<msg>(?:undefined reference to|multiple definition of) .+?)(?:; .*)?$"
)
LD_MISSING = re.compile(r"^\S*ld(?:\.\w+)?: (?:error: )?(?P<msg>cannot find \S+?)(?:: .*)?$")
# ld and its kin by program name, with a cross prefix or a version: /usr/bin/ld.gold, ld.lld-15, rust-lld,
# x86_64-linux-gnu-ld, ld64.lld, lld-link, wasm-ld, mold (a name that merely ends in "ld", `build`, is not)
LINKER = r"(?:\S*/)?(?:[\w.+]+-)*(?:ld(?:\.(?:bfd|gold|lld|mold))?|lld(?:-link)?|ld64\.lld|mold)(?:-[\d.]+)?"
LINKER_ERROR = re.compile(rf"^{LINKER}: (?:error|fatal): (?P<msg>.+)$")
# gold without debug information: `main.o:main.c:function main: error: undefined reference to 'compute'`
GOLD_REF = re.compile(
    r"^(?P<obj>[^\s:]+):(?P<file>[^\s:]+):function .+?: error: "
    r"(?P<msg>(?:undefined reference to|multiple definition of) .+)$"
)
LINK_MESSAGE = re.compile(r"^(?:undefined reference to|multiple definition of) ")
# lld and mold name the objects a duplicate lies in, gold the one it met second: kept out of the message
LINK_OBJECTS = re.compile(r"^(?P<head>duplicate symbol: |)(?:[^\s:]+\.(?:o|obj)(?:\)|\([^)]*\))?: )+")
LINK_MISSING = re.compile(
    r"^(?:unable to find library|cannot find|library not found:|cannot open (?!output)\S+: No such file)"
)
LINK_NOISE = re.compile(r"^too many errors emitted")

EXCERPT = re.compile(r"^ *(?:\d+ )?\|(?: |$)")  # gcc >= 9: "    4 |     int *p = 3;" and "      |          ^"
CARET = re.compile(r"^[ \t]*[~^][ \t~^]*$")
# clang's excerpt line is bare source; when carets are off the next line is someone else's, so only
# lines that look like code (indented, a directive, ending like a statement) are taken for source
SOURCE = re.compile(r"^[ \t]+\S|^#\s*[a-z]|[;{}(),\\]\s*$")
GENERATED = re.compile(r"^\d+ (?:errors?|warnings?)(?: and \d+ errors?)? generated\.$")
FUNCTION = re.compile(r"^[^:]+: (?:In |At )")  # "x.c: In function ‘main’:", "x.c: At top level:"
NOISE = re.compile(
    r"^(?:compilation terminated\.|cc1(?:plus)?: (?:some )?warnings? being treated as errors)$"
)
# `>>> referenced by main.c:5 (/src/app/main.c:5)`, `>>> defined at x.c:4 (…)`; without debug information
# only the source's name (`>>> referenced by main.c`); the object line under it names no source
LLD_REF = re.compile(
    r"^>>> (?:referenced by|defined at) (?P<file>[^:()\s]+)(?::(?P<line>\d+))?"
    r"(?: \((?P<full>[^()]+?)(?::(?P<fline>\d+))?\))?$"
)
RULE = re.compile(r" \[(?P<flags>-[Wf][\w=+,-]*)\]$")
HINT_TOOL = re.compile(r"(?:^|[\s/])(clang\+\+|clang|g\+\+|c\+\+|gcc|cc)(?:-[\d.]+)?(?:\s|$)")

# gcc-family sources; any other extension (.rs, .java, .py, .sh…) belongs to a tool with the same line shape
CPP_EXT = frozenset(
    {"C", "cc", "cp", "cxx", "cpp", "c++", "H", "hh", "hpp", "hxx", "h++", "ii", "ipp", "tpp"}
)
C_EXT = CPP_EXT | {"c", "h", "i", "tcc", "inl", "inc", "def", "m", "mi", "mm", "s", "S", "sx", "asm", "cu"}
C_EXT |= {"cuh", "ino", "y", "l", "ld", "lds"}
MAKEFILE = re.compile(r"(?:^|[/\\])(?:GNUmakefile|[Mm]akefile|[^/]*\.mk|[^/]*\.mak)$")
OBJECT = re.compile(r"\.(?:o|obj|a|so)(?:\(.*\))?$|\.a\(")
SYNTAX = re.compile(r"^(?:expected |stray |missing terminating |unterminated |extraneous )")
IMPORT = re.compile(r"No such file or directory$|file not found$")
MAKE_SYNTAX = re.compile(
    r"missing separator|recipe commences|unterminated|missing 'end|invalid syntax|extraneous"
)
FOREIGN_CODE = re.compile(r" \[[A-Z]+\d+\]$")  # "[SC2086]": shellcheck -f gcc on an extensionless script
MAX_NOTES = 5
LOOKBACK = 8  # lines read above a recipe or collect2 line for the make or ld message that caused it
_HINT_NAMES = {"clang": "clang", "clang++": "clang", "g++": "g++", "c++": "g++", "gcc": "gcc", "cc": "gcc"}


def _ext(path: str) -> str | None:
    base = path.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1] if "." in base else None


class GccParser(Parser):
    name = "gcc"
    tools = ("gcc", "g++", "clang", "ld", "make")
    anchors = (LOCATION, ERROR)
    # the patterns above, with their shared `file:line:` start matched once (start() re-checks exactly)
    trigger = re.compile(
        r"^(?:(?:[A-Za-z]:)?[^:\s][^:]*:\d+:(?:\d+:)?(?: (?:fatal error|error|warning|note): |   \S| \*\*\* )"
        r"|In file included from | {10,}from \S|\S*make(?:\[\d+\])?: \*\*\* "
        r"|(?:[\w.+-]*-)?(?:gcc|g\+\+|cc|c\+\+|clang(?:\+\+)?|cc1(?:plus)?|collect2)"
        r"(?:-[\d.]+)?: (?:fatal )?error: "
        r"|(?:\S*ld(?:\.\w+)?: )?[^:]+:(?:\d+|\([^)]*\)): (?:undefined reference|multiple definition)"
        r"|\S*ld(?:\.\w+)?: (?:error: |cannot find )"
        rf"|{LINKER}: (?:error|fatal): "
        r"|[^\s:]+:[^\s:]+:function .+?: error: (?:undefined reference|multiple definition))"
    )

    def __init__(self) -> None:
        self.pending: Hit | None = None
        self.notes: list[str] = []
        self.gutter = False  # this diagnostic's excerpt had gcc's "N |" gutter
        self.clang_block = False  # …or clang's bare source line and caret
        self.expect_source = False  # clang prints the source line right after the diagnostic line
        self.after_caret = False  # …and a fix-it line may follow the caret line
        self.clang_stream = False  # the stream has shown clang output before
        self.cpp_stream = False  # the stream has shown C++ compiles before
        self.errors = 0  # error records emitted in this stream
        self.recipes: list[tuple[int, Hit]] = []  # make's "Error N" lines, held until the end

    # -- dispatch --------------------------------------------------------------------------------
    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        for handler in (self._diag, self._make, self._linker, self._driver):
            entered = handler(line, ctx)
            if entered is not None:
                return entered
        return False if CONTEXT.match(line) else None

    def more(self, line: str, ctx: Context) -> Status:
        if self.pending is not None and self.pending.tool == "ld":
            ref = LLD_REF.match(line)
            if ref is not None and self.pending.file is None and not OBJECT.search(ref.group("file")):
                # the path in parentheses is the whole one; the first reference stands for the rest
                self.pending.file = ref.group("full") or ref.group("file")
                self.pending.line = to_int(ref.group("fline") or ref.group("line"))
            if line.startswith(">>> "):
                return Status.MORE
        elif self._excerpt(line):
            return Status.MORE
        else:
            m = DIAG.match(line)
            if m is not None and m.group("sev") == "note":
                self._note(m)
                return Status.MORE
            if m is None and (CONTEXT.match(line) or FUNCTION.match(line)):
                self.cpp_stream = self.cpp_stream or ("(" in line and FUNCTION.match(line) is not None)
                self.expect_source = self.after_caret = False
                return Status.MORE
            if GENERATED.match(line) or NOISE.match(line):
                self.clang_stream = self.clang_stream or line.endswith("generated.")
                self._flush(ctx)
                return Status.DONE
        self._flush(ctx)
        return Status.REJECT

    def _excerpt(self, line: str) -> bool:
        """Source excerpt, caret, label and fix-it lines of gcc (with a gutter) and clang (without)."""
        if EXCERPT.match(line):
            self.gutter, self.expect_source = True, False
            return True
        if CARET.match(line):
            self.clang_block = self.clang_block or not self.gutter
            self.expect_source, self.after_caret = False, True
            return True
        if self.expect_source and SOURCE.search(line) and not self.trigger.search(line):
            self.expect_source = False  # the bare source line of a clang excerpt
            return True
        if self.after_caret and line.startswith(" ") and line.strip() and not self.trigger.search(line):
            self.after_caret = False  # clang's fix-it hint under the caret
            return True
        return False

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)
        if self.errors == 0:
            for _, hit in self.recipes:
                ctx.hit(hit)
        self.recipes = []

    # -- compiler diagnostics --------------------------------------------------------------------
    def _diag(self, line: str, ctx: Context) -> bool | None:
        m = DIAG.match(line)
        if m is None:
            return None
        file, sev = m.group("file"), m.group("sev")
        if sev == "error" and LINK_MESSAGE.match(m.group("msg")):  # gold, with debug information
            self._ld_error(ctx, m, file)
            return False
        if MAKEFILE.search(file):
            self._emit(
                ctx,
                Hit(
                    tool="make",
                    message=m.group("msg"),
                    type="compile_error",
                    file=file,
                    line=to_int(m.group("line")),
                    severity=sev,
                ),
            )
            return False
        ext = _ext(file)
        if (ext is not None and ext not in C_EXT) or FOREIGN_CODE.search(m.group("msg")):
            return None  # rustc --message-format short, javac, mypy, shellcheck -f gcc…: not ours
        if sev == "note":
            return False  # a note with no diagnostic before it explains nothing we kept
        message, rule = m.group("msg"), None
        flags = RULE.search(message)
        if flags is not None:
            message, rule = message[: flags.start()], _rule(flags.group("flags"))
        if ext in CPP_EXT:
            self.cpp_stream = True
        self.pending = Hit(
            tool="",
            message=message,
            type=_kind(sev, message),
            file=file,
            line=to_int(m.group("line")),
            column=to_int(m.group("col")),
            severity=sev,
            rule=rule,
            cwd=ctx.cwd,
        )
        self.expect_source, self.after_caret, self.gutter, self.clang_block = True, False, False, False
        return True

    def _note(self, m: re.Match[str]) -> None:
        self.expect_source, self.after_caret = True, False
        if len(self.notes) < MAX_NOTES:
            where = ":".join(x for x in (m.group("file"), m.group("line"), m.group("col")) if x)
            self.notes.append(f"note: {m.group('msg').strip()} ({where})")

    def _flush(self, ctx: Context) -> None:
        hit, self.pending = self.pending, None
        if hit is None:
            return
        if not hit.tool:
            hit.tool = self._compiler(ctx, hit.file or "")
        if self.notes:
            hit.suggestion = "\n".join(self.notes)
        self.notes = []
        self._emit(ctx, hit)

    def _compiler(self, ctx: Context, file: str) -> str:
        named = HINT_TOOL.search(ctx.hint)
        if named is not None:
            return _HINT_NAMES[named.group(1)]
        if self.clang_block:
            self.clang_stream = True
        if self.clang_stream:
            return "clang"
        ext = _ext(file)
        if ext in CPP_EXT or (self.cpp_stream and ext not in ("c", "i")):
            return "g++"
        return "gcc"

    def _emit(self, ctx: Context, hit: Hit) -> None:
        if hit.severity in ("error", "fatal error"):
            self.errors += 1
        ctx.hit(hit)

    # -- make, the linker, the compiler driver ---------------------------------------------------
    def _make(self, line: str, ctx: Context) -> bool | None:
        m = MAKE_STOP.match(line)
        if m is not None:
            self._emit(ctx, _make_stop(m))
            return False
        m = MAKE_RECIPE.match(line)
        if m is None:
            return None
        # a sub-make that stopped ("make[1]: *** No rule to make target…") said so without an anchor
        for above in reversed(_above(ctx, line, LOOKBACK)):
            if MAKE_RECIPE.match(above):
                break  # that failure was read with its own recipe line
            stop = MAKE_STOP.match(above)
            if stop is not None and stop.group("file") is None and not _anchored(above):
                self._emit(ctx, _make_stop(stop))
                break
        level = int(m.group("level") or 0)
        if not self.recipes or level >= self.recipes[0][0]:
            message = f"recipe for target '{m.group('target')}' failed: {m.group('what')}"
            hit = Hit(
                tool="make",
                message=message,
                type="unknown",
                file=m.group("file"),
                line=to_int(m.group("line")),
                severity="note",
                cwd=ctx.cwd,
            )
            self.recipes.append((level, hit))
        return False

    def _ld_error(self, ctx: Context, m: re.Match[str], file: str | None) -> None:
        hit = Hit(
            tool="ld", message=m.group("msg"), type="compile_error", file=file, line=to_int(m.group("line"))
        )
        self._emit(ctx, hit)

    def _linker(self, line: str, ctx: Context) -> bool | None:
        m = LD_REF.match(line)
        if m is not None:
            file = m.group("file")
            if OBJECT.search(file):
                file = None  # an object file names no source line to fix
            self._ld_error(ctx, m, file)
            return False
        m = LD_MISSING.match(line)
        if m is not None:
            self._emit(ctx, Hit(tool="ld", message=m.group("msg"), type="dependency"))
            return False
        m = GOLD_REF.match(line)
        if m is not None:
            self._emit(
                ctx, Hit(tool="ld", message=m.group("msg"), type="compile_error", file=m.group("file"))
            )
            return False
        hit = _linker_error(line)
        if hit is None:
            return None
        if hit.type == "dependency" or not hit.message:
            if hit.message:
                self._emit(ctx, hit)
            return False
        self.pending = hit  # lld and mold say where under it, on `>>> ` lines
        return True

    def _driver(self, line: str, ctx: Context) -> bool | None:
        m = DRIVER.match(line)
        if m is None:
            return None
        prog, msg = m.group("prog"), m.group("msg")
        if prog == "collect2" or msg.startswith("linker command failed"):
            self._missing(line, ctx)  # the linker's own lines said what went wrong
            return False
        tool = {"clang++": "clang", "c++": "g++", "cc": "gcc", "cc1": "gcc", "cc1plus": "g++"}.get(prog, prog)
        self._emit(ctx, Hit(tool=tool, message=msg, type="compile_error", severity=m.group("sev")))
        return False

    def _missing(self, line: str, ctx: Context) -> None:
        """ld's "cannot find -lfoo: No such file or directory" holds no anchor: read it from the lines
        above the driver's closing line, back to the previous link's end."""
        found: list[Hit] = []
        for above in reversed(_above(ctx, line, LOOKBACK)):
            if DRIVER.match(above):
                break
            if _anchored(above):
                continue  # an anchored one was read on its own line
            m = LD_MISSING.match(above)
            hit = Hit(tool="ld", message=m.group("msg"), type="dependency") if m else _linker_error(above)
            if hit is not None and hit.message:  # mold's "fatal: library not found: foo" has no anchor
                found.append(hit)
        for hit in reversed(found):
            self._emit(ctx, hit)


class MakeStopParser(Parser):
    """make's own fatal error with no file ("make: *** No rule to make target 'x'.  Stop.") holds no
    anchor; it ends a failed step, so it is read from the stream's tail (and by GccParser from the
    recipe line of a parent make). A Stop line naming a makefile has an anchor and is GccParser's."""

    name = "make-stop"
    tools = ("make",)
    anchors = (ERROR,)  # "make: *** No rule to make target 'error.o'": GccParser has taken it by then
    trigger = re.compile(r"^\S*make(?:\[\d+\])?: \*\*\* .*  Stop\.$")
    tail = True

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        stop = MAKE_STOP.match(line)
        if stop is None:
            return None
        ctx.hit(_make_stop(stop))
        return False


def _linker_error(line: str) -> Hit | None:
    """`<linker>: error: …` (lld, mold, gold, ld): None when the line is not one; a hit without a message
    for the linker's own noise ("too many errors emitted")."""
    m = LINKER_ERROR.match(line)
    if m is None:
        return None
    message = LINK_OBJECTS.sub(r"\g<head>", m.group("msg").strip())
    if LINK_NOISE.match(message):
        return Hit(tool="ld", message="")
    kind = "dependency" if LINK_MISSING.match(message) else "compile_error"
    return Hit(tool="ld", message=message, type=kind)


def _make_stop(m: re.Match[str]) -> Hit:
    msg = m.group("msg")
    kind = "syntax_error" if MAKE_SYNTAX.search(msg) else "compile_error"
    return Hit(tool="make", message=msg, type=kind, file=m.group("file"), line=to_int(m.group("line")))


# ERROR and LOCATION of the vocabulary, unfolded (the scanner folds A-Z and 0-9 before searching)
_ANCHORS = re.compile(r"rror|:[0-9(\[](?<=[^0-9\s]:[0-9(\[])", re.I | re.A)


def _above(ctx: Context, line: str, n: int) -> list[str]:
    """`ctx.preceding(n)` without the trigger line itself: the scanner's look-back ends with it when the
    line was held back at the end of the previous buffer (and then the line is read twice)."""
    lines = ctx.preceding(n + 1)
    if lines and lines[-1] == line:
        lines.pop()
    return lines[-n:]


def _anchored(line: str) -> bool:
    """Whether the scanner offered this line on its own (then it was handled there)."""
    return _ANCHORS.search(line) is not None


def _rule(flags: str) -> str:
    """`-Werror=int-conversion`, `-Werror,-Wint-conversion` and `-Wformat=` all name the warning `-W…`."""
    names = [f for f in flags.split(",") if f != "-Werror"]
    name = names[-1] if names else flags
    if name.startswith("-Werror="):
        name = "-W" + name[len("-Werror=") :]
    return name.rstrip("=")


def _kind(sev: str, message: str) -> str:
    if sev == "fatal error" and IMPORT.search(message):
        return "import_error"
    if SYNTAX.match(message):
        return "syntax_error"
    return "compile_error"


PARSERS: tuple[type[Parser], ...] = (GccParser, MakeStopParser)

"""go build and go vet.

Both print the same `./main.go:5:2: message` line. It is vet's (tool `go-vet`, type lint, rule the
analyzer) when the command is `go vet`, when vet's type checker says so (`vet: ` prefix), or when the
message is one only a vet analyzer writes (go 1.19 prints no analyzer name; a few phrases identify it).
Otherwise it is the compiler's (tool `go`). Indented lines after it continue the message; after
"to add it:" they are the suggested command. `golangci-lint` lines end in `(linter)`: with that command
the linter becomes the rule, and its source and caret lines are skipped.

go prints paths relative to its own working directory, which need not be selfheal's (`cd svc && go build
./...`), but it heads each package's errors with the package (`# example.com/svc/pkg`, a test variant
with `[example.com/svc/pkg.test]` after it). The header holds no anchor: the first error line under it
looks back one line for it, and the lines that follow inherit it until a line that is neither an error
nor its continuation. The hit's cwd then names the package (`go-package:example.com/svc/pkg`), and
emitter/normalize.py finds its folder through the repository's go.mod files.

go test's output is parsed in go_test.py.
"""

from __future__ import annotations

import re

from ..normalize import GO_PACKAGE
from .base import LOCATION, Context, Hit, Parser, Status, one_trigger, to_int

DIAG = re.compile(
    r"^(?P<vet>vet: )?(?P<file>(?:[A-Za-z]:)?[^:\s][^:]*?\.go):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>.+)$"
)
LINTER = re.compile(r" \((?P<linter>[\w-]+)\)$")
IMPORT = re.compile(
    r"no required module provides package|is not in (?:GOROOT|std)|cannot find package|could not import"
    r"|cannot find module providing package|no Go files in|missing go.sum entry"
)
SYNTAX = re.compile(r"^(?:syntax error|expected |non-declaration statement|illegal character|newline in )")
# go 1.19 vet names no analyzer: these phrases are each written by exactly one of them
VET = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("printf", r"^\S+ (?:format %|call (?:has|needs) |call has possible formatting)|redundant newline$"),
        ("assign", r"^self-assignment of "),
        ("copylocks", r"lock (?:by )?value"),
        ("unusedresult", r"^result of \S+ call not used$"),
        ("bools", r"^(?:redundant|suspect) (?:and|or): "),
        ("composites", r"composite literal uses unkeyed fields$"),
        ("loopclosure", r"^loop variable \w+ captured by func literal$"),
        ("lostcancel", r"^the cancel function"),
        ("nilfunc", r"^comparison of function \w+ [=!]= nil is always"),
        ("shift", r"too small for shift of"),
        ("stdmethods", r"^method \S+ should have signature"),
        ("structtag", r"struct field tag"),
        ("unreachable", r"^unreachable code$"),
        ("unsafeptr", r"^possible misuse of unsafe\.Pointer$"),
        ("httpresponse", r"^using \w+ before checking for errors$"),
        ("atomic", r"^direct assignment to atomic value$"),
        ("errorsas", r"^second argument to errors\.As"),
        ("stringintconv", r"^conversion from \S+ to string yields a string of one rune"),
        ("ifaceassert", r"^impossible type assertion"),
        ("buildtag", r"\+build |//go:build"),
        ("testinggoroutine", r"from a non-test goroutine$"),
    )
)
GOROOT_NOTE = re.compile(r"(?<=is not in GOROOT) \((?:/|[A-Za-z]:)[^)]*\)$")
CARET = re.compile(r"^\s*\^$")
PACKAGE = re.compile(r"^# (?P<pkg>[^\s\[\]]+)(?: \[[^\]]*\])?$")
NO_PACKAGE = "command-line-arguments"  # `go build main.go`: files named on the command line
VET_HINT = re.compile(r"\bgo vet\b|\bvet\b")


class GoParser(Parser):
    name = "go"
    tools = ("go", "go-vet")
    anchors = (LOCATION,)
    trigger = one_trigger(DIAG)

    def __init__(self) -> None:
        self.pending: Hit | None = None
        self.command = False  # the continuation lines are a command to run ("to add it:")
        self.excerpt = False  # golangci-lint shows the source line and a caret: not message text
        self.package: str | None = None  # the `# import/path` heading the current errors

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        d = DIAG.match(line)
        if d is None:
            return None
        message = d.group("msg")
        hit = Hit(tool="go", message=message, file=d.group("file"), line=to_int(d.group("line")))
        self._follow_package(ctx)
        if self.package is not None:
            hit.cwd = GO_PACKAGE + self.package
        hit.column = to_int(d.group("col"))
        linter = LINTER.search(message) if "golangci-lint" in ctx.hint else None
        analyzer = next((name for name, pattern in VET if pattern.search(message)), None)
        if linter is not None:
            hit.tool, hit.type, hit.rule = "go-vet", "lint", linter.group("linter")
            hit.message = message[: linter.start()]
        elif d.group("vet") is not None:
            hit.tool, hit.type = "go-vet", _kind(message)  # vet's type checker: a compile error
        elif analyzer is not None or VET_HINT.search(ctx.hint):
            hit.tool, hit.type, hit.rule = "go-vet", "lint", analyzer
        else:
            hit.type = _kind(message)
            # "(/usr/lib/go-1.19/src/x)" differs per machine; the "go get" command becomes the suggestion
            hit.message = GOROOT_NOTE.sub("", message).removesuffix("; to add it:")
        self.pending, self.command, self.excerpt = hit, message.endswith("to add it:"), linter is not None
        return True

    def more(self, line: str, ctx: Context) -> Status:
        pending = self.pending
        assert pending is not None
        if line[:1] in ("\t", " ") and line.strip():
            if self.excerpt:
                return Status.MORE
            if CARET.match(line):  # a linter's excerpt (golangci-lint without its name in the command)
                pending.message = pending.message.rsplit("\n", 1)[0]
                self.excerpt = True
                return Status.MORE
            if self.command:
                pending.suggestion = line.strip()
            elif pending.message.count("\n") < 5:
                pending.message += "\n" + line.strip()
            return Status.MORE
        if self.excerpt and line and not self.trigger.match(line):
            return Status.MORE  # an unindented source line (a top-level declaration) in the excerpt
        self._flush(ctx)
        return Status.REJECT

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)
        self.package = None

    def _follow_package(self, ctx: Context) -> None:
        """The package of this error line: a header right above it, else the one of the error before
        when only errors and their continuation lines came in between."""
        before = ctx.preceding(1)
        above = before[-1] if before else ""
        header = PACKAGE.match(above)
        if header is not None:
            package = header.group("pkg")
            self.package = None if package == NO_PACKAGE else package
        elif not (above[:1] in ("\t", " ") or DIAG.match(above)):
            self.package = None

    def _flush(self, ctx: Context) -> None:
        hit, self.pending = self.pending, None
        if hit is not None:
            ctx.hit(hit)


def _kind(message: str) -> str:
    if IMPORT.search(message):
        return "import_error"
    if SYNTAX.match(message):
        return "syntax_error"
    return "compile_error"


PARSERS: tuple[type[Parser], ...] = (GoParser,)

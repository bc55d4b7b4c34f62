"""Formatters in check mode: one `format` record per file they reject, with the formatter as its fix.

- `gofmt -l` (and `go fmt`, which prints the files it rewrote) and `terraform fmt -check` print bare file
  names. Any line of any log could be one, so the names are read only when the wrapped command (the
  scanner's hint) runs that formatter, and only names with its extensions count (`.go`; `.tf`, `.tfvars`,
  `.hcl`). A step that runs `make fmt-check` or a script names no formatter: its list is not read. A name
  holds no anchor, so these parsers read the stream's tail (`tail = True`): a list followed by more than
  256 KiB of other output is missed.
- With the diff flag in the command (`gofmt -d`, `terraform fmt -diff`) the diffs are read instead, and the
  names above them (`-l`, terraform's default list) are skipped, so each file still gives one record: the
  `+++` header names the file, and its first hunk the first line that changes (the hunk's start plus the
  context lines above its first `-` or `+`).
- `rustfmt --check` and `cargo fmt --check` head each changed region with `Diff in /abs/src/main.rs:5:`
  (`Diff in … at line 5:` in older releases), where 5 is the first line shown, context included. The
  header is rustfmt's own wording, so it is read whatever the command (`make fmt-check` included), and it
  holds an anchor: the parser reads the region in block mode and records the file's first region only.

The fix commands name the formatter that fixer/engines/rules/tool_fixers.py runs on the record's file
(`gofmt -w`, `terraform fmt`, `rustfmt`): `cargo fmt` would format the whole crate.
"""

from __future__ import annotations

import re
from typing import ClassVar

from .base import LINE, LOCATION, Context, Hit, Parser, Status, to_int
from .terraform import TERRAFORM, chdir

_HUNK = re.compile(r"^@@ -(?P<line>\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")
_NEW_FILE = "+++ "


class _FirstChange:
    """Follows unified diffs line by line: each file's `+++` header, then the first changed line of its first
    hunk. Context lines start with a space (gofmt and GNU diff print a blank source line as one space)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.file: str | None = None
        self.start: int | None = None  # the first hunk's first old line, once its header was read
        self.context = 0

    def feed(self, line: str) -> tuple[str, int] | None:
        """(file, line) at the first `-`/`+` line of a file's first hunk, else None."""
        if self.file is not None and self.start is not None:
            if line.startswith(" "):
                self.context += 1
                return None
            found = (self.file, max(self.start + self.context, 1)) if line[:1] in ("-", "+") else None
            self.reset()  # later hunks of the file add nothing: the record points at the first change
            if found is not None:
                return found
        if line.startswith(_NEW_FILE):
            self.reset()
            self.file = line[len(_NEW_FILE) :].split("\t", 1)[0]  # GNU diff may add a tab and a date
            return None
        hunk = _HUNK.match(line)
        if hunk is not None and self.file is not None:
            self.start = int(hunk.group("line"))
        return None


class ListedFiles(Parser):
    """A formatter's file list, or its diffs when the command asks for them (see the module docstring).

    The anchor only meets the registry's contract: lines are read from the tail, and LINE's lines (`line 3:`)
    are the rarest of the vocabulary to look like a file name or a diff line."""

    anchors = (LINE,)
    tail = True
    suffix: ClassVar[re.Pattern[str]]  # the file names this formatter checks

    def __init__(self) -> None:
        # read from the hint on the first line shown: "list", "diff", or "" when the command is not ours
        self.mode: str | None = None
        self.seen: set[str] = set()
        self.diff = _FirstChange()

    def read_mode(self, hint: str) -> str:
        raise NotImplementedError

    def make_hit(self, file: str, line: int | None, hint: str) -> Hit:
        raise NotImplementedError

    def diff_file(self, header: str) -> str:
        """The file a `+++` header names."""
        return header

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if self.mode is None:
            self.mode = self.read_mode(ctx.hint)
        name = m.group("name")
        if self.mode == "list" and name is not None:
            found: tuple[str, int | None] | None = (name, None)
        elif self.mode == "diff" and name is None:
            found = self.diff.feed(line)
            if found is not None:
                found = (self.diff_file(found[0]), found[1])
        else:
            return None
        if found is None or not self.suffix.search(found[0]):
            return None
        if found[0] not in self.seen:
            self.seen.add(found[0])
            ctx.hit(self.make_hit(found[0], found[1], ctx.hint))
        return False

    def finish(self, ctx: Context) -> None:
        # called before the tail is read: what the ordinary dispatch may have fed the diff reader is dropped
        self.diff.reset()


def listed(extensions: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The trigger (a bare file name with one of the extensions, or any line a diff is made of) and the
    suffix of the formatter's files."""
    names = rf"\.(?:{extensions})"
    return re.compile(rf"^(?:[ +@-]|(?P<name>[^\s:][^\s]*{names})$)"), re.compile(names + "$")


def flag(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|\s){pattern}(?:=true)?(?=\s|$)")


# -- gofmt -------------------------------------------------------------------------------------------
# gofmt run as a command (not a word in a file name), and its arguments up to the next shell separator
_GOFMT = re.compile(r"(?:^|[\s/(;&|`'\"])(?:gofmt|go\s+fmt)(?=[\s;&|)`'\"]|$)(?P<args>[^;&|)`'\"\n]*)")
_GOFMT_DIFF = flag("--?d")


class Gofmt(ListedFiles):
    name = "gofmt"
    tools = ("gofmt",)
    trigger, suffix = listed("go")

    def read_mode(self, hint: str) -> str:
        runs = list(_GOFMT.finditer(hint))
        if not runs:
            return ""
        return "diff" if any(_GOFMT_DIFF.search(run.group("args")) for run in runs) else "list"

    def make_hit(self, file: str, line: int | None, hint: str) -> Hit:
        return Hit(
            tool="gofmt",
            message="File is not formatted: run `gofmt -w`",
            type="format",
            file=file,
            line=line,
            fix={"description": "gofmt -w", "command": ["gofmt", "-w", file]},
        )


# -- terraform fmt -----------------------------------------------------------------------------------
_TOFU = re.compile(r"(?:^|[\s/])tofu\s")
_FMT = re.compile(r"(?:^|\s)fmt(?:\s|$)")
_TF_DIFF = flag("--?diff")
_TF_NEW = "new/"  # terraform labels its diffs `--- old/<file>` and `+++ new/<file>`


class TerraformFmt(ListedFiles):
    """`terraform fmt -check [-recursive] [-diff]` (and OpenTofu's `tofu fmt`); paths are relative to the
    `-chdir` folder when there is one."""

    name = "terraform-fmt"
    tools = ("terraform",)
    trigger, suffix = listed("tf|tfvars|hcl")

    def read_mode(self, hint: str) -> str:
        if not (_FMT.search(hint) and TERRAFORM.search(hint)):
            return ""
        return "diff" if _TF_DIFF.search(hint) else "list"

    def diff_file(self, header: str) -> str:
        return header.removeprefix(_TF_NEW)

    def make_hit(self, file: str, line: int | None, hint: str) -> Hit:
        cwd = chdir(hint)
        program = "tofu" if _TOFU.search(hint) else "terraform"
        return Hit(
            tool="terraform",
            message=f"File is not formatted: run `{program} fmt`",
            type="format",
            file=file,
            line=line,
            cwd=cwd,
            fix={
                "description": f"{program} fmt",
                "command": [program, "fmt", f"{cwd}/{file}" if cwd else file],
            },
        )


# -- rustfmt / cargo fmt -----------------------------------------------------------------------------
_RUST_DIFF = re.compile(r"^Diff in (?P<file>.+?\.rs)(?::| at line )(?P<line>\d+):$")
_CARGO_FMT = re.compile(r"\bcargo\s+(?:\+\S+\s+)?fmt\b")


class RustfmtCheck(Parser):
    name = "rustfmt"
    tools = ("rustfmt",)
    anchors = (LOCATION, LINE)  # `main.rs:5:`, `at line 5:`
    trigger = _RUST_DIFF

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.pending: Hit | None = None  # the file's first region, until its first changed line is known

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        self._flush(ctx)
        file = m.group("file")
        if file in self.seen:
            return True  # a later region of a file already recorded: its lines are still rustfmt's
        self.seen.add(file)
        command = "cargo fmt" if _CARGO_FMT.search(ctx.hint) else "rustfmt"
        self.pending = Hit(
            tool="rustfmt",
            message=f"File is not formatted: run `{command}`",
            type="format",
            file=file,
            line=to_int(m.group("line")),
            fix={"description": "rustfmt", "command": ["rustfmt", file]},
        )
        return True

    def more(self, line: str, ctx: Context) -> Status:
        mark = line[:1]
        if mark not in (" ", "-", "+"):
            self._flush(ctx)
            return Status.REJECT
        pending = self.pending
        if pending is not None:
            if mark == " ":
                pending.line = (pending.line or 0) + 1  # context above the first change
            else:
                self._flush(ctx)
        return Status.MORE

    def finish(self, ctx: Context) -> None:
        self._flush(ctx)

    def _flush(self, ctx: Context) -> None:
        hit, self.pending = self.pending, None
        if hit is not None:
            ctx.hit(hit)


PARSERS: tuple[type[Parser], ...] = (RustfmtCheck, Gofmt, TerraformFmt)

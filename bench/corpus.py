"""Text-log recall and precision per tool on reviewdog/errorformat's corpus, then the JUnit corpora.

    .venv/bin/python bench/corpus.py [--corpus ../shared/corpus] [--tool X] [--show-misses] [--hint]

The corpus is read where it lies, at run time; nothing of it is copied into this repository. Each
`fmts/<tool>.in.txt` goes through what `selfheal parse --log` runs: the scanner (`emitter.scan.scan_bytes`,
no command hint unless `--hint` passes the tool's usual command line, as `selfheal run` would) and the merge
step (`emitter.merge.merge`) with the file's own folder as the repository root. The records are compared
with `fmts/<tool>.ok.txt`, the entries errorformat's definition for that tool produces (`file|line col N
type nr| message`, continuation lines after it).

What counts as a match:
  - an expected entry with a file is matched by one record, one-to-one, taken in the order of the entries:
    the paths agree (backslashes read as `/`, a leading `./` dropped, and one path equal to the other or
    ending in `/` + the other: `file.py` agrees with `/path/to/file.py`, `foo/x.yml` not with `bar/x.yml`;
    the record's `file`, else the `raw_file` it keeps for paths outside the repository) and the lines are
    equal (an entry without a line takes a record of that file with or without one). Columns only choose
    between candidates (same column first; tools differ on 0- and 1-based columns);
  - an entry without a file (errorformat's catch-all `%m` for a line its patterns did not take) is matched
    by any record whose path's file name appears in that line: it names where the error is;
  - recall = matched entries / expected entries; precision = records that matched an entry / records.
    Every record counts, whichever parser made it: a stray `generic` or `infra` record is a false positive.

A tool is "claimed" when a parser in emitter/parsers/ names it in `tools` (the corpus calls some tools
differently: see ALIASES). Totals are over the claimed tools. `cmd/*.in.txt` (no expectations) and the
JUnit inputs only count toward crashes and hangs besides the JUnit table. Every input runs in a forked
child with a time limit: a parser that raises is a crash, one that runs past the limit a hang.
Figures are measurements, never asserts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.connection
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus_junit  # noqa: E402

from emitter.merge import merge  # noqa: E402
from emitter.normalize import PathResolver  # noqa: E402
from emitter.parsers import parser_classes  # noqa: E402
from emitter.scan import scan_bytes  # noqa: E402

# corpus name -> the tool names selfheal's parsers use for it
ALIASES: dict[str, tuple[str, ...]] = {
    "pep8": ("flake8",),  # pycodestyle's lines are flake8's
    "govet": ("go-vet",),
    "golangci-lint": ("go-vet",),  # emitter/parsers/go.py reads its `(linter)` lines as go-vet's
    "cargo-check": ("cargo", "rustc"),
    "eslint-compact": ("eslint",),
    "standardjs": ("standard",),
    "dotnet": ("msbuild",),  # `dotnet build` prints MSBuild's diagnostics
}
# the command a CI step would wrap, for --hint
COMMANDS = {
    "cargo-check": "cargo check",
    "govet": "go vet ./...",
    "golangci-lint": "golangci-lint run",
    "eslint-compact": "eslint -f compact .",
    "pep8": "pycodestyle .",
    "standardjs": "standard",
    "dotnet": "dotnet build",
    "msbuild": "msbuild",
    "remark-lint": "remark --frail .",
}
ENTRY = re.compile(r"^(?P<file>[^|]*)\|(?P<loc>[^|]*)\| ?(?P<msg>.*)$")
LOC = re.compile(r"^(?P<line>\d+)?(?: col (?P<col>\d+))?(?: ?(?P<type>[A-Za-z]\w*))?(?: (?P<nr>\d+))?$")
TIMEOUT = 20.0


class Expected(NamedTuple):
    file: str
    line: int | None
    column: int | None
    message: str


class Found(NamedTuple):
    paths: tuple[str, ...]  # the record's file and raw_file, whichever it has
    line: int | None
    column: int | None
    tool: str
    message: str


@dataclass
class Score:
    tool: str
    claimed: bool
    expected: list[Expected] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    missed: list[Expected] = field(default_factory=list)
    extra: list[Found] = field(default_factory=list)
    problem: str | None = None  # "crash: …" or "hang"

    @property
    def matched(self) -> int:
        return len(self.expected) - len(self.missed)

    @property
    def true_found(self) -> int:
        return len(self.found) - len(self.extra)


def read_ok(path: Path) -> list[Expected]:
    entries: list[Expected] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = ENTRY.match(raw)
        loc = LOC.match(m.group("loc").strip()) if m else None
        if m is None or loc is None:
            if entries:  # a continuation line of the entry before
                entries[-1] = entries[-1]._replace(message=entries[-1].message + "\n" + raw)
            continue
        line, col = loc.group("line"), loc.group("col")
        entries.append(
            Expected(m.group("file"), int(line) if line else None, int(col) if col else None, m.group("msg"))
        )
    return entries


def scan_file(path: Path, hint: str) -> list[Found]:
    """What `selfheal parse --log path` reports, with the file's folder as the repository root."""
    hits = scan_bytes(path.read_bytes(), hint=hint)
    root = str(path.parent)
    records = merge(hits, "corpus", PathResolver(root, root)).records
    return [
        Found(
            tuple(p for p in (r.file, r.raw_file) if p),
            r.line,
            r.column,
            r.tool,
            r.message.split("\n", 1)[0],
        )
        for r in records
    ]


def _clean(path: str) -> str:
    path = path.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def same_path(a: str, b: str) -> bool:
    a, b = _clean(a), _clean(b)
    return bool(a and b) and (a == b or a.endswith("/" + b) or b.endswith("/" + a))


def score(tool: str, claimed: bool, expected: list[Expected], found: list[Found]) -> Score:
    result = Score(tool, claimed, expected, found)
    used = [False] * len(found)
    for entry in expected:
        if not entry.file.strip():
            if not any(_named(f, entry) for f in found):
                result.missed.append(entry)
            continue
        candidates = [
            i
            for i, f in enumerate(found)
            if not used[i]
            and any(same_path(p, entry.file) for p in f.paths)
            and (entry.line is None or f.line == entry.line)
        ]
        if not candidates:
            result.missed.append(entry)
            continue
        best = min(candidates, key=lambda i: (found[i].column != entry.column, i))
        used[best] = True
    name_hits = {i for i, f in enumerate(found) for e in expected if not e.file.strip() and _named(f, e)}
    result.extra = [f for i, f in enumerate(found) if not used[i] and i not in name_hits]
    return result


def _named(found: Found, entry: Expected) -> bool:
    """The record's file name appears in an entry errorformat left without a file."""
    return any((name := _clean(p).rsplit("/", 1)[-1]) and name in entry.message for p in found.paths)


# -- running each input in a forked child, with a time limit ----------------------------------------------
def guarded(fn: Callable[..., Any], *args: Any, timeout: float = TIMEOUT) -> tuple[Any, str | None]:
    """fn(*args) in a forked child: (its result, None), or (None, "crash: …" / "hang")."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, fn, args), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            child.kill()
            return None, "hang"
        ok, value = receive.recv()
    except EOFError:
        child.join(5)
        ok, value = False, f"child died (exit {child.exitcode})"
    finally:
        child.join(5)
        receive.close()
    return (value, None) if ok else (None, f"crash: {value}")


def _child(
    send: multiprocessing.connection.Connection, fn: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    try:
        value = (True, fn(*args))
    except BaseException as exc:  # every failure is a measured crash
        value = (False, f"{type(exc).__name__}: {exc}")
    send.send(value)
    send.close()


# -- the text-log table ---------------------------------------------------------------------------------
def claimed_tools() -> set[str]:
    return {tool for cls in parser_classes() for tool in cls.tools}


def text_scores(corpus: Path, only: str | None, hint: bool, timeout: float) -> list[Score]:
    ours = claimed_tools()
    scores = []
    for ok in sorted((corpus / "reviewdog-errorformat" / "fmts").glob("*.ok.txt")):
        tool = ok.name.removesuffix(".ok.txt")
        if only and tool != only:
            continue
        claimed = any(name in ours for name in ALIASES.get(tool, (tool,)))
        command = COMMANDS.get(tool, tool) if hint else ""
        found, problem = guarded(scan_file, ok.with_name(tool + ".in.txt"), command, timeout=timeout)
        result = score(tool, claimed, read_ok(ok), found or [])
        result.problem = problem
        scores.append(result)
    return scores


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def print_table(scores: list[Score], show_misses: bool) -> None:
    print(f"| {'tool':16} | claimed | expected | found | matched | recall | precision |")
    print(f"|{'-' * 18}|---------|---------:|------:|--------:|-------:|----------:|")
    for s in scores:
        flag = "yes" if s.claimed else ""
        problem = f" ({s.problem})" if s.problem else ""
        print(
            f"| {s.tool + problem:16} | {flag:7} | {len(s.expected):8} | {len(s.found):5} | {s.matched:7} "
            f"| {pct(s.matched, len(s.expected)):>6} | {pct(s.true_found, len(s.found)):>9} |"
        )
    for label, group in (("claimed", [s for s in scores if s.claimed]), ("all", scores)):
        expected, found = sum(len(s.expected) for s in group), sum(len(s.found) for s in group)
        matched, true = sum(s.matched for s in group), sum(s.true_found for s in group)
        name = f"**{label} ({len(group)})**"
        print(
            f"| {name:16} |         | {expected:8} | {found:5} | {matched:7} "
            f"| {pct(matched, expected):>6} | {pct(true, found):>9} |"
        )
    if show_misses:
        for s in scores:
            if s.missed or s.extra:
                print(f"\n{s.tool}{' (claimed)' if s.claimed else ''}:")
            for e in s.missed:
                where = f"{e.file}:{e.line or ''}:{e.column or ''}"
                print(f"  missed  {where}  {e.message.splitlines()[0][:100]}")
            for f in s.extra:
                where = f"{f.paths[0] if f.paths else '-'}:{f.line or ''}:{f.column or ''}"
                print(f"  extra   {where}  [{f.tool}] {f.message[:100]}")


# -- crash/hang sweep over the rest, and the JUnit table --------------------------------------------------
def sweep(corpus: Path, timeout: float) -> tuple[int, list[str]]:
    """The inputs without expectations (cmd/*.in.txt): only whether they crash or hang."""
    problems, count = [], 0
    for path in sorted((corpus / "reviewdog-errorformat" / "cmd").glob("*.in.txt")):
        count += 1
        _, problem = guarded(scan_file, path, "", timeout=timeout)
        if problem:
            problems.append(f"{path.name}: {problem}")
    return count, problems


def junit_rows(corpus: Path, timeout: float) -> tuple[list[corpus_junit.Row], int, list[str]]:
    rows: list[corpus_junit.Row] = []
    problems: list[str] = []
    jobs = list(corpus_junit.inputs(corpus))
    for source, path, make in jobs:
        row, problem = guarded(make, path, timeout=timeout)
        if problem:
            problems.append(f"{source} {path}: {problem}")
        else:
            rows.append(row)
    return rows, len(jobs), problems


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--tool", help="one corpus tool only (its name in fmts/)")
    parser.add_argument("--show-misses", action="store_true", help="list missed entries and extra records")
    parser.add_argument("--hint", action="store_true", help="give the parsers the tool's usual command line")
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT, help="seconds per input before it is a hang"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    scores = text_scores(args.corpus, args.tool, args.hint, args.timeout)
    if not scores:
        sys.exit(f"no tool {args.tool!r} in the corpus")
    print_table(scores, args.show_misses)
    problems = [f"{s.tool}: {s.problem}" for s in scores if s.problem]
    inputs = len(scores)
    if not args.tool:
        count, more = sweep(args.corpus, args.timeout)
        rows, junit_count, junit_problems = junit_rows(args.corpus, args.timeout)
        inputs += count + junit_count
        problems += more + junit_problems
        print()
        corpus_junit.report(rows, verbose=args.show_misses)
    crashes = sum(": crash: " in p for p in problems)
    hangs = sum(p.endswith(": hang") for p in problems)
    print(f"\n{inputs} inputs: {crashes} crashes, {hangs} hangs")
    for problem in problems:
        print(f"  {problem}")


if __name__ == "__main__":
    main()

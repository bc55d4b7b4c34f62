"""`selfheal parse`: the same parsing on files that already exist (steps whose command cannot be wrapped).

Here the files are the whole job, so a file named on the command line that is missing or cannot be read
(a log, `--junit`, `--sarif`, `--input`), or a report that cannot be written, is an error as a bad option
is: one `selfheal: <what>` line each and exit 2. Unlike a bad option it stops nothing: every file that
could be read still makes the report (marked partial, the problems among its warnings), so a step whose
tests died before writing their JUnit still reports what its log says. (`selfheal run` differs on
purpose: there the wrapped command's exit code is the step's, and a report file it did not write is a
warning line.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from .ci_env import slug
from .errors import USAGE_ERROR, UsageError
from .normalize import find_root
from .parsers import make_parsers
from .parsers.base import Hit
from .scan import Scanner

CHUNK = 1 << 20


@dataclass
class ParseOptions:
    logs: list[str] = field(default_factory=list)
    junit: list[str] = field(default_factory=list)
    sarif: list[str] = field(default_factory=list)
    inputs: list[tuple[str, str]] = field(default_factory=list)  # `--input KIND=GLOB`, any kind
    task: str | None = None
    report: str | None = None
    formats: list[str] = field(default_factory=list)
    max_records: int = 1000


def scan_file(path: str, emit: Callable[[Hit], None]) -> None:
    """The log's hits, each as it is found; a log that is one JSON document a tool wrote is read as that."""
    if _read_document(path, emit):
        return
    scanner = Scanner(make_parsers(), emit)
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            scanner.feed(chunk)
    scanner.finish()


def _read_document(path: str, emit: Callable[[Hit], None]) -> bool:
    from .inputs.detect import MAX_OUTPUT, whole_output

    with open(path, "rb") as fh:
        start = fh.read(4096).lstrip()[:1]
        if start not in (b"{", b"[") or os.fstat(fh.fileno()).st_size > MAX_OUTPUT:
            return False
        fh.seek(0)
        found = whole_output(fh.read())
    if found is None:
        return False
    for hit in found[1]:
        emit(hit)
    return True


def parse(opts: ParseOptions) -> int:
    from .assemble import Inputs, build_document, write_all
    from .light import as_dict, dumps
    from .merge import Keep
    from .normalize import PathResolver
    from .report_files import fresh_by_kind

    patterns = [*(("junit", g) for g in opts.junit), *(("sarif", g) for g in opts.sarif), *opts.inputs]
    if not (opts.logs or patterns):
        raise UsageError("nothing to parse: give --log, --junit, --sarif or --input KIND=GLOB")
    problems: list[str] = []

    def problem(message: str) -> None:
        problems.append(message)
        _error(message)

    task = opts.task or "parse"
    root = find_root()
    keep = Keep(task, PathResolver(root), opts.max_records)  # a log's hits merged as they are found
    logs = []
    for path in opts.logs:
        try:
            scan_file(path, keep.add)
            logs.append(path)
        except OSError as exc:
            problem(f"cannot read log {path}: {exc.strerror or exc}")
    files, missing = fresh_by_kind(patterns, None)
    for kind, pattern in missing:
        problem(f"no {kind} file matches {pattern}")
    inputs = Inputs(
        task=task,
        command=[],
        status="parsed",
        log_records=keep,
        log_names=logs,
        junit_files=[path for kind, path in files if kind == "junit"],
        sarif_files=[path for kind, path in files if kind == "sarif"],
        files=[(kind, path) for kind, path in files if kind not in ("junit", "sarif")],
        warnings=list(problems),
        max_records=opts.max_records,
        on_problem=problem,
    )
    document = build_document(inputs, root, os.environ)
    if opts.report == "-":
        sys.stdout.write(dumps(as_dict(document)))
        written = write_all(document, os.devnull, opts.formats, summary=False) if opts.formats else []
    else:
        path = opts.report or os.path.join(root, ".selfheal", f"{slug(task)}.json")
        written = write_all(document, path, opts.formats, summary=False)
    for message in written:
        problem(message)
    return USAGE_ERROR if problems else 0


def _error(message: str) -> None:
    """One line, as fixer/cli.py prints a UsageError."""
    sys.stderr.write(f"selfheal: {message}\n")
    sys.stderr.flush()

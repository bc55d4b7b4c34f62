"""`selfheal run -- CMD`: pass the command through untouched and write its report.

The child is started before anything heavy is imported; the scanner runs on each chunk after it has been
written out. Whatever goes wrong in here (a parser bug, an unwritable report) becomes one warning line
and a report marked partial: the command's output and exit code always survive.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from . import wrap
from .ci_env import default_task, slug
from .normalize import find_root

if TYPE_CHECKING:
    from .hit import Hit
    from .scan import Scanner

TAIL_BYTES = 64 * 1024
TAIL_LINES = 50
# stdout kept whole while it may be one JSON document a tool wrote (emitter/inputs/detect.py)
MAX_DOCUMENT = 64 * 1024 * 1024


@dataclass
class RunOptions:
    command: list[str]
    task: str | None = None
    report: str | None = None
    junit: list[str] = field(default_factory=list)
    sarif: list[str] = field(default_factory=list)
    inputs: list[tuple[str, str]] = field(default_factory=list)  # `--input KIND=GLOB`, any kind
    log_file: str | None = None
    formats: list[str] = field(default_factory=list)
    pty: bool = False
    summary: bool = True
    max_records: int = 1000


def warn(message: str) -> None:
    try:
        sys.stderr.write(f"selfheal: warning: {message}\n")
        sys.stderr.flush()
    except OSError:
        pass


class Collector:
    """Everything that watches the output: the scanners, the tail, the optional full log."""

    def __init__(self, hint: str, log_file: str | None, warnings: list[str]) -> None:
        self.hits: list[Hit] = []
        self.warnings = warnings
        self.hint = hint
        # Built on the first output, after the command has started: a silent command never pays for the
        # parsers' imports and regex compilation.
        self.scanners: dict[int, Scanner] | None = None
        self.scanning = True
        # stdout, kept while it may be one JSON document (it starts with `{` or `[`), and the hits the
        # text parsers found in it meanwhile: dropped when the document is read as what it is
        self.document: bytearray | None = bytearray()
        self.document_seen = False
        self.document_hits: list[Hit] = []
        self.tail: deque[bytes] = deque()
        self.tail_size = 0
        self.log: BinaryIO | None = None
        if log_file:
            from .files import open_stream  # only then: tempfile is no light import

            try:
                self.log = open_stream(log_file)  # closed in finish()
            except OSError as exc:
                self.problem(f"cannot write log file {log_file}: {exc.strerror}")

    def problem(self, message: str) -> None:
        self.warnings.append(message)
        warn(message)

    def __call__(self, stream: int, data: bytes) -> None:
        self.tail.append(data)
        self.tail_size += len(data)
        while self.tail_size - len(self.tail[0]) >= TAIL_BYTES:
            self.tail_size -= len(self.tail.popleft())
        if self.log is not None:
            try:
                self.log.write(data)
            except OSError as exc:
                self.problem(f"log file write failed: {exc.strerror}")
                self.log = None
        if stream == 1 and self.document is not None:
            self._keep(data)
        if self.scanning:
            try:
                if self.scanners is None:
                    self.scanners = self._make_scanners()
                self.scanners[stream].feed(data)
            except Exception as exc:  # parsing stops; the command's output does not
                self._parser_crash(exc)

    def _keep(self, data: bytes) -> None:
        document = self.document
        assert document is not None
        if not self.document_seen:  # decided on the first bytes that are not white space
            head = data.lstrip()[:1]
            if head and head not in (b"{", b"["):
                self.document, self.document_hits = None, []  # text: the common case
                return
            self.document_seen = bool(head)
        if len(document) + len(data) > MAX_DOCUMENT:
            self.document, self.document_hits = None, []
        else:
            document += data

    def _emit_stdout(self, hit: Hit) -> None:
        self.hits.append(hit)
        if self.document is not None:
            self.document_hits.append(hit)

    def _make_scanners(self) -> dict[int, Scanner]:
        from .parsers import make_parsers
        from .scan import Scanner

        dirs: list[str] = []  # make announces directories on stdout, compilers complain on stderr
        return {
            1: Scanner(make_parsers(), self._emit_stdout, self.hint, dirs),
            2: Scanner(make_parsers(), self.hits.append, self.hint, dirs),
        }

    def read_document(self) -> None:
        """When the whole stdout is one JSON document a tool wrote (eslint -f json, cargo's messages, …),
        its findings replace what the text parsers made of it. Once, at the end; never costs the report."""
        document, self.document = self.document, None
        if not document or not document.strip():
            return
        try:
            from .inputs.detect import whole_output

            found = whole_output(bytes(document))
        except Exception as exc:
            self.problem(f"stdout not read as JSON ({type(exc).__name__}: {exc})")
            return
        if found is None:
            return
        drop = {id(hit) for hit in self.document_hits}
        self.hits = [hit for hit in self.hits if id(hit) not in drop] + found[1]
        self.document_hits = []

    def _parser_crash(self, exc: Exception) -> None:
        self.problem(f"parsing stopped after an internal error ({type(exc).__name__}: {exc})")
        self.scanners = None
        self.scanning = False

    def finish(self) -> None:
        if self.scanning and self.scanners is not None:
            try:
                for scanner in self.scanners.values():
                    scanner.finish()
            except Exception as exc:
                self._parser_crash(exc)
        if self.log is not None:
            self.log.close()

    def tail_text(self) -> str:
        """The last TAIL_BYTES of the output (both streams, as they came) as the parsers read it: runners'
        summaries are found behind colour and CI prefixes."""
        from .prefixes import clean
        from .test_counts import tail_text

        return "\n".join(map(clean, tail_text(b"".join(self.tail), TAIL_BYTES).split("\n")))

    def tail_lines(self) -> list[str]:
        """The last lines as the user saw them: escapes gone, a redrawn line's last segment, prefixes kept."""
        from .scan import display_line

        lines = b"".join(self.tail).split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        return [display_line(line)[:1000] for line in lines[-TAIL_LINES:]]


def run(opts: RunOptions) -> int:
    env = os.environ
    started_wall, started = time.time(), time.monotonic()
    task = opts.task or default_task(env, opts.command)
    warnings: list[str] = []
    patterns = _patterns(opts)
    before = None
    if patterns:
        from .report_files import snapshot

        before = snapshot(pattern for _, pattern in patterns)
    collector = Collector(" ".join(opts.command), opts.log_file, warnings)
    result = wrap.run(opts.command, collector, use_pty=opts.pty)
    collector.finish()
    collector.read_document()
    try:
        _report(opts, task, result, collector, started_wall, time.monotonic() - started, before)
    except Exception as exc:
        warn(f"no report written ({type(exc).__name__}: {exc})")
    return result.exit_code


def _report(
    opts: RunOptions,
    task: str,
    result: wrap.Result,
    collector: Collector,
    started_wall: float,
    duration: float,
    before: dict[str, int] | None,
) -> None:
    from datetime import datetime, timezone

    env = os.environ
    root = find_root()
    path = opts.report or os.path.join(root, ".selfheal", _report_name(task, env))
    cwd = os.path.relpath(os.getcwd(), root).replace(os.sep, "/")
    started_at = datetime.fromtimestamp(started_wall, timezone.utc).isoformat(timespec="seconds")
    files = _fresh(_patterns(opts), before, collector)
    clean = result.exit_code == 0 and not result.signal and not collector.hits and not collector.warnings
    if clean and not files and not opts.formats:
        from . import clean_report
        from .ci_env import ci_info
        from .files import write_text
        from .test_counts import from_text

        try:
            tests = from_text(collector.tail_text())  # once, at the end: never in the scanner's loop
        except Exception as exc:  # counting must not cost the report
            warn(f"test counts not read ({type(exc).__name__}: {exc})")
            tests = None
        args = (task, opts.command, cwd, started_at, round(duration, 3), ci_info(env))
        write_text(path, clean_report.render(*args, tests=tests))
        return

    from .assemble import Inputs, build_report, write_all

    status = "interrupted" if result.signal else ("passed" if result.exit_code == 0 else "failed")
    inputs = Inputs(
        task=task,
        command=opts.command,
        cwd=cwd,
        status=status,
        exit_code=result.exit_code,
        started_at=started_at,
        duration_s=round(duration, 3),
        log_hits=collector.hits,
        log_names=["output"],
        junit_files=[path for kind, path in files if kind == "junit"],
        sarif_files=[path for kind, path in files if kind == "sarif"],
        files=[(kind, path) for kind, path in files if kind not in ("junit", "sarif")],
        log_tail=collector.tail_lines() if result.exit_code != 0 else [],
        output_tail=collector.tail_text(),
        warnings=collector.warnings,
        max_records=opts.max_records,
        on_problem=warn,
    )
    report = build_report(inputs, root, env)
    has_errors = any(r.severity == "error" for r in report.records)
    for problem in write_all(report, path, opts.formats, summary=opts.summary and has_errors):
        warn(problem)


def _patterns(opts: RunOptions) -> list[tuple[str, str]]:
    """(kind, glob) of every report file asked for: `--junit`, `--sarif` and `--input KIND=GLOB`."""
    return [*(("junit", g) for g in opts.junit), *(("sarif", g) for g in opts.sarif), *opts.inputs]


def _fresh(
    patterns: list[tuple[str, str]], before: dict[str, int] | None, collector: Collector
) -> list[tuple[str, str]]:
    """The files this run wrote, by kind; a glob that matched none of them is one warning."""
    if not patterns:
        return []
    from .report_files import fresh_by_kind

    files, missing = fresh_by_kind(patterns, before)
    for kind, pattern in missing:
        collector.problem(f"no {kind} file matching {pattern} was written by this run")
    return files


def _report_name(task: str, env: Mapping[str, str]) -> str:
    # Parallel jobs of one step share a label: keep their reports apart.
    index = env.get("BUILDKITE_PARALLEL_JOB") or env.get("CI_NODE_INDEX")
    return f"{slug(task)}{'-' + index if index else ''}.json"

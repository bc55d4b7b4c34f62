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
from typing import TYPE_CHECKING

from . import wrap
from .ci_env import default_task, slug
from .normalize import find_root

if TYPE_CHECKING:
    from .hit import Hit
    from .scan import Scanner

TAIL_BYTES = 64 * 1024
TAIL_LINES = 50


@dataclass
class RunOptions:
    command: list[str]
    task: str | None = None
    report: str | None = None
    junit: list[str] = field(default_factory=list)
    sarif: list[str] = field(default_factory=list)
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
        self.tail: deque[bytes] = deque()
        self.tail_size = 0
        self.log = None
        if log_file:
            try:
                os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
                self.log = open(log_file, "wb")  # noqa: SIM115 - closed in finish()
            except OSError as exc:
                self._problem(f"cannot write log file {log_file}: {exc.strerror}")

    def _problem(self, message: str) -> None:
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
                self._problem(f"log file write failed: {exc.strerror}")
                self.log = None
        if self.scanning:
            try:
                if self.scanners is None:
                    self.scanners = self._make_scanners()
                self.scanners[stream].feed(data)
            except Exception as exc:  # parsing stops; the command's output does not
                self._parser_crash(exc)

    def _make_scanners(self) -> dict[int, Scanner]:
        from .parsers import make_parsers
        from .scan import Scanner

        dirs: list[str] = []  # make announces directories on stdout, compilers complain on stderr
        return {
            1: Scanner(make_parsers(), self.hits.append, self.hint, dirs),
            2: Scanner(make_parsers(), self.hits.append, self.hint, dirs),
        }

    def _parser_crash(self, exc: Exception) -> None:
        self._problem(f"parsing stopped after an internal error ({type(exc).__name__}: {exc})")
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
        """The last TAIL_BYTES of the output as text (both streams, as they came)."""
        from .test_counts import tail_text

        return tail_text(b"".join(self.tail), TAIL_BYTES)

    def tail_lines(self) -> list[str]:
        from .scan import clean_line

        lines = b"".join(self.tail).splitlines()[-TAIL_LINES:]
        return [clean_line(line)[:1000] for line in lines]


def run(opts: RunOptions) -> int:
    env = os.environ
    started_wall, started = time.time(), time.monotonic()
    task = opts.task or default_task(env, opts.command)
    warnings: list[str] = []
    before = None
    if opts.junit or opts.sarif:
        from .report_files import snapshot

        before = snapshot([*opts.junit, *opts.sarif])
    collector = Collector(" ".join(opts.command), opts.log_file, warnings)
    result = wrap.run(opts.command, collector, use_pty=opts.pty)
    collector.finish()
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
    junit, sarif = _fresh(opts.junit, before), _fresh(opts.sarif, before)
    clean = result.exit_code == 0 and not result.signal and not collector.hits and not collector.warnings
    if clean and not junit and not sarif and not opts.formats:
        from . import clean_report
        from .ci_env import ci_info
        from .test_counts import from_text

        try:
            tests = from_text(collector.tail_text())  # once, at the end: never in the scanner's loop
        except Exception as exc:  # counting must not cost the report
            warn(f"test counts not read ({type(exc).__name__}: {exc})")
            tests = None
        args = (task, opts.command, cwd, started_at, round(duration, 3), ci_info(env))
        clean_report.write(path, clean_report.render(*args, tests=tests))
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
        junit_files=junit,
        sarif_files=sarif,
        log_tail=collector.tail_lines() if result.exit_code != 0 else [],
        output_tail=collector.tail_text(),
        warnings=collector.warnings,
        max_records=opts.max_records,
    )
    report = build_report(inputs, root, env)
    has_errors = any(r.severity == "error" for r in report.records)
    for problem in write_all(report, path, opts.formats, summary=opts.summary and has_errors):
        warn(problem)


def _fresh(patterns: list[str], before: dict[str, int] | None) -> list[str]:
    if not patterns:
        return []
    from .report_files import fresh_files

    return fresh_files(patterns, before)


def _report_name(task: str, env: Mapping[str, str]) -> str:
    # Parallel jobs of one step share a label: keep their reports apart.
    index = env.get("BUILDKITE_PARALLEL_JOB") or env.get("CI_NODE_INDEX")
    return f"{slug(task)}{'-' + index if index else ''}.json"

"""`selfheal run -- CMD`: pass the command through untouched and write its report.

The child is started before anything heavy is imported; emitter/collect.py watches each chunk after it
has been written out (the scanners, their hits merged as they come, the tail). Whatever goes wrong in here
(a parser bug, an unwritable report) becomes one warning line and a report marked partial: the command's
output and exit code always survive. The report is written without pydantic unless an extra output
(`--format`) needs the models.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import wrap
from .ci_env import default_task, slug
from .collect import Collector, warn
from .normalize import find_root

__all__ = ["Collector", "RunOptions", "run", "warn"]


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
    collector = Collector(" ".join(opts.command), opts.log_file, warnings, task, opts.max_records)
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
    clean = result.exit_code == 0 and not result.signal and not collector.found and not collector.warnings
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

    from .assemble import Inputs, build_document, write_all

    status = "interrupted" if result.signal else ("passed" if result.exit_code == 0 else "failed")
    inputs = Inputs(
        task=task,
        command=opts.command,
        cwd=cwd,
        status=status,
        exit_code=result.exit_code,
        started_at=started_at,
        duration_s=round(duration, 3),
        log_records=collector.keep,
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
    document = build_document(inputs, root, env)
    has_errors = any(r.severity == "error" for r in document.records)
    for problem in write_all(document, path, opts.formats, summary=opts.summary and has_errors):
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

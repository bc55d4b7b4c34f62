"""Shared by `run` and `parse`: report files found by glob, hits from every source, one Report, its outputs.

Imported only after the wrapped command has finished: this is where the heavy modules come in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from .ci_env import ci_info
from .hit import Hit
from .merge import MAX_RECORDS, merge
from .normalize import PathResolver
from .report import CI, Report, SourceFile, TestCounts
from .test_counts import Counts, combine, from_file, from_text


@dataclass
class Inputs:
    task: str
    command: list[str]
    status: str
    cwd: str | None = None
    exit_code: int | None = None
    started_at: str | None = None
    duration_s: float | None = None
    log_hits: list[Hit] = field(default_factory=list)
    log_names: list[str] = field(default_factory=list)
    junit_files: list[str] = field(default_factory=list)
    sarif_files: list[str] = field(default_factory=list)
    log_tail: list[str] = field(default_factory=list)
    # The end of the command's output (`run`), for the test counts; None: read the end of each log
    # file named in log_names instead (`parse`).
    output_tail: str | None = None
    warnings: list[str] = field(default_factory=list)
    max_records: int = MAX_RECORDS


def build_report(inp: Inputs, root: str, env: Mapping[str, str]) -> Report:
    from .junit import read_junit_counted
    from .sarif import read_sarif

    hits = list(inp.log_hits)
    sources = [SourceFile(kind="log", path=name, records=0) for name in inp.log_names]
    warnings = list(inp.warnings)
    junit_counts: list[Counts] = []

    def read_junit(path: str) -> tuple[list[Hit], str | None]:
        found, problem, counts = read_junit_counted(path)
        if counts is not None:
            junit_counts.append(counts)
        return found, problem

    for kind, files, reader in (
        ("junit", inp.junit_files, read_junit),
        ("sarif", inp.sarif_files, read_sarif),
    ):
        for path in files:
            try:
                found, problem = reader(path)
            except Exception as exc:  # a reader bug must not cost the report
                found, problem = [], f"{path}: {type(exc).__name__}: {exc}"
            hits.extend(found)
            sources.append(SourceFile(kind=kind, path=path, records=len(found), error=problem))
            if problem:
                warnings.append(problem)
    try:
        tests = _tests(inp, junit_counts)
    except Exception as exc:  # a counting bug must not cost the report
        tests = None
        warnings.append(f"test counts not read ({type(exc).__name__}: {exc})")
    merged = merge(hits, inp.task, PathResolver(root), max_records=inp.max_records)
    log_count = sum(1 for r in merged.records if r.source == "log")
    for source in sources:
        if source.kind == "log":
            source.records = log_count if len(inp.log_names) == 1 else 0
    return Report(
        task=inp.task,
        command=inp.command,
        cwd=inp.cwd,
        exit_code=inp.exit_code,
        status=inp.status,
        partial=bool(warnings),
        warnings=warnings,
        started_at=inp.started_at,
        duration_s=inp.duration_s,
        ci=CI.model_validate(ci_info(env)),
        records=merged.records,
        records_dropped=merged.dropped,
        messages_truncated=merged.truncated,
        sources=sources,
        log_tail=inp.log_tail,
        tests=tests,
    )


def _tests(inp: Inputs, junit: list[Counts]) -> TestCounts | None:
    """JUnit totals when JUnit files were read for this run (the runner's own record of every test),
    else the runner's summary at the end of the output or of each log."""
    if junit:
        counts = combine(junit)
    elif inp.output_tail is not None:
        counts = from_text(inp.output_tail)
    else:
        counts = combine(c for c in map(from_file, inp.log_names) if c is not None)
    return TestCounts.model_validate(asdict(counts)) if counts is not None else None


def write_all(report: Report, report_path: str, formats: list[str], summary: bool) -> list[str]:
    """Writes the report (atomically) and the requested outputs; returns one-line warnings."""
    from .outputs import write_outputs

    specs = ["json=" + report_path, *formats]
    if summary:
        specs.append("summary")
    return write_outputs(report, specs, report_path)

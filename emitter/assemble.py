"""Shared by `run` and `parse`: report files found by glob, hits from every source, one Report, its outputs.

Imported only after the wrapped command has finished: this is where the heavy modules come in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .ci_env import ci_info
from .hit import Hit
from .merge import MAX_RECORDS, merge
from .normalize import PathResolver
from .report import CI, Report, SourceFile


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
    warnings: list[str] = field(default_factory=list)
    max_records: int = MAX_RECORDS


def build_report(inp: Inputs, root: str, env: Mapping[str, str]) -> Report:
    from .junit import read_junit
    from .sarif import read_sarif

    hits = list(inp.log_hits)
    sources = [SourceFile(kind="log", path=name, records=0) for name in inp.log_names]
    warnings = list(inp.warnings)
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
    )


def write_all(report: Report, report_path: str, formats: list[str], summary: bool) -> list[str]:
    """Writes the report (atomically) and the requested outputs; returns one-line warnings."""
    from .outputs import write_outputs

    specs = ["json=" + report_path, *formats]
    if summary:
        specs.append("summary")
    return write_outputs(report, specs, report_path)

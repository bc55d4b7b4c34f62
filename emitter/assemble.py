"""Shared by `run` and `parse`: report files found by glob, hits from every source, one report, its outputs.

Imported only after the wrapped command has finished. The report is assembled in light form
(emitter/light.py) and written without pydantic; `build_report` gives the pydantic model to callers
that want one (the fixer, tests), and the outputs that read the model build it themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .ci_env import ci_info
from .hit import Hit
from .light import Document, SourceFile, as_dict
from .merge import MAX_RECORDS, Keep
from .normalize import PathResolver
from .test_counts import Counts, combine, from_file, from_text

if TYPE_CHECKING:
    from .report import Report


@dataclass
class Inputs:
    task: str
    command: list[str]
    status: str
    cwd: str | None = None
    exit_code: int | None = None
    started_at: str | None = None
    duration_s: float | None = None
    # the log's hits already merged as they came (`run`, `parse`); log_hits are merged after them
    log_records: Keep | None = None
    log_hits: list[Hit] = field(default_factory=list)
    log_names: list[str] = field(default_factory=list)
    junit_files: list[str] = field(default_factory=list)
    sarif_files: list[str] = field(default_factory=list)
    # report files of the other kinds (emitter/inputs: checkstyle, codequality, rdjson, json): (kind, path)
    files: list[tuple[str, str]] = field(default_factory=list)
    log_tail: list[str] = field(default_factory=list)
    # The end of the command's output (`run`), for the test counts; None: read the end of each log
    # file named in log_names instead (`parse`).
    output_tail: str | None = None
    warnings: list[str] = field(default_factory=list)
    max_records: int = MAX_RECORDS
    # told each report file that could not be read, as its one-line warning (run prints it, parse fails)
    on_problem: Callable[[str], None] | None = None


def build_document(inp: Inputs, root: str, env: Mapping[str, str]) -> Document:
    keep = (
        inp.log_records
        if inp.log_records is not None
        else Keep(inp.task, PathResolver(root), inp.max_records)
    )
    keep.extend(inp.log_hits)
    sources = [SourceFile(kind="log", path=name) for name in inp.log_names]
    warnings = list(inp.warnings)
    junit_counts: list[Counts] = []
    for kind, path in _files(inp):
        found, problem, counts = _read(kind, path)
        if counts is not None:
            junit_counts.append(counts)
        keep.extend(found)
        sources.append(SourceFile(kind=_source_kind(kind), path=path, records=len(found), error=problem))
        if problem:
            warnings.append(problem)
            if inp.on_problem is not None:
                inp.on_problem(problem)
    try:
        tests = _tests(inp, junit_counts)
    except Exception as exc:  # a counting bug must not cost the report
        tests = None
        warnings.append(f"test counts not read ({type(exc).__name__}: {exc})")
    if keep.refused:
        warnings.append(f"{keep.refused} finding(s) not kept: not a valid record ({keep.refusal})")
    records = keep.records
    log_count = sum(1 for r in records if r.source == "log") if len(inp.log_names) == 1 else 0
    for source in sources:
        if source.kind == "log":
            source.records = log_count
    return Document(
        task=inp.task,
        command=inp.command,
        cwd=inp.cwd,
        exit_code=inp.exit_code,
        status=inp.status,
        partial=bool(warnings),
        warnings=warnings,
        started_at=inp.started_at,
        duration_s=inp.duration_s,
        ci=ci_info(env),
        records=records,
        records_dropped=keep.dropped,
        messages_truncated=keep.truncated,
        sources=sources,
        log_tail=inp.log_tail,
        tests=tests,
    )


def build_report(inp: Inputs, root: str, env: Mapping[str, str]) -> Report:
    """`build_document` as the pydantic model."""
    from .report import Report

    return Report.model_validate(as_dict(build_document(inp, root, env)))


def _files(inp: Inputs) -> list[tuple[str, str]]:
    return [*(("junit", p) for p in inp.junit_files), *(("sarif", p) for p in inp.sarif_files), *inp.files]


def _read(kind: str, path: str) -> tuple[list[Hit], str | None, Counts | None]:
    """One report file's hits, its warning, and (JUnit of tests) its counts; a reader bug is a warning."""
    try:
        if kind != "junit":
            from .inputs import reader

            return (*reader(kind)(path), None)
        from .inputs.lint_junit import read as read_lint_junit

        linted = read_lint_junit(path)  # a linter's JUnit: findings, and no tests to count
        if linted is not None:
            return (*linted, None)
        from .junit import read_junit_counted

        return read_junit_counted(path)
    except Exception as exc:  # a reader bug must not cost the report
        return [], " ".join(f"{path}: {type(exc).__name__}: {exc}".split()), None


def _source_kind(kind: str) -> str:
    from .inputs.base import source_of

    return source_of(kind)


def _tests(inp: Inputs, junit: list[Counts]) -> Counts | None:
    """JUnit totals when JUnit files were read for this run (the runner's own record of every test),
    else the runner's summary at the end of the output or of each log."""
    if junit:
        return combine(junit)
    if inp.output_tail is not None:
        return from_text(inp.output_tail)
    return combine(c for c in map(from_file, inp.log_names) if c is not None)


def write_all(report: Report | Document, report_path: str, formats: list[str], summary: bool) -> list[str]:
    """Writes the report (atomically) and the requested outputs; returns one-line warnings."""
    from .outputs import write_outputs

    specs = ["json=" + report_path, *formats]
    if summary:
        specs.append("summary")
    return write_outputs(report, specs, report_path)

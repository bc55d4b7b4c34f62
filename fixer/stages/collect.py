"""Collect: the build's task reports, from files or folders, loaded as emitter.report models — bounded.

Reports are data the branch's build wrote, so reading them is bounded whatever they hold: at most
MAX_REPORTS files of MAX_REPORT_BYTES each, MAX_RECORDS_PER_REPORT records from one report and
MAX_RECORDS in all (cut before validation, so a 100,000-record report costs no more than a small one);
what was left out is counted and said. Only regular files are read (a FIFO would block the run), and
folders are walked without following links. A report whose task failed is a failure to fix; one that
passed is kept for `verify: all`.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from emitter.errors import UsageError
from emitter.report import SCHEMA_ID, Report

from ..context import Failure

MAX_REPORTS = 200
MAX_REPORT_BYTES = 64 * 1024 * 1024
MAX_RECORDS_PER_REPORT = 2000
MAX_RECORDS = 5000
MAX_DEPTH = 6


@dataclass
class Collected:
    failures: list[Failure] = field(default_factory=list)
    passes: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    records_dropped: int = 0


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    base = len(folder.parts)
    for dirpath, dirnames, filenames in os.walk(folder):  # never follows links into other folders
        dirnames[:] = sorted(d for d in dirnames if len(Path(dirpath, d).parts) - base <= MAX_DEPTH)
        found.extend(Path(dirpath, f) for f in sorted(filenames) if f.endswith(".json"))
    return found


def candidates(paths: list[str], required: bool) -> list[Path]:
    """The JSON files under `paths`. A path the user named that does not exist is a usage error."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not path.is_symlink():
            found.extend(_walk(path))
        elif path.is_file():
            found.append(path)
        elif required:
            raise UsageError(f"--reports {raw}: no such file or folder")
    return found


def _load(path: Path, budget: int) -> tuple[Report | None, int, str | None]:
    """(the report or None, records dropped, a warning)."""
    if not _regular(path):
        return None, 0, None
    if path.stat().st_size > MAX_REPORT_BYTES:
        return None, 0, f"{path}: larger than {MAX_REPORT_BYTES // (1024 * 1024)} MiB, not read"
    try:
        data = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return None, 0, f"{path}: not a readable JSON report ({type(exc).__name__})"
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_ID:
        return None, 0, None  # Code Quality output, outcome.json …: not ours to read
    records = data.get("records")
    dropped = 0
    if isinstance(records, list):
        keep = max(0, min(MAX_RECORDS_PER_REPORT, budget))
        dropped = max(0, len(records) - keep)
        data["records"] = records[:keep]
    try:
        report = Report.model_validate(data)
    except ValidationError as exc:
        return None, 0, f"{path}: report does not match {SCHEMA_ID} ({exc.error_count()} errors)"
    return report, dropped, None


def collect(paths: list[str], required: bool = False) -> Collected:
    found = Collected()
    files = candidates(paths, required)
    if len(files) > MAX_REPORTS:
        found.warnings.append(f"{len(files)} JSON files found: only the first {MAX_REPORTS} were read")
        files = files[:MAX_REPORTS]
    budget = MAX_RECORDS
    for path in files:
        report, dropped, warning = _load(path, budget)
        if warning:
            found.warnings.append(warning)
        if report is None:
            continue
        budget -= len(report.records)
        found.records_dropped += dropped + report.records_dropped
        task = Failure(report=report, path=str(path))
        (found.failures if task.failed else found.passes).append(task)
    if found.records_dropped:
        found.warnings.append(f"{found.records_dropped} record(s) beyond the caps were not read")
    return found

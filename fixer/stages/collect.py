"""Collect: the failed tasks' reports, from files or folders, loaded as emitter.report models."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from emitter.report import SCHEMA_ID, Report

from ..context import Failure


def _candidates(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            found.append(path)
    return found


def collect(paths: list[str]) -> tuple[list[Failure], list[str]]:
    """Failed reports (a non-zero exit or error records) and one warning per file that could not be read.

    Other JSON files in the folder (Code Quality output, outcome.json) are passed over silently.
    """
    failures: list[Failure] = []
    warnings: list[str] = []
    for path in _candidates(paths):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            warnings.append(f"{path}: not a readable JSON report ({type(exc).__name__})")
            continue
        if not isinstance(data, dict) or data.get("schema") != SCHEMA_ID:
            continue
        try:
            report = Report.model_validate(data)
        except ValidationError as exc:
            warnings.append(f"{path}: report does not match {SCHEMA_ID} ({exc.error_count()} errors)")
            continue
        failed = report.exit_code not in (0, None) or any(r.severity == "error" for r in report.records)
        if failed:
            failures.append(Failure(report=report, path=str(path)))
    return failures, warnings

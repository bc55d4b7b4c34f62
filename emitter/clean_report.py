"""The report of a clean run — exit 0, nothing found, no report files to read, no extra outputs — written
without pydantic. Most wrapped steps pass, and importing the schema models costs more than running `true`;
tests/emitter/test_clean_report.py holds this document equal, byte for byte, to what the Report model writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict

from .test_counts import Counts

SCHEMA_ID = "selfheal.report/v1"  # the same id as emitter.report.SCHEMA_ID (checked by the test)


def render(
    task: str,
    command: list[str],
    cwd: str,
    started_at: str,
    duration_s: float,
    ci: Mapping[str, object],
    tests: Counts | None = None,
) -> str:
    document = {
        "schema": SCHEMA_ID,
        "task": task,
        "command": command,
        "cwd": cwd,
        "exit_code": 0,
        "status": "passed",
        "partial": False,
        "warnings": [],
        "started_at": started_at,
        "duration_s": duration_s,
        "ci": dict(ci),
        "records": [],
        "records_dropped": 0,
        "messages_truncated": 0,
        "sources": [{"kind": "log", "path": "output", "records": 0}],
        "log_tail": [],
    }
    if tests is not None:  # Counts has TestCounts' fields in its order; None is left out, as the model does
        document["tests"] = asdict(tests)
    return json.dumps(document, indent=2) + "\n"

"""The report file itself (`selfheal.report/v1`), redacted; written the way emitter/files.py writes files."""

from __future__ import annotations

import json

from ..files import write_dest
from ..redact import Redactor
from ..report import Report

name = "json"
suffix = ".json"


def render(report: Report, redactor: Redactor) -> str:
    # Same layout as Report.to_json(), but every string goes through the redactor first.
    data = report.model_dump(by_alias=True, exclude_none=True, mode="json")
    return json.dumps(redactor.redact_obj(data), indent=2) + "\n"


def write(report: Report, dest: str, redactor: Redactor | None = None) -> None:
    write_dest(dest, render(report, redactor or Redactor.from_env()))

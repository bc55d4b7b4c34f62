"""The report file itself (`selfheal.report/v1`), redacted; written the way emitter/files.py writes files.

Writes the light Document (`selfheal run`, no pydantic) and the Report model alike, in the same layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..files import write_dest
from ..light import Document, as_dict, dumps
from ..redact import Redactor

if TYPE_CHECKING:
    from ..report import Report

name = "json"
suffix = ".json"
reads_light = True  # writes a light Document as it is: no model needed (emitter/outputs/__init__.py)


def render(report: Report | Document, redactor: Redactor) -> str:
    # Same layout as Report.to_json(), but every string goes through the redactor first.
    data: Any = (
        as_dict(report)
        if isinstance(report, Document)
        else report.model_dump(by_alias=True, exclude_none=True, mode="json")
    )
    return dumps(redactor.redact_obj(data))


def write(report: Report | Document, dest: str, redactor: Redactor | None = None) -> None:
    write_dest(dest, render(report, redactor or Redactor.from_env()))

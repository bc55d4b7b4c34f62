"""GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of Code Climate issues.

GitLab reads six fields per issue and ignores the rest: `description`, `check_name`, `fingerprint`,
`severity`, `location.path`, `location.lines.begin`. We also write Code Climate's `type` and `categories`
so the file stays a valid Code Climate report for other readers. UTF-8, no byte order mark (GitLab's
parser rejects one).

Decisions:
- severity: note → `info`, warning → `minor`, error → `major`; errors that stop the build outright
  (syntax and compile errors) → `blocker`, security errors → `critical`. `major` for the ordinary error
  matches what linters' own GitLab formatters use, so mixed pipelines sort alike.
- fingerprint: the record's (stable across line shifts, so the merge request widget can tell new issues
  from old ones). GitLab shows issues with equal fingerprints once, so when two records share one (the
  same message on two lines), the later ones get a hash of the fingerprint and their index.
- records without a file are left out: Code Quality needs a path, and a made-up one would show a
  phantom file in the merge request. They are still in the report, the annotation and the summary.
- check_name: `tool/rule`, or `tool/<record type>` when the tool has no rule ids (test failures).
- lines.begin: the record's line, or 1 when the tool gave none.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from ..files import write_dest
from ..redact import Redactor
from .summary import one_line, value

if TYPE_CHECKING:  # hints only: `selfheal run` imports emitter.outputs, and not pydantic
    from ..report import Record, Report

name = "codequality"
suffix = ".codequality.json"

MAX_DESCRIPTION = 1000
_SEVERITY = {"note": "info", "warning": "minor", "error": "major"}
_BLOCKING = frozenset({"syntax_error", "compile_error"})
_CATEGORY = {"format": "Style", "lint": "Style", "security": "Security", "dependency": "Compatibility"}


def severity(record: Record) -> str:
    kind = value(record.type)
    if value(record.severity) == "error":
        if kind in _BLOCKING:
            return "blocker"
        if kind == "security":
            return "critical"
    return _SEVERITY.get(value(record.severity), "major")


def _unique(fingerprint: str, used: set[str]) -> str:
    candidate, index = fingerprint, 0
    while candidate in used:
        index += 1
        candidate = hashlib.sha256(f"{fingerprint}:{index}".encode()).hexdigest()[:32]
    used.add(candidate)
    return candidate


def issue(record: Record, fingerprint: str, redactor: Redactor) -> dict[str, Any]:
    message = one_line(redactor.redact(record.message), MAX_DESCRIPTION)
    if record.test:
        message = f"{redactor.redact(record.test)}: {message}"
    path = redactor.redact(record.file or "").removeprefix("./")
    lines: dict[str, int] = {"begin": record.line or 1}
    if record.end_line and record.end_line > lines["begin"]:
        lines["end"] = record.end_line
    return {
        "type": "issue",
        "description": message,
        "check_name": redactor.redact(f"{record.tool}/{record.rule or value(record.type)}"),
        "fingerprint": fingerprint,
        "severity": severity(record),
        "categories": [_CATEGORY.get(value(record.type), "Bug Risk")],
        "location": {"path": path, "lines": lines},
    }


def issues(report: Report, redactor: Redactor) -> list[dict[str, Any]]:
    used: set[str] = set()
    return [
        issue(record, _unique(record.fingerprint, used), redactor) for record in report.records if record.file
    ]


def render(report: Report, redactor: Redactor) -> str:
    return json.dumps(issues(report, redactor), indent=2, ensure_ascii=False) + "\n"


def write(report: Report, dest: str, redactor: Redactor | None = None) -> None:
    write_dest(dest, render(report, redactor or Redactor.from_env()))

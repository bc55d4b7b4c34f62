"""One merged SARIF 2.1.0 log: a run per (task, tool), results with their rules, locations and fixes.

Locations are repo-relative URIs against `%SRCROOT%` (the consumer knows where the checkout is; we do
not pin it, so the log stays valid on another machine). A record whose file is outside the repository has
no location (its `raw_file` is no place a consumer can show); absolute paths that still reach this module
(a fix's edit) become `file://` URIs. Each result carries `partialFingerprints["selfheal/v1"]`, the record's line-shift-stable
fingerprint, so code scanning tracks an alert across commits. A tool's fix comes back out as SARIF
`fixes` (edits grouped by file); a fix that is only a command (`ruff --fix`) has no SARIF form and goes in
the result's `properties.selfheal.fixCommand`.

Results need a rule id for most consumers: when the tool has none (test failures, infra), the record's
type stands in (`test_failure`). A test id becomes a logical location. Each run has
`automationDetails.id = "<task>/"`, so one upload with several tasks keeps a distinct category per run.

Each rule of `tool.driver.rules` carries what is known of it: `helpUri`, the tool's page for the rule, and
`name`, where the tool gives one beside an opaque code (pylint's symbol, bandit's test name), both from
emitter/rule_docs.py; and always a one-line `shortDescription` (code scanning expects one): for a
stand-in rule what its record type means, for a tool's rule what the tool said the first time it reported
it (tools print no rule descriptions, and a made-up one would be worse).
"""

from __future__ import annotations

import json
import re
import shlex
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..files import write_dest
from ..redact import Redactor
from ..rule_docs import rule_doc
from .summary import one_line, value

if TYPE_CHECKING:  # hints only: `selfheal run` imports emitter.outputs, and not pydantic
    from ..report import Edit, Fix, Record, Report

name = "sarif"
suffix = ".sarif"

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "selfheal/v1"
_LEVEL = {"error": "error", "warning": "warning", "note": "note"}
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:/")
MAX_SHORT_DESCRIPTION = 300
# the rule id a record gets when its tool names no rule: its type, described
TYPE_DESCRIPTIONS = {
    "format": "The file is not formatted as the formatter would format it",
    "lint": "A linter finding",
    "type_error": "A type error",
    "syntax_error": "A syntax error",
    "compile_error": "A compile error",
    "import_error": "A module or package could not be imported",
    "test_failure": "A test failed",
    "security": "A security finding",
    "dependency": "A dependency could not be resolved or installed",
    "infra": "An infrastructure failure (network, disk, memory, runner), not the code",
    "unknown": "An error",
}


def artifact_location(path: str) -> dict[str, str]:
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return {"uri": "file://" + quote(posix)}
    if _WINDOWS_ABSOLUTE.match(posix):
        return {"uri": "file:///" + quote(posix, safe="/:")}
    return {"uri": quote(posix.removeprefix("./")), "uriBaseId": SRCROOT}


def region(
    line: int | None, column: int | None, end_line: int | None, end_column: int | None
) -> dict[str, int]:
    found = {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}
    return {key: value for key, value in found.items() if value is not None}


def _replacement(edit: Edit, redactor: Redactor) -> dict[str, Any]:
    replacement: dict[str, Any] = {
        "deletedRegion": region(edit.start_line, edit.start_column, edit.end_line, edit.end_column)
    }
    if edit.text:
        replacement["insertedContent"] = {"text": redactor.redact(edit.text)}
    return replacement


def fixes(fix: Fix, redactor: Redactor) -> list[dict[str, Any]]:
    by_file: dict[str, list[Edit]] = defaultdict(list)
    for edit in fix.edits:
        by_file[edit.file].append(edit)
    if not by_file:
        return []
    changes = [
        {
            "artifactLocation": artifact_location(redactor.redact(file)),
            "replacements": [_replacement(edit, redactor) for edit in edits],
        }
        for file, edits in by_file.items()
    ]
    sarif_fix: dict[str, Any] = {"artifactChanges": changes}
    if fix.description:
        sarif_fix["description"] = {"text": redactor.redact(fix.description)}
    return [sarif_fix]


def _location(record: Record, redactor: Redactor) -> dict[str, Any] | None:
    location: dict[str, Any] = {}
    if record.file:
        physical: dict[str, Any] = {"artifactLocation": artifact_location(redactor.redact(record.file))}
        if record.line:
            physical["region"] = region(record.line, record.column, record.end_line, record.end_column)
        location["physicalLocation"] = physical
    if record.test:
        location["logicalLocations"] = [
            {"fullyQualifiedName": redactor.redact(record.test), "kind": "function"}
        ]
    return location or None


def result(record: Record, rule_id: str, rule_index: int, redactor: Redactor) -> dict[str, Any]:
    extra: dict[str, Any] = {"type": value(record.type), "source": value(record.source)}
    for key in ("test", "suggestion"):
        text = getattr(record, key)
        if text:
            extra[key] = redactor.redact(text)
    out: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL.get(value(record.severity), "error"),
        "message": {"text": redactor.redact(record.message)},
    }
    location = _location(record, redactor)
    if location:
        out["locations"] = [location]
    out["partialFingerprints"] = {FINGERPRINT_KEY: record.fingerprint}
    if record.fix:
        sarif_fixes = fixes(record.fix, redactor)
        if sarif_fixes:
            out["fixes"] = sarif_fixes
        if record.fix.command:
            extra["fixCommand"] = [redactor.redact(arg) for arg in record.fix.command]
    out["properties"] = {"selfheal": extra}
    return out


def rule_descriptor(record: Record, rule_id: str, redactor: Redactor) -> dict[str, Any]:
    """`tool.driver.rules[i]` for the first record of a rule (the rule id is already redacted)."""
    descriptor: dict[str, Any] = {"id": rule_id}
    if not record.rule:
        text = TYPE_DESCRIPTIONS.get(rule_id, TYPE_DESCRIPTIONS["unknown"])
        descriptor["shortDescription"] = {"text": text}
        return descriptor
    message = redactor.redact(record.message)
    doc = rule_doc(redactor.redact(record.tool), rule_id, message)
    if doc.name and doc.name != rule_id:
        descriptor["name"] = doc.name
    descriptor["shortDescription"] = {"text": one_line(message, MAX_SHORT_DESCRIPTION) or rule_id}
    if doc.url:
        descriptor["helpUri"] = doc.url
    return descriptor


def _new_run(report: Report, task: str, tool: str, redactor: Redactor) -> dict[str, Any]:
    run: dict[str, Any] = {
        "tool": {"driver": {"name": redactor.redact(tool), "rules": []}},
        "automationDetails": {"id": redactor.redact(f"{task}/")},
        "results": [],
    }
    if report.exit_code is not None:
        run["invocations"] = [
            {
                "executionSuccessful": report.exit_code == 0,
                "exitCode": report.exit_code,
                "commandLine": redactor.redact(shlex.join(report.command)),
            }
        ]
    return run


def build_log(reports: Iterable[Report], redactor: Redactor) -> dict[str, Any]:
    """Merge the records of one or more reports into a single SARIF log."""
    runs: dict[tuple[str, str], dict[str, Any]] = {}
    rule_indexes: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for report in reports:
        for record in report.records:
            key = (record.task or report.task, record.tool)
            if key not in runs:
                runs[key] = _new_run(report, key[0], record.tool, redactor)
            rule_id = redactor.redact(record.rule or value(record.type))
            indexes = rule_indexes[key]
            if rule_id not in indexes:
                indexes[rule_id] = len(indexes)
                runs[key]["tool"]["driver"]["rules"].append(rule_descriptor(record, rule_id, redactor))
            runs[key]["results"].append(result(record, rule_id, indexes[rule_id], redactor))
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": list(runs.values())}


def render(report: Report, redactor: Redactor) -> str:
    return json.dumps(build_log([report], redactor), indent=2, ensure_ascii=False) + "\n"


def write(report: Report, dest: str, redactor: Redactor | None = None) -> None:
    write_dest(dest, render(report, redactor or Redactor.from_env()))

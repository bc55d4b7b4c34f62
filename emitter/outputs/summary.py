"""End-of-run summary on stderr, in a collapsible section of the CI log.

`selfheal run` prints it after the wrapped command when errors were found. One line per record in the
familiar `file:line:col: severity: message [tool rule]` form (errors first, at most `MAX_LINES`), under a
header that each CI folds natively:

- Buildkite (`BUILDKITE` set): a `--- selfheal: 3 errors in lint` group header. `---` is a collapsed group;
  Buildkite expands the last `---` group of a log when none is marked `+++`, so the summary is open when it
  ends the log and folded when the command's own output expanded something.
- GitLab (`GITLAB_CI` set): `\\e[0Ksection_start:<unix ts>:selfheal_summary[collapsed=true]\\r\\e[0K<header>`
  … `\\e[0Ksection_end:<unix ts>:selfheal_summary\\r\\e[0K`.
- elsewhere: the header as plain text.

Also home of the small helpers the other outputs share (severity rank, counts, errors-first order). They
read the report's fields by name, so the light records `selfheal run` holds (emitter/light.py) do as well
as the pydantic models: the summary of a failing run is written without the models.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TextIO, TypeVar

from ..files import write_dest
from ..redact import Redactor

if TYPE_CHECKING:
    from .. import light
    from ..report import Record, Report

    AnyRecord = Record | light.Record

name = "summary"
suffix = None
reads_light = True  # writes a light Document as it is: no model needed (emitter/outputs/__init__.py)

MAX_LINES = 50
MAX_LINE_MESSAGE = 300
SECTION = "selfheal_summary"
RANK = {"error": 0, "warning": 1, "note": 2}
R = TypeVar("R", bound="AnyRecord")


def value(field: object) -> str:
    """An enum field as its plain value. Fields left at their default stay Enum members (pydantic does not
    validate defaults), and `str()` of those gives 'Severity.error', not 'error'."""
    return str(getattr(field, "value", field))


def rank(record: AnyRecord) -> int:
    return RANK.get(value(record.severity), 3)


def errors_first(records: Iterable[R]) -> list[R]:
    """Errors, then warnings, then notes; the report's order within each (a stable sort)."""
    return sorted(records, key=rank)


def describe_counts(records: Iterable[AnyRecord]) -> str:
    """'3 errors, 1 warning' — only the non-zero severities, or 'no errors'."""
    counts = {"error": 0, "warning": 0, "note": 0}
    for record in records:
        severity = value(record.severity)
        counts[severity] = counts.get(severity, 0) + 1
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for word, n in counts.items() if n]
    return ", ".join(parts) or "no errors"


def one_line(text: str, limit: int = MAX_LINE_MESSAGE) -> str:
    """The first non-blank line, whitespace collapsed, cut at `limit` characters."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    flat = " ".join(first.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _truthy(value: str | None) -> bool:
    return bool(value) and str(value).lower() not in ("0", "false", "no")


def format_record(record: AnyRecord, redactor: Redactor) -> str:
    where = redactor.redact(record.file or record.raw_file or "")  # a path outside the repo: as printed
    if where and record.line:
        where += f":{record.line}" + (f":{record.column}" if record.column else "")
    label = "FAILED" if value(record.type) == "test_failure" else value(record.severity)
    what = f"{label} {redactor.redact(record.test)}" if record.test else label
    origin = " ".join(redactor.redact(part) for part in (record.tool, record.rule or "") if part)
    head = f"{where}: {what}" if where else what
    return f"{head}: {one_line(redactor.redact(record.message))} [{origin}]"


def render(
    report: Report | light.Document,
    redactor: Redactor,
    env: Mapping[str, str] | None = None,
    now: float | None = None,
) -> str:
    env = os.environ if env is None else env
    records = errors_first(report.records)
    header = f"selfheal: {describe_counts(records)} in {redactor.redact(report.task)}"
    lines = [f"  {format_record(record, redactor)}" for record in records[:MAX_LINES]]
    hidden = len(records) - len(lines)
    if hidden > 0:
        lines.append(f"  … {hidden} more records in the report")
    if report.records_dropped:
        lines.append(f"  ({report.records_dropped} more records were dropped by the report's cap)")
    body = "".join(line + "\n" for line in lines)
    stamp = int(time.time() if now is None else now)
    if _truthy(env.get("BUILDKITE")):
        return f"--- {header}\n{body}"
    if _truthy(env.get("GITLAB_CI")):
        start = f"\x1b[0Ksection_start:{stamp}:{SECTION}[collapsed=true]\r\x1b[0K{header}\n"
        return f"{start}{body}\x1b[0Ksection_end:{stamp}:{SECTION}\r\x1b[0K\n"
    return f"{header}\n{body}"


def write(
    report: Report | light.Document,
    dest: str,
    redactor: Redactor | None = None,
    env: Mapping[str, str] | None = None,
    stream: TextIO | None = None,
) -> None:
    """`-` is stderr (stdout belongs to the wrapped command's pass-through); a path gets a file."""
    text = render(report, redactor or Redactor.from_env(env), env)
    write_dest(dest, text, stream or sys.stderr)

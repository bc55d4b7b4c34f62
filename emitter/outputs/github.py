"""GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…::message` line per record.

The runner turns each line into an annotation on the run and on the pull request diff. Escaping follows
the runner: in the message `%`, CR and LF become `%25`, `%0D`, `%0A` (so a message can never start a
second command); property values additionally escape `:` and `,` (`%3A`, `%2C`). Columns are only sent
for single-line regions: the runner rejects `col`/`endColumn` when `line` and `endLine` differ.
Destination `-` is stdout, where the runner reads commands; any other destination is a file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..files import write_dest
from ..redact import Redactor
from .summary import errors_first, value

if TYPE_CHECKING:  # hints only: `selfheal run` imports emitter.outputs, and not pydantic
    from ..report import Record, Report

name = "github"
suffix = None

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _title(record: Record) -> str:
    if record.test:
        return f"{record.tool}: {record.test}"
    return f"{record.tool} {record.rule}" if record.rule else record.tool


def command(record: Record, redactor: Redactor) -> str:
    props: list[tuple[str, str]] = []
    if record.file:
        props.append(("file", record.file))
    if record.line:
        props.append(("line", str(record.line)))
        single_line = record.end_line is None or record.end_line == record.line
        if record.end_line:
            props.append(("endLine", str(record.end_line)))
        if single_line and record.column:
            props.append(("col", str(record.column)))
            if record.end_column:
                props.append(("endColumn", str(record.end_column)))
    props.append(("title", _title(record)))
    joined = ",".join(f"{key}={escape_property(redactor.redact(value))}" for key, value in props)
    verb = _COMMAND.get(value(record.severity), "error")
    return f"::{verb} {joined}::{escape_data(redactor.redact(record.message))}"


def render(report: Report, redactor: Redactor) -> str:
    return "".join(command(record, redactor) + "\n" for record in errors_first(report.records))


def write(report: Report, dest: str, redactor: Redactor | None = None) -> None:
    write_dest(dest, render(report, redactor or Redactor.from_env()))

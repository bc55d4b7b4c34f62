"""The report in light form: what `selfheal run` holds while the command runs and writes afterwards.

emitter/report.py's pydantic models are the schema; importing and building them costs about a tenth of a
second, more than many wrapped commands take, so the emitter carries its records in these slotted
dataclasses instead and meets pydantic only when an output needs the models (`--format sarif`, …) or a
caller asks for them (`build_report`, `merge`). They mirror the models field for field: names, order and
defaults, held equal by tests/emitter/test_light.py; `as_dict` gives what `Report.model_dump(by_alias=True,
exclude_none=True, mode="json")` gives, so `Report.model_validate(as_dict(document))` is the model.

Dataclasses rather than dicts: the merge step reads and sets fields by name, which mypy then checks, and a
slotted record takes 168 bytes where a dict of its fields takes 464. `__post_init__` keeps the constraints
the schema states (enum values, positions from 1), so that a report written from here always loads through
the models. Instances compare by identity (`eq=False`): whether two records are one error is
emitter/twins.py's call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .test_counts import Counts

SCHEMA_ID = "selfheal.report/v1"
# the values of emitter.report's RecordType, Severity and Source enums
RECORD_TYPES = frozenset(
    {
        "format",
        "lint",
        "type_error",
        "syntax_error",
        "compile_error",
        "import_error",
        "test_failure",
        "security",
        "dependency",
        "infra",
        "unknown",
    }
)
SEVERITIES = frozenset({"error", "warning", "note"})
SOURCES = frozenset({"log", "junit", "sarif"})
_ALIASES = {"schema_id": "schema"}  # the model's field aliases, as by_alias=True writes them


@dataclass(slots=True, kw_only=True, eq=False)
class Edit:
    file: str
    start_line: int
    start_column: int = 1
    end_line: int
    end_column: int = 1
    text: str = ""

    def __post_init__(self) -> None:
        _positions(self, "start_line", "start_column", "end_line", "end_column")


@dataclass(slots=True, kw_only=True, eq=False)
class Fix:
    description: str = ""
    edits: list[Edit] = field(default_factory=list)
    command: list[str] | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class Record:
    type: str = "unknown"
    task: str = ""
    tool: str
    file: str | None = None
    raw_file: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    severity: str = "error"
    rule: str | None = None
    message: str
    suggestion: str | None = None
    test: str | None = None
    fingerprint: str
    source: str = "log"
    fix: Fix | None = None

    def __post_init__(self) -> None:
        for name, allowed in (("type", RECORD_TYPES), ("severity", SEVERITIES), ("source", SOURCES)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"record {name} {getattr(self, name)!r} is not one of the schema's")
        _positions(self, "line", "column", "end_line", "end_column")


@dataclass(slots=True, kw_only=True, eq=False)
class SourceFile:
    kind: str
    path: str
    records: int = 0
    error: str | None = None


@dataclass(slots=True, kw_only=True, eq=False)
class Document:
    """The Report model's fields; `ci` is emitter.ci_env's plain dict, `tests` emitter.test_counts' Counts."""

    schema_id: str = SCHEMA_ID
    task: str
    command: list[str] = field(default_factory=list)
    cwd: str | None = None
    exit_code: int | None = None
    status: str = "passed"
    partial: bool = False
    warnings: list[str] = field(default_factory=list)
    started_at: str | None = None
    duration_s: float | None = None
    ci: dict[str, object] = field(default_factory=lambda: {"provider": "local"})
    records: list[Record] = field(default_factory=list)
    records_dropped: int = 0
    messages_truncated: int = 0
    sources: list[SourceFile] = field(default_factory=list)
    log_tail: list[str] = field(default_factory=list)
    tests: Counts | None = None


def _positions(obj: object, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if value is not None and (type(value) is not int or value < 1):
            raise ValueError(f"{name} {value!r} is not a position counted from 1")


def fix_of(data: Mapping[str, Any]) -> Fix:
    """A hit's proposed fix (a dict, as readers and parsers build it), checked as the Fix model checks it:
    a dict the model would refuse is refused here too (ValueError), never written into a report."""
    unknown = set(data) - {"description", "edits", "command"}
    command = data.get("command")
    description = data.get("description", "")
    edits = data.get("edits", [])
    if unknown or not isinstance(description, str) or not isinstance(edits, list):
        raise ValueError(f"not a fix: {sorted(unknown) or data}")
    if command is not None and not (isinstance(command, list) and all(isinstance(a, str) for a in command)):
        raise ValueError(f"fix command {command!r} is not a list of strings")
    return Fix(description=description, edits=[_edit(e) for e in edits], command=command)


def _edit(data: object) -> Edit:
    if not isinstance(data, dict) or not isinstance(data.get("file"), str):
        raise ValueError(f"not an edit: {data!r}")
    if not isinstance(data.get("text", ""), str):
        raise ValueError(f"edit text {data['text']!r} is not a string")
    try:
        return Edit(**data)
    except TypeError as exc:  # a missing or unknown field
        raise ValueError(f"not an edit: {exc}") from None


def as_dict(obj: Any) -> Any:
    """The JSON form: dataclasses as dicts in field order with None fields left out, lists and dicts
    element by element; what the models' `model_dump(by_alias=True, exclude_none=True, mode="json")` gives."""
    if is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for name in _names(type(obj)):
            value = getattr(obj, name)
            if value is not None:
                out[_ALIASES.get(name, name)] = as_dict(value)
        return out
    if isinstance(obj, list):
        return [as_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {key: as_dict(value) for key, value in obj.items()}
    return obj


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def dumps(data: object) -> str:
    """The report file's layout (Report.to_json's): two-space indent, non-ASCII escaped, a final newline."""
    return json.dumps(data, indent=2) + "\n"

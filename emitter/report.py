"""The report: the one schema shared by the emitter, the fixer and users (`selfheal.report/v1`).

Every input (log parsers, JUnit, SARIF) and every output (annotation, Code Quality, SARIF) meets only here.
Imported after the wrapped command has finished: pydantic is too heavy for the start-up path. `selfheal run`
does without it unless an output needs the models: it holds and writes emitter/light.py's mirror of these
models, which tests/emitter/test_light.py holds equal to them (a field added here goes there too).
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "selfheal.report/v1"


class RecordType(str, Enum):
    format = "format"  # type: ignore[assignment]  # the member shadows str.format; the value is what counts
    lint = "lint"
    type_error = "type_error"
    syntax_error = "syntax_error"
    compile_error = "compile_error"
    import_error = "import_error"
    test_failure = "test_failure"
    security = "security"
    dependency = "dependency"
    infra = "infra"
    unknown = "unknown"


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    note = "note"


class Source(str, Enum):
    log = "log"
    junit = "junit"
    sarif = "sarif"


class _Model(BaseModel):
    # validate_default: a defaulted enum field is stored as its value too, like an assigned one
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, use_enum_values=True, validate_default=True
    )


class Edit(_Model):
    """One replacement: the text between start and end (1-based, end exclusive) becomes `text`."""

    file: str
    start_line: int = Field(ge=1)
    start_column: int = Field(1, ge=1)
    end_line: int = Field(ge=1)
    end_column: int = Field(1, ge=1)
    text: str = ""


class Fix(_Model):
    """A fix the tool itself proposed: concrete edits (SARIF `fixes`) or a command that applies it."""

    description: str = ""
    edits: list[Edit] = Field(default_factory=list)
    command: list[str] | None = None


class Record(_Model):
    type: RecordType = RecordType.unknown
    task: str = ""
    tool: str
    file: str | None = None
    raw_file: str | None = Field(None, description="The path as the tool printed it, before normalisation.")
    line: int | None = Field(None, ge=1)
    column: int | None = Field(None, ge=1)
    end_line: int | None = Field(None, ge=1)
    end_column: int | None = Field(None, ge=1)
    severity: Severity = Severity.error
    rule: str | None = None
    message: str
    suggestion: str | None = None
    test: str | None = Field(None, description="Test id for test failures (suite/class and name).")
    fingerprint: str
    source: Source = Source.log
    fix: Fix | None = None


class CI(_Model):
    provider: str = "local"
    pipeline: str | None = None
    build_id: str | None = None
    build_number: str | None = None
    build_url: str | None = None
    job_id: str | None = None
    job_url: str | None = None
    repository: str | None = None
    commit: str | None = None
    branch: str | None = None
    tag: str | None = None
    default_branch: str | None = None
    pull_request: str | None = None
    pull_request_base: str | None = None
    is_fork: bool | None = None


class SourceFile(_Model):
    kind: Source
    path: str
    records: int = 0
    error: str | None = None


class TestCounts(_Model):
    """How many tests the run collected and what became of them: from the JUnit files read for this run,
    else from the test runner's own summary at the end of the output."""

    # The fix loop refuses a fix that runs fewer tests or skips more. Same fields, same order, as
    # emitter.test_counts.Counts: the clean fast path writes that one (held byte-equal by its test).
    __test__ = False  # a schema model, not a pytest test class

    total: int = Field(ge=0, description="passed + failed + skipped; deselected/filtered tests are not in it")
    passed: int = Field(ge=0)
    failed: int = Field(ge=0, description="Failures and errors.")
    skipped: int = Field(ge=0, description="Skipped, xfailed, pending, ignored, todo.")
    source: str = Field(description='The runner whose summary it came from ("pytest", "jest", …) or "junit".')


class Report(_Model):
    schema_id: str = Field(SCHEMA_ID, alias="schema")
    task: str
    command: list[str] = Field(default_factory=list)
    cwd: str | None = Field(None, description="Where the command ran, relative to the repository root.")
    exit_code: int | None = None
    status: str = Field("passed", pattern="^(passed|failed|interrupted|parsed)$")
    partial: bool = Field(False, description="True when part of the parsing failed; see warnings.")
    warnings: list[str] = Field(default_factory=list)
    started_at: str | None = None
    duration_s: float | None = None
    ci: CI = Field(default_factory=CI)
    records: list[Record] = Field(default_factory=list)
    records_dropped: int = 0
    messages_truncated: int = 0
    sources: list[SourceFile] = Field(default_factory=list)
    log_tail: list[str] = Field(default_factory=list)
    tests: TestCounts | None = None

    def to_json(self) -> str:
        return json.dumps(self.model_dump(by_alias=True, exclude_none=True, mode="json"), indent=2) + "\n"

    @classmethod
    def load(cls, path: str) -> Report:
        with open(path, encoding="utf-8") as fh:
            return cls.model_validate(json.load(fh))


def json_schema() -> dict[str, Any]:
    schema = Report.model_json_schema(by_alias=True)
    schema["$id"] = SCHEMA_ID
    schema["title"] = "selfheal report"
    return schema

"""The light form (emitter/light.py) against the schema (emitter/report.py): same fields, same defaults, same
constraints, same JSON; and a failing `selfheal run` writes its report with it, without pydantic."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from emitter import light, report
from emitter.light import as_dict, dumps, fix_of
from emitter.test_counts import Counts

PAIRS = [
    (light.Edit, report.Edit),
    (light.Fix, report.Fix),
    (light.Record, report.Record),
    (light.SourceFile, report.SourceFile),
    (light.Document, report.Report),
    (Counts, report.TestCounts),
]
MISSING = object()


def _plain(value: Any) -> Any:
    """A default as it is written: enums as their values, models and dataclasses as their JSON."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    return as_dict(value)


def _light_defaults(cls: type) -> list[tuple[str, Any]]:
    out = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out.append((f.name, _plain(f.default)))
        elif f.default_factory is not dataclasses.MISSING:
            out.append((f.name, _plain(f.default_factory())))
        else:
            out.append((f.name, MISSING))
    return out


def _model_defaults(model: type[BaseModel]) -> list[tuple[str, Any]]:
    return [
        (name, MISSING if info.is_required() else _plain(info.get_default(call_default_factory=True)))
        for name, info in model.model_fields.items()
    ]


@pytest.mark.parametrize(("light_cls", "model"), PAIRS, ids=[m.__name__ for _, m in PAIRS])
def test_the_light_form_has_the_schema_s_fields_in_order_with_its_defaults(
    light_cls: type, model: type[BaseModel]
) -> None:
    assert _light_defaults(light_cls) == _model_defaults(model)


def test_the_enum_values_are_the_schema_s() -> None:
    assert {t.value for t in report.RecordType} == light.RECORD_TYPES
    assert {s.value for s in report.Severity} == light.SEVERITIES
    assert {s.value for s in report.Source} == light.SOURCES
    assert light.SCHEMA_ID == report.SCHEMA_ID


def _full_document() -> light.Document:
    edit = light.Edit(file="a.py", start_line=3, end_line=3, end_column=9, text="x")
    return light.Document(
        task="lint ünï",
        command=["ruff", "check"],
        cwd="sub",
        exit_code=1,
        status="failed",
        partial=True,
        warnings=["a warning"],
        started_at="2026-11-21T13:00:00+00:00",
        duration_s=1.25,
        ci={"provider": "gitlab", "job_id": "9", "is_fork": False},
        records=[
            light.Record(tool="ruff", message="m", fingerprint="f1"),  # every optional field left out
            light.Record(
                type="test_failure",
                task="lint",
                tool="pytest",
                file="a.py",
                raw_file="/abs/a.py",
                line=3,
                column=2,
                end_line=4,
                end_column=1,
                severity="warning",
                rule="R1",
                message="boom\nsecond line",
                suggestion="do this",
                test="tests/t.py::test_a",
                fingerprint="f2",
                source="junit",
                fix=light.Fix(description="d", edits=[edit], command=["ruff", "--fix"]),
            ),
            light.Record(tool="t", message="n", fingerprint="f3", fix=light.Fix(edits=[edit])),
        ],
        records_dropped=4,
        messages_truncated=1,
        sources=[
            light.SourceFile(kind="log", path="output", records=2),
            light.SourceFile(kind="sarif", path="x.sarif", error="x.sarif: ValueError: bad"),
        ],
        log_tail=["last line"],
        tests=Counts(total=3, passed=2, failed=1, skipped=0, source="pytest"),
    )


@pytest.mark.parametrize(
    "document",
    [_full_document(), light.Document(task="t")],
    ids=["every-field", "defaults"],
)
def test_as_dict_is_the_model_s_dump_key_for_key(document: light.Document) -> None:
    data = as_dict(document)
    model = report.Report.model_validate(data)
    # compared as text: the key order counts as much as the values
    assert dumps(data) == model.to_json()


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "bogus"},
        {"severity": "fatal"},
        {"source": "checkstyle"},
        {"line": 0},
        {"column": -1},
        {"end_line": True},
    ],
)
def test_a_record_the_schema_refuses_is_refused(fields: dict[str, Any]) -> None:
    given = {"tool": "t", "message": "m", "fingerprint": "f", **fields}
    with pytest.raises(ValidationError):
        report.Record.model_validate(given, strict=True)
    with pytest.raises(ValueError):
        light.Record(**given)


EDIT = {"file": "a.py", "start_line": 1, "end_line": 2}


@pytest.mark.parametrize(
    "fix",
    [
        {"description": "d", "command": ["eslint", "--fix", "a.js"]},
        {"edits": [EDIT, {**EDIT, "start_column": 4, "end_column": 2, "text": "y"}]},
        {},
    ],
)
def test_a_fix_the_schema_takes_is_the_same_fix(fix: dict[str, Any]) -> None:
    assert as_dict(fix_of(fix)) == report.Fix.model_validate(fix).model_dump(mode="json", exclude_none=True)


@pytest.mark.parametrize(
    "fix",
    [
        {"description": "d", "how": "by hand"},
        {"command": "eslint --fix"},
        {"command": ["eslint", 3]},
        {"edits": [{"file": "a.py", "start_line": 1}]},
        {"edits": [{**EDIT, "start_line": 0}]},
        {"edits": [{**EDIT, "colour": "red"}]},
        {"edits": [{**EDIT, "text": None}]},
        {"edits": "a.py"},
        {"description": None},
    ],
)
def test_a_fix_the_schema_refuses_is_refused(fix: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        report.Fix.model_validate(fix)
    with pytest.raises(ValueError):
        fix_of(fix)


def _driver(*argv: str) -> str:
    """`selfheal run` in a fresh interpreter; prints whether pydantic was imported by the end."""
    return (
        f"import sys; sys.argv = ['selfheal', 'run', *{list(argv)!r}]; from fixer.cli import main;"
        "rc = main(); print('pydantic' in sys.modules, rc)"
    )


FAILING = ["sh", "-c", 'echo "src/a.py:1:1: error: boom [misc]"; echo "b.c:2:3: warning: w" >&2; exit 1']


def test_a_failing_run_writes_its_report_and_summary_without_importing_pydantic(tmp_path: Path) -> None:
    code = _driver("--report", "r.json", "--", *FAILING)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines()[-1].split() == ["False", "1"]
    assert "selfheal: 1 error, 1 warning in" in out.stderr  # the summary
    text = (tmp_path / "r.json").read_text()
    model = report.Report.model_validate(json.loads(text))
    assert text == model.to_json()  # the very bytes the model writes
    assert [(r.file, r.severity) for r in model.records] == [("src/a.py", "error"), ("b.c", "warning")]


def test_an_output_that_reads_the_models_still_gets_them(tmp_path: Path) -> None:
    """The control: the check above would see pydantic come in, and `--format` outputs are unchanged."""
    code = _driver("--report", "r.json", "--format", "sarif=r.sarif", "--", *FAILING)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines()[-1].split() == ["True", "1"]
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert sum(len(run["results"]) for run in sarif["runs"]) == 2

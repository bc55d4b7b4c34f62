from __future__ import annotations

import json
from pathlib import Path

import pytest

from emitter.outputs import codequality
from emitter.redact import Redactor
from emitter.report import Record
from tests.emitter.outputs.sample import record, report

NO_SECRETS = Redactor()
REQUIRED = ("description", "check_name", "fingerprint", "severity")


def test_issue_carries_gitlabs_required_fields() -> None:
    issues = codequality.issues(
        report(record(file="./lib/index.py", line=42, rule="F841", message="local variable 'x' is unused")),
        NO_SECRETS,
    )
    assert issues == [
        {
            "type": "issue",
            "description": "local variable 'x' is unused",
            "check_name": "ruff/F841",
            "fingerprint": issues[0]["fingerprint"],
            "severity": "major",
            "categories": ["Style"],
            "location": {"path": "lib/index.py", "lines": {"begin": 42}},
        }
    ]
    assert (
        issues[0]["fingerprint"]
        == record(file="./lib/index.py", rule="F841", message="local variable 'x' is unused").fingerprint
    )


@pytest.mark.parametrize(
    ("severity", "kind", "expected"),
    [
        ("note", "lint", "info"),
        ("warning", "lint", "minor"),
        ("error", "lint", "major"),
        ("error", "type_error", "major"),
        ("error", "test_failure", "major"),
        ("error", "security", "critical"),
        ("warning", "security", "minor"),
        ("error", "syntax_error", "blocker"),
        ("error", "compile_error", "blocker"),
    ],
)
def test_severity_mapping(severity: str, kind: str, expected: str) -> None:
    assert codequality.severity(record(severity=severity, type=kind)) == expected


def test_default_severity_enum_maps_like_its_value() -> None:
    bare = Record.model_validate(
        {"tool": "gcc", "message": "m", "fingerprint": "f" * 16}
    )  # severity and type left at defaults
    assert codequality.severity(bare) == "major"


def test_shared_fingerprints_are_disambiguated_and_stable() -> None:
    same = [record(file="a.py", line=n, rule="E1", message="same message") for n in (1, 5, 9)]
    first = [i["fingerprint"] for i in codequality.issues(report(*same), NO_SECRETS)]
    again = [i["fingerprint"] for i in codequality.issues(report(*same), NO_SECRETS)]
    assert first[0] == same[0].fingerprint
    assert len(set(first)) == 3
    assert first == again


def test_records_without_a_file_are_left_out_and_missing_lines_become_1() -> None:
    issues = codequality.issues(
        report(
            record(tool="infra", type="infra", message="connection reset"),
            record(
                tool="pytest",
                type="test_failure",
                file="tests/t.py",
                test="tests/t.py::test_a",
                message="boom\nmore",
            ),
        ),
        NO_SECRETS,
    )
    assert [(i["location"], i["description"], i["check_name"]) for i in issues] == [
        ({"path": "tests/t.py", "lines": {"begin": 1}}, "tests/t.py::test_a: boom", "pytest/test_failure")
    ]


def test_end_line_is_kept_when_it_extends_the_region() -> None:
    issues = codequality.issues(report(record(file="a.py", line=3, end_line=7, message="m")), NO_SECRETS)
    assert issues[0]["location"]["lines"] == {"begin": 3, "end": 7}


def test_file_is_utf8_json_array_without_bom(tmp_path: Path) -> None:
    dest = tmp_path / "out" / "lint.codequality.json"
    codequality.write(report(record(file="ü.py", line=1, message="naïve ünïcode")), str(dest), NO_SECRETS)
    raw = dest.read_bytes()
    assert raw.startswith(b"[")
    data = json.loads(raw.decode("utf-8"))
    assert data[0]["description"] == "naïve ünïcode"
    assert data[0]["location"]["path"] == "ü.py"
    for issue in data:
        assert all(isinstance(issue[key], str) and issue[key] for key in REQUIRED)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}


def test_empty_report_gives_an_empty_array(tmp_path: Path) -> None:
    dest = tmp_path / "cq.json"
    codequality.write(report(status="passed"), str(dest), NO_SECRETS)
    assert dest.read_text() == "[]\n"

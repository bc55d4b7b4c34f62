"""`selfheal parse` and `selfheal schema`: the same parsing for logs that already exist, and the contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from emitter.report import Report

SELFHEAL = [sys.executable, "-m", "fixer.cli"]


def test_parse_a_saved_log_and_junit_to_stdout(tmp_path: Path) -> None:
    (tmp_path / "build.log").write_text("compiling\nsrc/app.c:12:5: error: 'n' undeclared\n")
    (tmp_path / "unit.xml").write_text(
        '<testsuite name="s"><testcase classname="tests.test_x" name="test_y" file="tests/test_x.py" line="4">'
        '<failure message="assert 1 == 2">assert 1 == 2</failure></testcase></testsuite>'
    )
    proc = subprocess.run(
        [*SELFHEAL, "parse", "--log", "build.log", "--junit", "*.xml", "--task", "ci", "--report", "-"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = Report.model_validate(json.loads(proc.stdout))
    assert report.status == "parsed" and report.task == "ci"
    found = {(r.tool, r.file, r.line, r.type) for r in report.records}
    assert ("gcc", "src/app.c", 12, "compile_error") in found
    assert any(r.type == "test_failure" and r.file == "tests/test_x.py" for r in report.records)


def test_parse_without_inputs_is_a_one_line_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run([*SELFHEAL, "parse"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_parse_missing_log_is_a_one_line_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*SELFHEAL, "parse", "--log", "nope.log"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2 and "nope.log" in proc.stderr and "Traceback" not in proc.stderr


def test_schema_is_the_report_models_json_schema() -> None:
    proc = subprocess.run([*SELFHEAL, "schema"], capture_output=True, text=True, check=True)
    schema = json.loads(proc.stdout)
    assert schema["$id"] == "selfheal.report/v1"
    assert {"task", "records", "exit_code", "ci", "log_tail"} <= set(schema["properties"])
    record = schema["$defs"]["Record"]
    assert {"fingerprint", "file", "line", "column", "rule", "type", "severity"} <= set(record["properties"])

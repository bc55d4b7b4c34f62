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


def test_parse_a_missing_log_is_one_line_and_exit_2_like_its_usage_errors(tmp_path: Path) -> None:
    """Exit 2 and one `selfheal: ` line, as a usage error; the (empty, partial) report is still written."""
    proc = subprocess.run(
        [*SELFHEAL, "parse", "--log", "nope.log"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert (proc.returncode, proc.stderr) == (
        2,
        "selfheal: cannot read log nope.log: No such file or directory\n",
    )
    report = Report.load(str(tmp_path / ".selfheal" / "parse.json"))
    assert report.partial and report.records == []
    assert report.warnings == ["cannot read log nope.log: No such file or directory"]


def test_schema_is_the_report_models_json_schema() -> None:
    proc = subprocess.run([*SELFHEAL, "schema"], capture_output=True, text=True, check=True)
    schema = json.loads(proc.stdout)
    assert schema["$id"] == "selfheal.report/v1"
    assert {"task", "records", "exit_code", "ci", "log_tail", "tests"} <= set(schema["properties"])
    counts = schema["$defs"]["TestCounts"]
    assert counts["required"] == ["total", "passed", "failed", "skipped", "source"]
    assert all(counts["properties"][k]["minimum"] == 0 for k in ("total", "passed", "failed", "skipped"))
    record = schema["$defs"]["Record"]
    assert {"fingerprint", "file", "line", "column", "rule", "type", "severity"} <= set(record["properties"])


def parse(tmp_path: Path, *args: str, code: int = 0) -> Report:
    proc = subprocess.run(
        [*SELFHEAL, "parse", *args, "--report", "-"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == code, proc.stderr
    return Report.model_validate(json.loads(proc.stdout))


def test_parse_counts_tests_from_the_end_of_each_log(tmp_path: Path) -> None:
    noise = "".join(f"collecting {i}\n" for i in range(10_000))  # the summary is far past the first 64 KiB
    (tmp_path / "py.log").write_text(noise + "===== 1 failed, 4 passed, 2 deselected in 0.31s =====\n")
    (tmp_path / "js.log").write_text("Tests:       1 skipped, 2 passed, 3 total\nDone.\n")
    (tmp_path / "none.log").write_text("nothing to see\n")
    report = parse(tmp_path, "--log", "py.log", "--log", "js.log", "--log", "none.log")
    assert report.tests is not None
    assert report.tests.model_dump() == {
        "total": 8, "passed": 6, "failed": 1, "skipped": 1, "source": "pytest+jest"
    }  # fmt: skip
    assert parse(tmp_path, "--log", "none.log").tests is None


def test_parse_sums_junit_files_and_prefers_them_to_the_log(tmp_path: Path) -> None:
    case = '<testcase classname="k" name="{}">{}</testcase>'
    for name, body in (("a.xml", "<failure/>"), ("b.xml", "<skipped/>")):
        cases = case.format("x", body) + case.format("y", "")
        (tmp_path / name).write_text(f'<testsuite name="{name}">{cases}</testsuite>')
    (tmp_path / "broken.xml").write_text("<testsuite>")
    (tmp_path / "build.log").write_text("Ran 40 tests in 1.0s\n\nOK\n")
    report = parse(tmp_path, "--log", "build.log", "--junit", "*.xml", code=2)
    assert report.tests is not None and report.partial  # the broken file is an error line, not a count
    assert report.tests.model_dump() == {
        "total": 4, "passed": 2, "failed": 1, "skipped": 1, "source": "junit"
    }  # fmt: skip

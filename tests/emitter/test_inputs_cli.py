"""`--input KIND=GLOB` on `run` and `parse`, the command line's own checks, and a wrapped command whose whole
stdout is one document.

A mistake on the command line itself (an unknown `--format` or `--input` kind, a negative or non-numeric
`--max-records`) is a one-line usage error, exit 2, before the command starts. Bad report files:
test_inputs_bad.py; real tools' files and stdout: test_inputs_live.py; hostile XML: test_inputs_hostile.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from emitter.cli import OUTPUT_NAMES
from emitter.outputs import OUTPUTS
from emitter.report import Report
from tests.helpers.fixtures import FIXTURES

SELFHEAL = [sys.executable, "-m", "fixer.cli"]
BIN = Path(sys.executable).parent
INPUTS = FIXTURES / "inputs"
RUFF = ["ruff", "check", "--isolated", "--no-cache", "--select", "E,F,I,B,UP"]


def selfheal(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SELFHEAL_ROOT": str(cwd), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for var in ("CI_PROJECT_DIR", "BUILDKITE_BUILD_CHECKOUT_PATH", "GITHUB_WORKSPACE"):
        env.pop(var, None)
    return subprocess.run([*SELFHEAL, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("selfheal: warning:")]


def load(path: Path) -> Report:
    return Report.model_validate(json.loads(path.read_text()))


def copy(tool: str, tmp_path: Path) -> Path:
    work = tmp_path / tool
    shutil.copytree(INPUTS / tool, work, ignore=shutil.ignore_patterns("target"))
    return work


def expected(tool: str) -> list[tuple[Any, ...]]:
    rows = json.loads((INPUTS / tool / "expected.json").read_text())
    return sorted((r["tool"], r["file"], r["line"], r["column"], r["rule"], r["message"]) for r in rows)


def found(report: Report) -> list[tuple[Any, ...]]:
    return sorted((r.tool, r.file, r.line, r.column, r.rule, r.message) for r in report.records)


# -- the command line -------------------------------------------------------------------------------------
def test_output_names_checked_before_start_are_the_output_registry() -> None:
    assert set(OUTPUT_NAMES) == set(OUTPUTS)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--format", "codeqaulity"], "unknown output 'codeqaulity'"),
        (
            ["--format", "sarif", "--format", "BuildKite=x.md", "--format", "junit=x.xml"],
            "unknown output 'junit'",
        ),
        (["--max-records", "-1"], "--max-records -1"),
        (["--input", "checkstyl=*.xml"], "unknown kind 'checkstyl'"),
        (["--input", "lint.xml"], "expected KIND=GLOB"),
        (["--input", "checkstyle="], "expected KIND=GLOB"),
        (["--max-records", "x"], "--max-records: invalid int value: 'x'"),
        (["--max-records"], "--max-records: expected one argument"),
        (["--frmat", "sarif"], "unrecognized arguments: --frmat"),
    ],
)
def test_a_bad_option_is_a_one_line_usage_error_before_the_command_starts(
    tmp_path: Path, args: list[str], says: str
) -> None:
    proc = selfheal(tmp_path, "run", *args, "--", "touch", "started")
    assert (proc.returncode, proc.stdout) == (2, ""), proc.stderr
    assert proc.stderr.count("\n") == 1 and says in proc.stderr and proc.stderr.startswith("selfheal")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "started").exists()
    assert not (tmp_path / ".selfheal").exists()
    (tmp_path / "build.log").write_text("src/a.c:1:2: error: x\n")
    proc = selfheal(tmp_path, "parse", "--log", "build.log", *args)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and says in proc.stderr
    assert not (tmp_path / ".selfheal").exists()


def test_the_help_names_every_kind_and_what_json_reads() -> None:
    from emitter.inputs import KINDS
    from emitter.inputs.detect import known

    for command in ("run", "parse"):
        proc = subprocess.run([*SELFHEAL, command, "--help"], capture_output=True, text=True, check=True)
        words = " ".join(proc.stdout.split())
        assert "--input KIND=GLOB" in words
        for kind in KINDS:
            assert f"{kind}: " in words, (command, kind)
        for name in {n.removesuffix("l") if n == "rdjsonl" else n for n in known()}:
            assert name.split("-")[0] in words.replace("Code Quality", "codequality"), (command, name)


def test_max_records_zero_and_known_formats_in_any_case_are_fine(tmp_path: Path) -> None:
    proc = selfheal(tmp_path, "run", "--max-records", "0", "--format", "CodeQuality", "--", "true")
    assert proc.returncode == 0 and proc.stderr == ""


# -- report files by kind -----------------------------------------------------------------------------------
def test_run_reads_input_files_written_during_the_run_only(tmp_path: Path) -> None:
    work = copy("golangci-lint", tmp_path)
    (work / "stale.xml").write_text((work / "golangci.checkstyle.xml").read_text())
    script = "cp golangci.checkstyle.xml fresh.xml; cp golangci-v1.json lint.json; exit 3"
    proc = selfheal(
        work, "run", "--report", "r.json", "--no-summary",
        "--input", "checkstyle=fresh.xml", "--input", "checkstyle=stale.xml", "--input", "json=lint.json",
        "--", "sh", "-c", script,
    )  # fmt: skip
    assert proc.returncode == 3
    assert warnings(proc.stderr) == [
        "selfheal: warning: no checkstyle file matching stale.xml was written by this run"
    ]
    report = load(work / "r.json")
    assert found(report) == expected("golangci-lint")  # checkstyle and JSON of one run: one record each
    kinds = {(s.kind, s.path, s.records) for s in report.sources if s.kind != "log"}
    assert {path for _, path, _ in kinds} == {"fresh.xml", "lint.json"}
    assert report.partial and report.warnings == [
        "no checkstyle file matching stale.xml was written by this run"
    ]


def test_input_junit_and_sarif_are_the_options_of_old(tmp_path: Path) -> None:
    case = '<testsuite name="s"><testcase classname="t" name="x"><failure message="boom"/></testcase></testsuite>'
    (tmp_path / "unit.xml").write_text(case)
    shutil.copy(FIXTURES / "sarif" / "ruff" / "report.sarif", tmp_path / "ruff.sarif")
    proc = selfheal(tmp_path, "parse", "--input", "junit=*.xml", "--input", "sarif=*.sarif", "--report", "-")
    assert proc.returncode == 0, proc.stderr
    report = Report.model_validate(json.loads(proc.stdout))
    assert {s.kind for s in report.sources} == {"junit", "sarif"}
    assert report.tests is not None and report.tests.failed == 1
    assert any(r.source == "sarif" and r.tool == "ruff" for r in report.records)


def test_a_linters_junit_gives_lint_records_and_no_test_counts(tmp_path: Path) -> None:
    work = copy("ruff", tmp_path)
    proc = selfheal(work, "parse", "--junit", "ruff.junit.xml", "--report", "-")
    assert proc.returncode == 0, proc.stderr
    report = Report.model_validate(json.loads(proc.stdout))
    assert report.tests is None  # its "tests" are findings: a fix removing them must not look like lost tests
    assert found(report) == expected("ruff")
    assert {r.type for r in report.records} == {"lint", "format", "syntax_error"}


def test_codequality_written_by_selfheal_reads_back_as_the_same_findings(tmp_path: Path) -> None:
    work = copy("ruff", tmp_path)
    proc = selfheal(
        work, "run", "--report", "first.json", "--format", "codequality=cq.json", "--no-summary",
        "--", *RUFF, "--output-format", "concise", "pkg",
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    first = load(work / "first.json")
    proc = selfheal(work, "parse", "--input", "codequality=cq.json", "--report", "-")
    assert proc.returncode == 0, proc.stderr
    again = Report.model_validate(json.loads(proc.stdout))

    def same(report: Report) -> list[tuple[Any, ...]]:
        return sorted((r.tool, r.type, r.file, r.line, r.severity, r.rule, r.message) for r in report.records)

    assert same(again) == same(first) and len(first.records) == 8
    assert {r.fingerprint for r in again.records} == {r.fingerprint for r in first.records}
    assert {r.source for r in again.records} <= {"codequality", "sarif"}  # see emitter/inputs/base.source_of


# -- a wrapped command whose whole stdout is one document ------------------------------------------------------
def run_tool(work: Path, *command: str) -> tuple[subprocess.CompletedProcess[str], Report]:
    proc = selfheal(work, "run", "--report", "r.json", "--no-summary", "--", *command)
    return proc, load(work / "r.json")


def test_a_recorded_document_printed_slowly_in_pieces_is_still_one_document(tmp_path: Path) -> None:
    work = copy("hadolint", tmp_path)
    script = (
        "import sys, time\ndata = open('hadolint.json').read()\n"
        "for i in range(0, len(data), 300):\n    sys.stdout.write(data[i:i + 300]); sys.stdout.flush(); time.sleep(0.01)\n"
        "sys.exit(1)\n"
    )
    proc, report = run_tool(work, sys.executable, "-c", script)
    assert proc.returncode == 1 and proc.stdout == (work / "hadolint.json").read_text()
    assert found(report) == expected("hadolint")


def test_parse_a_log_that_is_one_json_document_reads_it_as_that_document(tmp_path: Path) -> None:
    work = copy("pyright", tmp_path)
    proc = selfheal(work, "parse", "--log", "pyright.json", "--report", "-")
    assert proc.returncode == 0, proc.stderr
    report = Report.model_validate(json.loads(proc.stdout))
    assert found(report) == expected("pyright")
    assert [(s.kind, s.path, s.records) for s in report.sources] == [("log", "pyright.json", 12)]


@pytest.mark.parametrize(
    "stdout",
    [
        '{"status": "ok", "items": [1, 2]}\n',  # JSON, but no tool's report
        "[" * 100_000 + "]" * 100_000,  # nested past any parser's depth
        '{"reason": "compiler-message"}\nnot json\n',  # JSON lines that stop being JSON
    ],
)
def test_other_json_on_stdout_is_no_finding_and_no_warning(tmp_path: Path, stdout: str) -> None:
    (tmp_path / "out.txt").write_text(stdout)
    proc, report = run_tool(tmp_path, "sh", "-c", "cat out.txt; exit 1")
    assert proc.returncode == 1 and warnings(proc.stderr) == []
    assert report.records == [] and not report.partial


def test_text_that_starts_like_json_is_still_read_as_text(tmp_path: Path) -> None:
    script = "printf '[build] compiling\\nsrc/app.c:12:5: error: n undeclared\\n'; exit 2"
    proc, report = run_tool(tmp_path, "sh", "-c", script)
    assert proc.returncode == 2
    assert [(r.tool, r.file, r.line) for r in report.records] == [("gcc", "src/app.c", 12)]


def test_text_and_json_of_one_tool_in_one_run_give_one_record_each(tmp_path: Path) -> None:
    work = copy("ruff", tmp_path)
    both = (
        " ".join(RUFF)
        + " --output-format concise pkg; "
        + " ".join(RUFF)
        + " --output-format json pkg > ruff.json"
    )
    proc = selfheal(work, "run", "--report", "r.json", "--input", "json=ruff.json", "--", "sh", "-c", both)
    assert proc.returncode == 1, proc.stderr
    report = load(work / "r.json")
    assert found(report) == expected("ruff")
    assert [s.records for s in report.sources if s.kind == "log"] == [8]

"""The pydantic-free report of a clean run is the Report model's own document, byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from emitter import clean_report
from emitter.ci_env import ci_info
from emitter.report import CI, SCHEMA_ID, Report, SourceFile, TestCounts
from emitter.test_counts import Counts


@pytest.mark.parametrize(
    "env",
    [
        {},
        {
            "BUILDKITE": "true",
            "BUILDKITE_BUILD_URL": "https://buildkite.com/a/b/builds/3",
            "BUILDKITE_JOB_ID": "j1",
            "BUILDKITE_BRANCH": "feature/x",
            "BUILDKITE_PULL_REQUEST": "12",
            "BUILDKITE_REPO": "git@github.com:a/b.git",
            "BUILDKITE_PULL_REQUEST_REPO": "https://github.com/fork/b",
        },
        {
            "GITLAB_CI": "true",
            "CI_JOB_ID": "9",
            "CI_MERGE_REQUEST_IID": "4",
            "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "1",
            "CI_MERGE_REQUEST_PROJECT_ID": "1",
            "CI_COMMIT_SHA": "abc",
        },
    ],
)
@pytest.mark.parametrize(
    "tests",
    [None, Counts(total=9, passed=7, failed=0, skipped=2, source="pytest")],
    ids=["no-tests", "tests"],
)
def test_same_document_as_the_model(env: dict[str, str], tests: Counts | None) -> None:
    args = dict(
        task="unit tests",
        command=["pytest", "-q", "ünï"],
        cwd="sub/dir",
        started_at="2026-11-21T13:00:00+00:00",
        duration_s=1.25,
    )
    fast = clean_report.render(**args, ci=ci_info(env), tests=tests)  # type: ignore[arg-type]
    model = Report(
        **args,
        exit_code=0,
        status="passed",
        ci=CI.model_validate(ci_info(env)),  # type: ignore[arg-type]
        sources=[SourceFile(kind="log", path="output", records=0)],
        tests=TestCounts(**vars(tests)) if tests else None,
    ).to_json()
    assert fast == model
    assert clean_report.SCHEMA_ID == SCHEMA_ID


def test_a_passing_run_writes_it_without_importing_pydantic(tmp_path: Path) -> None:
    code = (
        "import sys, runpy; sys.argv = ['selfheal', 'run', '--report', 'r.json', '--', 'true'];"
        "from fixer.cli import main; rc = main();"
        "print('pydantic' in sys.modules, rc)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "0"]
    Report.model_validate(json.loads((tmp_path / "r.json").read_text()))


def test_a_passing_test_run_writes_its_counts_without_importing_pydantic(tmp_path: Path) -> None:
    summary = "print('Ran 3 tests in 0.002s'); print(); print('OK (skipped=1)')"
    code = (
        "import sys; sys.argv = ['selfheal', 'run', '--report', 'r.json', '--', sys.executable, '-c', "
        f"{summary!r}]; from fixer.cli import main; rc = main(); print('pydantic' in sys.modules, rc)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.split()[-2:] == ["False", "0"]
    report = Report.model_validate(json.loads((tmp_path / "r.json").read_text()))
    assert report.tests == TestCounts(total=3, passed=2, failed=0, skipped=1, source="unittest")

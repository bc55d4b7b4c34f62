"""In-process checks of `selfheal run` where the failure has to come from inside the emitter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emitter import run as run_mod
from emitter.run import RunOptions, run
from emitter.scan import Scanner


def test_parser_crash_keeps_output_and_exit_code_and_marks_report_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def broken_feed(self: Scanner, chunk: bytes) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(Scanner, "feed", broken_feed)
    report = tmp_path / "r.json"
    code = run(
        RunOptions(command=["sh", "-c", "echo one; echo two; exit 7"], report=str(report), summary=False)
    )
    out, err = capfd.readouterr()
    assert code == 7
    assert out == "one\ntwo\n"
    assert err.count("selfheal: warning: parsing stopped after an internal error") == 1
    data = json.loads(report.read_text())
    assert data["partial"] is True
    assert data["exit_code"] == 7
    assert any("parser bug" in w for w in data["warnings"])


def test_report_failure_is_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run_mod, "_report", explode)
    code = run(RunOptions(command=["sh", "-c", "echo kept; exit 3"], report=str(tmp_path / "r.json")))
    out, err = capfd.readouterr()
    assert (code, out) == (3, "kept\n")
    assert err == "selfheal: warning: no report written (OSError: [Errno 28] No space left on device)\n"


def test_default_task_and_report_path_come_from_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    for var in ("SELFHEAL_ROOT", "CI_PROJECT_DIR", "BUILDKITE_BUILD_CHECKOUT_PATH", "GITHUB_WORKSPACE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("BUILDKITE", "true")
    monkeypatch.setenv("BUILDKITE_LABEL", ":pytest: Unit tests")
    monkeypatch.setenv("BUILDKITE_BUILD_URL", "https://buildkite.com/acme/app/builds/12")
    monkeypatch.setenv("BUILDKITE_JOB_ID", "0190-abc")
    monkeypatch.setenv("BUILDKITE_PULL_REQUEST", "false")
    assert run(RunOptions(command=["true"], summary=False)) == 0
    data = json.loads((tmp_path / ".selfheal" / "unit-tests.json").read_text())
    assert data["task"] == "Unit tests"
    assert data["ci"]["provider"] == "buildkite"
    assert data["ci"]["job_url"] == "https://buildkite.com/acme/app/builds/12#0190-abc"
    assert "pull_request" not in data["ci"]

"""`selfheal fix` as a pipeline step runs it: exit codes, outcome.json, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.repos import make_repo

FIX = [sys.executable, "-m", "fixer.cli", "fix", "--platform", "local"]


def run_fix(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FIX, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_not_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_fix(tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "not a git repository" in proc.stderr


def test_bad_config_is_exit_2_without_traceback(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {".selfheal.yml": "mode: sideways\n"})
    proc = run_fix(repo.path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "mode" in proc.stderr


def test_nothing_failed_is_skipped_with_exit_4_and_an_outcome_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.py": "x = 1\n"})
    proc = run_fix(repo.path)
    assert proc.returncode == 4
    outcome = json.loads((repo.path / ".selfheal" / "outcome.json").read_text())
    assert outcome["schema"] == "selfheal.outcome/v1"
    assert outcome["outcome"] == "skipped"
    assert "skipped" in proc.stderr


def test_protected_branch_failure_is_skipped(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            "check.py": "print('a.py:1: error: Name \"x\" is not defined  [name-defined]')\nraise SystemExit(1)\n"
        },
        branch=None,
    )
    subprocess.run(
        [sys.executable, "-m", "fixer.cli", "run", "--", sys.executable, "check.py"],
        cwd=repo.path,
        capture_output=True,
        check=False,
    )
    proc = run_fix(repo.path)
    assert proc.returncode == 4
    assert "main is protected" in proc.stderr

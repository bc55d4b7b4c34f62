"""`selfheal fix` as a pipeline step runs it: exit codes, outcome.json, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.loop_repo import fix_cli, rules_repo
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
    assert "branch main is the default branch" in proc.stderr  # the remote's HEAD says so


def test_a_reports_path_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.py": "x = 1\n"})
    proc = run_fix(repo.path, "--reports", "build/reports")
    assert proc.returncode == 2
    assert proc.stderr == "selfheal: --reports build/reports: no such file or folder\n"


def test_every_configuration_problem_is_listed_with_its_source(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {".selfheal.yml": "mode: sideways\nmax_attempts: 0\nnonsense: 1\n"})
    proc = subprocess.run(
        [*FIX],
        cwd=repo.path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**__import__("os").environ, "SELFHEAL_ENGINE": "gpt"},
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    for needle in ("mode", "max_attempts", "nonsense", "SELFHEAL_ENGINE", ".selfheal.yml"):
        assert needle in proc.stderr, needle


def test_dry_run_prints_the_effective_configuration_and_where_each_value_came_from(tmp_path: Path) -> None:
    repo = rules_repo(tmp_path)
    repo.commit({".selfheal.yml": "max_attempts: 2\n"}, "tighten")
    proc = subprocess.run(
        [*FIX, "--dry-run", "--engine", "rules"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**__import__("os").environ, "SELFHEAL_MODEL": "claude-haiku-4-5"},
    )
    lines = proc.stdout.splitlines()
    assert any(line.startswith("max_attempts: 2 ") and "branch" in line for line in lines), proc.stdout
    assert any(line.startswith('engine: "rules"') and "flag" in line for line in lines), proc.stdout
    assert any(
        'anthropic.model: "claude-haiku-4-5"' in line and "SELFHEAL_MODEL" in line for line in lines
    ), proc.stdout
    assert any(line.startswith('mode: "push"') and "default" in line for line in lines), proc.stdout


def test_patch_mode_needs_no_remote_and_leaves_the_branch_where_it_was(tmp_path: Path) -> None:
    repo = rules_repo(tmp_path)
    repo.git("remote", "remove", "origin")
    head = repo.head()
    out, done = fix_cli(repo, {"SELFHEAL_ENGINE": "rules"}, "--mode", "patch")
    assert out["outcome"] == "fixed", done.stderr
    assert repo.head() == head and repo.git("status", "--porcelain", "--untracked-files=no") == ""
    patch = Path(out["patch_file"])
    assert "+import math" in patch.read_text()
    repo.git("apply", "--check", str(patch))


def test_a_stale_patch_is_removed_when_a_later_run_produces_none(tmp_path: Path) -> None:
    repo = rules_repo(tmp_path)
    stale = repo.path / ".selfheal" / "fix.patch"
    stale.write_text("an old patch from an earlier run\n")
    repo.git("checkout", "--quiet", "main")  # protected: this run ends without a patch
    out, _ = fix_cli(repo, {})
    assert out["outcome"] == "skipped" and not stale.exists()

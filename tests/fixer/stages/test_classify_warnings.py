"""Classify, the warnings half: a failed task's warnings are its failure when the tool that failed it fails
on them, and only then. Every report here is written by `selfheal run` around the real tool."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from emitter.report import Report
from fixer.config import Config
from fixer.context import Failure
from fixer.stages import collect
from fixer.stages.classify import classify, failing, invocations

ROOT = Path(__file__).resolve().parents[3]
PATH = os.pathsep.join(
    [str(ROOT / ".venv" / "bin"), str(ROOT / "tests" / "js" / "node_modules" / ".bin"), os.environ["PATH"]]
)
WHITESPACE_PY = "import os \n\n    \nprint(os.sep)"  # W291, W293, W292


def wrapped(tmp_path: Path, files: dict[str, str], *command: str) -> Failure:
    """The report of `selfheal run -- command` in a folder holding `files`."""
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUILDKITE", "CI", "GITLAB"))}
    env["PATH"] = PATH
    report = tmp_path / ".selfheal" / "task.json"
    subprocess.run(
        ["selfheal", "run", "--task", "task", "--report", str(report), "--no-summary", "--", *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=False,
    )
    return Failure(Report.model_validate_json(report.read_text()), str(report))


def rules_of(failure: Failure) -> list[tuple[str, str]]:
    """(rule, severity) of each record the fix loop would work on."""
    verdict = classify(failing([failure]), Config())
    return sorted((r.rule or "", r.severity) for r in verdict.fixable)


def tools_of(failure: Failure) -> list[tuple[str, str]]:
    return sorted((r.tool, r.rule or "") for r in failing([failure]) if r.severity == "error")


def test_flake8_warnings_are_the_failure(tmp_path: Path) -> None:
    task = wrapped(tmp_path, {"app.py": WHITESPACE_PY}, "flake8", "app.py")
    assert task.report.exit_code == 1 and {r.severity for r in task.records} == {"warning"}
    assert rules_of(task) == [("W291", "error"), ("W292", "error"), ("W293", "error")]
    assert classify(task.records, Config()).fixable == []  # what the tool said, before this rule


def test_yamllint_warnings_count_in_strict_mode_only(tmp_path: Path) -> None:
    files = {
        "config.yaml": "---\nkey: value   \n",
        ".yamllint": "extends: default\nrules:\n  trailing-spaces:\n    level: warning\n",
    }
    strict = wrapped(tmp_path / "strict", files, "yamllint", "--strict", "config.yaml")
    assert strict.failed and rules_of(strict) == [("trailing-spaces", "error")]
    lenient = wrapped(tmp_path / "lenient", files, "yamllint", "config.yaml")
    assert not lenient.failed and [r.rule for r in lenient.records] == ["trailing-spaces"]


def test_a_passing_tasks_warnings_never_start_a_fix(tmp_path: Path) -> None:
    wrapped(tmp_path, {"app.py": WHITESPACE_PY}, "flake8", "--exit-zero", "app.py")
    found = collect.collect([str(tmp_path / ".selfheal")])
    assert found.failures == [] and len(found.passes) == 1
    assert failing(found.failures) == []


def test_warnings_of_a_tool_that_did_not_fail_are_not_the_failure(tmp_path: Path) -> None:
    # yamllint passes with its warnings (no --strict); the script fails afterwards for its own reason
    files = {"config.yaml": "key: value\n", "check.sh": "exit 3\n"}
    task = wrapped(tmp_path, files, "sh", "-c", "yamllint config.yaml && sh check.sh")
    assert task.report.exit_code == 3 and [r.rule for r in task.records] == ["document-start"]
    assert rules_of(task) == []


def test_warnings_of_a_command_whose_status_was_overwritten_are_not_the_failure(tmp_path: Path) -> None:
    # flake8 fails, but `;` lets the script go on: its status is the last command's
    files = {"app.py": WHITESPACE_PY, "check.sh": "exit 4\n"}
    task = wrapped(tmp_path, files, "sh", "-c", "flake8 app.py; sh check.sh")
    assert task.report.exit_code == 4 and len(task.records) == 3
    assert rules_of(task) == []
    strict = wrapped(tmp_path / "e", files, "sh", "-ec", "flake8 app.py; sh check.sh")  # errexit: flake8's
    assert strict.report.exit_code == 1 and len(rules_of(strict)) == 3


def test_a_command_that_hides_its_tools_names_none(tmp_path: Path) -> None:
    files = {"app.py": WHITESPACE_PY, "Makefile": "lint:\n\tflake8 app.py\n"}
    task = wrapped(tmp_path, files, "make", "lint")
    assert task.failed and [r.tool for r in task.records].count("flake8") == 3
    assert tools_of(task) == []  # make names no tool: flake8's warnings stay warnings


def test_errors_beside_the_warnings_keep_them_as_part_of_the_failure(tmp_path: Path) -> None:
    task = wrapped(tmp_path, {"app.py": "import os \nx = os.sep == None\n"}, "flake8", "app.py")
    assert rules_of(task) == [("E711", "error"), ("W291", "error")]


def test_shellcheck_fails_on_its_notes(tmp_path: Path) -> None:
    task = wrapped(tmp_path, {"run.sh": "#!/bin/sh\necho $1\n"}, "shellcheck", "run.sh")
    assert [(r.rule, r.severity) for r in task.records] == [("SC2086", "note")]
    assert rules_of(task) == [("SC2086", "error")]


def test_eslint_warnings_beyond_max_warnings(tmp_path: Path) -> None:
    files = {
        "a.js": "var unused = 1;\n",
        "eslint.config.mjs": 'export default [{rules: {"no-unused-vars": "warn"}}];\n',
    }
    failed = wrapped(tmp_path / "zero", files, "eslint", "--max-warnings", "0", "a.js")
    assert failed.failed and rules_of(failed) == [("no-unused-vars", "error")]
    allowed = wrapped(tmp_path / "five", files, "eslint", "--max-warnings=5", "a.js")
    assert not allowed.failed


@pytest.mark.parametrize(
    ("command", "programs"),
    [
        (["python3", "-m", "flake8", "."], ["flake8"]),
        (["uv", "run", "--with", "flake8-bugbear", "flake8", "."], ["flake8"]),
        ([".venv/bin/ruff", "check", "."], ["ruff"]),
        (["env", "A=1", "timeout", "60", "yamllint", "-s", "."], ["yamllint"]),
        (["/bin/bash", "-e", "-c", "cd app\nflake8 . # lint\npytest"], ["cd", "flake8", "pytest"]),
        (["bash", "-c", "set -eu\nflake8 .\npytest"], ["set", "flake8", "pytest"]),
        (["sh", "-c", "flake8 . || true"], ["true"]),
        (["sh", "-c", "flake8 . | tee lint.log"], ["tee"]),
        (["sh", "-c", "flake8 . &\nwait"], ["wait"]),
        (["sh", "-c", "if flake8 .; then echo ok; fi"], ["fi"]),
        (["sh", "-c", "! flake8 ."], []),
        (["sh", "-c", "flake8 'unbalanced"], []),
        (["sh", "ci/lint.sh"], []),  # a script file: its commands are not in the report
    ],
)
def test_which_commands_could_have_set_the_status(command: list[str], programs: list[str]) -> None:
    assert [argv[0] for argv in invocations(command)] == programs

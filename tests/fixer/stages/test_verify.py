"""Rule 4: verify reruns what failed on the candidate tree, counts the tests it ran, and `decide` is the one
place that says deliver, hand over or reject."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from emitter.report import Report
from fixer.config import Config
from fixer.context import Failure, VerifyResult
from fixer.context import TestCounts as Counts
from fixer.proc import Runner, shell_argv
from fixer.stages import collect, verify
from fixer.stages.judge import Finding
from fixer.stages.verify import Decision, Task, combine, decide, rerun, run_all, tasks_for
from tests.helpers.loop_repo import failing_repo
from tests.helpers.repos import make_repo

PY = sys.executable


# --- building blocks ---------------------------------------------------------------------------------


def report(task: str, exit_code: int = 1, **fields: Any) -> Report:
    return Report.model_validate({"task": task, "command": ["make", task], "exit_code": exit_code, **fields})


def failure(task: str, exit_code: int = 1, **fields: Any) -> Failure:
    return Failure(report(task, exit_code, **fields), f".selfheal/{task}.json")


def runner(tmp_path: Path) -> Runner:
    """The runner the loop builds: a stripped environment of its own, nothing of the test process's."""
    return Runner({"PATH": os.environ.get("PATH", os.defpath), "HOME": str(tmp_path), "LC_ALL": "C"})


def counts(total: int, skipped: int = 0, failed: int = 0, source: str = "pytest") -> Counts:
    return Counts(total, total - skipped - failed, failed, skipped, source)


# --- tasks_for -----------------------------------------------------------------------------------------


def test_a_configured_command_is_the_one_task(tmp_path: Path) -> None:
    found = tasks_for(
        tmp_path, [failure("lint"), failure("test")], [failure("build", 0)], Config(verify="make check")
    )
    assert found == [Task("verify", shell_argv("make check"), tmp_path.resolve())]
    assert found[0].must_pass and found[0].baseline is None


def test_each_failed_task_is_rerun_as_its_report_says(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    failures = [
        failure(
            "unit",
            cwd="web",
            tests={"total": 5, "passed": 4, "failed": 1, "skipped": 0, "source": "junit"},
            sources=[{"kind": "junit", "path": "out/junit.xml"}, {"kind": "log", "path": "output"}],
        ),
        failure("lint"),
    ]
    found = tasks_for(tmp_path, failures, [failure("build", 0)], Config())
    assert found == [
        Task(
            "unit",
            ["make", "unit"],
            tmp_path.resolve() / "web",
            must_pass=True,
            baseline=Counts(5, 4, 1, 0, "junit"),
            junit=("out/junit.xml",),
        ),
        Task("lint", ["make", "lint"], tmp_path.resolve()),
    ]


def test_verify_all_adds_the_tasks_that_passed(tmp_path: Path) -> None:
    found = tasks_for(
        tmp_path, [failure("lint")], [failure("build", 0), failure("docs", 0)], Config(verify="all")
    )
    assert [(t.name, t.must_pass) for t in found] == [("lint", True), ("build", False), ("docs", False)]
    assert all(t.problem is None for t in found)


@pytest.mark.parametrize("where", ["../..", "..", "absolute", "link", "sub/../../.."])
def test_a_cwd_outside_the_repository_cannot_be_verified(tmp_path: Path, where: str) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / "sub").mkdir(parents=True)
    outside.mkdir()
    (repo / "link").symlink_to(outside)
    cwd = str(outside) if where == "absolute" else where
    [task] = tasks_for(repo, [failure("lint", cwd=cwd)], [], Config())
    assert task.problem == f"its report's cwd {cwd!r} is outside the repository"
    assert task.cwd == repo.resolve()  # never a directory outside


def test_a_missing_cwd_or_command_cannot_be_verified(tmp_path: Path) -> None:
    [missing] = tasks_for(tmp_path, [failure("lint", cwd="gone")], [], Config())
    assert missing.problem == "its report's cwd 'gone' does not exist"
    no_command = Failure(report("lint", command=[]), "lint.json")
    assert tasks_for(tmp_path, [no_command], [], Config())[0].problem == "its report names no command"
    [here] = tasks_for(tmp_path, [failure("lint", cwd=".")], [], Config())
    assert here.problem is None and here.cwd == tmp_path.resolve()


# --- rerun: real commands through the real runner ----------------------------------------------------------

PYTEST_FILE = """import pytest


def test_one():
    assert 1 + 1 == 2


def test_two():
    assert 2 * 2 == 4


@pytest.mark.skip(reason="later")
def test_three():
    pass
"""
PYTEST = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]


def pytest_task(cwd: Path, *extra: str, junit: tuple[str, ...] = ()) -> Task:
    return Task("unit", [*PYTEST, *extra], cwd, junit=junit)


def test_rerun_counts_the_tests_of_a_real_pytest_run(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"tests/test_calc.py": PYTEST_FILE})
    result = rerun(runner(tmp_path), repo.path, pytest_task(repo.path), 120)
    assert (result.ok, result.exit_code, result.detail, result.task) == (True, 0, "exit 0", "unit")
    assert result.tests == Counts(total=3, passed=2, failed=0, skipped=1, source="pytest")
    assert result.remaining == [] and result.command == PYTEST


def test_rerun_writes_no_bytecode_into_the_tree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"tests/test_calc.py": PYTEST_FILE, "tests/helper.py": "X = 1\n"})
    (repo.path / "tests" / "test_calc.py").write_text("import helper\n" + PYTEST_FILE)
    assert rerun(runner(tmp_path), repo.path, pytest_task(repo.path, "--rootdir", "tests"), 120).ok
    assert list(repo.path.rglob("__pycache__")) == [] and list(repo.path.rglob("*.pyc")) == []


def test_rerun_of_a_real_report_names_the_errors_that_remain(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    found = collect.collect([str(repo.path / ".selfheal")])
    [task] = tasks_for(repo.path, found.failures, found.passes, Config())
    assert task.command == [PY, "check.py"]
    result = rerun(runner(tmp_path), repo.path, task, 60)
    assert (result.ok, result.exit_code, result.task) == (False, 1, "check")
    assert [(r.file, r.line, r.rule, r.severity) for r in result.remaining] == [
        ("app.py", 1, "name-defined", "error")
    ]
    (repo.path / "app.py").write_text("value = 'OK'\n")
    fixed = rerun(runner(tmp_path), repo.path, task, 60)
    assert fixed.ok and fixed.exit_code == 0 and fixed.remaining == []


def test_only_errors_remain(tmp_path: Path) -> None:
    lines = [
        'app.py:1: error: Name "BUG" is not defined  [name-defined]',
        'app.py:3: warning: unused "type: ignore" comment  [unused-ignore]',
    ]
    script = "import sys\n" + "".join(f"print({line!r})\n" for line in lines) + "sys.exit(1)\n"
    (tmp_path / "check.py").write_text(script)
    result = rerun(runner(tmp_path), tmp_path, Task("check", [PY, "check.py"], tmp_path), 60)
    assert [(r.severity, r.line) for r in result.remaining] == [("error", 1)]


def test_rerun_reads_the_junit_files_the_rerun_wrote(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"tests/test_calc.py": PYTEST_FILE})
    task = pytest_task(repo.path, "--junitxml=out/junit.xml", junit=("out/junit.xml",))
    result = rerun(runner(tmp_path), repo.path, task, 120)
    assert result.tests == Counts(3, 2, 0, 1, "junit")


def test_a_junit_file_the_rerun_did_not_write_says_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"tests/test_calc.py": PYTEST_FILE})
    stale = repo.path / "out" / "junit.xml"
    stale.parent.mkdir()
    cases = "".join(f'<testcase classname="t" name="t{i}"/>' for i in range(10))
    stale.write_text(f'<testsuite name="s" tests="10">{cases}</testsuite>\n')
    old = time.time() - 3600
    os.utime(stale, (old, old))
    result = rerun(runner(tmp_path), repo.path, pytest_task(repo.path, junit=("out/junit.xml",)), 120)
    assert result.tests == Counts(3, 2, 0, 1, "pytest")  # the rerun's own summary, not the old file


def test_a_task_that_cannot_be_rerun_runs_nothing(tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    task = Task("lint", ["touch", str(ran)], tmp_path, problem="its report names no command")
    result = rerun(runner(tmp_path), tmp_path, task, 30)
    assert result == VerifyResult(
        False, None, ["touch", str(ran)], detail="cannot rerun: its report names no command", task="lint"
    )
    assert not ran.exists()


def test_a_rerun_that_runs_out_of_time(tmp_path: Path) -> None:
    result = rerun(runner(tmp_path), tmp_path, Task("slow", ["sleep", "30"], tmp_path), 0.5)
    assert (result.ok, result.exit_code, result.detail) == (False, None, "timed out")
    assert result.duration_s < 10


# --- run_all -------------------------------------------------------------------------------------------


def logging_task(tmp_path: Path, name: str, exit_code: int = 0, must_pass: bool = True) -> Task:
    """A task that notes its name in tmp_path/log when it runs."""
    line = f"echo {name} >> {tmp_path / 'log'}; exit {exit_code}"
    return Task(name, ["sh", "-c", line], tmp_path, must_pass=must_pass)


def ran(tmp_path: Path) -> list[str]:
    log = tmp_path / "log"
    return log.read_text().split() if log.exists() else []


def test_the_tasks_that_must_be_fixed_run_first(tmp_path: Path) -> None:
    tasks = [logging_task(tmp_path, "docs", must_pass=False), logging_task(tmp_path, "unit")]
    results = run_all(runner(tmp_path), tmp_path, tasks, 60)
    assert [(r.task, r.ok) for r in results] == [("unit", True), ("docs", True)]
    assert ran(tmp_path) == ["unit", "docs"]


def test_the_green_tasks_run_only_when_the_failed_ones_pass(tmp_path: Path) -> None:
    tasks = [
        logging_task(tmp_path, "docs", must_pass=False),
        logging_task(tmp_path, "unit", exit_code=1),
        logging_task(tmp_path, "lint"),
    ]
    results = run_all(runner(tmp_path), tmp_path, tasks, 60)
    assert [(r.task, r.ok) for r in results] == [("unit", False), ("lint", True)]
    assert ran(tmp_path) == ["unit", "lint"]


def test_the_time_limit_is_shared_by_all_tasks(tmp_path: Path) -> None:
    slow = Task("slow", ["sleep", "30"], tmp_path)
    started = time.monotonic()
    results = run_all(runner(tmp_path), tmp_path, [slow, logging_task(tmp_path, "quick")], 1.0)
    assert [(r.task, r.detail) for r in results] == [("slow", "timed out"), ("quick", "no time left")]
    assert not results[1].ok and ran(tmp_path) == []
    assert time.monotonic() - started < 15


# --- combine -----------------------------------------------------------------------------------------------


def result(
    task: str = "unit", ok: bool = True, tests: Counts | None = None, detail: str | None = None, **more: Any
) -> VerifyResult:
    code = 0 if ok else 1
    return VerifyResult(
        ok, code, ["make", task], detail=detail or f"exit {code}", task=task, tests=tests, **more
    )


def test_combine_nothing_is_not_a_pass() -> None:
    assert combine([]) == VerifyResult(False, None, [], detail="nothing to verify with")


def test_combine_one_result_is_that_result() -> None:
    one = result("unit", tests=counts(3), duration_s=2.0)
    assert combine([one]) == one


def test_combine_passes_only_when_every_task_passed() -> None:
    from emitter.report import Record

    rec = Record(tool="mypy", message="bad", fingerprint="f1", file="a.py")
    parts = [
        result("unit", duration_s=1.0),
        result("lint", ok=False, remaining=[rec], duration_s=2.0, tests=counts(1)),
        result("docs", ok=False, duration_s=0.5),
    ]
    combined = combine(parts)
    assert not combined.ok
    assert combined.detail == "1 of 3 task(s) pass"
    # what the model reads first is the first task that failed
    assert (combined.task, combined.command, combined.exit_code, combined.tests) == (
        "lint",
        ["make", "lint"],
        1,
        counts(1),
    )
    assert combined.remaining == [rec] and combined.duration_s == pytest.approx(3.5)
    assert combine([result("unit"), result("lint")]).ok


# --- tests_problem ---------------------------------------------------------------------------------------


def baseline_task(before: Counts | None) -> Task:
    return Task("unit", ["make", "unit"], Path("/repo"), baseline=before)


@pytest.mark.parametrize(
    ("after", "problem"),
    [
        (counts(10), None),
        (counts(12, skipped=1), None),  # more tests, no more skipped
        (counts(9), "unit: runs fewer tests (10 before, 9 now)"),
        (counts(10, skipped=2), "unit: skips more tests (1 before, 2 now)"),
        (
            counts(10, source="junit"),
            "unit: the rerun's tests were counted from junit, the build's from pytest",
        ),
        (
            None,
            "unit: the rerun printed no test summary, so it cannot be shown to run the 10 test(s) it ran before",
        ),
    ],
)
def test_tests_problem(after: Counts | None, problem: str | None) -> None:
    assert verify.tests_problem(baseline_task(counts(10, skipped=1)), result("unit", tests=after)) == problem


def test_no_baseline_or_a_failed_rerun_is_no_tests_problem() -> None:
    assert verify.tests_problem(baseline_task(None), result("unit", tests=counts(1))) is None
    # a rerun that failed is judged as unverified, not by its counts
    assert verify.tests_problem(baseline_task(counts(10)), result("unit", ok=False, tests=counts(2))) is None


# --- decide --------------------------------------------------------------------------------------------

FINDINGS = (
    Finding("tests/test_calc.py", "test", "a test file"),
    Finding(".gitlab-ci.yml", "ci_config", "CI configuration"),
    Finding("tests/data/expected.txt", "test", "test data"),
)
JUDGE_LINES = (
    "tests/test_calc.py: a test file",
    ".gitlab-ci.yml: CI configuration",
    "tests/data/expected.txt: test data",
)
MODES = ["push", "branch", "patch"]


def config(mode: str = "push", handover: str = "branch") -> Config:
    return Config.model_validate({"mode": mode, "handover": handover})


def task(name: str = "unit", must_pass: bool = True, baseline: Counts | None = None) -> Task:
    return Task(name, ["make", name], Path("/repo"), must_pass=must_pass, baseline=baseline)


def decided(
    tasks: Sequence[Task], results: Sequence[VerifyResult], findings: Sequence[Finding] = (), **cfg: str
) -> Decision:
    return decide(tasks, results, findings, config(**cfg))


@pytest.mark.parametrize("mode", MODES)
def test_a_verified_fix_that_leaves_the_judge_alone_is_delivered(mode: str) -> None:
    tasks = [task("unit", baseline=counts(10)), task("docs", must_pass=False)]
    results = [result("unit", tests=counts(10)), result("docs")]
    assert decided(tasks, results, mode=mode) == Decision("deliver", "verified")


def test_a_fix_that_changes_the_judge_is_handed_over_in_push_mode() -> None:
    got = decided([task()], [result()], FINDINGS, mode="push", handover="branch")
    assert got == Decision(
        "hand_over", "the fix changes what judges it (test, ci config); handed over for review", JUDGE_LINES
    )


def test_a_fix_that_changes_the_judge_is_rejected_without_handover() -> None:
    got = decided([task()], [result()], FINDINGS, mode="push", handover="none")
    assert got == Decision("reject", "the fix changes what judges it (test, ci config)", JUDGE_LINES)


@pytest.mark.parametrize("mode", ["branch", "patch"])
def test_a_fix_that_changes_the_judge_goes_to_a_human_anyway_in_branch_and_patch_modes(mode: str) -> None:
    for handover in ("branch", "none"):
        got = decided([task()], [result()], FINDINGS, mode=mode, handover=handover)
        assert got == Decision("deliver", "verified", JUDGE_LINES)  # the findings travel with it


def test_an_unverified_fix_is_rejected_in_push_mode() -> None:
    got = decided([task()], [result(ok=False)], mode="push")
    assert got == Decision("reject", "fix did not verify", ("unit: exit 1",))
    # the judge's findings are shown too, whatever the handover setting
    got = decided([task()], [result(ok=False)], FINDINGS, mode="push", handover="branch")
    assert got == Decision("reject", "fix did not verify", ("unit: exit 1", *JUDGE_LINES))


@pytest.mark.parametrize("mode", ["branch", "patch"])
def test_an_unverified_fix_is_handed_over_in_branch_and_patch_modes(mode: str) -> None:
    got = decided([task()], [result(ok=False, detail="timed out")], mode=mode)
    assert got == Decision("hand_over", "fix did not verify; handed over for review", ("unit: timed out",))


def test_a_task_that_was_not_rerun_is_not_verified() -> None:
    got = decided([task("unit"), task("lint")], [result("unit")], mode="push")
    assert got == Decision("reject", "fix did not verify", ("lint: not rerun",))
    assert decided([task("unit")], [], mode="push").action == "reject"


def test_a_green_task_turned_red_is_named() -> None:
    tasks = [task("unit"), task("docs", must_pass=False)]
    results = [result("unit"), result("docs", ok=False)]
    assert decided(tasks, results, mode="push") == Decision("reject", "it turns docs red", ("docs: exit 1",))
    assert decided(tasks, results, mode="branch") == Decision(
        "hand_over", "it turns docs red; handed over for review", ("docs: exit 1",)
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("after", "line"),
    [
        (counts(9), "unit: runs fewer tests (10 before, 9 now)"),
        (counts(10, skipped=1), "unit: skips more tests (0 before, 1 now)"),
        (
            None,
            "unit: the rerun printed no test summary, so it cannot be shown to run the 10 test(s) it ran before",
        ),
    ],
)
def test_fewer_tests_or_more_skipped_is_rejected_in_every_mode(
    mode: str, after: Counts | None, line: str
) -> None:
    got = decided([task(baseline=counts(10))], [result(tests=after)], FINDINGS, mode=mode, handover="branch")
    assert got == Decision("reject", "the fix makes the check run fewer tests or skip more", (line,))


def test_weakened_tests_in_any_task_reject_the_fix() -> None:
    tasks = [task("unit", baseline=counts(10)), task("e2e", must_pass=False, baseline=counts(4))]
    results = [result("unit", tests=counts(10)), result("e2e", tests=counts(3))]
    got = decided(tasks, results, mode="branch")
    assert got.action == "reject" and got.details == ("e2e: runs fewer tests (4 before, 3 now)",)


def test_a_task_that_cannot_be_rerun_is_rejected_in_push_mode(tmp_path: Path) -> None:
    [bad] = tasks_for(tmp_path, [failure("unit", cwd="../..")], [], Config())
    results = [rerun(runner(tmp_path), tmp_path, bad, 30)]
    got = decided([bad], results, mode="push")
    assert got.action == "reject" and got.reason == "a task of the build cannot be rerun"
    assert got.details == ("unit: cannot rerun: its report's cwd '../..' is outside the repository",)


@pytest.mark.parametrize("mode", ["branch", "patch"])
def test_a_task_that_cannot_be_rerun_is_rejected_in_every_mode(tmp_path: Path, mode: str) -> None:
    [bad] = tasks_for(tmp_path, [failure("unit", cwd="../..")], [], Config())
    results = [rerun(runner(tmp_path), tmp_path, bad, 30)]
    assert decided([bad], results, mode=mode).action == "reject"


def test_a_green_task_that_was_never_run_is_not_called_red(tmp_path: Path) -> None:
    tasks = [logging_task(tmp_path, "unit", exit_code=1), logging_task(tmp_path, "docs", must_pass=False)]
    results = run_all(runner(tmp_path), tmp_path, tasks, 60)
    assert ran(tmp_path) == ["unit"]
    got = decided(tasks, results, mode="push")
    assert got.reason == "fix did not verify", got

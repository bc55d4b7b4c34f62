"""Rule 4, verify, and the one place that decides what happens to a candidate fix: deliver it, hand it to a
human, or reject it.

Verify reruns every failed task's command (or the configured `verify` command) on the candidate tree
through the runner (sandboxed, no secrets); with `verify: all` it also reruns the tasks that passed in the
same build, so a fix that turns a green task red is refused. The output is parsed by the emitter, so the
loop and the model see which errors remain, not a wall of log, and the tests each rerun collected are
compared with the build's own report: a fix that runs fewer tests or skips more is refused, whatever the
exit code says.

Reports are data the branch's build wrote: a task's `cwd` must stay inside the repository, or the task
cannot be verified.

The decision (`decide`), given the mode and the judge's findings (`judge.py`):
- verified, tests intact, nothing of the judge touched → deliver (push: the failing branch; branch: a
  review branch; patch: a file);
- verified but it changes what judges it (tests, their data or configuration, CI, tool configuration,
  suppressions, the check's own script, .gitignore, .selfheal.yml), in push mode → hand over for review
  (`handover: branch`) or reject (`handover: none`);
- not verified → reject in push mode; hand over in branch and patch modes, which go to a human anyway;
- fewer tests, more skipped, or a task that cannot be rerun → reject.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.scan import scan_bytes

from ..config import Config
from ..context import Failure, TestCounts, VerifyResult
from ..proc import Runner, shell_argv
from .judge import Finding

COUNT_WINDOW = 64 * 1024  # the same end of the output the emitter reads test summaries from


@dataclass(frozen=True)
class Task:
    """One command verify reruns."""

    name: str
    command: list[str]
    cwd: Path
    must_pass: bool = True  # failed in the build (the fix must make it pass); False: passed, must stay green
    baseline: TestCounts | None = None  # what the build's own run of it collected
    junit: tuple[str, ...] = ()  # the JUnit files its report was built from (re-read after the rerun)
    problem: str | None = None  # why it cannot be rerun at all


class _CountsLike(Protocol):
    @property
    def total(self) -> int: ...
    @property
    def passed(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def skipped(self) -> int: ...
    @property
    def source(self) -> str: ...


def _counts(found: _CountsLike | None) -> TestCounts | None:
    """The emitter's counts (from a report or a rerun's output) as the loop's own record."""
    if found is None:
        return None
    return TestCounts(found.total, found.passed, found.failed, found.skipped, found.source)


def _confined(repo: Path, cwd: str | None) -> tuple[Path, str | None]:
    root = repo.resolve()
    target = (root / (cwd or ".")).resolve()
    if not target.is_relative_to(root):
        return root, f"its report's cwd {cwd!r} is outside the repository"
    if not target.is_dir():
        return root, None if not cwd or cwd == "." else f"its report's cwd {cwd!r} does not exist"
    return target, None


def _task(repo: Path, failure: Failure, must_pass: bool) -> Task:
    report = failure.report
    cwd, problem = _confined(repo, report.cwd)
    if not report.command:
        problem = problem or "its report names no command"
    junit = tuple(s.path for s in report.sources if s.kind == "junit")
    return Task(report.task, list(report.command), cwd, must_pass, _counts(report.tests), junit, problem)


def tasks_for(
    repo: Path, failures: Sequence[Failure], passes: Sequence[Failure], config: Config
) -> list[Task]:
    """What verify reruns: the configured command, or each failed task (and, for `all`, each passed one)."""
    if config.verify and config.verify != "all":
        return [Task("verify", shell_argv(config.verify), repo.resolve())]
    found = [_task(repo, f, True) for f in failures]
    if config.verify == "all":
        found += [_task(repo, p, False) for p in passes]
    return found


def _junit_counts(paths: Sequence[str], cwd: Path, since: float) -> TestCounts | None:
    """Totals of the JUnit files the rerun wrote (a file it did not rewrite says nothing about it)."""
    from emitter.junit import junit_counts
    from emitter.test_counts import combine

    fresh = [cwd / p for p in paths if (cwd / p).is_file() and (cwd / p).stat().st_mtime >= since]
    return _counts(combine(c for p in fresh if (c := junit_counts(str(p))) is not None)) if fresh else None


def rerun(
    runner: Runner, repo: Path, task: Task, timeout_s: float, heartbeat: Callable[[float], None] | None = None
) -> VerifyResult:
    from emitter.test_counts import from_text

    if task.problem:
        return VerifyResult(False, None, task.command, detail=f"cannot rerun: {task.problem}", task=task.name)
    started = time.time()
    # No bytecode caches: files the check writes into the tree would show up as changes next to the fix.
    done = runner.run(
        task.command, task.cwd, timeout_s, heartbeat=heartbeat, extra_env={"PYTHONDONTWRITEBYTECODE": "1"}
    )
    hits = scan_bytes(done.output, hint=shlex.join(task.command))
    remaining = merge(hits, task.name, PathResolver(str(repo), str(task.cwd))).records
    text = done.output[-COUNT_WINDOW:].decode("utf-8", "replace")
    tests = _junit_counts(task.junit, task.cwd, started) if task.junit else None
    tests = tests or _counts(from_text(text))
    return VerifyResult(
        ok=done.exit_code == 0 and not done.timed_out,
        exit_code=done.exit_code,
        command=task.command,
        remaining=[r for r in remaining if r.severity == "error"],
        duration_s=done.duration_s,
        detail="timed out" if done.timed_out else f"exit {done.exit_code}",
        task=task.name,
        tests=tests,
    )


def run_all(
    runner: Runner,
    repo: Path,
    tasks: Sequence[Task],
    timeout_s: float,
    heartbeat: Callable[[str], Callable[[float], None]] | None = None,
) -> list[VerifyResult]:
    """Reruns the tasks that must be fixed first; the green ones only when those pass (a fix that does
    not fix needs no second opinion). `timeout_s` is shared by all of them."""
    results: list[VerifyResult] = []
    deadline = time.monotonic() + timeout_s
    for task in sorted(tasks, key=lambda t: not t.must_pass):
        if not task.must_pass and not all(r.ok for r in results):
            break
        left = deadline - time.monotonic()
        if left <= 0:
            results.append(VerifyResult(False, None, task.command, detail="no time left", task=task.name))
            break
        beat = heartbeat(f"verify {task.name}") if heartbeat else None
        results.append(rerun(runner, repo, task, left, beat))
    return results


def combine(results: Sequence[VerifyResult]) -> VerifyResult:
    """One result for whoever asked (the model's run_verify): ok only if every rerun passed."""
    if not results:
        return VerifyResult(False, None, [], detail="nothing to verify with")
    failing = [r for r in results if not r.ok]
    first = failing[0] if failing else results[0]
    detail = (
        first.detail if len(results) == 1 else f"{len(results) - len(failing)} of {len(results)} task(s) pass"
    )
    return VerifyResult(
        ok=not failing,
        exit_code=first.exit_code,
        command=first.command,
        remaining=[rec for r in results for rec in r.remaining],
        duration_s=sum(r.duration_s for r in results),
        detail=detail,
        task=first.task,
        tests=first.tests,
    )


def tests_problem(task: Task, result: VerifyResult) -> str | None:
    """Why the rerun does not run the same tests as the build did, or None."""
    before, after = task.baseline, result.tests
    if before is None or not result.ok:
        return None
    if after is None:
        return f"{task.name}: the rerun printed no test summary, so it cannot be shown to run the {before.total} test(s) it ran before"
    if after.source != before.source:  # runners count differently (JUnit vs text): no honest comparison
        return f"{task.name}: the rerun's tests were counted from {after.source}, the build's from {before.source}"
    if after.total < before.total:
        return f"{task.name}: runs fewer tests ({before.total} before, {after.total} now)"
    if after.skipped > before.skipped:
        return f"{task.name}: skips more tests ({before.skipped} before, {after.skipped} now)"
    return None


@dataclass(frozen=True)
class Decision:
    action: Literal["deliver", "hand_over", "reject"]
    reason: str
    details: tuple[str, ...] = ()


def decide(
    tasks: Sequence[Task], results: Sequence[VerifyResult], findings: Sequence[Finding], config: Config
) -> Decision:
    by_name = {r.task: r for r in results}
    unverified = [t for t in tasks if not by_name.get(t.name, VerifyResult(False, None, [])).ok]
    weakened = [p for t in tasks if t.name in by_name and (p := tests_problem(t, by_name[t.name]))]
    if weakened:
        return Decision("reject", "the fix makes the check run fewer tests or skip more", tuple(weakened))
    judge = tuple(f"{f.path}: {f.detail}" for f in findings)
    unrunnable = tuple(f"{t.name}: cannot rerun: {t.problem}" for t in tasks if t.problem)
    if unrunnable:  # never run means never verified, in any mode: nothing to hand over either
        return Decision("reject", "a task of the build cannot be rerun", unrunnable)
    if unverified:
        lines = tuple(
            f"{t.name}: {by_name[t.name].detail if t.name in by_name else 'not rerun'}" for t in unverified
        )
        red = [t.name for t in unverified if not t.must_pass and t.name in by_name]  # rerun, and failed
        what = f"it turns {', '.join(red)} red" if red else "fix did not verify"
        if config.mode == "push":
            return Decision("reject", what, lines + judge)
        return Decision("hand_over", f"{what}; handed over for review", lines + judge)
    if judge and config.mode == "push":
        kinds = ", ".join(dict.fromkeys(f.kind.replace("_", " ") for f in findings))
        reason = f"the fix changes what judges it ({kinds})"
        if config.handover == "branch":
            return Decision("hand_over", reason + "; handed over for review", judge)
        return Decision("reject", reason, judge)
    return Decision("deliver", "verified", judge)

"""`selfheal buildkite post-command`: after the step's command, whatever its outcome.

Always returns 0: the step's own result is the agent's to report, so a problem here is one
`selfheal: warning:` line and the next part still runs. In order:

1. on failure, a report for this job when the command was not wrapped (`wrap: false`: the configured
   JUnit/SARIF files and nothing else) or left none: the fixer must know this job failed;
2. whether a fix step may be added (failure, `fix.enabled`, a branch it may push to, not yet uploaded
   for this step, attempt cap not reached), before the annotation, which says when the cap stops it;
3. on failure and `annotate`, the report's annotation (`emitter/outputs/buildkite.py`), style `error`;
4. `artifact-dir` uploaded as artifacts, on any outcome, before a fix step exists that would read them;
5. the fix step (`fix_step.py`), then the meta-data that stops automatic retries of this step from
   adding another.
A fix step the plugin uploaded (its env names the failed job) never writes a report of its own.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from ...safe_write import write_file
from . import fix_step
from .command import report_path
from .plugin_config import Plugin, load

T = TypeVar("T")
DEFAULT_SHELL = "/bin/bash -e -c"


class Agent(Protocol):
    def annotate(self, body: str, context: str, style: str, append: bool = False) -> None: ...

    def artifact_upload(self, pattern: str, cwd: Path | str) -> None: ...

    def meta_data_exists(self, key: str) -> bool: ...

    def meta_data_set(self, key: str, value: str) -> None: ...

    def pipeline_upload(self, yaml_text: str) -> None: ...


@dataclass(frozen=True)
class Job:
    """This job as the post-command hook sees it."""

    env: Mapping[str, str]
    plugin: Plugin
    task: str
    report: Path
    exit_status: int | None  # None: the agent did not say
    cwd: Path

    @property
    def failed(self) -> bool:
        return self.exit_status not in (0, None)

    @property
    def is_fixer(self) -> bool:
        return bool(self.env.get("SELFHEAL_FAILED_JOB_ID"))


@dataclass(frozen=True)
class FixDecision:
    upload: bool
    note: str | None = None  # a line for the annotation: why no fix step was added


def warn(message: str) -> None:
    sys.stderr.write(f"selfheal: warning: {' '.join(message.split())}\n")


def _guarded(what: str, fn: Callable[[], T]) -> T | None:
    try:
        return fn()
    except Exception as exc:  # one part failing must not stop the others, nor fail the step
        warn(f"{what}: {type(exc).__name__}: {exc}")
        return None


def read_job(env: Mapping[str, str], cwd: Path) -> Job:
    from emitter.ci_env import default_task

    plugin = load(env)
    task = plugin.config.task or default_task(env, [env.get("BUILDKITE_COMMAND", "")])
    status = env.get("BUILDKITE_COMMAND_EXIT_STATUS", "").strip()
    exit_status = int(status) if status.lstrip("-").isdigit() else None
    report = cwd / report_path(plugin.config.artifact_dir, task, env)
    return Job(env, plugin, task, report, exit_status, cwd)


def run(env: Mapping[str, str], agent: Agent | None = None, cwd: Path | None = None) -> int:
    """`cwd`: the checkout, where the agent runs its hooks (globs and report paths are relative to it)."""
    try:
        job = read_job(env, cwd or Path.cwd())
        if agent is None:
            from .agent_cli import AgentCLI

            agent = AgentCLI(env)
        _steps(job, agent)
    except Exception as exc:
        warn(f"post-command: {type(exc).__name__}: {exc}")
    return 0


def _steps(job: Job, agent: Agent) -> None:
    config = job.plugin.config
    if job.failed and not job.is_fixer and (not config.wrap or not job.report.is_file()):
        _guarded("report", lambda: write_report(job))
    decision = None
    if job.failed and config.fix.enabled and not job.is_fixer:
        decision = _guarded("fix step", lambda: fix_decision(job, agent))
        if decision is not None and decision.note:
            sys.stderr.write(f"selfheal: {decision.note}\n")  # in the log too, annotated or not
    if job.failed and config.annotate:
        _guarded("annotation", lambda: annotate(job, agent, decision.note if decision else None))
    _guarded("artifact upload", lambda: upload_artifacts(job, agent))
    if decision is not None and decision.upload:
        _guarded("fix step", lambda: upload_fix_step(job, agent))


def write_report(job: Job) -> None:
    """The report of a failed job that `selfheal run` did not wrap: its JUnit/SARIF files, else only the
    facts (task, command, exit code)."""
    import shlex

    from emitter.assemble import Inputs, build_report, write_all
    from emitter.normalize import find_root
    from emitter.report_files import fresh_files

    config, env = job.plugin.config, job.env

    def found(patterns: list[str]) -> list[str]:
        # any such file counts: without the wrapper there is no start time to tell this run's from older ones
        return fresh_files(patterns, None)

    patterns = [*config.junit_globs, *config.sarif_globs]
    junit, sarif = found(config.junit_globs), found(config.sarif_globs)
    command = env.get("BUILDKITE_COMMAND", "")
    shell = shlex.split(env.get("BUILDKITE_SHELL") or DEFAULT_SHELL)
    inputs = Inputs(
        task=job.task,
        command=[*shell, command] if command else [],
        status="failed",
        exit_code=job.exit_status,
        junit_files=junit,
        sarif_files=sarif,
        warnings=[f"no file matches {p}" for p in patterns if not found([p])],
    )
    report = build_report(inputs, find_root(str(job.cwd), dict(env)), env)
    for problem in write_all(report, str(job.report), [], summary=False):
        warn(problem)


def _report_status(job: Job) -> str | None:
    try:
        data = json.loads(job.report.read_bytes())
    except (OSError, ValueError):
        return None
    return data.get("status") if isinstance(data, dict) else None


def _blocked_branch(job: Job) -> bool:
    """Branches the fixer would refuse anyway (guard.py's rules) or `fix.branches` leaves out."""
    from emitter.ci_env import ci_info

    from ...config import Config
    from ...context import Facts
    from ...stages.guard import protected_by

    ci = ci_info(job.env)
    branch = str(ci.get("branch") or "")
    default = ci.get("default_branch")
    facts = Facts("buildkite", branch, None, default_branch=str(default) if default else None)
    if ci.get("tag") or ci.get("is_fork") or not branch or protected_by(branch, facts, Config()):
        return True
    patterns = job.plugin.config.fix.branches
    return bool(patterns) and not branch_matches(branch, patterns or "")


def branch_matches(branch: str, patterns: str) -> bool:
    """Buildkite's branch filter: space-separated globs, `!` excludes; no positive pattern means all."""
    from fnmatch import fnmatchcase

    words = patterns.split()
    include = [w for w in words if not w.startswith("!")]
    if any(fnmatchcase(branch, w[1:]) for w in words if w.startswith("!")):
        return False
    return not include or any(fnmatchcase(branch, w) for w in include)


def cap_reached(repo: Path, max_attempts: int | None, env: Mapping[str, str]) -> str | None:
    """Why the next attempt would exceed its cap (the ledger's reason), or None. Unreadable history is
    the fixer's to judge: it can fetch more of it."""
    from ... import git
    from ...config import Config
    from ...stages import ledger

    config = Config(max_attempts=max_attempts) if max_attempts else Config()
    default = env.get("BUILDKITE_PIPELINE_DEFAULT_BRANCH")
    # without a base the per-branch count reads every commit of the history; the checkout often has the
    # default branch's remote ref, which bounds it (the ledger ignores a base it cannot resolve)
    base = f"refs/remotes/origin/{default}" if default else None
    try:
        with git.session(env, repo):
            attempt, stop = ledger.check(repo, config, [], base)
    except (git.GitError, OSError) as exc:
        warn(f"attempts not counted ({exc})")
        return None
    return stop.reason if stop is not None and attempt > 0 else None


def fix_decision(job: Job, agent: Agent) -> FixDecision:
    if _report_status(job) == "interrupted" or _blocked_branch(job):
        return FixDecision(False)  # a cancelled job, or a branch no fix may go to
    if not job.plugin.source:
        warn("no fix step: the selfheal plugin is not in BUILDKITE_PLUGINS, so the fix step cannot use it")
        return FixDecision(False)
    failed = fix_step.FailedStep.from_env(job.env)
    if agent.meta_data_exists(fix_step.ledger_key(failed)):
        return FixDecision(False)  # an earlier job of this step (an automatic retry's first try) added it
    reason = cap_reached(job.cwd, job.plugin.config.fix.max_attempts, job.env)
    if reason:
        return FixDecision(False, f"No fix step was added: {reason}.")
    return FixDecision(True)


def annotation_context(job: Job) -> str:
    from emitter.outputs.buildkite import annotation_context as context

    index = job.env.get("BUILDKITE_PARALLEL_JOB")
    return context(f"{job.task} #{index}" if index else job.task)


def annotate(job: Job, agent: Agent, note: str | None) -> None:
    from emitter.markdown import escape_inline
    from emitter.outputs import buildkite
    from emitter.redact import Redactor
    from emitter.report import Report

    redactor = Redactor.from_env(job.env)
    extra = f"\n_{escape_inline(redactor.redact(note))}_\n" if note else ""
    report = Report.load(str(job.report))
    room = buildkite.MAX_BYTES - len(extra.encode("utf-8"))
    uploaded_as = report_path(job.plugin.config.artifact_dir, job.task, job.env)  # named by the body
    body = buildkite.render(report, redactor, room, report_file=uploaded_as) + extra
    _guarded("annotation file", lambda: write_file(job.report.with_suffix(buildkite.suffix), body))
    agent.annotate(body, context=annotation_context(job), style="error")


def upload_artifacts(job: Job, agent: Agent) -> None:
    folder = job.cwd / job.plugin.config.artifact_dir
    if not folder.is_dir() or not any(p.is_file() for p in folder.rglob("*")):
        return
    agent.artifact_upload(f"{job.plugin.config.artifact_dir.rstrip('/')}/**/*", job.cwd)


def upload_fix_step(job: Job, agent: Agent) -> None:
    failed = fix_step.FailedStep.from_env(job.env)
    agent.pipeline_upload(fix_step.render(job.plugin, failed, job.env))
    # after the upload: a lost `set` lets a retry try again, where Buildkite refuses the duplicate key
    agent.meta_data_set(fix_step.ledger_key(failed), fix_step.fix_key(failed))
    sys.stderr.write(f"selfheal: added the fix step {fix_step.fix_key(failed)}\n")


def main(env: Mapping[str, str] | None = None) -> int:
    return run(os.environ if env is None else env)

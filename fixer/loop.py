"""The order of the stages, and "exactly one outcome per run" (rule 6). No rule lives here: each stage owns its own.

unsafe checkout? → collect → guard → ledger → classify → sandbox → (infra retry | flaky rerun | escalate
out-of-policy) → baseline of a configured verify command → engines, cheapest first (`attempts.py`: diff
guard, judge, verify, decision) → commit → deliver → outcome (`outcome.finish`: written and shown).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from emitter.errors import UsageError
from emitter.redact import Redactor
from emitter.report import Record

from . import git, gitstate, sandbox
from . import outcome as outcome_mod
from .attempts import Candidate, Rerun, Trial, rerunner, verify_info
from .config import Config
from .context import Delivery, Facts, Stop, VerifyResult
from .engines import Engine, FixContext, engines_for
from .outcome import Outcome
from .paths import FilePolicy
from .platforms import Platform, ProvidesModel, StartsBuilds
from .proc import Runner
from .progress import Progress
from .safe_write import remove_stale
from .secrets import child_env
from .stages import classify, collect, commit, guard, ledger, push, tree, upstream, verify


@dataclass
class Run:
    repo: Path
    config: Config
    platform: Platform
    env: Mapping[str, str]
    facts: Facts | None = None  # read before any repository code ran (start.py); None: read here
    upstream: upstream.Upstream = field(default_factory=upstream.Upstream)
    unsafe: list[str] = field(default_factory=list)
    report_paths: list[str] = field(default_factory=list)
    outcome_path: str | None = None
    dry_run: bool = False
    engines: list[Engine] | None = None  # default: config.engine's order
    progress: Progress = field(default_factory=Progress)
    notes: list[str] = field(default_factory=list)  # said before the run began (branch settings ignored …)


@dataclass
class Known:
    """What every outcome of this run carries, gathered as the stages go."""

    records_in: int = 0
    records_dropped: int = 0
    fingerprints: list[str] = field(default_factory=list)
    attempt: int = 0
    details: list[str] = field(default_factory=list)
    tokens: int = 0
    dollars: float = 0.0
    isolation: dict[str, Any] | None = None
    failed_commit: str | None = None
    max_attempts: int | None = None

    def outcome(self, name: str, reason: str, *more_details: str, **fields: Any) -> Outcome:
        return Outcome(
            outcome=name,
            reason=reason,
            attempt=self.attempt,
            records_in=self.records_in,
            records_dropped=self.records_dropped,
            fingerprints=self.fingerprints,
            details=[*self.details, *more_details],
            tokens=self.tokens,
            dollars=round(self.dollars, 4),
            isolation=self.isolation,
            failed_commit=self.failed_commit,
            max_attempts=self.max_attempts,
            **fields,
        )

    def stop(self, stop: Stop, *more_details: str, **fields: Any) -> Outcome:
        return self.outcome(stop.outcome, stop.reason, *more_details, **fields)


def run(job: Run) -> Outcome:
    return finished(job, lambda redactor: _run(job, redactor))


def finished(job: Run, body: Callable[[Redactor], Outcome]) -> Outcome:
    """Runs `body` so that it ends in exactly one outcome, redacted, written and shown (rule 6), whatever
    it raises: a usage error is the only thing that leaves without one."""
    started = time.monotonic()
    redactor = Redactor.from_env(job.env)
    try:
        result = body(redactor)
    except (gitstate.StateChanged, git.Poisoned) as exc:
        result = Outcome(outcome="escalated", reason=str(exc))
    except git.GitError as exc:
        result = Outcome(outcome="escalated", reason=f"git failed: {exc}")
    except UsageError:
        raise
    except Exception as exc:
        result = Outcome(
            outcome="escalated", reason=f"selfheal failed: {type(exc).__name__}: {exc}", internal_error=True
        )
    result.duration_s = round(time.monotonic() - started, 3)
    result.reason = redactor.redact(result.reason)
    result.details = [redactor.redact(d) for d in result.details]
    result.summary = [redactor.redact(s) for s in result.summary]
    result.diff = redactor.redact(result.diff) if result.diff else None
    return outcome_mod.finish(result, job.outcome_path, lambda o: job.platform.show(o, job.facts))


def _stage(job: Run, name: str, start: str | None = None) -> AbstractContextManager[Callable[[str], None]]:
    return job.progress.stage(name, start)


def _run(job: Run, redactor: Redactor) -> Outcome:
    repo, config = job.repo, job.config
    known = Known(details=list(job.notes), max_attempts=config.max_attempts)
    if job.unsafe:
        why = "the checkout's git configuration names programs selfheal will not run git under"
        return known.outcome("escalated", why, *job.unsafe)
    git.exclude_locally(repo, "/.selfheal/")  # reports and outcome.json live in the checkout
    remove_stale(repo / push.DEFAULT_PATCH)  # an earlier run's patch must not pass for this run's
    facts = job.facts or job.platform.facts(repo, job.env, config.branch, config.remote)
    known.failed_commit = facts.commit
    with _stage(job, "collect") as said:
        found = collect.collect(
            job.platform.fetch_reports(repo, facts, job.report_paths), required=bool(job.report_paths)
        )
        said(f"{len(found.failures)} failed task(s), {len(found.passes)} passed")
    known.details += found.warnings
    known.records_dropped = found.records_dropped
    if not found.failures:
        return known.outcome("skipped", "no failed task reports found")
    records = classify.failing(found.failures)  # warnings that failed their task count as errors
    known.records_in = len(records)
    known.fingerprints = sorted({r.fingerprint for r in records if r.severity == "error"})
    with git.untracked_set_aside(repo):  # never in a fix, never removed when a fix is undone
        return _guarded(job, facts, found, records, known, redactor)


def _guarded(
    job: Run, facts: Facts, found: collect.Collected, records: list[Record], known: Known, redactor: Redactor
) -> Outcome:
    repo, config = job.repo, job.config
    with _stage(job, "guard") as said:
        stop = guard.check(facts, config, repo, redactor.redact)
        said(stop.reason if stop else "ok")
    if stop:
        return known.stop(stop)
    with _stage(job, "ledger") as said:
        history = ledger.History(
            facts.remote_url, guard.target_branch(facts, config, repo), facts.default_branch
        )
        known.attempt, stop = ledger.check(repo, config, known.fingerprints, job.upstream.head, history)
        said(stop.reason if stop else f"attempt {known.attempt} of {config.max_attempts}")
    if stop:
        return known.stop(stop)
    verdict = classify.classify(records, config)
    try:
        isolation = sandbox.detect(config.sandbox)
    except sandbox.SandboxUnavailable as exc:
        return known.outcome("escalated", f"sandbox {config.sandbox!r} is not available here: {exc}")
    known.isolation = isolation.as_dict()
    return _decide(job, facts, found, verdict, known, isolation, redactor)


def _decide(
    job: Run,
    facts: Facts,
    found: collect.Collected,
    verdict: Any,
    known: Known,
    isolation: sandbox.Isolation,
    redactor: Redactor,
) -> Outcome:
    repo, config = job.repo, job.config
    others = tree.Others.take(repo)
    watch = gitstate.Watch.start(repo, job.env.get("HOME"))
    runner = Runner(child_env(job.env), isolation, read_only=git.state_dirs(repo), after=watch.check)
    tasks = verify.tasks_for(repo, found.failures, found.passes, config)
    failure = found.failures[0]
    if verdict.infra and not verdict.fixable and not verdict.out_of_policy:
        line = job.platform.retry(repo, facts, failure, runner)
        return known.outcome(
            "infra_retry", f"infrastructure failure: {classify.describe(verdict.infra[0])}", line
        )
    if config.flaky_rerun:
        with _stage(job, "flaky rerun") as said:
            again = verify.run_all(runner, repo, [t for t in tasks if t.must_pass], config.verify_timeout_s)
            said("passed" if again and all(r.ok for r in again) else "still failing")
        if again and all(r.ok for r in again):
            line = job.platform.retry(repo, facts, failure, runner)
            return known.outcome("flaky", "the failed command passed when rerun untouched", line)
    if verdict.out_of_policy:
        diagnosis = [classify.describe(r) for r in verdict.out_of_policy[:20]]
        return known.outcome("escalated", f"{len(verdict.out_of_policy)} error(s) out of policy", *diagnosis)
    if not verdict.fixable:
        diagnosis = [classify.describe(r) for r in found.failures[0].records[:20]]
        return known.outcome("escalated", "the build failed without an error selfheal recognises", *diagnosis)
    if job.dry_run:
        return known.outcome("skipped", f"dry run: {len(verdict.fixable)} fixable error(s)")
    if config.verify and config.verify != "all":
        with _stage(job, "baseline", f"{config.verify} on the unfixed tree") as said:
            base = verify.run_all(runner, repo, tasks, config.verify_timeout_s, job.progress.heartbeat)
            said("passes" if base and base[0].ok else "fails, as it should")
        if base and base[0].ok:
            return known.outcome(
                "escalated", "the verify command passes without a fix: it does not check what failed"
            )
        tasks = [replace(tasks[0], baseline=base[0].tests)] if base else tasks
    rerun = rerunner(runner, repo, tasks, config.verify_timeout_s, job.progress)
    ctx = _context(job, failure, verdict.fixable, runner, rerun, redactor)
    return _engines(job, Trial(ctx, tasks, rerun, watch, others, job.progress), facts, known, redactor)


def _context(
    job: Run, failure: Any, fixable: list[Record], runner: Runner, rerun: Rerun, redactor: Redactor
) -> FixContext:
    config, repo = job.config, job.repo

    def run_verify(timeout_s: float | None = None) -> VerifyResult:
        return verify.combine(rerun(timeout_s))

    files = FilePolicy(
        protected=(*config.diff.protected_paths, *config.diff.extra_protected_paths),
        secret=tuple(config.secret_paths),
        ignored=lambda rel: git.is_ignored(repo, rel),
    )
    model = job.platform.model_env() if isinstance(job.platform, ProvidesModel) else {}
    return FixContext(
        repo=repo,
        failure=failure,
        records=fixable,
        config=config,
        env={**job.env, **model},
        runner=runner,
        verify=run_verify,
        files=files,
        redact=redactor.redact,
        progress=job.progress.line,
    )


def _engines(job: Run, trial: Trial, facts: Facts, known: Known, redactor: Redactor) -> Outcome:
    handover: Candidate | None = None
    for engine in job.engines if job.engines is not None else engines_for(job.config.engine):
        reason = engine.available(trial.ctx)
        if reason:
            known.details.append(f"{engine.name}: unavailable ({reason})")
            continue
        found = trial.attempt(engine)
        known.details.extend(trial.details)
        trial.details.clear()
        if found is None:
            continue
        known.tokens += found.cost.tokens
        known.dollars += found.cost.dollars
        if found.decision.action == "deliver":
            return deliver_candidate(job, facts, found, known, redactor, handed_over=False)
        handover = handover or _keep(job, found, known)
        tree.restore(job.repo, trial.others)
    if handover is not None:
        return deliver_candidate(job, facts, handover, known, redactor, handed_over=True)
    return known.outcome("escalated", "no engine produced a verified fix")


def _keep(job: Run, found: Candidate, known: Known) -> Candidate:
    """A candidate to hand over if no engine does better: the tree stays in the object store."""
    known.details.append(f"{found.patch.engine}: {found.decision.reason}")
    known.details.extend(f"  {line}" for line in found.decision.details[:10])
    return found


def deliver_candidate(
    job: Run, facts: Facts, found: Candidate, known: Known, redactor: Redactor, handed_over: bool
) -> Outcome:
    repo, config, patch = job.repo, job.config, found.patch
    failed = facts.commit or git.head(repo)
    where = (
        "patch"
        if config.mode == "patch"
        else "push"
        if config.mode == "push" and not handed_over
        else "review"
    )
    fixed = patch.fixed_fingerprints or known.fingerprints
    text = commit.message(patch, known.attempt, fixed, facts.build_url, config, redactor.redact)
    try:
        sha = commit.make_commit(
            repo, found.tree, git.resolve(repo, failed) or failed, text, config, where == "push"
        )
    except commit.CommitError as exc:
        return known.outcome("escalated", f"cannot commit the fix: {exc}")
    branch = guard.target_branch(facts, config, repo) or ""  # the guard has already refused an empty one
    delivery = Delivery(where, sha, failed, branch, facts.remote_url, str(repo / push.DEFAULT_PATCH))
    published = job.platform.deliver(repo, delivery)
    if where != "push":
        git.reset_hard(repo)  # the fix lives on the review branch or in the patch, not in this checkout
    common: dict[str, Any] = dict(
        engine=patch.engine,
        commit=sha,
        verify=verify_info(found.results),
        records_fixed=len(fixed),
        files=[c.path for c in found.changes],
        summary=patch.summary,
        preserving=sorted(patch.preserving),
        handed_over=handed_over,
        diff=git.git(repo, "diff", "--no-color", "--no-ext-diff", "--no-textconv", failed, sha, "--"),
    )
    if isinstance(published, push.Published):
        common.update(pushed_ref=published.pushed_ref, patch_file=published.patch_file)
        common.update(commit=published.commit or sha)
    else:
        return known.stop(published, *patch.summary, **common)
    if handed_over:  # the decision's details are in known.details already (`_keep`)
        return known.outcome("escalated", found.decision.reason, **common)
    where_to = published.pushed_ref or published.patch_file or "committed"
    started = (
        [job.platform.next_build(facts, delivery)]
        if isinstance(job.platform, StartsBuilds) and where == "push"
        else []
    )
    return known.outcome(
        "fixed",
        f"{len(patch.summary) or len(fixed)} fix(es) verified; {where_to}",
        *found.decision.details,
        *started,
        **common,
    )

"""The order of the stages, and "exactly one outcome per run" (rule 6). No rule lives here: each stage owns its own.

collect → guard → ledger → classify → (infra retry | flaky rerun | escalate out-of-policy)
        → engines, cheapest first → diff guard → syntax → verify → commit → push → outcome
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emitter.errors import UsageError
from emitter.redact import Redactor
from emitter.report import Record

from . import git
from .config import Config
from .context import Facts, Failure, Patch, Stop, VerifyResult
from .engines import Engine, FixContext, engines_for
from .outcome import Outcome, VerifyInfo
from .platforms import Platform
from .secrets import child_env
from .stages import classify, collect, commit, diffguard, guard, ledger, push, syntax, verify


@dataclass
class Run:
    repo: Path
    config: Config
    platform: Platform
    env: Mapping[str, str]
    report_paths: list[str] = field(default_factory=list)
    outcome_path: str | None = None
    dry_run: bool = False
    engines: list[Engine] | None = None  # default: config.engine's order


def run(job: Run) -> Outcome:
    started = time.monotonic()
    redactor = Redactor.from_env(job.env)
    try:
        outcome = _run(job, redactor)
    except git.GitError as exc:
        outcome = Outcome(outcome="escalated", reason=f"git failed: {exc}")
    except UsageError:
        raise
    except Exception as exc:
        outcome = Outcome(
            outcome="escalated", reason=f"selfheal failed: {type(exc).__name__}: {exc}", internal_error=True
        )
    outcome.duration_s = round(time.monotonic() - started, 3)
    outcome.reason = redactor.redact(outcome.reason)
    outcome.details = [redactor.redact(d) for d in outcome.details]
    if job.outcome_path:
        outcome.write(job.outcome_path)
    return outcome


@dataclass
class Known:
    """What every outcome of this run carries, gathered as the stages go."""

    records_in: int = 0
    fingerprints: list[str] = field(default_factory=list)
    attempt: int = 0
    details: list[str] = field(default_factory=list)
    tokens: int = 0
    dollars: float = 0.0

    def outcome(self, name: str, reason: str, *more_details: str, **fields: Any) -> Outcome:
        return Outcome(
            outcome=name,
            reason=reason,
            attempt=self.attempt,
            records_in=self.records_in,
            fingerprints=self.fingerprints,
            details=[*self.details, *more_details],
            tokens=self.tokens,
            dollars=round(self.dollars, 4),
            **fields,
        )

    def stop(self, stop: Stop, *more_details: str, **fields: Any) -> Outcome:
        return self.outcome(stop.outcome, stop.reason, *more_details, **fields)


def _run(job: Run, redactor: Redactor) -> Outcome:
    repo, config = job.repo, job.config
    git.exclude_locally(repo, "/.selfheal/")  # reports and outcome.json live in the checkout
    facts = job.platform.facts(repo, job.env, config.branch)
    failures, warnings = collect.collect(job.platform.report_paths(repo, job.report_paths))
    known = Known(details=list(warnings))
    if not failures:
        return known.outcome("skipped", "no failed task reports found")
    records = [r for f in failures for r in f.records]
    known.records_in = len(records)
    known.fingerprints = sorted({r.fingerprint for r in records if r.severity == "error"})

    stop = guard.check(facts, config, repo, redact=redactor.redact)
    if stop:
        return known.stop(stop)
    known.attempt, stop = ledger.check(repo, config, known.fingerprints, facts.default_branch)
    if stop:
        return known.stop(stop)

    verdict = classify.classify(records, config)
    stripped = child_env(job.env)
    failure = failures[0]
    if verdict.infra and not verdict.fixable and not verdict.out_of_policy:
        line = job.platform.retry(failure, stripped)
        return known.outcome(
            "infra_retry", f"infrastructure failure: {classify.describe(verdict.infra[0])}", line
        )
    if config.flaky_rerun and verify.verify(repo, failure, config, stripped).ok:
        line = job.platform.retry(failure, stripped)
        return known.outcome("flaky", "the failed command passed when rerun untouched", line)
    if verdict.out_of_policy:
        diagnosis = [classify.describe(r) for r in verdict.out_of_policy[:20]]
        return known.outcome("escalated", f"{len(verdict.out_of_policy)} error(s) out of policy", *diagnosis)
    if not verdict.fixable:
        diagnosis = [classify.describe(r) for r in records[:20]]
        return known.outcome("escalated", "the build failed without an error selfheal recognises", *diagnosis)
    if job.dry_run:
        return known.outcome("skipped", f"dry run: {len(verdict.fixable)} fixable error(s)")
    with git.untracked_set_aside(repo):  # never in a fix, never removed when a fix is undone
        return _fix(job, facts, failure, verdict.fixable, known, stripped, redactor)


def _fix(
    job: Run,
    facts: Facts,
    failure: Failure,
    fixable: list[Record],
    known: Known,
    stripped: dict[str, str],
    redactor: Redactor,
) -> Outcome:
    repo, config = job.repo, job.config

    def run_verify() -> VerifyResult:
        return verify.verify(repo, failure, config, stripped)

    ctx = FixContext(
        repo=repo,
        failure=failure,
        records=fixable,
        config=config,
        env=job.env,
        child_env=stripped,
        verify=run_verify,
        redact=redactor.redact,
    )
    for engine in job.engines if job.engines is not None else engines_for(config.engine):
        reason = engine.available(ctx)
        if reason:
            known.details.append(f"{engine.name}: unavailable ({reason})")
            continue
        patch = engine.fix(ctx)
        if patch is None:
            known.tokens += int(getattr(engine, "tokens", 0))  # a model that gave up still cost something
            known.dollars += float(getattr(engine, "dollars", 0.0))
            why = getattr(engine, "last_reason", None)
            known.details.append(f"{engine.name}: no fix" + (f" ({why})" if why else ""))
            git.reset_hard(repo)
            continue
        known.tokens += patch.tokens
        known.dollars += patch.dollars
        problems = diffguard.check(repo, patch, config.diff) + syntax.check(repo, patch.files)
        if problems:
            known.details.extend(f"{engine.name}: rejected: {p}" for p in problems)
            git.reset_hard(repo)
            continue
        checked = run_verify()
        info = VerifyInfo(
            ok=checked.ok,
            command=checked.command,
            exit_code=checked.exit_code,
            remaining=len(checked.remaining),
            duration_s=round(checked.duration_s, 3),
        )
        if not checked.ok and config.mode == "push":
            known.details.append(
                f"{engine.name}: fix did not verify ({checked.detail}, {len(checked.remaining)} error(s) left)"
            )
            known.details.extend(f"  {classify.describe(r)}" for r in checked.remaining[:5])
            git.reset_hard(repo)
            continue
        return _deliver(job, facts, patch, known, info, redactor)
    return known.outcome("escalated", "no engine produced a verified fix")


def _deliver(
    job: Run, facts: Facts, patch: Patch, known: Known, info: VerifyInfo, redactor: Redactor
) -> Outcome:
    repo, config = job.repo, job.config
    fixed = patch.fixed_fingerprints or known.fingerprints
    sha = commit.make_commit(
        repo, patch, known.attempt, fixed, facts.build_url, config, redact=redactor.redact
    )
    branch = guard.target_branch(facts, config, repo) or ""  # the guard has already refused an empty one
    published = push.publish(
        repo,
        config.mode,
        config.remote,
        branch,
        facts.commit or "",
        config,
        str(repo / ".selfheal" / "fix.patch"),
        redact=redactor.redact,
    )
    common: dict[str, Any] = dict(engine=patch.engine, commit=sha, verify=info, records_fixed=len(fixed))
    if isinstance(published, Stop):
        return known.stop(published, *patch.summary, **common)
    common.update(pushed_ref=published.pushed_ref, patch_file=published.patch_file)
    if not info.ok:  # branch/patch mode: an unverified fix goes to a human, never to the failing branch
        return known.outcome(
            "escalated", "fix did not verify; handed over for review", *patch.summary, **common
        )
    where = published.pushed_ref or published.patch_file or "committed locally"
    return known.outcome(
        "fixed", f"{len(patch.summary) or len(fixed)} fix(es) verified; {where}", *patch.summary, **common
    )

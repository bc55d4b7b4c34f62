"""The order of the stages, and "exactly one outcome per run" (rule 6). No rule lives here: each stage owns its own.

collect → guard → ledger → classify → (infra retry | flaky rerun | escalate out-of-policy)
        → engines, cheapest first → diff guard → syntax → verify → commit → push → outcome
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from emitter.redact import Redactor
from emitter.report import Record

from . import git
from .config import Config
from .context import Facts, Failure, Patch, Stop, VerifyResult
from .engines import FixContext, engines_for
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


def run(job: Run) -> Outcome:
    started = time.monotonic()
    redactor = Redactor.from_env(job.env)
    try:
        outcome = _run(job, redactor)
    except git.GitError as exc:
        outcome = Outcome(outcome="escalated", reason=f"git failed: {exc}")
    outcome.duration_s = round(time.monotonic() - started, 3)
    outcome.reason = redactor.redact(outcome.reason)
    outcome.details = [redactor.redact(d) for d in outcome.details]
    if job.outcome_path:
        outcome.write(job.outcome_path)
    return outcome


def _stop(stop: Stop, **extra: object) -> Outcome:
    return Outcome(outcome=stop.outcome, reason=stop.reason, **extra)  # type: ignore[arg-type]


def _run(job: Run, redactor: Redactor) -> Outcome:
    repo, config = job.repo, job.config
    facts = job.platform.facts(repo, job.env, config.branch)
    failures, warnings = collect.collect(job.platform.report_paths(repo, job.report_paths))
    if not failures:
        return Outcome(outcome="skipped", reason="no failed task reports found", details=warnings)
    records = [r for f in failures for r in f.records]
    fingerprints = sorted({r.fingerprint for r in records if r.severity == "error"})
    base = dict(records_in=len(records), fingerprints=fingerprints, details=list(warnings))

    stop = guard.check(facts, config, repo, redact=redactor.redact)
    if stop:
        return _stop(stop, **base)
    attempt, stop = ledger.check(repo, config, fingerprints, facts.default_branch)
    base["attempt"] = attempt
    if stop:
        return _stop(stop, **base)

    verdict = classify.classify(records, config)
    stripped = child_env(job.env)
    failure = failures[0]
    if verdict.infra and not verdict.fixable and not verdict.out_of_policy:
        line = job.platform.retry(failure, stripped)
        return Outcome(outcome="infra_retry", reason=f"infrastructure failure: {classify.describe(verdict.infra[0])}",
                       **{**base, "details": [*warnings, line]})
    if config.flaky_rerun:
        rerun = verify.verify(repo, failure, config, stripped)
        if rerun.ok:
            line = job.platform.retry(failure, stripped)
            return Outcome(outcome="flaky", reason="the failed command passed when rerun untouched",
                           **{**base, "details": [*warnings, line]})
    if verdict.out_of_policy or not verdict.fixable:
        shown = verdict.out_of_policy or records
        diagnosis = [classify.describe(r) for r in shown[:20]]
        why = "out of policy" if verdict.out_of_policy else "no recognisable error to fix"
        return Outcome(outcome="escalated", reason=f"{len(verdict.out_of_policy)} error(s) {why}"
                       if verdict.out_of_policy else why, **{**base, "details": [*warnings, *diagnosis]})
    if job.dry_run:
        return Outcome(outcome="skipped", reason=f"dry run: {len(verdict.fixable)} fixable error(s)", **base)
    return _fix(job, facts, failure, verdict.fixable, attempt, fingerprints, base, stripped, redactor)


def _fix(job: Run, facts: Facts, failure: Failure, fixable: list[Record], attempt: int, fingerprints: list[str],
         base: dict[str, object], stripped: dict[str, str], redactor: Redactor) -> Outcome:
    repo, config = job.repo, job.config
    notes: list[str] = list(base.pop("details"))  # type: ignore[arg-type]

    def run_verify() -> VerifyResult:
        return verify.verify(repo, failure, config, stripped)

    ctx = FixContext(repo=repo, failure=failure, records=fixable, config=config, env=job.env,
                     child_env=stripped, verify=run_verify, redact=redactor.redact)
    tokens, dollars = 0, 0.0
    for engine in engines_for(config.engine):
        reason = engine.available(ctx)
        if reason:
            notes.append(f"{engine.name}: unavailable ({reason})")
            continue
        patch = engine.fix(ctx)
        if patch is None:
            notes.append(f"{engine.name}: no fix")
            git.reset_hard(repo)
            continue
        tokens, dollars = tokens + patch.tokens, dollars + patch.dollars
        problems = diffguard.check(repo, patch, config.diff) + syntax.check(repo, patch.files)
        if problems:
            notes.extend(f"{engine.name}: rejected: {p}" for p in problems)
            git.reset_hard(repo)
            continue
        checked = run_verify()
        info = VerifyInfo(ok=checked.ok, command=checked.command, exit_code=checked.exit_code,
                          remaining=len(checked.remaining), duration_s=round(checked.duration_s, 3))
        if not checked.ok and config.mode == "push":
            notes.append(f"{engine.name}: fix did not verify ({checked.detail}, {len(checked.remaining)} error(s) left)")
            notes.extend(f"  {classify.describe(r)}" for r in checked.remaining[:5])
            git.reset_hard(repo)
            continue
        return _deliver(job, facts, patch, attempt, fingerprints, base, notes, info, redactor, tokens, dollars)
    return Outcome(outcome="escalated", reason="no engine produced a verified fix", details=notes,
                   tokens=tokens, dollars=round(dollars, 4), **base)  # type: ignore[arg-type]


def _deliver(job: Run, facts: Facts, patch: Patch, attempt: int, fingerprints: list[str], base: dict[str, object],
             notes: list[str], info: VerifyInfo, redactor: Redactor, tokens: int, dollars: float) -> Outcome:
    repo, config = job.repo, job.config
    fixed = patch.fixed_fingerprints or fingerprints
    sha = commit.make_commit(repo, patch, attempt, fixed, facts.build_url, config, redact=redactor.redact)
    branch = guard.target_branch(facts, config, repo) or ""  # the guard has already refused an empty one
    published = push.publish(repo, config.mode, config.remote, branch, facts.commit or "", config,
                             str(repo / ".selfheal" / "fix.patch"), redact=redactor.redact)
    common = dict(engine=patch.engine, commit=sha, verify=info, tokens=tokens, dollars=round(dollars, 4),
                  records_fixed=len(fixed), **base)
    if isinstance(published, Stop):
        return _stop(published, details=[*notes, *patch.summary], **common)
    if not info.ok:  # branch/patch mode: an unverified fix goes to a human, never to the failing branch
        return Outcome(outcome="escalated", reason="fix did not verify; handed over for review",
                       pushed_ref=published.pushed_ref, patch_file=published.patch_file,
                       details=[*notes, *patch.summary], **common)  # type: ignore[arg-type]
    where = published.pushed_ref or published.patch_file or "the working tree"
    return Outcome(outcome="fixed", reason=f"{len(patch.summary) or len(fixed)} fix(es) verified, {where}",
                   pushed_ref=published.pushed_ref, patch_file=published.patch_file,
                   details=[*notes, *patch.summary], **common)  # type: ignore[arg-type]

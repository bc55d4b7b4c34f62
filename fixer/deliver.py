"""`selfheal deliver`: the second job of the hardened deployment — the write token never meets repository code.

`selfheal fix --mode patch` ran in a job with no write token (only the model's access) and left two
artifacts: `fix.patch` and its `outcome.json`. This job holds the token and runs nothing from the repository:
no verify, no formatter, no hook. It checks the patch job's outcome says the fix was verified, that the patch
applies to the failed commit, then re-runs what needs no repository code — the guard, the ledger, the diff
guard, the syntax check and the judge — on the applied patch, and commits and delivers it with the lease.
The decision is `verify.decide`'s, with the patch job's verify results as the evidence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emitter.redact import Redactor

from . import git
from .attempts import Candidate, judge_tree
from .context import Attempt, Patch, TestCounts, VerifyResult
from .loop import Known, Run, deliver_candidate, finished
from .outcome import Outcome
from .stages import changes, diffguard, guard, judge, ledger, syntax, tree, verify

MAX_PATCH_BYTES = 8 * 1024 * 1024


def _verified(record: dict[str, object]) -> list[VerifyResult]:
    info = record.get("verify")
    tasks = info.get("tasks", []) if isinstance(info, dict) else []
    results = []
    for task in tasks if isinstance(tasks, list) else []:
        if not isinstance(task, dict):
            continue
        tests = task.get("tests") if isinstance(task.get("tests"), dict) else None
        counts = (
            TestCounts(int(tests.get("total", 0)), skipped=int(tests.get("skipped", 0))) if tests else None
        )
        command = [str(x) for x in task.get("command", [])] if isinstance(task.get("command"), list) else []
        results.append(
            VerifyResult(task.get("ok") is True, None, command, task=str(task.get("task")), tests=counts)
        )
    return results


def _read(path: Path, limit: int) -> bytes:
    if not path.is_file() or path.stat().st_size > limit:
        raise ValueError(f"{path}: missing, not a file, or larger than {limit} bytes")
    return path.read_bytes()


def run(job: Run, patch_file: Path, record_file: Path) -> Outcome:
    return finished(job, lambda redactor: _run(job, patch_file, record_file, redactor))


def _run(job: Run, patch_file: Path, record_file: Path, redactor: Redactor) -> Outcome:
    repo = job.repo
    known = Known(details=list(job.notes))
    if job.unsafe:
        return known.outcome("escalated", "the checkout's git configuration is unsafe", *job.unsafe)
    try:
        record = json.loads(_read(record_file, 4 * 1024 * 1024))
        raw = _read(patch_file, MAX_PATCH_BYTES)
    except (ValueError, OSError, json.JSONDecodeError) as exc:
        return known.outcome("skipped", f"nothing to deliver: {exc}")
    if not isinstance(record, dict) or record.get("outcome") != "fixed" or record.get("handed_over"):
        return known.outcome("skipped", "the patch job did not produce a verified fix for this branch")
    git.exclude_locally(repo, "/.selfheal/")  # the artifacts themselves are no change to the checkout
    with git.untracked_set_aside(repo):
        return _deliver(job, raw, record, known, redactor)


def _deliver(job: Run, raw: bytes, record: dict[str, Any], known: Known, redactor: Redactor) -> Outcome:
    repo, config = job.repo, job.config
    results = _verified(record)
    if not results or not all(r.ok for r in results):
        return known.outcome("skipped", "the patch job's outcome does not show a passing verify")
    fingerprints = [str(f) for f in record.get("fingerprints", []) if isinstance(f, str)]
    known.fingerprints = fingerprints
    facts = job.facts or job.platform.facts(repo, job.env, config.branch, config.remote)
    known.failed_commit = facts.commit
    made_for = record.get("failed_commit")
    if not isinstance(made_for, str) or made_for != facts.commit:
        return known.outcome(
            "skipped", f"the patch was made for commit {str(made_for)[:12]}, not this build's"
        )
    stop = guard.check(facts, config, repo, redactor.redact)
    if stop:
        return known.stop(stop)
    history = ledger.History(facts.remote_url, guard.target_branch(facts, config, repo), facts.default_branch)
    known.attempt, stop = ledger.check(repo, config, fingerprints, job.upstream.head, history)
    if stop:
        return known.stop(stop)
    others = tree.Others.take(repo)
    done = _apply(repo, raw)
    if done:
        tree.restore(repo, others)
        return known.outcome("escalated", f"the patch does not apply to the failed commit: {done}")
    candidate = tree.candidate(repo)
    changed = changes.changes(repo, candidate)
    engine = str(record.get("engine") or "unknown")
    problems = diffguard.check(repo, changed, config.diff) + syntax.check(
        repo, [c.path for c in changed if c.status != "D"]
    )
    if not changed or problems:
        tree.restore(repo, others)
        return known.outcome(
            "escalated",
            "the patch fails the diff guard" if problems else "the patch changes nothing",
            *problems,
        )
    preserving = frozenset(str(p) for p in record.get("preserving", []) if isinstance(p, str))
    commands = [r.command for r in results if r.command]
    findings = judge.check(changed, commands, judge_tree(repo), preserving)
    tasks = [verify.Task(r.task, r.command, repo) for r in results]
    decision = verify.decide(tasks, results, findings, config)
    if decision.action == "reject":
        tree.restore(repo, others)
        return known.outcome("escalated", decision.reason, *decision.details)
    summary = [str(s) for s in record.get("summary", []) if isinstance(s, str)]
    patch = Patch(engine, [c.path for c in changed], summary, fingerprints, preserving)
    found = Candidate(patch, candidate, changed, results, decision, Attempt(engine, patch))
    return deliver_candidate(job, facts, found, known, redactor, handed_over=decision.action == "hand_over")


def _apply(repo: Path, raw: bytes) -> str | None:
    """Applies the patch to the working tree; the reason it does not apply, or None."""
    try:
        git.output_bytes(repo, "apply", "--check", "--whitespace=nowarn", "-", input=raw)
    except git.GitError as exc:
        return git.error_line(exc.stderr)
    git.output_bytes(repo, "apply", "--whitespace=nowarn", "-", input=raw)
    return None

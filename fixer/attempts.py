"""One engine's try, from its edits to a decision — the order of the candidate's stages, no rule of its own:

engine → git state unchanged → ignored files its session created dropped → candidate tree → diff guard and
syntax check on git's diff of that tree → the judge's findings → verify → git state unchanged, tree still
the candidate → `verify.decide`.

Whatever is rejected leaves the tree as it was before the engine (`tree.restore`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import git
from .context import Attempt, Change, Patch, VerifyResult
from .engines import Engine, FixContext
from .gitstate import Watch
from .outcome import TaskInfo, VerifyInfo
from .proc import Runner
from .progress import Progress
from .stages import changes, classify, diffguard, judge, syntax, tree, verify


@dataclass(frozen=True)
class Candidate:
    """A fix that reached a decision, with everything delivery and the outcome need."""

    patch: Patch
    tree: str
    changes: list[Change]
    results: list[VerifyResult]
    decision: verify.Decision
    cost: Attempt


Rerun = Callable[[float | None], list[VerifyResult]]


def rerunner(
    runner: Runner, repo: Path, tasks: Sequence[verify.Task], limit: float, progress: Progress
) -> Rerun:
    """Reruns the tasks on the current tree within `limit` seconds, or less when the caller (a model's
    budget) says so."""

    def rerun(timeout_s: float | None = None) -> list[VerifyResult]:
        budget = limit if timeout_s is None else min(timeout_s, limit)
        return verify.run_all(runner, repo, tasks, budget, progress.heartbeat)

    return rerun


@dataclass
class Trial:
    """What every try shares: the checkout, the tasks verify reruns, and the state held still."""

    ctx: FixContext
    tasks: Sequence[verify.Task]
    rerun: Rerun
    watch: Watch
    others: tree.Others
    progress: Progress
    details: list[str] = field(default_factory=list)

    @property
    def repo(self) -> Path:
        return self.ctx.repo

    def _reject(self, engine: str, *lines: str) -> None:
        self.details.extend(f"{engine}: {line}" for line in lines)
        tree.restore(self.repo, self.others)

    def attempt(self, engine: Engine) -> Candidate | None:
        with self.progress.stage(engine.name, "trying") as said:
            found = engine.fix(self.ctx)
            said(found.reason or ("a fix" if found.patch else "no fix"))
        self.details.extend(f"{engine.name}: {note}" for note in found.notes)
        self.watch.check()
        dropped = tree.drop_new_ignored(self.repo, self.others)
        if dropped:
            self.details.append(f"{engine.name}: removed {len(dropped)} ignored file(s) its session created")
        if found.patch is None:
            self._reject(engine.name, f"no fix ({found.reason})" if found.reason else "no fix")
            return None
        return self._judge(found, found.patch)

    def _judge(self, found: Attempt, patch: Patch) -> Candidate | None:
        name, repo, config = patch.engine, self.repo, self.ctx.config
        candidate = tree.candidate(repo)
        changed = changes.changes(repo, candidate)
        if not changed:
            self._reject(name, "its edits change nothing git would commit")
            return None
        problems = diffguard.check(repo, changed, config.diff, patch.files)
        problems += syntax.check(repo, [c.path for c in changed if c.status != "D"])
        if problems:
            self._reject(name, *(f"rejected: {p}" for p in problems))
            return None
        head = judge_tree(repo)
        findings = judge.check(changed, [_from_root(repo, t) for t in self.tasks], head, patch.preserving)
        with self.progress.stage("verify", " · ".join(" ".join(t.command)[:80] for t in self.tasks)) as said:
            results = self.rerun(None)
            said("passed" if results and all(r.ok for r in results) else "failed")
        self.watch.check()
        drift = tree.drift(repo, candidate)
        if drift:
            self._reject(name, f"rejected: {drift}")
            return None
        decision = verify.decide(self.tasks, results, findings, config)
        if decision.action == "reject":
            self._reject(name, f"rejected: {decision.reason}", *decision.details[:10])
            self.details.extend(f"  {classify.describe(r)}" for res in results for r in res.remaining[:5])
            return None
        return Candidate(patch, candidate, changed, results, decision, found)


def _from_root(repo: Path, task: verify.Task) -> list[str]:
    """The task's command as run from the repository root (the judge reads files relative to it)."""
    where = (
        task.cwd.resolve().relative_to(repo.resolve()).as_posix()
        if task.cwd.resolve() != repo.resolve()
        else ""
    )
    return ["env", "-C", where, *task.command] if where else list(task.command)


def judge_tree(repo: Path) -> judge.HeadTree:
    """The failed commit's tree as the judge reads it, through hardened git."""

    class _Head:
        def paths(self) -> list[str]:
            return [p for p in git.git(repo, "ls-tree", "-r", "-z", "--name-only", "HEAD").split("\0") if p]

        def read(self, path: str) -> bytes | None:
            out = git.run(repo, "cat-file", "-e", f"HEAD:{path}")
            return git.output_bytes(repo, "cat-file", "blob", f"HEAD:{path}") if out.code == 0 else None

    return _Head()


def verify_info(results: Sequence[VerifyResult]) -> VerifyInfo:
    combined = verify.combine(results)
    return VerifyInfo(
        ok=combined.ok,
        command=combined.command,
        exit_code=combined.exit_code,
        remaining=len(combined.remaining),
        duration_s=round(combined.duration_s, 3),
        tasks=[
            TaskInfo(
                task=r.task,
                command=r.command,
                ok=r.ok,
                exit_code=r.exit_code,
                tests=None
                if r.tests is None
                else {"total": r.tests.total, "skipped": r.tests.skipped, "source": r.tests.source},
            )
            for r in results
        ],
    )

"""The fix loop's own overhead, stage by stage — the trust-model checks included — and the size of the agent's
first request. Prints tables.

    .venv/bin/python bench/loop.py [--runs 5] [--files 2000]

Everything except the model, on the demo's sample repository (a bare origin, a branch whose commit lost an
import and put a tab in YAML): the stages as `selfheal fix` runs them, with the checks that hold the fix
loop against the code it repairs timed on their own (the git configuration audit, the git state snapshot
and its re-check, the untracked/ignored listing, the candidate tree, the judge, the drift check) and verify
timed in each sandbox this machine has. `--files N` pads the sample with N more tracked files (and N/4
ignored ones), to show how the tree-wide checks grow with a repository.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emitter.redact import Redactor  # noqa: E402
from fixer import demo, git, gitstate, sandbox  # noqa: E402
from fixer.attempts import judge_tree  # noqa: E402
from fixer.config import Config  # noqa: E402
from fixer.context import Stop  # noqa: E402
from fixer.engines import FixContext  # noqa: E402
from fixer.engines.anthropic import prompt  # noqa: E402
from fixer.engines.anthropic.tools import Toolbox, definitions  # noqa: E402
from fixer.engines.rules import RulesEngine  # noqa: E402
from fixer.paths import FilePolicy  # noqa: E402
from fixer.platforms.local import LocalPlatform  # noqa: E402
from fixer.proc import Runner  # noqa: E402
from fixer.secrets import child_env  # noqa: E402
from fixer.stages import (  # noqa: E402
    changes,
    classify,
    collect,
    commit,
    diffguard,
    guard,
    judge,
    ledger,
    push,
    syntax,
    tree,
    verify,
)


def failing_sample(base: Path, files: int) -> Path:
    os.environ.update(demo.IDENTITY)
    _, work = demo.build_sample(base)
    if files:
        pad = work / "pad"
        for i in range(files):
            (pad / f"m{i // 100}").mkdir(parents=True, exist_ok=True)
            (pad / f"m{i // 100}" / f"f{i}.py").write_text(f"VALUE_{i} = {i}\n")
        (work / ".gitignore").write_text("build/\n")
        for i in range(files // 4):
            (work / "build" / f"b{i // 100}").mkdir(parents=True, exist_ok=True)
            (work / "build" / f"b{i // 100}" / f"o{i}.o").write_text("object\n")
        subprocess.run(["git", "add", "-A"], cwd=work, env=demo._env(), check=True)
        subprocess.run(["git", "commit", "-qm", "padding"], cwd=work, env=demo._env(), check=True)
        subprocess.run(["git", "push", "-q", "origin", "main"], cwd=work, env=demo._env(), check=True)
    demo.break_parcel_branch(work)
    subprocess.run(
        [sys.executable, "-m", "fixer.cli", "run", "--no-summary", "--task", "unit tests", "--", *demo.CHECK],
        cwd=work,
        env=demo._env(),
        capture_output=True,
        check=False,
    )
    git.exclude_locally(work, "/.selfheal/")
    return work


class Laps:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def __call__(self, name: str, step: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = step()
        self.times[name] = time.perf_counter() - start
        return result


def one_run(work: Path, kinds: list[str]) -> dict[str, float]:
    env = demo._env()
    config = Config()
    redact = Redactor.from_env(env).redact
    lap = Laps()
    with git.session(env, work):
        assert lap("git config audit", lambda: gitstate.audit(work)) == []
        facts = LocalPlatform().facts(work, env, None, "origin")
        found = lap("collect", lambda: collect.collect([str(work / ".selfheal")]))
        assert (
            lap("guard (with the clean-tree check)", lambda: guard.check(facts, config, work, redact)) is None
        )
        records = classify.failing(found.failures)
        fingerprints = sorted({r.fingerprint for r in records})
        attempt, stop = lap("ledger", lambda: ledger.check(work, config, fingerprints, None))
        assert stop is None
        verdict = lap("classify", lambda: classify.classify(records, config))
        isolation = {k: sandbox.detect(k) for k in kinds}
        others = lap("untracked/ignored listing", lambda: tree.Others.take(work))
        watch = lap("git state snapshot", lambda: gitstate.Watch.start(work, env.get("HOME")))
        tasks = verify.tasks_for(work, found.failures, found.passes, config)
        runner = Runner(
            child_env(env), isolation[kinds[0]], read_only=git.state_dirs(work), after=watch.check
        )
        ctx = FixContext(
            repo=work,
            failure=found.failures[0],
            records=verdict.fixable,
            config=config,
            env=env,
            runner=runner,
            verify=lambda timeout=None: verify.combine(verify.run_all(runner, work, tasks, 600)),
            files=FilePolicy(
                tuple(config.diff.protected_paths),
                tuple(config.secret_paths),
                lambda rel: git.is_ignored(work, rel),
            ),
            redact=redact,
        )
        attempt_ = lap("rules fix", lambda: RulesEngine().fix(ctx))
        patch = attempt_.patch
        assert patch is not None, "the rules engine fixed nothing"
        lap("git state re-check", watch.check)
        lap("drop new ignored files", lambda: tree.drop_new_ignored(work, others))
        candidate = lap("candidate tree", lambda: tree.candidate(work))
        changed = lap("tree-to-tree diff", lambda: changes.changes(work, candidate))
        problems = lap(
            "diff guard + syntax",
            lambda: diffguard.check(work, changed, config.diff) + syntax.check(work, patch.files),
        )
        assert not problems, problems
        lap(
            "judge",
            lambda: judge.check(changed, [t.command for t in tasks], judge_tree(work), patch.preserving),
        )
        for kind in kinds:
            run = Runner(child_env(env), isolation[kind], read_only=git.state_dirs(work), after=watch.check)
            results = lap(f"verify ({kind})", lambda run=run: verify.run_all(run, work, tasks, 600))
            assert all(r.ok for r in results), results
        assert lap("drift check", lambda: tree.drift(work, candidate)) is None
        text = commit.message(patch, attempt, fingerprints, None, config, redact)
        sha = lap("commit", lambda: commit.make_commit(work, candidate, facts.commit or "", text, config))
        published = lap(
            "push (lease)",
            lambda: push.publish(
                work,
                "push",
                facts.remote_url,
                "feature/parcel-sizes",
                facts.commit or "",
                sha,
                work / push.DEFAULT_PATCH,
                redact,
            ),
        )
        assert not isinstance(published, Stop), published.reason
    return lap.times


TRUST_CHECKS = (
    "git config audit",
    "guard (with the clean-tree check)",
    "untracked/ignored listing",
    "git state snapshot",
    "git state re-check",
    "drop new ignored files",
    "candidate tree",
    "tree-to-tree diff",
    "judge",
    "drift check",
)


def prompt_size(base: Path) -> tuple[int, int]:
    work = failing_sample(base, 0)
    failures = collect.collect([str(work / ".selfheal")]).failures
    config = Config()
    records = [r for r in failures[0].records if r.file and r.file.endswith("geometry.py")] or failures[
        0
    ].records[:1]
    ctx = FixContext(
        repo=work,
        failure=failures[0],
        records=records,
        config=config,
        env={},
        runner=Runner({}),
        verify=lambda timeout=None: verify.combine([]),
        files=FilePolicy(tuple(config.diff.protected_paths), tuple(config.secret_paths)),
    )
    box = Toolbox(work, ctx.files, lambda: verify.combine([]), ctx.redact)
    messages = [{"role": "user", "content": prompt.first_message(ctx, box)}]
    return prompt.estimate_tokens(messages, prompt.system_blocks(), definitions()), len(records)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=0, help="extra tracked files in the sample")
    args = parser.parse_args()
    kinds = sandbox.kinds_here()
    samples: dict[str, list[float]] = {}
    for _ in range(args.runs):
        base = Path(tempfile.mkdtemp(prefix="selfheal-bench-"))
        try:
            for name, seconds in one_run(failing_sample(base, args.files), kinds).items():
                samples.setdefault(name, []).append(seconds)
        finally:
            shutil.rmtree(base, ignore_errors=True)
    tracked = f"demo sample + {args.files} files" if args.files else "demo sample"
    print(f"fix loop overhead ({tracked}), median of {args.runs} runs, everything but the model")
    print("| stage | median | max |")
    print("|---|---|---|")
    for name, values in samples.items():
        mark = " ¹" if name in TRUST_CHECKS else ""
        print(f"| {name}{mark} | {statistics.median(values) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |")
    trust = [sum(samples[n][i] for n in TRUST_CHECKS) for i in range(args.runs)]
    print(
        f"| **trust-model checks ¹ together** | {statistics.median(trust) * 1000:.0f} ms | {max(trust) * 1000:.0f} ms |"
    )
    base = Path(tempfile.mkdtemp(prefix="selfheal-bench-"))
    try:
        tokens, nrec = prompt_size(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print()
    print("| agent's first request (single-file failure) | estimated tokens |")
    print("|---|---|")
    print(f"| system + tools + first message, {nrec} record(s) | {tokens} |")


if __name__ == "__main__":
    main()

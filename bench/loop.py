"""The fix loop's own overhead, stage by stage, and the size of the agent's first request. Prints tables.

    .venv/bin/python bench/loop.py [--runs 5]

Everything except the model: on the demo's sample repository (a bare origin, a branch whose commit lost an
import and put a tab in YAML), each run times collect, guard, ledger, classify, the rules engine, the
diff guard and syntax check, verify (the failed check rerun), commit and the lease push. Then the first
request the Anthropic engine would send for a single-file failure, in estimated tokens (4 chars a token).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emitter.redact import Redactor  # noqa: E402
from fixer import demo, git  # noqa: E402
from fixer.config import Config  # noqa: E402
from fixer.context import Stop  # noqa: E402
from fixer.engines import FixContext  # noqa: E402
from fixer.engines.anthropic import prompt  # noqa: E402
from fixer.engines.anthropic.tools import Toolbox, definitions  # noqa: E402
from fixer.engines.rules import RulesEngine  # noqa: E402
from fixer.platforms.local import LocalPlatform  # noqa: E402
from fixer.secrets import child_env  # noqa: E402
from fixer.stages import classify, collect, commit, diffguard, guard, ledger, push, syntax, verify  # noqa: E402

STAGES = [
    "collect",
    "guard",
    "ledger",
    "classify",
    "rules fix",
    "diff guard + syntax",
    "verify",
    "commit",
    "push",
]


def failing_sample(base: Path) -> Path:
    os.environ.update(demo.IDENTITY)
    _, work = demo.build_sample(base)
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


def one_run(work: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    env = demo._env()
    config = Config()
    redact = Redactor.from_env(env).redact

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        times[name] = now - start
        return now

    t = time.perf_counter()
    failures, _ = collect.collect([str(work / ".selfheal")])
    t = lap("collect", t)
    facts = LocalPlatform().facts(work, env, None)
    assert guard.check(facts, config, work, redact=redact) is None
    t = lap("guard", t)
    records = [r for f in failures for r in f.records]
    fingerprints = sorted({r.fingerprint for r in records})
    attempt, stop = ledger.check(work, config, fingerprints, "main")
    assert stop is None
    t = lap("ledger", t)
    verdict = classify.classify(records, config)
    t = lap("classify", t)
    stripped = child_env(env)
    ctx = FixContext(
        repo=work,
        failure=failures[0],
        records=verdict.fixable,
        config=config,
        env=env,
        child_env=stripped,
        verify=lambda: verify.verify(work, failures[0], config, stripped),
        redact=redact,
    )
    patch = RulesEngine().fix(ctx)
    assert patch is not None, "the rules engine fixed nothing"
    t = lap("rules fix", t)
    assert not diffguard.check(work, patch, config.diff) + syntax.check(work, patch.files)
    t = lap("diff guard + syntax", t)
    assert verify.verify(work, failures[0], config, stripped).ok
    t = lap("verify", t)
    commit.make_commit(work, patch, attempt, fingerprints, None, config, redact=redact)
    t = lap("commit", t)
    published = push.publish(
        work, "push", "origin", "feature/parcel-sizes", facts.commit or "", config, redact=redact
    )
    assert not isinstance(published, Stop), published.reason
    lap("push", t)
    return times


def prompt_size(base: Path) -> tuple[int, int]:
    work = failing_sample(base)
    failures, _ = collect.collect([str(work / ".selfheal")])
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
        child_env={},
        verify=lambda: verify.verify(work, failures[0], config, {}),
    )
    box = Toolbox(work, config.diff.protected_paths, ctx.verify, ctx.redact)
    messages = [{"role": "user", "content": prompt.first_message(ctx, box)}]
    return prompt.estimate_tokens(messages, prompt.system_blocks(), definitions()), len(records)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    samples: dict[str, list[float]] = {name: [] for name in STAGES}
    for _ in range(args.runs):
        base = Path(tempfile.mkdtemp(prefix="selfheal-bench-"))
        try:
            for name, seconds in one_run(failing_sample(base)).items():
                samples[name].append(seconds)
        finally:
            shutil.rmtree(base, ignore_errors=True)
    print(f"fix loop overhead on the demo sample, median of {args.runs} runs (everything but the model)")
    print("| stage | median | max |")
    print("|---|---|---|")
    for name in STAGES:
        print(
            f"| {name} | {statistics.median(samples[name]) * 1000:.0f} ms | {max(samples[name]) * 1000:.0f} ms |"
        )
    total = [sum(samples[n][i] for n in STAGES) for i in range(args.runs)]
    print(f"| **total** | {statistics.median(total) * 1000:.0f} ms | {max(total) * 1000:.0f} ms |")
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

"""`selfheal demo`: the whole loop on a sample repository, offline, with no API key.

1. a sample repository (package data) with a bare "origin"; a green main branch;
2. a feature branch whose commit breaks the build in two ways the rules engine can fix;
3. the check under `selfheal run` (red) → `selfheal fix` (commit pushed to origin) → the check again
   on a fresh clone of origin's new head (green);
4. a second branch with a logic bug in a test, which no rule may touch: a clear escalation (or, with
   ANTHROPIC_API_KEY set, the model's attempt). Its own `.selfheal.yml` asks for test fixes and is told
   no (a branch may only tighten); the pipeline's SELFHEAL_FIX_TESTS may say yes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent / "sample"
CHECK = [sys.executable, "-m", "unittest", "discover", "-s", "tests", "-t", "."]
SELFHEAL = [sys.executable, "-m", "fixer.cli"]
IDENTITY = {
    "GIT_AUTHOR_NAME": "Dana Developer",
    "GIT_AUTHOR_EMAIL": "dana@example.com",
    "GIT_COMMITTER_NAME": "Dana Developer",
    "GIT_COMMITTER_EMAIL": "dana@example.com",
}


@dataclass
class Step:
    name: str
    seconds: float
    result: str


def _env() -> dict[str, str]:
    # The sample is its own repository: the caller's CI variables and selfheal settings must not leak in.
    skip = ("BUILDKITE", "GITLAB", "CI_", "GITHUB", "SELFHEAL_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(IDENTITY)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")) if p
    )
    return env


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=_env(), capture_output=True, text=True, check=True
    ).stdout


def _say(text: str = "") -> None:
    print(text, flush=True)


def _timed(
    cmd: list[str], cwd: Path, extra: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    proc = subprocess.run(
        cmd, cwd=cwd, env={**_env(), **(extra or {})}, capture_output=True, text=True, check=False
    )
    return proc, time.monotonic() - start


def build_sample(base: Path) -> tuple[Path, Path]:
    origin, work = base / "origin.git", base / "work"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(origin)], check=True)
    shutil.copytree(SAMPLE, work, ignore=shutil.ignore_patterns("__pycache__"))
    _git(work, "init", "--quiet", "-b", "main")
    _git(work, "add", "-A")
    _git(work, "commit", "--quiet", "-m", "Shop: geometry, settings, pricing")
    _git(work, "remote", "add", "origin", str(origin))
    _git(work, "push", "--quiet", "-u", "origin", "main")
    _git(work, "remote", "set-head", "origin", "main")
    return origin, work


def break_parcel_branch(work: Path) -> None:
    """Two everyday mistakes: an import lost in a tidy-up, and a tab typed into YAML."""
    _git(work, "checkout", "--quiet", "-b", "feature/parcel-sizes", "main")
    geometry = work / "shop" / "geometry.py"
    geometry.write_text(geometry.read_text().replace("import math\n\n\n", ""))
    config = work / "config" / "shop.yaml"
    config.write_text(config.read_text().replace("  box_rate", "\tbox_rate"))
    _git(work, "commit", "--quiet", "-am", "Parcel sizes: tidy imports, cheaper boxes")
    _git(work, "push", "--quiet", "-u", "origin", "feature/parcel-sizes")


def break_vat_branch(work: Path) -> None:
    """A test whose expectation is simply wrong: no rule may touch it."""
    _git(work, "checkout", "--quiet", "-b", "feature/vat-test", "main")
    test = work / "tests" / "test_pricing.py"
    test.write_text(test.read_text().replace("12.0", "12.5"))
    # the branch would like test failures fixed; only the CI (or the default branch) may opt in
    (work / ".selfheal.yml").write_text("fix_tests: true\n")
    _git(work, "add", "-A")
    _git(work, "commit", "--quiet", "-m", "Pricing: test VAT")
    _git(work, "push", "--quiet", "-u", "origin", "feature/vat-test")


def _records(work: Path) -> list[dict[str, object]]:
    report = work / ".selfheal" / "unit-tests.json"
    return list(json.loads(report.read_text())["records"]) if report.exists() else []


def run_check(work: Path, steps: list[Step], label: str) -> int:
    _say("   $ selfheal run --task 'unit tests' -- python -m unittest discover -s tests -t .")
    proc, seconds = _timed([*SELFHEAL, "run", "--no-summary", "--task", "unit tests", "--", *CHECK], work)
    records = _records(work)
    if proc.returncode == 0:
        _say(f"   ✔ green: exit 0 in {seconds:.2f} s")
    else:
        _say(
            f"   ✖ red: exit {proc.returncode} in {seconds:.2f} s — {len(records)} error record(s) in .selfheal/unit-tests.json"
        )
        for r in records:
            where = f"{r.get('file')}:{r.get('line')}" + (f":{r['column']}" if r.get("column") else "")
            _say(f"     {where}  [{r.get('type')}] {str(r.get('message')).splitlines()[0][:90]}")
    steps.append(Step(label, seconds, "green" if proc.returncode == 0 else f"red ({len(records)} records)"))
    return proc.returncode


def run_fix(
    work: Path, steps: list[Step], label: str, extra: dict[str, str] | None = None
) -> dict[str, object]:
    _say("   $ " + " ".join([*(f"{k}={v}" for k, v in (extra or {}).items()), "selfheal fix"]))
    proc, seconds = _timed([*SELFHEAL, "fix", "--platform", "local"], work, extra)
    for line in proc.stderr.strip().splitlines():
        _say(f"   {line}")
    outcome_file = work / ".selfheal" / "outcome.json"
    outcome: dict[str, object] = json.loads(outcome_file.read_text()) if outcome_file.exists() else {}
    steps.append(Step(label, seconds, f"{outcome.get('outcome', 'error')} (exit {proc.returncode})"))
    return outcome


def main() -> int:
    keep = os.environ.get("SELFHEAL_DEMO_KEEP") == "1"
    base = Path(tempfile.mkdtemp(prefix="selfheal-demo-"))
    steps: list[Step] = []
    try:
        _say("selfheal demo — the whole fix loop on a sample repository (offline, no API key needed)\n")
        origin, work = build_sample(base)
        _say(f"   sample repository: {work}\n   its origin:        {origin}\n")

        _say("1. A commit on feature/parcel-sizes breaks the build")
        break_parcel_branch(work)
        run_check(work, steps, "build (feature/parcel-sizes)")

        _say("\n2. The failure-only step runs selfheal fix")
        outcome = run_fix(work, steps, "selfheal fix")

        _say("\n3. CI builds origin's new head on a fresh clone")
        clone = base / "ci-clone"
        subprocess.run(
            ["git", "clone", "--quiet", "-b", "feature/parcel-sizes", str(origin), str(clone)],
            check=True,
            env=_env(),
        )
        _say(f"   origin/feature/parcel-sizes is now: {_git(clone, 'log', '-1', '--format=%h %s').strip()}")
        green = run_check(clone, steps, "rebuild at the fixed head") == 0

        _say("\n4. A logic bug in a test on feature/vat-test: not for a rule to touch")
        break_vat_branch(work)
        run_check(work, steps, "build (feature/vat-test)")
        # the pipeline's own variable opts test failures in: the branch's .selfheal.yml could not
        second = run_fix(work, steps, "selfheal fix", {"SELFHEAL_FIX_TESTS": "true"})

        _say("\nWhat happened")
        width = max(len(s.name) for s in steps)
        for s in steps:
            _say(f"   {s.name.ljust(width)}  {s.seconds:6.2f} s  {s.result}")
        ok = outcome.get("outcome") == "fixed" and green and second.get("outcome") == "escalated"
        _say(
            "\n"
            + (
                "The loop fixed what rules can fix, proved it, pushed one commit, and escalated the rest."
                if ok
                else "The demo did not go as expected: see the lines above."
            )
        )
        if keep:
            _say(f"(kept in {base})")
        return 0 if ok else 1
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)

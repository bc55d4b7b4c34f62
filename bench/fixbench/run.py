"""fixbench: how well `selfheal fix` repairs broken repositories, measured on real git and real tools.

    make fixbench
    .venv/bin/python bench/fixbench/run.py [--case GLOB ...] [--jobs 2] [--json FILE] [--no-model] [--keep]

For each case (bench/fixbench/cases/, see spec.py): a bare origin, `main` green, a feature branch whose tip
is the breaking commit; the case's check runs under `selfheal run` as a CI step would (red, with its
report); then `selfheal fix --platform local --mode push --engine rules` runs as the failure-only step, and
its outcome.json and origin are read:

- fixed       it pushed, and the check passes on a fresh clone of origin's new head;
- escalated   it pushed nothing to the branch (escalated, retried, skipped, or handed to a review branch);
- false fix   it pushed on a trap, or pushed something the check still rejects.

With ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) set, the model tier (`--engine anthropic`) then runs on
every case the rules did not fix, traps included, and its tokens and dollars are totalled per fix. The
exit code is 1 when a fixer made a false fix or the harness failed, else 0: misses are figures, not errors.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gitrepo
import table
from spec import CASES, Case, selected
from table import Result, Tier

FIX_TIMEOUT_S = 1200.0
MODEL_KEYS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")


def fix_tier(case: Case, repo: gitrepo.CaseRepo, scratch: Path, engine: str, env: dict[str, str]) -> Tier:
    """One run of the failure-only step, judged on origin (what CI would build next), not on its word."""
    outcome_file = repo.work / ".selfheal" / "outcome.json"
    outcome_file.unlink(missing_ok=True)
    argv = [*gitrepo.SELFHEAL, "fix", "--platform", "local", "--mode", "push", "--engine", engine]
    ran = gitrepo.run(repo.work, argv, env, timeout=FIX_TIMEOUT_S)
    tier = Tier(engine=engine, seconds=round(ran.seconds, 2))
    if not outcome_file.is_file():
        tier.reason = f"no outcome.json (exit {ran.code}): " + " | ".join(
            ran.output.strip().splitlines()[-4:]
        )
        return tier
    data = json.loads(outcome_file.read_text(encoding="utf-8"))
    tier.outcome, tier.reason = str(data.get("outcome", "")), str(data.get("reason", ""))
    tier.handed_over = bool(data.get("handed_over"))
    tier.tokens, tier.dollars = int(data.get("tokens") or 0), float(data.get("dollars") or 0.0)
    head = gitrepo.origin_head(repo.origin, repo.branch)
    tier.pushed = head is not None and head != repo.broken_commit
    if tier.pushed and head:
        span = f"{repo.broken_commit}..{head}"
        tier.commits = int(gitrepo.git(repo.origin, "rev-list", "--count", span).strip() or 0)
        clone = gitrepo.clone(repo.origin, repo.branch, scratch / f"clone-{engine}")
        tier.green_after = gitrepo.run(clone, case.check, gitrepo.tool_env()).code == 0
        if not case.trap:
            tier.same_as_reference = gitrepo.files_equal(clone, case.reference())
    tier.verdict = table.judge(case.trap, tier.pushed, tier.green_after)
    return tier


def run_case(case: Case, scratch: Path, model: bool, max_dollars: float) -> Result:
    env = gitrepo.tool_env()
    repo = gitrepo.build(scratch, case)
    red = gitrepo.run(repo.work, gitrepo.wrapped(case), env)
    if red.code == 0:
        return Result(case.name, case.tool, case.expect, Tier("rules"), error="the check passed on the break")
    result = Result(case.name, case.tool, case.expect, fix_tier(case, repo, scratch, "rules", env))
    if result.rules.verdict == "error":
        result.error = result.rules.reason
    if model and result.rules.verdict == "escalated":
        model_env = gitrepo.tool_env(model_keys=True)
        model_env["SELFHEAL_MAX_DOLLARS"] = str(max_dollars)  # a ceiling per case, on the user's account
        result.model = fix_tier(case, repo, scratch, "anthropic", model_env)
        if result.model.verdict == "error":
            result.error = result.model.reason
    return result


def run_all(cases: list[Case], base: Path, jobs: int, model: bool, max_dollars: float) -> list[Result]:
    done: dict[str, Result] = {}  # filled in this thread only, as cases finish

    def one(case: Case) -> Result:
        scratch = base / case.name
        scratch.mkdir()
        try:
            return run_case(case, scratch, model, max_dollars)
        except (OSError, RuntimeError, ValueError) as exc:  # a broken case must not hide the others
            return Result(case.name, case.tool, case.expect, Tier("rules"), error=f"harness: {exc}")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, c) for c in cases]
        for future in as_completed(futures):
            result = future.result()
            done[result.case] = result
            tier = result.final
            print(
                f"fixbench: [{len(done)}/{len(cases)}] {result.case}: {tier.verdict} "
                f"({tier.outcome or 'no outcome'}, {tier.seconds:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
    return [done[c.name] for c in cases]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=Path, default=CASES, help="folder of case folders")
    parser.add_argument("--case", action="append", default=[], metavar="GLOB", help="only these cases")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every result as JSON")
    parser.add_argument("--no-model", action="store_true", help="skip the model tier even with a key")
    parser.add_argument(
        "--max-dollars", type=float, default=1.0, help="model spend ceiling per case (default 1)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the case repositories and print where")
    args = parser.parse_args(argv)
    cases = selected(args.cases, args.case)
    if cases is None:
        return 1
    has_key = any(os.environ.get(k) for k in MODEL_KEYS)
    model = has_key and not args.no_model
    note = (
        "model tier: skipped (--no-model)"
        if has_key
        else "model tier: skipped (ANTHROPIC_API_KEY is not set; set it to measure the model on your own account)"
    )
    base = Path(tempfile.mkdtemp(prefix="fixbench-"))
    try:
        results = run_all(cases, base, args.jobs, model, args.max_dollars)
    finally:
        if args.keep:
            print(f"fixbench: case repositories kept in {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    totals = table.totals(results)
    print("\n".join([*table.rows(results, model), "", *table.summary(totals, note)]))
    if args.json:
        args.json.write_text(json.dumps(table.as_json(results, totals), indent=2) + "\n")
    bad = totals["false_fixes"] + totals["errors"] + totals.get("model", {}).get("false_fixes", 0)
    return 1 if bad or any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

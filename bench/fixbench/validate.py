"""Proves every fixbench case with the real tools, before any fixer is measured on it:

- the check passes on the base (the case starts from a green build);
- it fails on the broken tree (the break is what turns it red);
- for a fix case, it passes again once the reference fix is applied (a fix exists that the check accepts).

    .venv/bin/python bench/fixbench/validate.py [--case GLOB ...] [--jobs 2] [--json FILE]

A case that fails to prove itself is a broken benchmark, not a miss of the fixer: exit code 1. Each case is
checked in a git repository of its own (some tools ask git which files exist), with the check run exactly
as its case.yml gives it, without `selfheal run` (which keeps the exit code: the same verdict).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gitrepo
from spec import CASES, Case, selected


@dataclass
class Proof:
    case: str
    tool: str
    expect: str
    base: int | None = None  # exit codes of the check on each tree
    broken: int | None = None
    reference: int | None = None
    problem: str = ""

    @property
    def valid(self) -> bool:
        return not self.problem


def _last_lines(text: str, n: int = 6) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-n:])


def prove(case: Case, scratch: Path) -> Proof:
    proof = Proof(case.name, case.tool, case.expect)
    env = gitrepo.tool_env()
    work = scratch / "work"
    gitrepo.init(work, case.base())
    ran = gitrepo.run(work, case.check, env)
    proof.base = ran.code
    if ran.code != 0:
        proof.problem = f"the check fails on the base (exit {ran.code}): {_last_lines(ran.output)}"
        return proof
    gitrepo.write(work, case.changes())
    ran = gitrepo.run(work, case.check, env)
    proof.broken = ran.code
    if ran.code == 0:
        proof.problem = "the check passes on the broken tree"
        return proof
    if ran.code in (124, 127):
        proof.problem = f"the check could not run on the broken tree: {_last_lines(ran.output)}"
        return proof
    if case.trap:
        return proof
    broken = case.broken()
    gitrepo.write(work, {**case.reference(), **{rel: None for rel in broken if rel not in case.reference()}})
    ran = gitrepo.run(work, case.check, env)
    proof.reference = ran.code
    if ran.code != 0:
        proof.problem = (
            f"the reference fix does not turn the check green (exit {ran.code}): {_last_lines(ran.output)}"
        )
    return proof


def prove_in_scratch(case: Case) -> Proof:
    with tempfile.TemporaryDirectory(prefix=f"fixbench-validate-{case.name}-") as tmp:
        try:
            return prove(case, Path(tmp))
        except (OSError, RuntimeError) as exc:
            return Proof(case.name, case.tool, case.expect, problem=f"harness error: {exc}")


def _mark(code: int | None, want_green: bool) -> str:
    if code is None:
        return "·"
    return ("green" if code == 0 else f"red {code}") + ("" if (code == 0) == want_green else " ✖")


def table(proofs: list[Proof]) -> str:
    width = max([len(p.case) for p in proofs] + [4])
    lines = [f"{'case'.ljust(width)}  {'tool':<13} {'expect':<9} {'base':<8} {'broken':<9} {'reference':<9}"]
    for p in proofs:
        lines.append(
            f"{p.case.ljust(width)}  {p.tool:<13} {p.expect:<9} {_mark(p.base, True):<8} "
            f"{_mark(p.broken, False):<9} {_mark(p.reference, True):<9}"
        )
        if p.problem:
            lines.append(f"{''.ljust(width)}  ✖ {p.problem}")
    valid = sum(p.valid for p in proofs)
    traps = sum(p.expect == "escalated" for p in proofs)
    tools = len({p.tool for p in proofs})
    lines.append(
        f"\n{valid} of {len(proofs)} cases valid ({len(proofs) - traps} fix cases, {traps} traps, {tools} tools)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=Path, default=CASES, help="folder of case folders")
    parser.add_argument("--case", action="append", default=[], metavar="GLOB", help="only these cases")
    parser.add_argument("--jobs", type=int, default=2, help="cases proved at once (default 2)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the proofs as JSON")
    args = parser.parse_args(argv)
    cases = selected(args.cases, args.case)
    if cases is None:
        return 1
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        proofs = list(pool.map(prove_in_scratch, cases))
    print(table(proofs))
    if args.json:
        args.json.write_text(json.dumps([{**asdict(p), "valid": p.valid} for p in proofs], indent=2) + "\n")
    return 0 if all(p.valid for p in proofs) else 1


if __name__ == "__main__":
    sys.exit(main())

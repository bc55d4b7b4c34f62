"""The runner's results, judged and totalled: one row per case, then fixed / escalated / false fixes and the
median time from `selfheal fix` start to the pushed commit; the model tier's tokens and dollars per fix."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Verdict = Literal["fixed", "escalated", "false fix", "error"]


@dataclass
class Tier:
    """What one `selfheal fix` run did to a case."""

    engine: str
    outcome: str = ""  # outcome.json's outcome (fixed, escalated, infra_retry, skipped, …)
    verdict: Verdict = "error"
    reason: str = ""
    seconds: float = 0.0  # wall time of the `selfheal fix` process: from its start to the pushed commit
    pushed: bool = False
    commits: int = 0  # commits the push put on top of the breaking commit (the loop promises one)
    green_after: bool | None = None  # the check on a fresh clone of origin's new head
    same_as_reference: bool | None = None  # the pushed files are byte for byte the reference fix
    handed_over: bool = False
    tokens: int = 0
    dollars: float = 0.0


@dataclass
class Result:
    case: str
    tool: str
    expect: str
    rules: Tier
    model: Tier | None = None
    error: str = ""
    details: list[str] = field(default_factory=list)

    @property
    def final(self) -> Tier:
        return self.model or self.rules


def judge(trap: bool, pushed: bool, green_after: bool | None) -> Verdict:
    """Pushed on a trap, or pushed and still red: a false fix, whatever the fixer said about it."""
    if not pushed:
        return "escalated"
    return "fixed" if green_after and not trap else "false fix"


def _mark(result: Result, tier: Tier) -> str:
    if tier.verdict == "error":
        return "ERROR"
    if tier.verdict == "false fix":
        return "FALSE FIX"
    wanted = "fixed" if result.expect == "fixed" else "escalated"
    return "ok" if tier.verdict == wanted else "miss"


def _cell(tier: Tier) -> str:
    raw = tier.outcome + (" (handed over)" if tier.handed_over else "")
    ref = {True: "= ref", False: "≠ ref", None: ""}[tier.same_as_reference]
    return f"{tier.verdict:<10} {raw[:27]:<27} {tier.seconds:6.1f} s  {ref:<5}"


def rows(results: list[Result], model: bool) -> list[str]:
    """One line per case: the rules tier's verdict, outcome.json's outcome, the fix step's wall time,
    whether a pushed fix equals the reference fix, and whether that is what the case expects."""
    width = max([len(r.case) for r in results] + [4])
    head = f"{'case':<{width}}  {'tool':<13} {'expect':<9}  {'rules':<10} {'outcome':<27} {'time':>8}  {'ref':<5}  {'result':<9}"
    lines = [(head + ("  model: verdict (outcome), tokens, dollars" if model else "")).rstrip()]
    for r in results:
        line = f"{r.case:<{width}}  {r.tool:<13} {r.expect:<9}  {_cell(r.rules)}  {_mark(r, r.rules):<9}"
        if r.model:
            m = r.model
            line += f"  {m.verdict} ({m.outcome}) {m.tokens:,} tok ${m.dollars:.4f} {_mark(r, m)}"
        lines.append(line.rstrip())
        if r.error:
            lines.append(f"{'':<{width}}  ! {r.error}")
        for tier in (r.rules, r.model):
            if tier and tier.pushed and tier.commits != 1:
                lines.append(f"{'':<{width}}  ! {tier.engine} pushed {tier.commits} commits, not one")
    return lines


def totals(results: list[Result]) -> dict[str, Any]:
    fix_cases = [r for r in results if r.expect == "fixed"]
    traps = [r for r in results if r.expect == "escalated"]
    pushed_times = [r.rules.seconds for r in fix_cases if r.rules.verdict == "fixed"]
    out: dict[str, Any] = {
        "cases": len(results),
        "fix_cases": len(fix_cases),
        "traps": len(traps),
        "tools": len({r.tool for r in results}),
        "fixed": sum(r.rules.verdict == "fixed" for r in fix_cases),
        "escalated": sum(r.rules.verdict == "escalated" for r in results),
        "traps_escalated": sum(r.rules.verdict == "escalated" for r in traps),
        "false_fixes": sum(r.rules.verdict == "false fix" for r in results),
        "errors": sum(r.rules.verdict == "error" for r in results),
        "median_fix_s": round(statistics.median(pushed_times), 2) if pushed_times else None,
    }
    tried = [r.model for r in results if r.model]
    if tried:
        fixed = [r for r in results if r.model and r.expect == "fixed" and r.model.verdict == "fixed"]
        tokens, dollars = sum(t.tokens for t in tried), sum(t.dollars for t in tried)
        out["model"] = {
            "tried": len(tried),
            "fixed": len(fixed),
            "false_fixes": sum(t.verdict == "false fix" for t in tried),
            "tokens": tokens,
            "dollars": round(dollars, 4),
            # everything the model spent, failures included, over what it fixed: what a fix costs
            "tokens_per_fix": round(tokens / len(fixed)) if fixed else None,
            "dollars_per_fix": round(dollars / len(fixed), 4) if fixed else None,
        }
    return out


def summary(t: dict[str, Any], model_note: str) -> list[str]:
    share = f" ({100 * t['fixed'] / t['fix_cases']:.0f}%)" if t["fix_cases"] else ""
    median = f"{t['median_fix_s']:.2f} s" if t["median_fix_s"] is not None else "—"
    lines = [
        f"{t['cases']} cases over {t['tools']} tools: {t['fix_cases']} fix cases, {t['traps']} trap(s)",
        f"rules tier: fixed {t['fixed']} of {t['fix_cases']} fix cases{share}; "
        f"escalated {t['escalated']} (traps: {t['traps_escalated']} of {t['traps']}); "
        f"false fixes {t['false_fixes']}" + (f"; harness errors {t['errors']}" if t["errors"] else ""),
        f"median time from `selfheal fix` start to pushed commit: {median}",
    ]
    m = t.get("model")
    if m:
        per_fix = (
            f"{m['tokens_per_fix']:,} tokens, ${m['dollars_per_fix']:.4f} per fix"
            if m["fixed"]
            else "no fix, so no cost per fix"
        )
        lines.append(
            f"model tier on the {m['tried']} case(s) rules did not fix: fixed {m['fixed']}, false fixes "
            f"{m['false_fixes']}; {m['tokens']:,} tokens, ${m['dollars']:.4f} in all; {per_fix}"
        )
    else:
        lines.append(model_note)
    return lines


def as_json(results: list[Result], t: dict[str, Any]) -> dict[str, Any]:
    return {"results": [asdict(r) for r in results], "totals": t}

"""The branch cannot loosen its own policy: the one owner of that rule (DESIGN.md, "Trust model").

The branch under repair writes its own `.selfheal.yml`, and the fixer runs that branch's code: a setting from
it is the defendant's wish, not the court's order. `tighten` applies such settings over the trusted ones
(defaults, the default branch's file, `--config`, SELFHEAL_* variables, flags) and keeps only what makes
the fix loop stricter. A looser value is not an error: it is ignored and said in a note, so a branch that
asks for too much still gets a (bounded) fix. Rules, each with why:

- numeric limits (attempts, commits, verify timeout, diff size, model turns/tokens/dollars/wall time/output
  tokens): min(trusted, branch). A limit is what bounds damage and spend; a branch may only lower it.
- protected_branches, diff.protected_paths, diff.extra_protected_paths, secret_paths: union. Protection may
  grow; a branch that drops a path (`protected_paths: []`) would free its own CI config or secrets.
- fixable: intersection; fix_tests, flaky_rerun: may only be turned off. Each widens what the fixer edits or
  excuses (a test "fixed" by a model, a failure waved through as flaky).
- mode: patch < branch < push, only toward patch: push writes to the branch without a human.
  handover: only to "none": a review branch is a push too. engine: auto may narrow to rules or anthropic;
  a narrowed engine stays (the branch must not bring the model in where the operator kept it out).
- verify: never a command: the defendant must not choose the judge (`verify: "true"` would pass anything).
  "all" is accepted when no command is configured: rerunning every task verifies more, not less.
- anthropic.prices: per model and field, max(trusted, branch); no new models. A cheaper price makes an
  attempt look cheaper than it is; an unknown model is charged at the dearest known price, so an entry the
  trusted table lacks could only undercut that. anthropic.model is allowed: the dollar limit bounds spend.
- platform, remote, branch, sandbox, commit.* (the bot's identity: the attempt ledger counts commits by it),
  anthropic.provider: trusted only. Anything not listed here is trusted only too, so a new setting is safe
  until someone decides otherwise (a test checks every setting has an explicit rule).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Rule = Callable[[str, Any, Any], tuple[Any, list[str]]]  # (key, trusted, branch) -> (value, notes)

MODE_ORDER = {"patch": 0, "branch": 1, "push": 2}  # how far a fix travels without a human
PRICE_FIELDS = ("input", "output", "cache_write", "cache_read")
_SHOW_MAX = 80  # a note quotes values, not whole lists a branch may have stuffed


@dataclass(frozen=True)
class Tightened:
    changes: dict[str, Any] = field(default_factory=dict)  # dotted setting -> new value
    notes: list[str] = field(default_factory=list)  # one line per ignored or clamped branch value


def show(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= _SHOW_MAX else text[: _SHOW_MAX - 1] + "…"


def _ignored(key: str, branch: Any, why: str, now: Any) -> str:
    return f"{key} {show(branch)} ignored: {why} (now {show(now)})"


def _number(value: Any) -> float | None:
    # a value past its hard ceiling arrives unvalidated (config.py cannot build it): compare what it says
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or isinstance(value, bool) else number


def lower_only(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    number = _number(branch)
    if number is not None and number < trusted:
        return branch, []
    return trusted, [_ignored(key, branch, "a branch may only lower it", trusted)]


def union(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    value = list(trusted) + [item for item in branch if item not in trusted]
    dropped = [item for item in trusted if item not in branch]
    if not dropped:
        return value, []
    why = "a branch may add entries, never remove them"
    return value, [_ignored(f"{key} without", dropped, why, value)]


def intersection(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    value = [item for item in trusted if item in branch]
    added = [item for item in branch if item not in trusted]
    if not added:
        return value, []
    return value, [_ignored(key, added, "a branch may only narrow it", value)]


def only_off(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    if branch is False:
        return False, []
    return trusted, [_ignored(key, branch, "a branch may only turn it off", trusted)]


def mode(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    if MODE_ORDER[branch] < MODE_ORDER[trusted]:
        return branch, []
    return trusted, [
        _ignored(key, branch, "a branch may only move toward patch (patch < branch < push)", trusted)
    ]


def handover(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    if branch == "none":
        return branch, []
    return trusted, [_ignored(key, branch, 'a branch may only set it to "none"', trusted)]


def engine(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    if trusted == "auto" and branch != "auto":
        return branch, []
    return trusted, [_ignored(key, branch, "a branch may only narrow auto to one engine", trusted)]


def verify(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    if branch == "all" and trusted is None:
        return branch, []
    if branch not in (None, "all"):
        why = "a branch may not choose its own verify command (the defendant must not choose the judge)"
    else:
        why = 'a branch may only ask for "all" when no verify command is configured'
    return trusted, [_ignored(key, branch, why, trusted)]


def prices(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    value = {model: dict(price) for model, price in trusted.items()}
    notes = []
    for model, asked in branch.items():
        name = f"{key}.{model}"
        if model not in value:
            why = "a branch may not add a model to the price table (unknown models pay the dearest price)"
            notes.append(f"{name} {show(asked)} ignored: {why}")
            continue
        kept = value[model]
        lowered = []
        for part in PRICE_FIELDS:
            mine = asked.get(part)
            if mine is None or mine == kept.get(part):
                continue
            # a missing cache price means "derived from the input price" (budget.py): unknown here, so kept
            if kept.get(part) is not None and mine > kept[part]:
                kept[part] = mine
            else:
                lowered.append(part)
        if lowered:
            why = f"a branch may only raise a price ({', '.join(lowered)} kept)"
            notes.append(_ignored(name, asked, why, kept))
    return value, notes


def allowed(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    return branch, []


def trusted_only(key: str, trusted: Any, branch: Any) -> tuple[Any, list[str]]:
    why = "only trusted sources (CI variables, flags, --config, the default branch) may set it"
    return trusted, [_ignored(key, branch, why, trusted)]


LIMITS = (
    "max_attempts",
    "max_commits_per_branch",
    "verify_timeout_s",
    "diff.max_changed_lines",
    "diff.max_changed_files",
    "diff.max_changed_bytes",
    "anthropic.max_turns",
    "anthropic.max_tokens",
    "anthropic.max_dollars",
    "anthropic.max_wall_s",
    "anthropic.max_output_tokens",
)
PROTECTIONS = ("protected_branches", "diff.protected_paths", "diff.extra_protected_paths", "secret_paths")
TRUSTED_ONLY = (
    "platform",
    "remote",
    "branch",
    "sandbox",
    "commit.author_name",
    "commit.author_email",
    "commit.message_prefix",
    "anthropic.provider",
)

RULES: dict[str, Rule] = {
    **dict.fromkeys(LIMITS, lower_only),
    **dict.fromkeys(PROTECTIONS, union),
    **dict.fromkeys(TRUSTED_ONLY, trusted_only),
    "fixable": intersection,
    "fix_tests": only_off,
    "flaky_rerun": only_off,
    "mode": mode,
    "handover": handover,
    "engine": engine,
    "verify": verify,
    "anthropic.prices": prices,
    "anthropic.model": allowed,
}
# settings whose tightened value mixes the trusted one with the branch's (provenance names both)
COMBINED = frozenset({*PROTECTIONS, "fixable", "anthropic.prices"})


def tighten(trusted: Mapping[str, Any], branch: Mapping[str, Any], label: str) -> Tightened:
    """The branch's settings (dotted name -> value) that tighten `trusted`, and a note for each one that did not."""
    result = Tightened()
    for key, asked in branch.items():
        current = trusted.get(key)
        if asked == current:
            continue
        value, notes = RULES.get(key, trusted_only)(key, current, asked)
        if value != current:
            result.changes[key] = value
        result.notes.extend(f"{label}: {note}" for note in notes)
    return result

"""Engine protocol and the cheapest-first order: deterministic rules, then the Anthropic agent.

An engine edits the working tree of `ctx.repo` and returns an Attempt: the Patch describing what it did, or
none with the reason. It must leave the tree clean when it returns no patch. It never commits or pushes,
and it runs repository code (formatters, the check) only through `ctx.runner` — sandboxed, without secrets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from emitter.report import Record

from ..config import Config
from ..context import Attempt, Failure, VerifyResult
from ..paths import FilePolicy
from ..proc import Runner


def _quiet(line: str) -> None:
    return None


@dataclass(frozen=True)
class FixContext:
    repo: Path
    failure: Failure
    records: list[Record]  # the fixable ones, per classify
    config: Config
    env: Mapping[
        str, str
    ]  # the fixer's own credentials (API keys) for its API clients; never given to children
    runner: Runner  # runs repository code: sandboxed where the machine allows, stripped environment
    # Reruns the failed check(s) on the current working tree; the argument caps its time (a model's budget)
    verify: Callable[[float | None], VerifyResult]
    files: FilePolicy = field(default_factory=FilePolicy)
    redact: Callable[[str], str] = field(default=lambda text: text)
    progress: Callable[[str], None] = field(default=_quiet)  # one line for a human watching the job


class Engine(Protocol):
    name: str

    def available(self, ctx: FixContext) -> str | None:
        """None when the engine can run here; else the reason it cannot (shown in the outcome)."""

    def fix(self, ctx: FixContext) -> Attempt: ...


class DeferredAnthropic:
    """The model engine, its SDK imported only when it runs: most runs never get that far."""

    name = "anthropic"

    def available(self, ctx: FixContext) -> str | None:
        from .anthropic.availability import unavailable

        return unavailable(ctx.config.anthropic, ctx.env)

    def fix(self, ctx: FixContext) -> Attempt:
        from .anthropic.agent import AnthropicEngine

        return AnthropicEngine().fix(ctx)


def engines_for(choice: str) -> list[Engine]:
    from .rules import RulesEngine

    order: dict[str, list[Engine]] = {
        "rules": [RulesEngine()],
        "anthropic": [DeferredAnthropic()],
        "auto": [RulesEngine(), DeferredAnthropic()],
    }
    return order[choice]

"""Engine protocol and the cheapest-first order: deterministic rules, then the Anthropic agent.

An engine edits the working tree of `ctx.repo` and returns a Patch describing what it did, or None when it
had nothing to offer. It must leave the tree clean when it returns None. It never commits or pushes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from emitter.report import Record

from ..config import Config
from ..context import Failure, Patch, VerifyResult


@dataclass(frozen=True)
class FixContext:
    repo: Path
    failure: Failure
    records: list[Record]  # the fixable ones, per classify
    config: Config
    env: Mapping[str, str]  # the caller's environment (API keys are read from here, never passed to children)
    child_env: Mapping[str, str]  # stripped of secrets: for every process an engine starts
    verify: Callable[[], VerifyResult]  # reruns the failed check on the current working tree
    redact: Callable[[str], str] = field(default=lambda text: text)


class Engine(Protocol):
    name: str

    def available(self, ctx: FixContext) -> str | None:
        """None when the engine can run here; else the reason it cannot (shown in the outcome)."""

    def fix(self, ctx: FixContext) -> Patch | None: ...


def engines_for(choice: str) -> list[Engine]:
    from .anthropic.agent import AnthropicEngine
    from .rules import RulesEngine

    order: dict[str, list[Engine]] = {
        "rules": [RulesEngine()],
        "anthropic": [AnthropicEngine()],
        "auto": [RulesEngine(), AnthropicEngine()],
    }
    return order[choice]

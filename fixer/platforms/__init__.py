"""Platform protocol: where facts, reports and retries come from, and where the outcome is shown.

One module per platform behind one interface (pre-commit's languages); `local` powers the demo and any
git remote. Buildkite and GitLab adapters implement the same protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from ..context import Facts, Failure
from ..outcome import Outcome


class Platform(Protocol):
    name: str

    def facts(self, repo: Path, env: Mapping[str, str], branch: str | None) -> Facts: ...

    def report_paths(self, repo: Path, given: list[str]) -> list[str]:
        """Where the failed tasks' reports are (downloading artifacts first where the platform has them)."""

    def retry(self, failure: Failure, child_env: Mapping[str, str]) -> str:
        """Retries the failed job (flaky or infra verdicts); returns a line for the outcome."""

    def publish(self, outcome: Outcome, facts: Facts) -> None:
        """Shows the outcome to a human: annotation, MR note, or a terminal summary."""


def detect(choice: str, env: Mapping[str, str]) -> str:
    if choice != "auto":
        return choice
    if env.get("BUILDKITE") == "true":
        return "buildkite"
    if env.get("GITLAB_CI") == "true":
        return "gitlab"
    return "local"


def get(name: str) -> Platform:
    from .local import LocalPlatform

    platforms: dict[str, type[Platform]] = {"local": LocalPlatform}
    if name not in platforms:
        from emitter.errors import UsageError

        raise UsageError(f"platform {name!r} is not available yet (available: {', '.join(platforms)})")
    return platforms[name]()

"""Platform protocol: where facts, reports and retries come from, and where the outcome is shown.

One module per platform behind one interface (pre-commit's languages); `local` powers the demo and any
git remote. Buildkite and GitLab adapters implement the same protocol. Credentials and configuration are
given to an adapter when it is built, never read from the process environment inside a stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from ..context import Facts, Failure
from ..outcome import Outcome
from ..proc import Runner


class Platform(Protocol):
    name: str

    def facts(self, repo: Path, env: Mapping[str, str], branch: str | None, remote: str) -> Facts:
        """What the CI says about the failed build, read once before any repository code runs (the remote
        URL among it: later pushes go there, whatever the checkout's configuration says by then)."""

    def report_paths(self, repo: Path, given: list[str]) -> list[str]:
        """Where the build's task reports are (downloading artifacts first where the platform has them)."""

    def retry(self, repo: Path, failure: Failure, runner: Runner) -> str:
        """Retries the failed job (flaky or infra verdicts); returns a line for the outcome."""

    def show(self, outcome: Outcome, facts: Facts | None) -> None:
        """Shows the outcome to a human: annotation, MR note, or a terminal summary. May raise: the caller
        falls back to stderr."""


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

"""Platform protocol: where facts, reports and retries come from, where a fix is delivered, where the
outcome is shown. One module (or folder) per platform behind one interface (pre-commit's languages); the
loop never asks which platform it runs on. `base.GitPlatform` gives the shared parts — facts from the
emitter's CI reader, a git lease push, a rerun, the outcome on stderr — so `local` is a few lines and
Buildkite and GitLab add only what differs. Credentials and configuration are given to an adapter when it
is built (`get(name, env)`), never read from the process environment inside a stage.

Optional capabilities, checked at run time (`isinstance` against the small protocols below): starting the
next build on the new commit, and giving the model engine its credentials (a platform's model proxy).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # the plugin's command hook imports this package in front of every build step: stay light
    from ..context import Delivery, Facts, Failure, Stop
    from ..outcome import Outcome
    from ..proc import Runner
    from ..stages.push import Published


class Platform(Protocol):
    name: str

    def facts(self, repo: Path, env: Mapping[str, str], branch: str | None, remote: str) -> Facts:
        """What the CI says about the failed build, read once before any repository code runs (the remote
        URL among it: later pushes go there, whatever the checkout's configuration says by then)."""

    def fetch_reports(self, repo: Path, facts: Facts, given: list[str]) -> list[str]:
        """Files or folders holding the build's task reports: the given ones, or the platform's own —
        every failed job's artifacts, and reports parsed from the logs of failed jobs that were not wrapped."""

    def deliver(self, repo: Path, delivery: Delivery) -> Published | Stop:
        """Puts the fix commit where `delivery` says, with the lease; never force."""

    def retry(self, repo: Path, facts: Facts, failure: Failure, runner: Runner) -> str:
        """Retries the failed job (flaky or infra verdicts); returns a line for the outcome."""

    def show(self, outcome: Outcome, facts: Facts | None) -> None:
        """Shows the outcome to a human: annotation, MR note, or a terminal summary. May raise: the caller
        falls back to stderr."""


@runtime_checkable
class StartsBuilds(Protocol):
    def next_build(self, facts: Facts, delivery: Delivery) -> str:
        """Starts a build on the delivered commit (when its push alone would not); a line for the outcome."""


@runtime_checkable
class ProvidesModel(Protocol):
    def model_env(self) -> Mapping[str, str]:
        """Credentials and base URL the model engine uses instead of its own (a platform's model proxy)."""


def detect(choice: str, env: Mapping[str, str]) -> str:
    if choice != "auto":
        return choice
    if env.get("BUILDKITE") == "true":
        return "buildkite"
    if env.get("GITLAB_CI") == "true":
        return "gitlab"
    return "local"


def get(name: str, env: Mapping[str, str]) -> Platform:
    """The adapter for `name`, built with what it needs from the run's environment."""
    from emitter.errors import UsageError

    if name == "local":
        from .local import LocalPlatform

        return LocalPlatform()
    if name == "buildkite":
        from .buildkite.adapter import BuildkitePlatform

        return BuildkitePlatform.from_env(env)
    if name == "gitlab":
        from .gitlab.adapter import GitLabPlatform

        return GitLabPlatform.from_env(env)
    raise UsageError(f"unknown platform {name!r} (available: local, buildkite, gitlab)")

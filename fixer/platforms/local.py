"""The local platform: reports from a folder, any git remote, retry = rerun the command, outcome on stderr."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from .. import git
from ..context import Facts, Failure
from ..outcome import Outcome, render_text
from ..proc import Runner

RETRY_TIMEOUT_S = 3600


class LocalPlatform:
    name = "local"

    def facts(self, repo: Path, env: Mapping[str, str], branch: str | None, remote: str) -> Facts:
        return Facts(
            platform=self.name,
            branch=branch or git.current_branch(repo),
            commit=env.get("SELFHEAL_FAILED_COMMIT") or git.head(repo),
            remote_url=git.remote_url(repo, remote),
        )

    def report_paths(self, repo: Path, given: list[str]) -> list[str]:
        return given or [str(repo / ".selfheal")]

    def retry(self, repo: Path, failure: Failure, runner: Runner) -> str:
        if not failure.command:
            return "nothing to rerun: the report has no command"
        done = runner.run(failure.command, cwd=repo, timeout_s=RETRY_TIMEOUT_S)
        return f"reran {' '.join(failure.command)}: exit {done.exit_code}"

    def show(self, outcome: Outcome, facts: Facts | None) -> None:
        sys.stderr.write(render_text(outcome))

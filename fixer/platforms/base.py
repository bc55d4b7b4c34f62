"""What every platform shares: facts from the emitter's CI reader (the one source of CI facts), reports
from a folder, delivery by a git lease push, a retry that reruns the command, the outcome on stderr."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from emitter.ci_env import ci_info

from .. import git
from ..context import Delivery, Facts, Failure, Stop
from ..outcome import Outcome, render_text
from ..proc import Runner
from ..stages import push
from ..stages.push import Published

RETRY_TIMEOUT_S = 3600


class GitPlatform:
    name = "local"

    def remote_url(self, repo: Path, env: Mapping[str, str], remote: str) -> str | None:
        """Where fixes go: the checkout's remote, read now, before any repository code ran."""
        return git.remote_url(repo, remote)

    def facts(self, repo: Path, env: Mapping[str, str], branch: str | None, remote: str) -> Facts:
        ci = ci_info(env)

        def text(key: str) -> str | None:
            value = ci.get(key)
            return str(value) if value else None

        return Facts(
            platform=self.name,
            branch=branch or text("branch") or git.current_branch(repo),
            commit=env.get("SELFHEAL_FAILED_COMMIT") or text("commit") or git.head(repo),
            tag=text("tag"),
            default_branch=text("default_branch"),
            pull_request=text("pull_request"),
            is_fork=bool(ci.get("is_fork")),
            build_url=text("build_url"),
            job_url=text("job_url"),
            remote_url=self.remote_url(repo, env, remote),
        )

    def fetch_reports(self, repo: Path, facts: Facts, given: list[str]) -> list[str]:
        return given or [str(repo / ".selfheal")]

    def deliver(self, repo: Path, delivery: Delivery) -> Published | Stop:
        return push.publish(
            repo,
            delivery.where,
            delivery.url,
            delivery.branch,
            delivery.failed_sha,
            delivery.sha,
            Path(delivery.patch_path),
            str,  # the caller redacts what it shows
        )

    def retry(self, repo: Path, facts: Facts, failure: Failure, runner: Runner) -> str:
        if not failure.command:
            return "nothing to rerun: the report has no command"
        done = runner.run(failure.command, cwd=repo, timeout_s=RETRY_TIMEOUT_S)
        return f"reran {' '.join(failure.command)}: exit {done.exit_code}"

    def show(self, outcome: Outcome, facts: Facts | None) -> None:
        sys.stderr.write(render_text(outcome))

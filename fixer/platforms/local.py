"""The local platform: reports from a folder, any git remote, retry = rerun the command, outcome on stderr."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from .. import git
from ..context import Facts, Failure
from ..outcome import Outcome
from ..proc import run

ICONS = {"fixed": "✔", "flaky": "↻", "infra_retry": "↻", "escalated": "✖", "skipped": "–"}


class LocalPlatform:
    name = "local"

    def facts(self, repo: Path, env: Mapping[str, str], branch: str | None) -> Facts:
        head = git.head(repo)
        default = git.git(repo, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False)
        return Facts(
            platform=self.name,
            branch=branch or git.current_branch(repo),
            commit=env.get("SELFHEAL_FAILED_COMMIT") or head,
            default_branch=default.strip().split("/", 1)[-1] or None,
        )

    def report_paths(self, repo: Path, given: list[str]) -> list[str]:
        return given or [str(repo / ".selfheal")]

    def retry(self, failure: Failure, child_env: Mapping[str, str]) -> str:
        if not failure.command:
            return "nothing to rerun: the report has no command"
        done = run(failure.command, cwd=Path.cwd(), env=dict(child_env), timeout_s=3600)
        return f"reran {' '.join(failure.command)}: exit {done.exit_code}"

    def publish(self, outcome: Outcome, facts: Facts) -> None:
        lines = [f"selfheal {ICONS[outcome.outcome]} {outcome.outcome}: {outcome.reason}"]
        if outcome.commit:
            lines.append(
                f"  commit   {outcome.commit[:12]}"
                + (f" → {outcome.pushed_ref}" if outcome.pushed_ref else "")
            )
        if outcome.patch_file:
            lines.append(f"  patch    {outcome.patch_file}")
        if outcome.verify:
            state = "passed" if outcome.verify.ok else "failed"
            lines.append(f"  verify   {' '.join(outcome.verify.command)} — {state}")
        lines.extend(f"  · {detail}" for detail in outcome.details[:20])
        sys.stderr.write("\n".join(lines) + "\n")

"""The Buildkite platform for `selfheal fix --platform buildkite` (the fix step the plugin uploads).

- facts: the emitter's CI reader over BUILDKITE_*; fixes go to BUILDKITE_REPO, the pipeline's own
  repository URL, not to whatever the checkout's configuration says;
- reports: every failed job of the build (`reports.py`);
- deliver: the shared git lease push; then the next build starts through the push's webhook, or — with
  `retry: create-build` — through the REST API on the new commit (a rebuild would re-run the old one);
- retry (flaky and infra verdicts only): the failed job, through the REST API;
- show: one annotation per failed step, replaced on each attempt, plus the outcome in the job log;
- model: with `model-proxy`, Buildkite's model-provider proxy with the job token, so no model key is needed.
The agent's job token and the API token stay in this object; children never see them (`secrets.child_env`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from ...context import Delivery, Facts, Failure
from ...outcome import Outcome, render_text
from ...proc import Runner
from ...render import markdown, marker_for
from ..base import GitPlatform
from . import reports
from .agent_cli import AgentCLI
from .env import BuildkiteEnv, api_token
from .rest import BuildkiteAPI, BuildkiteAPIError

STYLES = {
    "fixed": "success",
    "flaky": "warning",
    "infra_retry": "warning",
    "escalated": "error",
    "skipped": "info",
}


class BuildkitePlatform(GitPlatform):
    name = "buildkite"

    def __init__(
        self, bk: BuildkiteEnv, agent: AgentCLI, api: BuildkiteAPI | None, agent_token: str | None
    ) -> None:
        self.bk, self.agent, self.api, self._agent_token = bk, agent, api, agent_token

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> BuildkitePlatform:
        bk = BuildkiteEnv.read(env)
        token = api_token(env)
        api = BuildkiteAPI(token, bk.api_url) if token else None
        return cls(bk, AgentCLI(env), api, env.get("BUILDKITE_AGENT_ACCESS_TOKEN") or None)

    def remote_url(self, repo: Path, env: Mapping[str, str], remote: str) -> str | None:
        return self.bk.repository or super().remote_url(repo, env, remote)

    def fetch_reports(self, repo: Path, facts: Facts, given: list[str]) -> list[str]:
        if given:
            return given
        found, notes = reports.fetch(repo, self.bk, self.agent, self.api)
        for note in notes:
            sys.stderr.write(f"selfheal: {note}\n")
        return found

    def next_build(self, facts: Facts, delivery: Delivery) -> str:
        if self.bk.retry != "create-build":
            return "the push starts the next build through the pipeline's webhook"
        if self.api is None or self.bk.build is None:
            return "no build started: retry is create-build but no API token was given (api-token-env)"
        org, pipeline, _ = self.bk.build
        message = f"selfheal: verify the fix for {facts.build_url or 'the failed build'}"
        try:
            url = self.api.create_build(org, pipeline, delivery.sha, delivery.branch, message)
        except BuildkiteAPIError as exc:  # the fix is pushed either way: say what did not happen
            return f"the fix is pushed, but no build was started: {exc}"
        return f"started {url}"

    def retry(self, repo: Path, facts: Facts, failure: Failure, runner: Runner) -> str:
        job = self.bk.failed_job_id
        if self.api is None or self.bk.build is None or not job:
            return "the failed job was not retried: no Buildkite API token (the plugin's api-token-env)"
        try:
            return f"retried job {job}: new job {self.api.retry_job(*self.bk.build, job)}"
        except BuildkiteAPIError as exc:
            return f"the failed job was not retried: {exc}"

    def show(self, outcome: Outcome, facts: Facts | None) -> None:
        sys.stderr.write(render_text(outcome))  # the job log first: it must show even if the annotation fails
        scope = self.bk.scope
        body = markdown(outcome, facts, marker_for(scope), max_attempts=outcome.max_attempts)
        self.agent.annotate(body, context=f"selfheal-fix-{scope}"[:100], style=STYLES[outcome.outcome])

    def model_env(self) -> Mapping[str, str]:
        if not self.bk.model_proxy:
            return {}
        if not (self.bk.agent_endpoint and self._agent_token):
            return {}
        return {
            "ANTHROPIC_BASE_URL": self.bk.agent_endpoint.rstrip("/") + "/ai/anthropic",
            "ANTHROPIC_AUTH_TOKEN": self._agent_token,
            "ANTHROPIC_API_KEY": "",  # the proxy, not a key the job happens to hold
        }

"""What a Buildkite fix step knows from its environment: the build (BUILDKITE_*, the agent's own variables)
and what the plugin's post-command hook put in the fix step's `env` (SELFHEAL_FAILED_*, SELFHEAL_BUILDKITE_*).

Only names and plain facts live here; the two tokens (the agent's job token, and the API token read from the
variable the plugin names) are kept by the adapter for the calls that need them, never passed to children."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

API_URL = "https://api.buildkite.com/v2/"


@dataclass(frozen=True)
class BuildkiteEnv:
    org: str | None
    pipeline: str | None
    build_number: str | None
    build_id: str | None
    job_id: str | None  # this (fix) job
    failed_job_id: str | None  # the job whose failure started this fix step
    failed_step_key: str | None
    agent_endpoint: str | None
    repository: str | None
    retry: str  # how the next build starts: webhook | create-build
    model_proxy: bool
    artifact_dir: str
    api_url: str

    @classmethod
    def read(cls, env: Mapping[str, str]) -> BuildkiteEnv:
        def get(name: str) -> str | None:
            return env.get(name) or None

        return cls(
            org=get("BUILDKITE_ORGANIZATION_SLUG"),
            pipeline=get("BUILDKITE_PIPELINE_SLUG"),
            build_number=get("BUILDKITE_BUILD_NUMBER"),
            build_id=get("BUILDKITE_BUILD_ID"),
            job_id=get("BUILDKITE_JOB_ID"),
            failed_job_id=get("SELFHEAL_FAILED_JOB_ID"),
            failed_step_key=get("SELFHEAL_FAILED_STEP_KEY"),
            agent_endpoint=get("BUILDKITE_AGENT_ENDPOINT"),
            repository=get("BUILDKITE_REPO"),
            retry=get("SELFHEAL_BUILDKITE_RETRY") or "webhook",
            model_proxy=(env.get("SELFHEAL_BUILDKITE_MODEL_PROXY") or "").lower() == "true",
            artifact_dir=get("SELFHEAL_BUILDKITE_ARTIFACT_DIR") or ".selfheal",
            api_url=get("SELFHEAL_BUILDKITE_API_URL") or API_URL,
        )

    @property
    def build(self) -> tuple[str, str, str] | None:
        """(organization, pipeline, build number) when all are known: what the REST API addresses."""
        if self.org and self.pipeline and self.build_number:
            return self.org, self.pipeline, self.build_number
        return None

    @property
    def scope(self) -> str:
        """What the outcome annotation belongs to: the failed step (one annotation, replaced each attempt)."""
        return self.failed_step_key or self.failed_job_id or self.job_id or "build"


def api_token(env: Mapping[str, str]) -> str | None:
    """The Buildkite API token, from the variable the plugin's `api-token-env` names (never the token in
    configuration: only where to find it)."""
    name = env.get("SELFHEAL_BUILDKITE_API_TOKEN_ENV")
    return env.get(name) or None if name else None

"""What a GitLab fix job knows from its environment (CI_*, and the component's SELFHEAL_GITLAB_*).

Only names and plain facts live here; the token is read by the adapter, from the variable whose NAME the
component gives (`SELFHEAL_GITLAB_TOKEN_ENV`, default SELFHEAL_GITLAB_TOKEN), for the calls that need it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_TOKEN_ENV = "SELFHEAL_GITLAB_TOKEN"


@dataclass(frozen=True)
class GitLabEnv:
    server_url: str | None  # what python-gitlab wants: the server root, not …/api/v4
    project_id: str | None
    project_url: str | None
    pipeline_id: str | None
    job_id: str | None
    mr_iid: str | None
    source_branch: str | None
    target_branch: str | None
    commit: str | None  # the branch's head: in a merged-results pipeline, not the merge commit
    repository_url: str | None
    token_env: str
    deliver: str  # api: the Commits API with last_commit_id; git: a git push over HTTPS
    auto_merge: str  # cancel: turn auto-merge off before pushing (and say so); refuse: push nothing

    @classmethod
    def read(cls, env: Mapping[str, str]) -> GitLabEnv:
        def get(name: str) -> str | None:
            return env.get(name) or None

        api = get("CI_API_V4_URL")
        server = api.removesuffix("/").removesuffix("/api/v4") if api else get("CI_SERVER_URL")
        merged = env.get("CI_MERGE_REQUEST_EVENT_TYPE") == "merged_result"
        return cls(
            server_url=server,
            project_id=get("CI_PROJECT_ID"),
            project_url=get("CI_PROJECT_URL"),
            pipeline_id=get("CI_PIPELINE_ID"),
            job_id=get("CI_JOB_ID"),
            mr_iid=get("CI_MERGE_REQUEST_IID"),
            source_branch=get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or get("CI_COMMIT_BRANCH"),
            target_branch=get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
            commit=(get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") if merged else None) or get("CI_COMMIT_SHA"),
            repository_url=get("CI_REPOSITORY_URL"),
            token_env=get("SELFHEAL_GITLAB_TOKEN_ENV") or DEFAULT_TOKEN_ENV,
            deliver=get("SELFHEAL_GITLAB_DELIVER") or "api",
            auto_merge=get("SELFHEAL_GITLAB_AUTO_MERGE") or "cancel",
        )

    @property
    def scope(self) -> str:
        """What the outcome note belongs to: the merge request (one note, edited on each attempt)."""
        return f"mr-{self.mr_iid}" if self.mr_iid else f"pipeline-{self.pipeline_id or 'local'}"

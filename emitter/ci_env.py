"""CI environment variables → the report's `ci` block and the default task name (reviewdog's cienv).

Returns plain dicts: this runs before the wrapped command, where pydantic is not imported yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_SLUG = re.compile(r"[^A-Za-z0-9._-]+")
_EMOJI = re.compile(r":[a-z0-9_+-]+:")  # Buildkite labels carry :emoji: codes


def _nonempty(env: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = env.get(name)
        if value:
            return value
    return None


def _buildkite(env: Mapping[str, str]) -> dict[str, object]:
    pr = env.get("BUILDKITE_PULL_REQUEST")
    pr = None if pr in (None, "", "false") else pr
    build_url = env.get("BUILDKITE_BUILD_URL")
    job_id = env.get("BUILDKITE_JOB_ID")
    pr_repo, repo = env.get("BUILDKITE_PULL_REQUEST_REPO"), env.get("BUILDKITE_REPO")
    return {
        "provider": "buildkite",
        "pipeline": env.get("BUILDKITE_PIPELINE_SLUG"),
        "build_id": env.get("BUILDKITE_BUILD_ID"),
        "build_number": env.get("BUILDKITE_BUILD_NUMBER"),
        "build_url": build_url,
        "job_id": job_id,
        "job_url": f"{build_url}#{job_id}" if build_url and job_id else None,
        "repository": repo,
        "commit": env.get("BUILDKITE_COMMIT"),
        "branch": env.get("BUILDKITE_BRANCH"),
        "tag": env.get("BUILDKITE_TAG") or None,
        "default_branch": env.get("BUILDKITE_PIPELINE_DEFAULT_BRANCH"),
        "pull_request": pr,
        "pull_request_base": env.get("BUILDKITE_PULL_REQUEST_BASE_BRANCH") or None,
        "is_fork": bool(pr and pr_repo and repo and _repo_key(pr_repo) != _repo_key(repo)) if pr else None,
    }


def _repo_key(url: str) -> str:
    """git@host:org/repo.git and https://host/org/repo are the same repository."""
    tail = re.split(r"[:/]", url.removesuffix(".git").rstrip("/"))
    return "/".join(tail[-2:]).lower()


def _gitlab(env: Mapping[str, str]) -> dict[str, object]:
    mr = env.get("CI_MERGE_REQUEST_IID")
    source, target = env.get("CI_MERGE_REQUEST_SOURCE_PROJECT_ID"), env.get("CI_MERGE_REQUEST_PROJECT_ID")
    return {
        "provider": "gitlab",
        "pipeline": env.get("CI_PROJECT_PATH"),
        "build_id": env.get("CI_PIPELINE_ID"),
        "build_number": env.get("CI_PIPELINE_IID"),
        "build_url": env.get("CI_PIPELINE_URL"),
        "job_id": env.get("CI_JOB_ID"),
        "job_url": env.get("CI_JOB_URL"),
        "repository": env.get("CI_PROJECT_URL"),
        "commit": env.get("CI_COMMIT_SHA"),
        "branch": _nonempty(env, "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_COMMIT_BRANCH"),
        "tag": env.get("CI_COMMIT_TAG") or None,
        "default_branch": env.get("CI_DEFAULT_BRANCH"),
        "pull_request": mr,
        "pull_request_base": env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
        "is_fork": (source != target) if mr and source and target else None,
    }


def _github(env: Mapping[str, str]) -> dict[str, object]:
    server, repo, run = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"), env.get("GITHUB_RUN_ID")
    ref = env.get("GITHUB_REF", "")
    pr = ref.split("/")[2] if ref.startswith("refs/pull/") else None
    return {
        "provider": "github",
        "pipeline": env.get("GITHUB_WORKFLOW"),
        "build_id": run,
        "build_number": env.get("GITHUB_RUN_NUMBER"),
        "build_url": f"{server}/{repo}/actions/runs/{run}" if server and repo and run else None,
        "job_id": env.get("GITHUB_JOB"),
        "repository": f"{server}/{repo}" if server and repo else None,
        "commit": env.get("GITHUB_SHA"),
        "branch": _nonempty(env, "GITHUB_HEAD_REF", "GITHUB_REF_NAME"),
        "tag": env.get("GITHUB_REF_NAME") if ref.startswith("refs/tags/") else None,
        "pull_request": pr,
        "pull_request_base": env.get("GITHUB_BASE_REF") or None,
    }


def ci_info(env: Mapping[str, str]) -> dict[str, object]:
    if env.get("BUILDKITE") == "true" or "BUILDKITE_BUILD_ID" in env:
        info = _buildkite(env)
    elif env.get("GITLAB_CI") == "true" or "CI_JOB_ID" in env:
        info = _gitlab(env)
    elif env.get("GITHUB_ACTIONS") == "true":
        info = _github(env)
    else:
        info = {"provider": "local"}
    return {k: v for k, v in info.items() if v is not None}


def default_task(env: Mapping[str, str], command: list[str]) -> str:
    label = _nonempty(env, "BUILDKITE_LABEL", "BUILDKITE_STEP_KEY", "CI_JOB_NAME", "GITHUB_JOB")
    if label:
        label = _EMOJI.sub("", label).strip()
    return label or " ".join(command) or "task"


def slug(task: str) -> str:
    return _SLUG.sub("-", task).strip("-._").lower()[:80] or "task"

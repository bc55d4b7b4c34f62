"""The GitLab platform's own decisions, without a pipeline: which commit failed, where reads go, and what a
job token alone can and cannot do — said plainly, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.context import Delivery
from fixer.outcome import Outcome
from fixer.platforms.gitlab.adapter import GitLabPlatform
from fixer.platforms.gitlab.env import GitLabEnv
from tests.helpers.gitlab_server import JOB_TOKEN

MR = {
    "CI_API_V4_URL": "https://gitlab.example.com/api/v4",
    "CI_PROJECT_ID": "1",
    "CI_MERGE_REQUEST_IID": "4",
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/x",
    "CI_COMMIT_SHA": "m" * 40,
    "CI_REPOSITORY_URL": "https://gitlab-ci-token:xyz@gitlab.example.com/acme/app.git",
}


def test_a_merged_results_pipeline_fixes_the_branch_head_not_the_merge_commit() -> None:
    env = {
        **MR,
        "CI_MERGE_REQUEST_EVENT_TYPE": "merged_result",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "s" * 40,
    }
    assert GitLabEnv.read(env).commit == "s" * 40
    assert GitLabEnv.read(MR).commit == "m" * 40
    assert GitLabEnv.read(MR).server_url == "https://gitlab.example.com"
    assert GitLabEnv.read(MR).scope == "mr-4"


def test_with_only_the_job_token_selfheal_says_why_it_cannot_push(tmp_path: Path) -> None:
    platform = GitLabPlatform.from_env({**MR, "CI_JOB_TOKEN": JOB_TOKEN})
    stop = platform.deliver(
        tmp_path, Delivery("push", "b" * 40, "a" * 40, "feature/x", None, str(tmp_path / "p"))
    )
    assert stop.outcome == "escalated"  # type: ignore[union-attr]
    assert "CI_JOB_TOKEN cannot create commits, notes or retries" in stop.reason  # type: ignore[union-attr]
    assert "SELFHEAL_GITLAB_TOKEN" in stop.reason  # type: ignore[union-attr]


def test_showing_without_a_token_tells_the_job_log_and_does_not_raise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    GitLabPlatform.from_env({**MR, "CI_JOB_TOKEN": JOB_TOKEN}).show(
        Outcome(outcome="fixed", reason="done"), None
    )
    err = capsys.readouterr().err
    assert "selfheal ✔ fixed: done" in err and "CI_JOB_TOKEN cannot create commits" in err


def test_the_token_comes_from_the_variable_the_component_names() -> None:
    env = {**MR, "SELFHEAL_GITLAB_TOKEN_ENV": "MY_BOT_TOKEN", "MY_BOT_TOKEN": "glpat-abc"}
    assert GitLabPlatform.from_env(env)._token == "glpat-abc"
    assert GitLabPlatform.from_env(MR)._token is None


def test_a_later_fix_proposal_replaces_the_earlier_one() -> None:
    from fixer.platforms.gitlab import merge_requests
    from fixer.platforms.gitlab.client import connect
    from tests.helpers.gitlab_server import PROJECT, TOKEN, GitLabServer

    with GitLabServer() as server:
        server.add_project(PROJECT, project_id=1)
        server.add_merge_request("feature/x", "main", iid=1)
        server.add_merge_request("selfheal/feature/x-aaaaaaa", "feature/x", iid=2)
        server.add_merge_request("selfheal/feature/xy-bbbbbbb", "feature/x", iid=3)  # another branch's
        server.add_merge_request("selfheal/feature/x-ccccccc", "feature/x", iid=4)
        gl = connect(server.url, TOKEN)
        closed = merge_requests.close_superseded(
            gl, 1, "selfheal/feature/x-", "feature/x", keep="selfheal/feature/x-ccccccc"
        )
        states = {iid: server.merge_request(iid)["state"] for iid in (1, 2, 3, 4)}
    assert closed == [2]
    assert states == {1: "opened", 2: "closed", 3: "opened", 4: "opened"}

"""The Buildkite REST client through the real pybuildkite against the loopback REST API, and Buildkite's
model-provider proxy through the real anthropic SDK: what each call sends, what it makes of the answers,
and that every failure is one readable line."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import pytest
import requests

from emitter.scan import scan_bytes
from fixer.platforms.buildkite.rest import BuildkiteAPI, BuildkiteAPIError, Job
from tests.helpers.anthropic_server import AnthropicServer, message, text
from tests.helpers.buildkite_server import (
    AGENT_TOKEN,
    NOT_RETRYABLE,
    PROVIDER_KEY,
    TOKEN,
    BuildkiteServer,
    bk_log,
    job,
    waiter,
)

ORG, PIPELINE, NUMBER = "acme", "app", 7
RED, RESET = "\x1b[31m", "\x1b[0m"
MYPY_LOG = bk_log(
    "~~~ Preparing working directory",
    "$ git checkout -f 1a2b3c4",
    "--- :python: mypy",
    f'src/app.py:3:5: {RED}error:{RESET} Name "x" is not defined  [name-defined]',
    f"{RED}Found 1 error in 1 file (checked 4 source files){RESET}",
    "🚨 Error: The command exited with status 1",
)


def _build(server: BuildkiteServer) -> dict[str, Any]:
    return server.add_build(
        ORG,
        PIPELINE,
        NUMBER,
        [
            job(":lint-roller: lint", step_key="lint"),
            waiter(),
            job(":python: mypy", step_key="types", state="failed", log=MYPY_LOG, command="mypy src"),
            job(":docs: docs", step_key="docs", state="failed", soft_failed=True),
            job(":rocket: deploy", step_key="deploy", state="broken"),
            job(":hourglass: slow", step_key="slow", state="timed_out"),
            job(":no_entry: stopped", step_key="stopped", state="canceled", exit_status=-1),
            job(":test_tube: e2e", step_key="e2e", state="failed", exit_status=2),
        ],
        commit="1a2b3c4d" * 5,
        branch="feature/login",
    )


@pytest.fixture
def server() -> Iterator[BuildkiteServer]:
    with BuildkiteServer({TOKEN: None, "bkua_read_only": ["read_builds"]}) as srv:
        _build(srv)
        yield srv


@pytest.fixture
def api(server: BuildkiteServer) -> BuildkiteAPI:
    return BuildkiteAPI(TOKEN, server.api_url, timeout_s=5)


def _id(server: BuildkiteServer, step_key: str) -> str:
    build = server.builds[(ORG, PIPELINE, NUMBER)]
    return str(next(j["id"] for j in build["jobs"] if j.get("step_key") == step_key and not j["retried"]))


def test_a_build_lists_its_script_jobs_with_what_buildkite_says_of_them(
    server: BuildkiteServer, api: BuildkiteAPI
) -> None:
    jobs = api.build(ORG, PIPELINE, str(NUMBER))
    assert [j.step_key for j in jobs] == [
        "lint",
        "types",
        "docs",
        "deploy",
        "slow",
        "stopped",
        "e2e",
    ]  # no waiter
    types = jobs[1]
    assert types == Job(
        id=_id(server, "types"),
        step_key="types",
        label=":python: mypy",
        state="failed",
        exit_status=1,
        soft_failed=False,
        web_url=f"https://buildkite.com/{ORG}/{PIPELINE}/builds/{NUMBER}#{types.id}",
        retried=False,
        command="mypy src",
    )
    request = server.requests[-1]
    assert request.path == f"/v2/organizations/{ORG}/pipelines/{PIPELINE}/builds/{NUMBER}"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_failed_jobs_count_a_retried_step_once_by_its_last_run_and_leave_soft_failures_out(
    server: BuildkiteServer, api: BuildkiteAPI
) -> None:
    first = _id(server, "e2e")
    second = api.retry_job(ORG, PIPELINE, NUMBER, first)
    server.find_job(second).update(state="failed", exit_status=3)  # the retry failed too
    failed = api.failed_jobs(ORG, PIPELINE, NUMBER)
    assert [(j.step_key, j.id, j.exit_status) for j in failed] == [
        ("types", _id(server, "types"), 1),
        ("slow", _id(server, "slow"), -1),
        ("e2e", second, 3),
    ]
    third = api.retry_job(ORG, PIPELINE, NUMBER, second)
    server.find_job(third).update(state="passed", exit_status=0)  # and then it passed: no longer a failure
    assert [j.step_key for j in api.failed_jobs(ORG, PIPELINE, NUMBER)] == ["types", "slow"]


def test_a_job_log_loses_buildkites_escapes_but_keeps_its_colour_for_the_emitter(
    server: BuildkiteServer, api: BuildkiteAPI
) -> None:
    log = api.job_log(ORG, PIPELINE, NUMBER, _id(server, "types"))
    assert "_bk;t=" not in log and "\x07" not in log and "\r" not in log
    assert log.splitlines()[2:4] == [
        "--- :python: mypy",
        f'src/app.py:3:5: {RED}error:{RESET} Name "x" is not defined  [name-defined]',
    ]
    assert server.requests[-1].headers["accept"] == "text/plain"
    [hit] = scan_bytes(log.encode(), hint="mypy src")
    assert (hit.tool, hit.file, hit.line, hit.rule) == ("mypy", "src/app.py", 3, "name-defined")


def test_the_server_serves_a_log_in_the_documented_forms(server: BuildkiteServer) -> None:
    job_id = _id(server, "types")
    url = f"{server.api_url}organizations/{ORG}/pipelines/{PIPELINE}/builds/{NUMBER}/jobs/{job_id}/log"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = requests.get(url, headers=auth, timeout=5).json()
    assert body["url"] == url and body["content"] == MYPY_LOG
    assert body["size"] == len(MYPY_LOG.encode())
    assert body["header_times"] == [1700000000000, 1700000000500]  # the ~~~ and --- lines
    assert requests.get(url + ".txt", headers=auth, timeout=5).text == MYPY_LOG
    assert requests.get(url, headers={**auth, "Accept": "text/plain"}, timeout=5).text == MYPY_LOG


def test_a_log_larger_than_the_cap_keeps_its_end_from_a_line_start(server: BuildkiteServer) -> None:
    lines = [f"test_{i:06d} PASSED {'.' * 60}" for i in range(40_000)] + ["E   AssertionError: the end"]
    build = server.add_build(ORG, "big", 1, [job("huge", state="failed", log=bk_log(*lines))])
    api = BuildkiteAPI(TOKEN, server.api_url, timeout_s=5, max_log_bytes=256 * 1024)
    log = api.job_log(ORG, "big", 1, build["jobs"][0]["id"])
    assert len(log.encode()) <= 256 * 1024
    assert log.endswith("E   AssertionError: the end\n")
    assert log.startswith("test_") and all(line.startswith("test_") for line in log.splitlines()[:-1])
    assert len(server.logs[build["jobs"][0]["id"]]) > 2 * 1024 * 1024  # the whole log did cross the wire


def test_a_retry_returns_the_new_job_and_buildkite_marks_the_old_one(
    server: BuildkiteServer, api: BuildkiteAPI
) -> None:
    old = _id(server, "types")
    new = api.retry_job(ORG, PIPELINE, NUMBER, old)
    assert server.requests[-1].method == "PUT"
    assert server.requests[-1].path.endswith(f"/builds/{NUMBER}/jobs/{old}/retry")
    assert server.find_job(old)["retried"] and server.find_job(old)["retried_in_job_id"] == new
    assert [(j.id, j.state) for j in api.build(ORG, PIPELINE, NUMBER) if j.step_key == "types"] == [
        (new, "scheduled")
    ]


@pytest.mark.parametrize(
    ("step_key", "message"),
    [("lint", NOT_RETRYABLE), ("types", "This job has already been retried")],
)
def test_a_job_that_cannot_be_retried_is_one_line_with_buildkites_reason(
    server: BuildkiteServer, api: BuildkiteAPI, step_key: str, message: str
) -> None:
    job_id = _id(server, step_key)
    if step_key == "types":
        api.retry_job(ORG, PIPELINE, NUMBER, job_id)
    with pytest.raises(BuildkiteAPIError) as caught:
        api.retry_job(ORG, PIPELINE, NUMBER, job_id)
    assert caught.value.status == 400
    assert str(caught.value) == (
        f"Buildkite API 400 on PUT /v2/organizations/{ORG}/pipelines/{PIPELINE}/builds/{NUMBER}/jobs/{job_id}"
        f"/retry: {message}"
    )


def test_create_build_sends_the_commit_branch_message_and_env_and_returns_the_web_url(
    server: BuildkiteServer, api: BuildkiteAPI
) -> None:
    url = api.create_build(
        ORG, PIPELINE, "f" * 40, "feature/login", "selfheal: verify the fix", env={"SELFHEAL_ATTEMPT": "2"}
    )
    assert url == f"https://buildkite.com/{ORG}/{PIPELINE}/builds/{NUMBER + 1}"
    request = server.requests[-1]
    assert (request.method, request.path) == ("POST", f"/v2/organizations/{ORG}/pipelines/{PIPELINE}/builds")
    assert request.body == {
        "commit": "f" * 40,
        "branch": "feature/login",
        "message": "selfheal: verify the fix",
        "env": {"SELFHEAL_ATTEMPT": "2"},
    }
    build = server.builds[(ORG, PIPELINE, NUMBER + 1)]
    assert (build["state"], build["source"], build["commit"]) == ("scheduled", "api", "f" * 40)


def test_create_build_without_a_branch_is_buildkites_validation_error(api: BuildkiteAPI) -> None:
    with pytest.raises(BuildkiteAPIError) as caught:
        api.create_build(ORG, PIPELINE, "f" * 40, "", "no branch")
    assert caught.value.status == 422
    assert "Validation Failed" in str(caught.value) and '"field": "branch"' in str(caught.value)


CALLS: dict[str, tuple[str, Callable[[BuildkiteAPI, str], object]]] = {
    "build": ("read_builds", lambda api, job_id: api.build(ORG, PIPELINE, NUMBER)),
    "log": ("read_build_logs", lambda api, job_id: api.job_log(ORG, PIPELINE, NUMBER, job_id)),
    "retry": ("write_builds", lambda api, job_id: api.retry_job(ORG, PIPELINE, NUMBER, job_id)),
    "create": ("write_builds", lambda api, job_id: api.create_build(ORG, PIPELINE, "f" * 40, "b", "m")),
}


@pytest.mark.parametrize("call", CALLS)
def test_an_unknown_token_is_a_401_line_naming_the_scope_the_call_needs(
    server: BuildkiteServer, call: str
) -> None:
    scope, run = CALLS[call]
    with pytest.raises(BuildkiteAPIError) as caught:
        run(BuildkiteAPI("bkua_revoked", server.api_url), _id(server, "types"))
    line = str(caught.value)
    assert caught.value.status == 401 and "\n" not in line and "bkua_revoked" not in line
    assert "Authentication required. Please supply a valid API Access Token" in line
    assert line.endswith(f"(the token needs the {scope} scope)")


@pytest.mark.parametrize("call", ["log", "retry", "create"])
def test_a_token_without_the_scope_is_a_403_line_naming_it(server: BuildkiteServer, call: str) -> None:
    scope, run = CALLS[call]
    with pytest.raises(BuildkiteAPIError) as caught:
        run(BuildkiteAPI("bkua_read_only", server.api_url), _id(server, "types"))
    assert caught.value.status == 403
    assert str(caught.value).endswith(
        f": Your access token doesn't have the {scope} scope (the token needs the {scope} scope)"
    )
    assert server.builds[(ORG, PIPELINE, NUMBER)]["state"] == "failed"  # nothing was done


def test_a_job_id_cannot_climb_out_of_its_route(server: BuildkiteServer, api: BuildkiteAPI) -> None:
    with pytest.raises(BuildkiteAPIError) as caught:
        api.retry_job(ORG, PIPELINE, NUMBER, "../../../8")
    assert caught.value.status == 404
    assert server.requests[-1].path.endswith("/jobs/..%2F..%2F..%2F8/retry")
    with pytest.raises(BuildkiteAPIError, match="not a valid path segment"):
        api.job_log(ORG, PIPELINE, NUMBER, "..")


def test_an_unreachable_or_silent_api_is_one_line_within_the_timeout() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(BuildkiteAPIError) as caught:
        BuildkiteAPI(TOKEN, f"http://127.0.0.1:{port}/v2/").build(ORG, PIPELINE, NUMBER)
    assert str(caught.value) == (
        f"Buildkite API on GET /v2/organizations/{ORG}/pipelines/{PIPELINE}/builds/{NUMBER}: "
        f"127.0.0.1:{port}: connection failed (ConnectionError)"
    )
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v2/"
        with pytest.raises(BuildkiteAPIError, match=r"no answer within 0\.3s$"):
            BuildkiteAPI(TOKEN, url, timeout_s=0.3).job_log(ORG, PIPELINE, NUMBER, "j")


def test_an_empty_token_is_refused_when_the_client_is_built() -> None:
    with pytest.raises(BuildkiteAPIError, match="no API token given"):
        BuildkiteAPI("")


# -- the model-provider proxy -------------------------------------------------------------------------


@pytest.fixture
def clean_anthropic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _ask(base_url: str, **credentials: str) -> str:
    client = anthropic.Anthropic(base_url=base_url, max_retries=0, **credentials)  # type: ignore[arg-type]
    reply = client.messages.create(
        model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": "Why did it fail?"}]
    )
    block = reply.content[0]
    assert block.type == "text"
    return block.text


@pytest.mark.usefixtures("clean_anthropic_env")
def test_the_sdk_reaches_the_model_through_the_proxy_with_the_job_token_alone() -> None:
    with (
        AnthropicServer([message(text("A missing import."))]) as model,
        BuildkiteServer(agent_tokens={AGENT_TOKEN}, model_url=model.url) as bk,
    ):
        assert _ask(f"{bk.agent_endpoint}/ai/anthropic", auth_token=AGENT_TOKEN) == "A missing import."
    [seen] = bk.requests
    assert (seen.method, seen.path) == ("POST", "/v3/ai/anthropic/v1/messages")
    assert seen.headers["authorization"] == f"Bearer {AGENT_TOKEN}"
    [forwarded] = model.requests
    assert forwarded.path == "/v1/messages" and forwarded.body["messages"][0]["content"] == "Why did it fail?"
    assert forwarded.headers["x-api-key"] == PROVIDER_KEY  # the job token stops at Buildkite
    assert AGENT_TOKEN not in str(forwarded.headers)


@pytest.mark.usefixtures("clean_anthropic_env")
def test_the_proxy_takes_the_documented_headers_and_refuses_any_other_token() -> None:
    with (
        AnthropicServer(lambda request: message(text("ok"))) as model,
        BuildkiteServer(agent_tokens={AGENT_TOKEN}, model_url=model.url) as bk,
    ):
        base = f"{bk.agent_endpoint}/ai/anthropic"
        body = {
            "model": "claude-sonnet-4-5",
            "max_tokens": 8,
            "messages": [{"role": "user", "content": "hi"}],
        }
        for credential in ({"x-api-key": AGENT_TOKEN}, {"Authorization": f"Token {AGENT_TOKEN}"}):
            headers = {**credential, "anthropic-version": "2023-06-01"}
            answer = requests.post(f"{base}/v1/messages", json=body, headers=headers, timeout=5)
            assert answer.status_code == 200 and answer.json()["content"][0]["text"] == "ok"
        with pytest.raises(anthropic.AuthenticationError):
            _ask(base, api_key="bkaj_someone_elses_job")
        missing = requests.post(f"{base}/v1/messages", json=body, timeout=5)
        assert missing.status_code == 401
    assert len(model.requests) == 2

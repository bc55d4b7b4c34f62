"""The Buildkite platform as the fix step uses it: facts and the push URL from the pipeline, the model
through Buildkite's proxy with the job token, the next build, retries, and one annotation per failed step.
REST calls go to the loopback server through pybuildkite; the agent is the working stand-in."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fixer.config import AnthropicConfig
from fixer.context import Delivery, Facts, Failure
from fixer.engines.anthropic.agent import build_client
from fixer.engines.anthropic.availability import unavailable
from fixer.outcome import Outcome
from fixer.platforms.buildkite.adapter import BuildkitePlatform
from fixer.proc import Runner
from tests.helpers import fake_buildkite_agent
from tests.helpers.anthropic_server import AnthropicServer, message, text
from tests.helpers.buildkite_server import AGENT_TOKEN, TOKEN, BuildkiteServer, job
from tests.helpers.repos import make_repo

ORG, PIPELINE, NUMBER = "acme", "shop", 7


def env(tmp_path: Path, server: BuildkiteServer | None = None, **extra: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    fake_buildkite_agent.install(bin_dir)
    found = {
        "PATH": os.pathsep.join([str(bin_dir), os.environ["PATH"]]),
        "BUILDKITE": "true",
        "BUILDKITE_JOB_ID": "fix-job",
        "BUILDKITE_BUILD_NUMBER": str(NUMBER),
        "BUILDKITE_ORGANIZATION_SLUG": ORG,
        "BUILDKITE_PIPELINE_SLUG": PIPELINE,
        "BUILDKITE_BRANCH": "feature/x",
        "BUILDKITE_COMMIT": "a" * 40,
        "BUILDKITE_REPO": "git@github.com:acme/shop.git",
        "BUILDKITE_AGENT_ACCESS_TOKEN": AGENT_TOKEN,
        "SELFHEAL_FAILED_JOB_ID": "job-1",
        "SELFHEAL_FAILED_STEP_KEY": "unit",
        "FAKE_BUILDKITE_STORE": str(tmp_path / "store"),
    }
    if server:
        found.update(
            BUILDKITE_AGENT_ENDPOINT=server.agent_endpoint,
            SELFHEAL_BUILDKITE_API_URL=server.api_url,
            SELFHEAL_BUILDKITE_API_TOKEN_ENV="BK_TOKEN",
            BK_TOKEN=TOKEN,
        )
    found.update(extra)
    return found


def test_fixes_go_to_the_pipelines_repository_not_the_checkouts_remote(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    facts = BuildkitePlatform.from_env(env(tmp_path)).facts(repo.path, env(tmp_path), None, "origin")
    assert facts.remote_url == "git@github.com:acme/shop.git"
    assert (facts.branch, facts.commit, facts.platform) == ("feature/x", "a" * 40, "buildkite")


def test_the_model_goes_through_buildkites_proxy_with_the_job_token_alone(tmp_path: Path) -> None:
    with AnthropicServer([message(text("fixed"))]) as model, BuildkiteServer(model_url=model.url) as server:
        platform = BuildkitePlatform.from_env(env(tmp_path, server, SELFHEAL_BUILDKITE_MODEL_PROXY="true"))
        engine_env = {"ANTHROPIC_API_KEY": "sk-ant-not-the-one-to-use", **platform.model_env()}
        assert unavailable(AnthropicConfig(), engine_env) is None
        client = build_client(AnthropicConfig(), engine_env)
        client.messages.create(
            model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
        )
    [proxied] = [r for r in server.requests if "/ai/anthropic/" in r.path]
    assert proxied.path == "/v3/ai/anthropic/v1/messages"
    assert proxied.headers["authorization"] == f"Bearer {AGENT_TOKEN}"
    assert "sk-ant-not-the-one-to-use" not in json.dumps(proxied.headers)


def test_without_the_proxy_option_the_engine_keeps_its_own_key(tmp_path: Path) -> None:
    assert BuildkitePlatform.from_env(env(tmp_path)).model_env() == {}


def delivery() -> Delivery:
    return Delivery(
        "push", "b" * 40, "a" * 40, "feature/x", "git@github.com:acme/shop.git", ".selfheal/fix.patch"
    )


def test_the_next_build_is_the_webhooks_unless_create_build_is_asked(tmp_path: Path) -> None:
    facts = Facts("buildkite", "feature/x", "a" * 40, build_url="https://buildkite.com/acme/shop/builds/7")
    with BuildkiteServer() as server:
        server.add_build(ORG, PIPELINE, NUMBER, [])
        webhook = BuildkitePlatform.from_env(env(tmp_path, server))
        assert "webhook" in webhook.next_build(facts, delivery())
        created = BuildkitePlatform.from_env(env(tmp_path, server, SELFHEAL_BUILDKITE_RETRY="create-build"))
        line = created.next_build(facts, delivery())
    [post] = [r for r in server.requests if r.method == "POST"]
    assert post.path == f"/v2/organizations/{ORG}/pipelines/{PIPELINE}/builds"
    assert (post.body["commit"], post.body["branch"]) == ("b" * 40, "feature/x")
    assert line.startswith("started ")
    no_token = BuildkitePlatform.from_env(env(tmp_path, SELFHEAL_BUILDKITE_RETRY="create-build"))
    assert "no API token" in no_token.next_build(facts, delivery())
    with BuildkiteServer(tokens={TOKEN: ["read_builds"]}) as server:  # a token without write_builds
        server.add_build(ORG, PIPELINE, NUMBER, [])
        refused = BuildkitePlatform.from_env(env(tmp_path, server, SELFHEAL_BUILDKITE_RETRY="create-build"))
        line = refused.next_build(facts, delivery())
    assert line.startswith("the fix is pushed, but no build was started") and "write_builds" in line


def test_flaky_and_infra_verdicts_retry_the_failed_job(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    failed = job("Unit", state="failed", step_key="unit")
    failed["id"] = "job-1"
    with BuildkiteServer() as server:
        server.add_build(ORG, PIPELINE, NUMBER, [failed])
        platform = BuildkitePlatform.from_env(env(tmp_path, server))
        line = platform.retry(repo.path, Facts("buildkite", "feature/x", "a" * 40), failure(), Runner({}))
    assert line.startswith("retried job job-1: new job ")
    [put] = [r for r in server.requests if r.method == "PUT"]
    assert put.path.endswith("/jobs/job-1/retry")
    without = BuildkitePlatform.from_env(env(tmp_path))
    assert "no Buildkite API token" in without.retry(
        repo.path, Facts("buildkite", "x", "a"), failure(), Runner({})
    )


def failure() -> Failure:
    from emitter.report import Report

    return Failure(Report(task="unit", command=["make", "test"], exit_code=1, status="failed"), "unit.json")


@pytest.mark.parametrize(
    ("name", "style"), [("fixed", "success"), ("escalated", "error"), ("skipped", "info")]
)
def test_one_annotation_per_failed_step_replaced_on_each_attempt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, style: str
) -> None:
    platform = BuildkitePlatform.from_env(env(tmp_path))
    facts = Facts("buildkite", "feature/x", "a" * 40)
    platform.show(Outcome(outcome="escalated", reason="first attempt"), facts)
    platform.show(Outcome(outcome=name, reason="second attempt", attempt=2, max_attempts=3), facts)
    annotations = json.loads((tmp_path / "store" / "annotations.json").read_text())
    assert list(annotations) == ["selfheal-fix-unit"]
    body = annotations["selfheal-fix-unit"]["body"]
    assert annotations["selfheal-fix-unit"]["style"] == style
    assert "second attempt" in body and "first attempt" not in body
    assert body.rstrip().endswith("<!-- selfheal:outcome scope=unit -->")
    assert "second attempt" in capsys.readouterr().err, "the job log shows it too"


def test_reports_without_an_api_token_come_from_the_failed_jobs_artifacts(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    store = tmp_path / "store" / "artifacts" / "job-1" / ".selfheal"
    store.mkdir(parents=True)
    report = {
        "schema": "selfheal.report/v1",
        "task": "unit",
        "exit_code": 1,
        "status": "failed",
        "records": [{"tool": "gcc", "message": "x", "fingerprint": "f"}],
    }
    (store / "unit.json").write_text(json.dumps(report))
    platform = BuildkitePlatform.from_env(env(tmp_path))
    [folder] = platform.fetch_reports(repo.path, Facts("buildkite", "feature/x", "a" * 40), [])
    assert list(Path(folder).rglob("unit.json"))

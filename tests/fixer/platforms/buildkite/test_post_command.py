"""post-command against a fake agent and a real checkout: what it uploads, posts and adds, on every path,
and that it always returns 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from emitter.outputs.buildkite import annotation_context
from fixer.platforms.buildkite import post_command
from fixer.platforms.buildkite.agent_cli import AgentError
from tests.helpers.repos import Repo, make_repo

SOURCE = "github.com/org/selfheal-buildkite-plugin#v1.0.0"
RUFF_LINE = "app/geometry.py:1:8: F401 [*] `os` imported but unused"
JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="2" failures="1">
<testcase classname="tests.test_geo" name="test_area" file="tests/test_geo.py" line="7">
<failure message="AssertionError: assert 3 == 4">tests/test_geo.py:9: AssertionError</failure>
</testcase><testcase classname="tests.test_geo" name="test_ok"/>
</testsuite></testsuites>
"""


class FakeAgent:
    """Records every call; `fail` names the calls that raise as the CLI wrapper does."""

    def __init__(self, meta: dict[str, str] | None = None, fail: tuple[str, ...] = ()) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.meta = dict(meta or {})
        self.fail = fail

    def _call(self, name: str, *args: Any) -> None:
        self.calls.append((name, *args))
        if name in self.fail:
            raise AgentError(f"buildkite-agent {name} failed (1): planted failure")

    def annotate(self, body: str, context: str, style: str, append: bool = False) -> None:
        self._call("annotate", body, context, style)

    def artifact_upload(self, pattern: str, cwd: Path | str) -> None:
        self._call("artifact_upload", pattern, str(cwd))

    def meta_data_exists(self, key: str) -> bool:
        self._call("meta_data_exists", key)
        return key in self.meta

    def meta_data_set(self, key: str, value: str) -> None:
        self._call("meta_data_set", key, value)
        self.meta[key] = value

    def pipeline_upload(self, yaml_text: str) -> None:
        self._call("pipeline_upload", yaml_text)

    def names(self) -> list[str]:
        return [call[0] for call in self.calls]

    def one(self, name: str) -> tuple[Any, ...]:
        (call,) = [c for c in self.calls if c[0] == name]
        return call


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    made = make_repo(tmp_path, {"app/geometry.py": "import os\n"})
    monkeypatch.chdir(made.path)  # the agent runs its hooks in the checkout
    return made


def job_env(repo: Repo, config: dict[str, Any], exit_status: int, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "BUILDKITE": "true",
        "BUILDKITE_BUILD_ID": "build-1",
        "BUILDKITE_BUILD_URL": "https://buildkite.com/org/shop/builds/7",
        "BUILDKITE_JOB_ID": "job-1",
        "BUILDKITE_STEP_ID": "step-1",
        "BUILDKITE_STEP_KEY": "unit",
        "BUILDKITE_LABEL": ":pytest: Unit",
        "BUILDKITE_COMMAND": f"echo '{RUFF_LINE}'; exit 1",
        "BUILDKITE_COMMIT": repo.head(),
        "BUILDKITE_BRANCH": repo.branch,
        "BUILDKITE_PIPELINE_SLUG": "shop",
        "BUILDKITE_PIPELINE_DEFAULT_BRANCH": "main",
        "BUILDKITE_REPO": str(repo.origin),
        "BUILDKITE_PLUGINS": json.dumps([{SOURCE: config}]),
        "BUILDKITE_PLUGIN_CONFIGURATION": json.dumps(config),
        "BUILDKITE_COMMAND_EXIT_STATUS": str(exit_status),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    env.update(extra)
    return env


def wrapped_run(repo: Repo, env: dict[str, str]) -> None:
    """The command hook, as the agent runs it: the report is what `selfheal run` wrote."""
    done = subprocess.run(
        [sys.executable, "-m", "fixer.cli", "buildkite", "command"],
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == int(env["BUILDKITE_COMMAND_EXIT_STATUS"]), done.stderr


def post(repo: Repo, env: dict[str, str], agent: FakeAgent) -> None:
    assert post_command.run(env, agent, repo.path) == 0


def report(repo: Repo, name: str = "unit") -> dict[str, Any]:
    data = json.loads((repo.path / ".selfheal" / f"{name}.json").read_text())
    assert isinstance(data, dict)
    return data


def test_success_uploads_the_artifacts_and_nothing_else(repo: Repo) -> None:
    env = job_env(repo, {"fix": {"enabled": True}}, 0, BUILDKITE_COMMAND="echo fine")
    wrapped_run(repo, env)
    agent = FakeAgent()
    post(repo, env, agent)
    assert agent.calls == [("artifact_upload", ".selfheal/**/*", str(repo.path))]


def test_failure_annotates_the_reports_errors_and_uploads_the_artifacts(repo: Repo) -> None:
    env = job_env(repo, {}, 1)
    wrapped_run(repo, env)
    agent = FakeAgent()
    post(repo, env, agent)
    assert agent.names() == ["annotate", "artifact_upload"]
    _, body, context, style = agent.one("annotate")
    assert context == annotation_context("Unit") and style == "error"
    assert "F401" in body and "app/geometry.py" in body
    assert (repo.path / ".selfheal" / "unit.annotation.md").read_text() == body  # kept with the artifacts


def test_no_annotation_when_annotate_is_off(repo: Repo) -> None:
    env = job_env(repo, {"annotate": False}, 1)
    wrapped_run(repo, env)
    agent = FakeAgent()
    post(repo, env, agent)
    assert agent.names() == ["artifact_upload"]


def test_the_fix_step_is_added_once_per_step(repo: Repo) -> None:
    env = job_env(repo, {"fix": {"enabled": True, "agents": {"queue": "fixers"}}}, 1)
    wrapped_run(repo, env)
    agent = FakeAgent()
    post(repo, env, agent)
    assert agent.names() == [
        "meta_data_exists",
        "annotate",
        "artifact_upload",  # before the fix step exists: it reads them
        "pipeline_upload",
        "meta_data_set",
    ]
    (step,) = yaml.safe_load(agent.one("pipeline_upload")[1])["steps"]
    assert step["key"] == "selfheal-fix-unit" and step["agents"] == {"queue": "fixers"}
    assert agent.one("meta_data_set")[1:] == ("selfheal:fix-step:unit", "selfheal-fix-unit")
    # an automatic retry of the step fails again, under a new job id: the same build's meta-data says no
    retry = FakeAgent(meta=agent.meta)
    post(repo, {**env, "BUILDKITE_JOB_ID": "job-2"}, retry)
    assert "pipeline_upload" not in retry.names()
    assert retry.one("meta_data_exists")[1] == "selfheal:fix-step:unit"


def test_never_past_the_attempt_cap_and_the_annotation_says_so(repo: Repo) -> None:
    for attempt in (1, 2, 3):
        repo.selfheal_commit(attempt)
    repo.push()
    env = job_env(repo, {"fix": {"enabled": True}}, 1)
    wrapped_run(repo, env)
    agent = FakeAgent()
    post(repo, env, agent)
    assert "pipeline_upload" not in agent.names()
    body = agent.one("annotate")[1]
    assert body.rstrip().endswith("_")
    assert "No fix step was added: attempt 4 would exceed max\\_attempts \\(3\\)" in body
    lower = FakeAgent()
    post(repo, job_env(repo, {"fix": {"enabled": True, "max-attempts": 5}}, 1), lower)
    assert "pipeline_upload" in lower.names()


@pytest.mark.parametrize(
    ("extra", "options"),
    [
        ({"BUILDKITE_BRANCH": "main"}, {}),  # the default branch
        ({"BUILDKITE_BRANCH": "release/2.0", "BUILDKITE_PIPELINE_DEFAULT_BRANCH": "trunk"}, {}),
        ({"BUILDKITE_TAG": "v1.0.0"}, {}),
        ({}, {"branches": "!feature/*"}),
        ({}, {"branches": "main release/*"}),
        (
            {
                "BUILDKITE_PULL_REQUEST": "12",
                "BUILDKITE_PULL_REQUEST_REPO": "https://github.com/someone/shop.git",
                "BUILDKITE_REPO": "https://github.com/org/shop.git",
            },
            {},
        ),
    ],
)
def test_no_fix_step_where_no_fix_may_go(repo: Repo, extra: dict[str, str], options: dict[str, Any]) -> None:
    env = job_env(repo, {"fix": {"enabled": True, **options}}, 1, **extra)
    wrapped_run(repo, env)
    agent = FakeAgent()
    post(repo, env, agent)
    assert agent.names() == ["annotate", "artifact_upload"]


def test_branch_filter_semantics() -> None:
    matches = post_command.branch_matches
    assert matches("feature/x", "feature/* fix/*") and not matches("main", "feature/*")
    assert matches("feature/x", "!main !release/*") and not matches("release/1", "!main !release/*")
    assert not matches("feature/wip", "feature/* !feature/wip")


def test_wrap_false_parses_the_configured_junit_files_and_nothing_else(repo: Repo) -> None:
    (repo.path / "reports").mkdir()
    (repo.path / "reports" / "unit.xml").write_text(JUNIT)
    env = job_env(repo, {"wrap": False, "junit": "reports/*.xml"}, 2)
    agent = FakeAgent()
    post(repo, env, agent)
    data = report(repo)
    assert data["status"] == "failed" and data["exit_code"] == 2
    assert data["command"] == ["/bin/bash", "-e", "-c", env["BUILDKITE_COMMAND"]]
    assert [(r["source"], r["file"]) for r in data["records"]] == [("junit", "tests/test_geo.py")]
    assert data["tests"]["failed"] == 1
    assert "test_area" in agent.one("annotate")[1]


def test_wrap_false_without_report_files_still_says_the_job_failed(repo: Repo) -> None:
    env = job_env(repo, {"wrap": False, "sarif": ["out/*.sarif"]}, 7, BUILDKITE_PARALLEL_JOB="3")
    agent = FakeAgent()
    post(repo, env, agent)
    data = report(repo, "unit-3")
    assert (data["task"], data["status"], data["exit_code"], data["records"]) == ("Unit", "failed", 7, [])
    assert data["warnings"] == ["no file matches out/*.sarif"]
    assert agent.one("annotate")[2] != annotation_context("Unit")  # parallel jobs keep one each


def test_a_fix_step_writes_no_report_of_its_own(repo: Repo) -> None:
    env = job_env(repo, {"wrap": False, "annotate": False}, 3, SELFHEAL_FAILED_JOB_ID="job-0")
    agent = FakeAgent()
    post(repo, env, agent)
    assert not (repo.path / ".selfheal").exists()
    assert agent.calls == []


def test_an_agent_that_fails_costs_one_warning_per_call_and_never_the_exit_code(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    env = job_env(repo, {"fix": {"enabled": True}}, 1)
    wrapped_run(repo, env)
    agent = FakeAgent(fail=("annotate", "artifact_upload", "pipeline_upload"))
    post(repo, env, agent)
    assert agent.names() == ["meta_data_exists", "annotate", "artifact_upload", "pipeline_upload"]
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 3 and all(w.startswith("selfheal: warning: ") for w in warnings)


def test_a_broken_configuration_is_a_warning(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    env = job_env(repo, {"fix": {"enabeld": True}}, 1)
    agent = FakeAgent()
    post(repo, env, agent)
    assert agent.calls == []
    assert "fix.enabeld: Extra inputs are not permitted" in capsys.readouterr().err


def test_a_cancelled_job_gets_no_fix_step(repo: Repo) -> None:
    env = job_env(repo, {"fix": {"enabled": True}}, 143)
    wrapped_run(repo, {**env, "BUILDKITE_COMMAND": "exit 143"})
    path = repo.path / ".selfheal" / "unit.json"
    # what `selfheal run` writes when it forwarded the agent's SIGTERM to the command
    path.write_text(json.dumps({**report(repo), "status": "interrupted"}))
    agent = FakeAgent()
    post(repo, env, agent)
    assert "pipeline_upload" not in agent.names()


def test_without_its_source_reference_no_fix_step_can_be_made(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    env = job_env(repo, {"fix": {"enabled": True}}, 1, BUILDKITE_PLUGINS="[]")
    wrapped_run(repo, env)
    agent = FakeAgent()
    post(repo, env, agent)
    assert "pipeline_upload" not in agent.names()
    assert "not in BUILDKITE_PLUGINS" in capsys.readouterr().err

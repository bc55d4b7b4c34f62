"""A whole Buildkite build, played on this machine: the plugin's hooks run as the agent runs them, for two
failing steps — one wrapped, one not (`wrap: false`, so only its log says what failed) — then the fix steps
they uploaded run one after the other. The origin ends with one verified commit fixing both, a build is
created on it, the step's annotation shows the outcome, and the second fixer sees the moved head and skips.

Real parts: git with a bare origin, the hooks (bash), `selfheal` itself; a working stand-in for the
`buildkite-agent` CLI (`tests/helpers/fake_buildkite_agent.py`) and a loopback REST API
(`tests/helpers/buildkite_server.py`), driven by pybuildkite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import fake_buildkite_agent
from tests.helpers.buildkite_server import AGENT_TOKEN, TOKEN, BuildkiteServer, bk_log, job
from tests.helpers.repos import Repo, configure, make_repo, run_git

ROOT = Path(__file__).resolve().parents[4]
ORG, PIPELINE, NUMBER = "acme", "shop", 812
SOURCE = "github.com/acme/selfheal-buildkite-plugin#v1.0.0"
FILES = {
    "app.py": "print(math.pi)\n",
    "config.yml": "shop:\n  name: demo\n\tbox_rate: 0.002\n",
    "check_app.py": "import runpy\nrunpy.run_path('app.py')\n",
}
FIX = {"enabled": True, "engine": "rules", "retry": "create-build"}


class Build:
    def __init__(self, tmp: Path, repo: Repo, server: BuildkiteServer) -> None:
        self.tmp, self.repo, self.server = tmp, repo, server
        self.store = tmp / "agent-store"
        self.bin = tmp / "bin"
        fake_buildkite_agent.install(self.bin)
        self.commit = repo.head()

    def env(self, job_id: str, **extra: str) -> dict[str, str]:
        path = os.pathsep.join([str(self.bin), str(ROOT / ".venv" / "bin"), os.environ["PATH"]])
        return {
            "PATH": path,
            "HOME": os.environ.get("HOME", str(self.tmp)),
            "BUILDKITE": "true",
            "CI": "true",
            "BUILDKITE_JOB_ID": job_id,
            "BUILDKITE_BUILD_ID": "build-812",
            "BUILDKITE_BUILD_NUMBER": str(NUMBER),
            "BUILDKITE_BUILD_URL": f"https://buildkite.com/{ORG}/{PIPELINE}/builds/{NUMBER}",
            "BUILDKITE_ORGANIZATION_SLUG": ORG,
            "BUILDKITE_PIPELINE_SLUG": PIPELINE,
            "BUILDKITE_PIPELINE_DEFAULT_BRANCH": "main",
            "BUILDKITE_BRANCH": self.repo.branch,
            "BUILDKITE_COMMIT": self.commit,
            "BUILDKITE_REPO": str(self.repo.origin),
            "BUILDKITE_AGENT_ENDPOINT": self.server.agent_endpoint,
            "BUILDKITE_AGENT_ACCESS_TOKEN": AGENT_TOKEN,
            "BK_API_TOKEN": TOKEN,
            "SELFHEAL_BUILDKITE_API_URL": self.server.api_url,
            "FAKE_BUILDKITE_STORE": str(self.store),
            "GIT_CONFIG_GLOBAL": os.devnull,
            **extra,
        }

    def checkout(self, name: str) -> Path:
        """What the agent does for every job: a fresh clone at the build's commit."""
        path = self.tmp / "builds" / name
        run_git(self.tmp, "clone", "--quiet", str(self.repo.origin), str(path))
        configure(path, self.tmp / "no-hooks")
        run_git(path, "checkout", "--quiet", "--detach", self.commit)
        return path

    def plugin_env(self, config: dict[str, Any]) -> dict[str, str]:
        return {
            "BUILDKITE_PLUGIN_NAME": "SELFHEAL",
            "BUILDKITE_PLUGIN_CONFIGURATION": json.dumps(config),
            "BUILDKITE_PLUGINS": json.dumps([{SOURCE: config}]),
        }

    def step(
        self, job_id: str, key: str, label: str, command: str, config: dict[str, Any]
    ) -> tuple[int, str]:
        """environment (sourced), command, post-command: as the agent runs a plugin's hooks."""
        where = self.checkout(job_id)
        env = self.env(
            job_id,
            BUILDKITE_STEP_KEY=key,
            BUILDKITE_STEP_ID=f"step-{key}",
            BUILDKITE_LABEL=label,
            BUILDKITE_COMMAND=command,
            **self.plugin_env(config),
        )
        hooks = ROOT / "hooks"
        script = f"source '{hooks / 'environment'}' && '{hooks / 'command'}'"
        done = subprocess.run(["bash", "-c", script], cwd=where, env=env, capture_output=True, text=True)
        env["BUILDKITE_COMMAND_EXIT_STATUS"] = str(done.returncode)
        post = subprocess.run(
            [str(hooks / "post-command")], cwd=where, env=env, capture_output=True, text=True
        )
        assert post.returncode == 0, post.stderr
        return done.returncode, done.stdout + done.stderr

    def uploaded(self) -> list[dict[str, Any]]:
        uploads = json.loads((self.store / "pipelines.json").read_text())
        return [step for upload in uploads for step in yaml.safe_load(upload["yaml"])["steps"]]

    def run_fix_step(self, step: dict[str, Any], job_id: str) -> tuple[dict[str, Any], str]:
        """An uploaded step, hooks and all: its plugin entry gives the CLI and uploads its artifacts."""
        where = self.checkout(job_id)
        [plugin] = step["plugins"]
        [(source, config)] = plugin.items()
        assert source == SOURCE, "the fix step uses the very plugin reference the failed step used"
        commands = step["command"] if isinstance(step["command"], list) else [step["command"]]
        env = self.env(
            job_id,
            BUILDKITE_LABEL=step["label"],
            BUILDKITE_STEP_KEY=step["key"],
            BUILDKITE_COMMAND="\n".join(commands),
            **self.plugin_env(config),
            **{k: str(v) for k, v in step.get("env", {}).items()},
        )
        hooks = ROOT / "hooks"
        script = f"source '{hooks / 'environment'}' && '{hooks / 'command'}'"
        done = subprocess.run(["bash", "-c", script], cwd=where, env=env, capture_output=True, text=True)
        env["BUILDKITE_COMMAND_EXIT_STATUS"] = str(done.returncode)
        post = subprocess.run(
            [str(hooks / "post-command")], cwd=where, env=env, capture_output=True, text=True
        )
        assert post.returncode == 0, post.stderr
        steps = (
            json.loads((self.store / "steps.json").read_text())
            if (self.store / "steps.json").exists()
            else {}
        )
        steps.setdefault(step["key"], []).append(job_id)  # so later steps can ask for this one's artifacts
        (self.store / "steps.json").write_text(json.dumps(steps))
        outcome = json.loads((where / ".selfheal" / "outcome.json").read_text())
        return outcome, done.stdout + done.stderr


@pytest.fixture
def build(tmp_path: Path) -> Build:
    repo = make_repo(tmp_path, FILES)
    server = BuildkiteServer()
    server.__enter__()
    yield Build(tmp_path, repo, server)  # type: ignore[misc]
    server.__exit__(None, None, None)


def test_two_failing_steps_end_in_one_verified_fix_commit_and_a_new_build(build: Build) -> None:
    py = sys.executable
    code_a, _ = build.step(
        "job-a", "unit", ":python: Unit", f"{py} check_app.py", {"fix": FIX, "api-token-env": "BK_API_TOKEN"}
    )
    code_b, log_b = build.step(
        "job-b",
        "config",
        ":gear: Config",
        "yamllint config.yml",
        {"wrap": False, "fix": FIX, "api-token-env": "BK_API_TOKEN"},
    )
    assert (code_a, code_b) == (1, 1)
    failed_a = job(":python: Unit", state="failed", step_key="unit", command=f"{py} check_app.py")
    failed_b = job(
        ":gear: Config",
        state="failed",
        step_key="config",
        command="yamllint config.yml",
        log=bk_log(*log_b.splitlines()),
    )
    failed_a["id"], failed_b["id"] = "job-a", "job-b"
    build.server.add_build(
        ORG, PIPELINE, NUMBER, [failed_a, failed_b], commit=build.commit, branch=build.repo.branch
    )

    steps = build.uploaded()
    assert len(steps) == 2, steps  # one fix step per failing step
    assert all(s["soft_fail"] is True and s["concurrency"] == 1 for s in steps)
    assert {s["concurrency_group"] for s in steps} == {f"selfheal/{PIPELINE}/{build.repo.branch}"}
    assert TOKEN not in json.dumps(steps) and AGENT_TOKEN not in json.dumps(steps)

    first, err = build.run_fix_step(steps[0], "fix-1")
    assert first["outcome"] == "fixed", err
    head = build.repo.origin_head()
    assert head == first["commit"] != build.commit
    build.repo.git("fetch", "--quiet", "origin")
    fixed = build.repo.git("show", f"{head}:app.py") + build.repo.git("show", f"{head}:config.yml")
    assert "import math" in fixed and "\t" not in fixed, "one commit fixes both steps"
    assert sorted(t["task"] for t in first["verify"]["tasks"]) == ["Unit", "config"]  # label, step key
    created = [r for r in build.server.requests if r.method == "POST" and r.path.endswith("/builds")]
    assert len(created) == 1 and created[0].body["commit"] == head
    annotations = json.loads((build.store / "annotations.json").read_text())
    assert annotations["selfheal-fix-unit"]["style"] == "success"
    assert "selfheal:outcome" in annotations["selfheal-fix-unit"]["body"]

    second, err = build.run_fix_step(steps[1], "fix-2")
    assert second["outcome"] == "skipped" and "moved on" in second["reason"], err
    assert build.repo.origin_head() == head


def test_a_retried_step_uploads_no_second_fixer(build: Build) -> None:
    config = {"fix": FIX}
    build.step("job-a", "unit", ":python: Unit", f"{sys.executable} check_app.py", config)
    build.step(
        "job-a2", "unit", ":python: Unit", f"{sys.executable} check_app.py", config
    )  # an automatic retry
    assert len(build.uploaded()) == 1


def test_the_split_form_delivers_from_a_step_that_ran_no_repository_code(build: Build) -> None:
    split = {**FIX, "split": True}
    build.step(
        "job-a",
        "unit",
        ":python: Unit",
        f"{sys.executable} check_app.py",
        {"fix": split, "api-token-env": "BK_API_TOKEN"},
    )
    failed_a = job(":python: Unit", state="failed", step_key="unit", command=f"{sys.executable} check_app.py")
    failed_a["id"] = "job-a"
    build.server.add_build(ORG, PIPELINE, NUMBER, [failed_a], commit=build.commit, branch=build.repo.branch)
    patch_step, deliver_step = build.uploaded()
    assert "--mode patch" in patch_step["command"] and deliver_step["depends_on"] == [patch_step["key"]]
    patched, err = build.run_fix_step(patch_step, "fix-patch")
    assert patched["outcome"] == "fixed" and patched["patch_file"], err
    assert build.repo.origin_head() == build.commit, "the patch step pushes nothing"
    delivered, err = build.run_fix_step(deliver_step, "fix-deliver")
    assert delivered["outcome"] == "fixed", err
    assert build.repo.origin_head() == delivered["commit"] != build.commit

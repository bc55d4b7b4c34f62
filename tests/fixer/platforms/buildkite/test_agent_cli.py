"""The `buildkite-agent` wrapper: the exact argv, stdin and cwd of each call, and how failures read."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from fixer.platforms.buildkite.agent_cli import AgentCLI, AgentError

STUB = """#!{python}
import json, os, sys
with open(os.environ["STUB_LOG"], "a") as fh:
    fh.write(json.dumps({{"argv": sys.argv[1:], "stdin": sys.stdin.read(), "cwd": os.getcwd()}}) + "\\n")
sys.stdout.write(os.environ.get("STUB_OUT", ""))
sys.stderr.write(os.environ.get("STUB_ERR", ""))
sys.exit(int(os.environ.get("STUB_RC", "0")))
"""


class Stub:
    def __init__(self, tmp_path: Path) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        program = bin_dir / "buildkite-agent"
        program.write_text(STUB.format(python=sys.executable))
        program.chmod(0o755)
        self.log = tmp_path / "calls.jsonl"
        self.env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "STUB_LOG": str(self.log)}

    def agent(self, rc: int = 0, out: str = "", err: str = "") -> AgentCLI:
        return AgentCLI({**self.env, "STUB_RC": str(rc), "STUB_OUT": out, "STUB_ERR": err})

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def stub(tmp_path: Path) -> Stub:
    return Stub(tmp_path)


def test_annotate_sends_the_body_on_stdin(stub: Stub) -> None:
    body = "#### selfheal: `lint` failed\n\n- `1:8` **error** `F401`\n" * 3
    stub.agent().annotate(body, context="selfheal-lint", style="error")
    stub.agent().annotate("more", context="selfheal-lint", style="info", append=True)
    first, second = stub.calls()
    assert first["argv"] == ["annotate", "--style", "error", "--context", "selfheal-lint"]
    assert first["stdin"] == body
    assert second["argv"] == ["annotate", "--style", "info", "--context", "selfheal-lint", "--append"]


def test_artifact_upload_runs_in_the_given_folder(stub: Stub, tmp_path: Path) -> None:
    stub.agent().artifact_upload(".selfheal/**/*", tmp_path)
    (call,) = stub.calls()
    assert call["argv"] == ["artifact", "upload", ".selfheal/**/*"]
    assert call["cwd"] == str(tmp_path)
    assert call["stdin"] == ""  # never the caller's stdin: it could be a pipe that never closes


def test_artifact_download_tells_nothing_found_from_a_failure(stub: Stub, tmp_path: Path) -> None:
    assert stub.agent().artifact_download(".selfheal/*.json", tmp_path, step="job-1", build="b-1")
    assert stub.calls()[0]["argv"] == [
        "artifact",
        "download",
        ".selfheal/*.json",
        str(tmp_path),
        "--step",
        "job-1",
        "--build",
        "b-1",
    ]
    none = "fatal: failed to download artifacts: No artifacts found for downloading\n"
    assert stub.agent(rc=1, err=none).artifact_download("x/*", tmp_path) is False
    assert stub.calls()[1]["argv"] == ["artifact", "download", "x/*", str(tmp_path)]
    with pytest.raises(AgentError, match=r"artifact download failed \(1\): fatal: 401 Unauthorized"):
        stub.agent(rc=1, err="retrying…\nfatal: 401 Unauthorized\n").artifact_download("x/*", tmp_path)


def test_meta_data_exists_reads_exit_100_as_absent(stub: Stub) -> None:
    assert stub.agent(rc=0).meta_data_exists("selfheal:fix-step:unit") is True
    assert stub.agent(rc=100).meta_data_exists("selfheal:fix-step:unit") is False
    with pytest.raises(AgentError):
        stub.agent(rc=1, err="fatal: no access token\n").meta_data_exists("k")
    assert [c["argv"] for c in stub.calls()] == [["meta-data", "exists", "selfheal:fix-step:unit"]] * 2 + [
        ["meta-data", "exists", "k"]
    ]


def test_meta_data_set_and_get(stub: Stub) -> None:
    stub.agent().meta_data_set("k", "line 1\nline 2")
    assert stub.calls()[-1] == {
        "argv": ["meta-data", "set", "k"],
        "stdin": "line 1\nline 2",
        "cwd": os.getcwd(),
    }
    assert stub.agent(out="the value").meta_data_get("k") == "the value"
    assert [c["argv"] for c in stub.calls()[1:]] == [["meta-data", "exists", "k"], ["meta-data", "get", "k"]]
    assert stub.agent(rc=100).meta_data_get("absent") is None
    assert stub.calls()[-1]["argv"] == ["meta-data", "exists", "absent"]  # and no `get` after it


def test_pipeline_upload_never_interpolates_and_sends_yaml_on_stdin(stub: Stub) -> None:
    text = "steps:\n  - command: echo $HOME\n"
    stub.agent().pipeline_upload(text)
    (call,) = stub.calls()
    assert call["argv"] == ["pipeline", "upload", "--no-interpolation"]
    assert call["stdin"] == text


def test_errors_are_one_line(stub: Stub, tmp_path: Path) -> None:
    with pytest.raises(AgentError) as caught:
        stub.agent(rc=2, err="a\n\nfatal: the pipeline is invalid: steps.0.key\n").pipeline_upload("x")
    assert str(caught.value) == (
        "buildkite-agent pipeline upload failed (2): fatal: the pipeline is invalid: steps.0.key"
    )
    missing = AgentCLI({"PATH": str(tmp_path / "nowhere")})
    with pytest.raises(AgentError, match=r"^buildkite-agent not found on PATH$"):
        missing.annotate("x", context="c", style="error")


def test_the_call_gets_the_given_environment(stub: Stub) -> None:
    agent = AgentCLI({**stub.env, "STUB_RC": "100"})
    assert agent.meta_data_exists("k") is False  # STUB_RC came from the mapping, not from os.environ

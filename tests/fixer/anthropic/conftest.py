"""Shared set-up for the anthropic engine's tests: a real git repository with a broken module, a real
verify (the failed command rerun through fixer.stages.verify), and the real SDK pointed at the loopback
server through ANTHROPIC_BASE_URL in ctx.env."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from emitter.redact import Redactor
from emitter.report import Record, Report
from fixer.config import Config
from fixer.context import Failure
from fixer.engines import FixContext
from fixer.secrets import child_env
from fixer.stages import verify
from tests.helpers.repos import Repo, make_repo

FAKE_KEY = "sk-ant-api03-FAKEKEYFORTESTS0123456789abcdefghij"
BROKEN = '"""A tiny module under repair."""\n\n\ndef add(a, b):\n    return a + c\n\n\ndef sub(a, b):\n    return a - b\n'
FIXED = BROKEN.replace("return a + c", "return a + b")
TEST_FILE = (
    "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n    assert add(-1, 1) == 0\n"
)
FILES = {
    "calc.py": BROKEN,
    "tests/test_calc.py": TEST_FILE,
    ".gitlab-ci.yml": "test:\n  script: pytest\n",
    ".gitignore": "__pycache__/\n",  # the verify run's byproducts are not part of any fix
}
# The failed check: the real interpreter, so verify really fails before the fix and passes after it.
COMMAND = [sys.executable, "-c", "import calc; assert calc.add(2, 3) == 5"]


def record(**overrides: Any) -> Record:
    fields: dict[str, Any] = {
        "type": "lint",
        "task": "check",
        "tool": "python",
        "file": "calc.py",
        "line": 5,
        "column": 16,
        "rule": "NameError",
        "message": "name 'c' is not defined",
        "fingerprint": "fp-calc-c",
    }
    fields.update(overrides)
    return Record(**fields)


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine must read ctx.env only: ambient keys, base URLs and proxies are removed (or planted)."""
    for name in list(os.environ):
        if name.upper().endswith("_PROXY") or name.startswith(("ANTHROPIC_", "AWS_", "CLOUD_ML")):
            monkeypatch.delenv(name)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, FILES, branch=None)


def base_env(url: str | None, **extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    if url:
        env["ANTHROPIC_BASE_URL"] = url
        env["ANTHROPIC_API_KEY"] = FAKE_KEY
    env.update(extra)
    return env


def make_ctx(
    repo: Path,
    env: Mapping[str, str],
    records: list[Record] | None = None,
    log_tail: list[str] | None = None,
    config: Config | None = None,
    command: list[str] | None = None,
) -> FixContext:
    records = [record()] if records is None else records
    report = Report(
        task="check",
        command=command or COMMAND,
        exit_code=1,
        status="failed",
        records=records,
        log_tail=log_tail if log_tail is not None else ["NameError: name 'c' is not defined"],
    )
    failure = Failure(report=report, path=str(repo / ".selfheal" / "check.json"))
    config = config or Config()
    stripped = child_env(env)

    def run_verify() -> Any:
        return verify.verify(repo, failure, config, stripped)

    return FixContext(
        repo=repo,
        failure=failure,
        records=records,
        config=config,
        env=env,
        child_env=stripped,
        verify=run_verify,
        redact=Redactor.from_env(env).redact,
    )


def config_with(**anthropic: Any) -> Config:
    return Config.model_validate({"anthropic": anthropic})


def status(repo: Repo) -> str:
    """git's view of the working tree: empty when the engine left it clean."""
    return repo.git("status", "--porcelain", "--untracked-files=all")

"""Shared set-up for the anthropic engine's tests: a real git repository with a broken module, a real
verify (the failed command rerun through the context's Runner and parsed by the emitter), the file policy
with the default secret globs, and the real SDK pointed at the loopback server through ANTHROPIC_BASE_URL
in ctx.env.

The verify here is local on purpose: the engine only needs "rerun the check, say what remains", and the
verify stage's own signature is not the engine's business.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.redact import Redactor
from emitter.report import Record, Report
from emitter.scan import scan_bytes
from fixer import git
from fixer.config import Config
from fixer.context import Failure, VerifyResult
from fixer.engines import FixContext
from fixer.paths import FilePolicy
from fixer.proc import Runner
from fixer.secrets import child_env
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


def policy(repo: Path, config: Config | None = None, secret: tuple[str, ...] | None = None) -> FilePolicy:
    """The policy the loop builds: the diff guard's protected globs, the secret globs, git's ignore rules."""
    config = config or Config()
    protected = (*config.diff.protected_paths, *config.diff.extra_protected_paths)
    secret = tuple(config.secret_paths) if secret is None else secret
    return FilePolicy(protected=protected, secret=secret, ignored=lambda path: git.is_ignored(repo, path))


def rerun(repo: Path, failure: Failure, runner: Runner, timeout: float | None) -> VerifyResult:
    """The failed command again, through the Runner, with the remaining errors parsed from its output."""
    command = list(failure.command)
    done = runner.run(
        command,
        cwd=repo,
        timeout_s=120 if timeout is None else timeout,
        extra_env={"PYTHONDONTWRITEBYTECODE": "1"},
    )
    hits = scan_bytes(done.output, hint=shlex.join(command))
    remaining = merge(hits, failure.report.task, PathResolver(str(repo), str(repo))).records
    return VerifyResult(
        ok=done.ok,
        exit_code=done.exit_code,
        command=command,
        remaining=[r for r in remaining if r.severity == "error"],
        duration_s=done.duration_s,
        detail="timed out" if done.timed_out else f"exit {done.exit_code}",
        task=failure.report.task,
    )


def make_ctx(
    repo: Path,
    env: Mapping[str, str],
    records: list[Record] | None = None,
    log_tail: list[str] | None = None,
    config: Config | None = None,
    command: list[str] | None = None,
    files: FilePolicy | None = None,
    verify: Callable[[float | None], VerifyResult] | None = None,
    progress: Callable[[str], None] | None = None,
    task: str = "check",
) -> FixContext:
    records = [record()] if records is None else records
    report = Report(
        task=task,
        command=command or COMMAND,
        exit_code=1,
        status="failed",
        records=records,
        log_tail=log_tail if log_tail is not None else ["NameError: name 'c' is not defined"],
    )
    failure = Failure(report=report, path=str(repo / ".selfheal" / "check.json"))
    config = config or Config()
    runner = Runner(env=child_env(env))

    def run_verify(timeout: float | None = None) -> VerifyResult:
        return rerun(repo, failure, runner, timeout)

    return FixContext(
        repo=repo,
        failure=failure,
        records=records,
        config=config,
        env=env,
        runner=runner,
        verify=verify or run_verify,
        files=files if files is not None else policy(repo, config),
        redact=Redactor.from_env(env).redact,
        progress=progress or (lambda line: None),
    )


def config_with(**anthropic: Any) -> Config:
    return Config.model_validate({"anthropic": anthropic})


def status(repo: Repo) -> str:
    """git's view of the working tree: empty when the engine left it clean."""
    return repo.git("status", "--porcelain", "--untracked-files=all")

"""Shared by the rule tests: a real git repository, records as the parsers make them, and a FixContext."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from emitter.report import Record, Report
from fixer import git
from fixer.config import Config
from fixer.context import Failure, Patch, VerifyResult
from fixer.engines import FixContext
from fixer.engines.rules import Rule, RulesEngine
from fixer.paths import FilePolicy
from fixer.proc import Runner
from fixer.secrets import child_env
from tests.helpers.repos import make_repo, run_git

ROOT = Path(__file__).resolve().parents[3]
TOOL_DIRS = [ROOT / ".venv" / "bin", ROOT / "tests" / "js" / "node_modules" / ".bin"]


def repo_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """A clone with `files` committed: the working tree the engine edits."""
    return make_repo(tmp_path, files, branch=None).path


def record(**fields: Any) -> Record:
    fields.setdefault("tool", "test")
    fields.setdefault("message", "problem")
    fields.setdefault("fingerprint", f"fp-{fields['tool']}-{fields.get('file')}-{fields.get('line')}")
    return Record.model_validate(fields)


def tool_env(extra_path: list[Path] | None = None) -> dict[str, str]:
    """The child environment the loop would give, with the real tools of this checkout on PATH."""
    env = child_env(os.environ)
    dirs = [*(extra_path or []), *TOOL_DIRS]
    env["PATH"] = os.pathsep.join([*(str(d) for d in dirs), env.get("PATH", os.defpath)])
    return env


def context(
    repo: Path,
    records: list[Record],
    env: dict[str, str] | None = None,
    child_env: dict[str, str] | None = None,
    config: Config | None = None,
) -> FixContext:
    """The context the loop builds: the child environment in a Runner, and its file policy."""
    report = Report(task="check", command=["make", "check"], status="failed", exit_code=1, records=records)

    def verify(timeout_s: float | None = None) -> VerifyResult:
        return VerifyResult(ok=True, exit_code=0, command=["make", "check"])

    config = config or Config()
    env = env if env is not None else tool_env()
    files = FilePolicy(
        protected=(*config.diff.protected_paths, *config.diff.extra_protected_paths),
        secret=tuple(config.secret_paths),
        ignored=lambda rel: git.is_ignored(repo, rel),
    )
    return FixContext(
        repo=repo,
        failure=Failure(report=report, path=".selfheal/check.json"),
        records=records,
        config=config,
        env=env,
        runner=Runner(child_env if child_env is not None else env),
        verify=verify,
        files=files,
    )


def fix(
    repo: Path,
    records: list[Record],
    rules: Sequence[Rule] | None = None,
    env: dict[str, str] | None = None,
    child_env: dict[str, str] | None = None,
) -> Patch | None:
    """The rules engine's patch, or None when it fixed nothing (then the tree must be clean)."""
    return RulesEngine(rules).fix(context(repo, records, env, child_env)).patch


def status(repo: Path) -> str:
    """`git status --porcelain`, untracked files included: empty means a clean tree."""
    return run_git(repo, "status", "--porcelain", "--untracked-files=all")


def read(repo: Path, rel: str) -> str:
    return (repo / rel).read_text()

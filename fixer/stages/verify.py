"""Verify (rule 4): rerun the failed task's command — or the configured verify command — on the fixed tree.

The output is parsed by the emitter, so a caller sees which errors remain, not a wall of log.
Children run with an environment stripped of secrets.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.scan import scan_bytes

from ..config import Config
from ..context import Failure, VerifyResult
from ..proc import run, shell_argv


def verify_command(failure: Failure, config: Config) -> list[str]:
    if config.verify:
        return shell_argv(config.verify)
    return list(failure.command)


def verify(repo: Path, failure: Failure, config: Config, child_env: Mapping[str, str]) -> VerifyResult:
    command = verify_command(failure, config)
    if not command:
        return VerifyResult(ok=False, exit_code=None, command=[], detail="no command to verify with")
    cwd = repo / (failure.report.cwd or ".")
    if not cwd.is_dir():
        cwd = repo
    # No bytecode caches: files the check writes into the tree would show up as changes next to the fix.
    env = {**child_env, "PYTHONDONTWRITEBYTECODE": "1"}
    done = run(command, cwd=cwd, env=env, timeout_s=config.verify_timeout_s)
    hits = scan_bytes(done.output, hint=shlex.join(command))
    remaining = merge(hits, failure.report.task, PathResolver(str(repo), str(cwd))).records
    detail = "timed out" if done.timed_out else f"exit {done.exit_code}"
    return VerifyResult(
        ok=done.exit_code == 0 and not done.timed_out,
        exit_code=done.exit_code,
        command=command,
        remaining=[r for r in remaining if r.severity == "error"],
        duration_s=done.duration_s,
        detail=detail,
    )

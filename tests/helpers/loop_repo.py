"""A failing repository for end-to-end runs of the fix loop, and small scripted engines.

`failing_repo` commits `app.py` (value = BUG) and a check script, runs the check under `selfheal run` so a
real report lands in `.selfheal/`, and leaves the branch pushed to a bare origin. The check fails while
app.py says BUG; an attack adds to it (plant a hook, read /proc, leave a daemon, rewrite the tree).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fixer import git, gitstate
from fixer.config import Config
from fixer.context import Attempt, Patch
from fixer.engines import FixContext
from fixer.loop import Run, run
from fixer.platforms.local import LocalPlatform
from fixer.progress import Progress
from tests.helpers.repos import Repo, make_repo

CHECK = """import sys
src = open("app.py").read()
if "BUG" in src:
    print('app.py:1: error: Name "BUG" is not defined  [name-defined]')
    sys.exit(1)
print("ok")
"""
TOKEN = "glpat-" + "Zq8x7W6v5U4t3S2r1Q0p"


class Edit:
    """An engine that writes files, then describes the working tree as its patch."""

    def __init__(self, name: str, files: Mapping[str, str], summary: str = "replaced BUG") -> None:
        self.name, self.files, self.summary = name, dict(files), summary

    def available(self, ctx: FixContext) -> str | None:
        return None

    def fix(self, ctx: FixContext) -> Attempt:
        for path, text in self.files.items():
            (ctx.repo / path).parent.mkdir(parents=True, exist_ok=True)
            (ctx.repo / path).write_text(text)
        return Attempt(
            self.name, Patch(engine=self.name, files=git.changed_files(ctx.repo), summary=[self.summary])
        )


GOOD = Edit("good", {"app.py": "value = 'OK'\n"})


def run_check(repo: Path, command: list[str], task: str = "check") -> int:
    proc = subprocess.run(
        [sys.executable, "-m", "fixer.cli", "run", "--no-summary", "--task", task, "--", *command],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    return proc.returncode


def failing_repo(
    tmp_path: Path,
    check: str = CHECK,
    extra: Mapping[str, str] | None = None,
    branch: str | None = "feature/x",
) -> Repo:
    repo = make_repo(tmp_path, {"app.py": "value = BUG\n", "check.py": check, **(extra or {})}, branch=branch)
    assert run_check(repo.path, [sys.executable, "check.py"]) == 1
    return repo


def fix(
    repo: Repo,
    *engines: object,
    env: Mapping[str, str] | None = None,
    platform: Any = None,
    **config: object,
) -> dict[str, Any]:
    outcome_path = repo.path / ".selfheal" / "outcome.json"
    job = Run(
        repo=repo.path,
        config=Config.model_validate(config),
        platform=platform or LocalPlatform(),
        env=dict(env or {"PATH": "/usr/bin:/bin"}),
        outcome_path=str(outcome_path),
        engines=list(engines),  # type: ignore[arg-type]
        progress=Progress(),
        unsafe=gitstate.audit(repo.path),  # as `selfheal fix` does first (start.py)
    )
    with git.session(job.env, repo.path):
        outcome = run(job)
    written: dict[str, Any] = json.loads(outcome_path.read_text())
    assert written["outcome"] == outcome.outcome, "outcome.json is the run's one outcome"
    return written


# A failure the rules engine fixes on its own (`import math`), for runs of the real `selfheal fix` command.
RULES_APP = "print(math.pi)\n"
RULES_CHECK = "import runpy\nrunpy.run_path('app.py')\n"


def rules_repo(tmp_path: Path, check_prelude: str = "", extra: Mapping[str, str] | None = None) -> Repo:
    """app.py lacks `import math`; check.py runs it (after `check_prelude`, the attack)."""
    repo = make_repo(
        tmp_path, {"app.py": RULES_APP, "check.py": check_prelude + RULES_CHECK, **(extra or {})}
    )
    assert run_check(repo.path, [sys.executable, "check.py"]) == 1
    return repo


def fix_cli(
    repo: Repo, env: Mapping[str, str], *args: str
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """`selfheal fix` as CI runs it: its own process, the caller's environment plus `env`."""
    import os

    done = subprocess.run(
        [sys.executable, "-m", "fixer.cli", "fix", "--platform", "local", *args],
        cwd=repo.path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    outcome = repo.path / ".selfheal" / "outcome.json"
    assert outcome.exists(), done.stderr
    return json.loads(outcome.read_text()), done

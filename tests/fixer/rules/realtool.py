"""Rule tests on real tool output: run the check in the repository, read its output with the emitter's own
parsers (as `selfheal run` would), fix, and run the check again."""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from emitter.report import Record, Report
from tests.helpers.fixtures import parse_log

from .support import tool_env


@dataclass(frozen=True)
class Check:
    code: int
    output: str
    records: list[Record]

    @property
    def rules(self) -> list[str]:
        return sorted(r.rule or "" for r in self.records)


def check(repo: Path, *command: str) -> Check:
    env = {**tool_env(), "PYTHONDONTWRITEBYTECODE": "1"}  # no __pycache__ beside the fix
    proc = subprocess.run(command, cwd=repo, env=env, capture_output=True, check=False)
    output = proc.stdout + proc.stderr
    records = parse_log(output, repo, hint=shlex.join(command))
    return Check(proc.returncode, output.decode("utf-8", "replace"), records)


def junit(repo: Path, xml: Path) -> list[Record]:
    """The records `selfheal parse --junit` reads from a JUnit file (written outside the repository)."""
    report = xml.with_suffix(".json")
    subprocess.run(
        ["selfheal", "parse", "--task", "test", "--report", str(report), "--junit", str(xml)],
        cwd=repo,
        env=tool_env(),
        capture_output=True,
        check=True,
    )
    return Report.model_validate_json(report.read_text()).records

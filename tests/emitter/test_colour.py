"""Coloured runs give the same records as plain ones: each real tool is run three times on the same broken
sources (its fixture's run.sh) through `selfheal run`: plain (NO_COLOR, TERM=dumb), forced
(FORCE_COLOR=1 plus the tool's own `--color always` flag) and on a pseudo-terminal (`--pty`), where tools
colour by themselves. The records (every field a test pins down, messages included) must be equal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from emitter.report import Record
from tests.helpers.fixtures import CI_MARKERS, JS_BIN, REPO, copy_fixture, essentials

SELFHEAL = [sys.executable, "-m", "fixer.cli"]
# the flag each tool forces colour with, where it has one (mypy has none: FORCE_COLOR does it)
FLAGS = {
    "ruff": ["--color", "always"],
    "gcc": ["-fdiagnostics-color=always"],
    "pytest": ["--color=yes"],
    "eslint": ["--color"],
}
TOOLS = ("ruff", "mypy", "pytest", "gcc", "eslint")


def shims(where: Path) -> Path:
    """A folder of wrappers that add the tool's colour flag: run.sh stays exactly as recorded."""
    where.mkdir()
    for tool, flags in FLAGS.items():
        real = JS_BIN / tool if tool == "eslint" else shutil.which(tool, path=tool_path())
        assert real, f"{tool} is not installed; run `make tools`"
        shim = where / tool
        if tool == "ruff":  # ruff's flag goes after its sub-command
            body = f'sub=$1; shift; exec {real} "$sub" {" ".join(flags)} "$@"'
        else:
            body = f'exec {real} {" ".join(flags)} "$@"'
        shim.write_text(f"#!/bin/sh\n{body}\n")
        shim.chmod(0o755)
    return where


def tool_path() -> str:
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def environment(root: Path, **extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in CI_MARKERS
        and not k.startswith(("BUILDKITE", "GITLAB", "CI_"))
        and k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "PY_COLORS", "MYPY_FORCE_COLOR")
    }
    return {
        **base,
        "SELFHEAL_ROOT": str(root),
        "PYTHONPATH": str(REPO),  # selfheal from this tree
        "SELFHEAL_JS_BIN": str(JS_BIN),
        "PATH": tool_path(),
        "COLUMNS": "80",
        **extra,
    }


def wrapped(tool: str, workdir: Path, env: dict[str, str], *options: str) -> tuple[list[Record], bytes]:
    """`selfheal run [options] -- bash run.sh` in a fresh copy of the fixture: the records and the raw log."""
    copy_fixture(tool, workdir)
    report, log = workdir / "report.json", workdir / "output.log"
    proc = subprocess.run(
        [
            *SELFHEAL,
            "run",
            "--no-summary",
            "--report",
            str(report),
            "--log-file",
            str(log),
            *options,
            "--",
            "bash",
            "run.sh",
        ],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=300,
        check=False,
    )
    assert proc.returncode not in (0, 126, 127), proc.stderr.decode(errors="replace")
    data = json.loads(report.read_text())
    return [Record.model_validate(r) for r in data["records"]], log.read_bytes()


def same_records(records: list[Record]) -> list[dict[str, Any]]:
    return sorted(essentials(records), key=lambda r: json.dumps(r, sort_keys=True))


@pytest.mark.slow
@pytest.mark.parametrize("tool", TOOLS)
def test_forced_colour_and_a_pty_give_the_records_of_a_plain_run(tool: str, tmp_path: Path) -> None:
    plain_env = environment(tmp_path / "plain", NO_COLOR="1", TERM="dumb")
    plain, plain_log = wrapped(tool, tmp_path / "plain", plain_env)
    assert plain, plain_log.decode(errors="replace")
    assert b"\x1b[" not in plain_log

    bin_dir = shims(tmp_path / "shims")
    forced_env = environment(tmp_path / "forced", FORCE_COLOR="1", TERM="xterm-256color")
    forced_env.update(PATH=f"{bin_dir}{os.pathsep}{forced_env['PATH']}", SELFHEAL_JS_BIN=str(bin_dir))
    forced, forced_log = wrapped(tool, tmp_path / "forced", forced_env)
    assert b"\x1b[" in forced_log  # the tool did colour its output
    assert same_records(forced) == same_records(plain), forced_log.decode(errors="replace")

    pty_env = environment(tmp_path / "pty", TERM="xterm-256color")
    on_pty, pty_log = wrapped(tool, tmp_path / "pty", pty_env, "--pty")
    assert b"\x1b[" in pty_log  # on a terminal, the tool colours by itself
    assert same_records(on_pty) == same_records(plain), pty_log.decode(errors="replace")

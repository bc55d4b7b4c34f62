"""Real-tool fixtures: tests/fixtures/<tool>/ holds broken sources, `run.sh` (the command that makes the
tool fail on them), `output.txt` (what it printed, for the fast test) and `expected.json` (the records).

`UPDATE_FIXTURES=1 pytest …` rewrites output.txt and expected.json from a live run: review the diff.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.report import Record
from emitter.scan import scan_bytes

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures"
JS_BIN = REPO / "tests" / "js" / "node_modules" / ".bin"
KEYS = (
    "tool",
    "type",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "severity",
    "rule",
    "message",
    "test",
)
UPDATE = os.environ.get("UPDATE_FIXTURES") == "1"
CI_MARKERS = {
    "CI",
    "BUILD_NUMBER",
    "CONTINUOUS_INTEGRATION",
    "RUN_ID",
    "GITHUB_ACTIONS",
    "TF_BUILD",
    "JENKINS_URL",
}


def parse_log(output: bytes | str, root: Path | str, hint: str = "") -> list[Record]:
    data = output.encode() if isinstance(output, str) else output
    with contextlib.chdir(root):  # as `selfheal run` in a step: parsers that look for files look from here
        hits = scan_bytes(data, hint=hint)
    return merge(hits, task="test", paths=PathResolver(str(root), str(root))).records


def essentials(records: list[Record]) -> list[dict[str, Any]]:
    """The fields a test pins down; absent ones are left out so expectations stay readable."""
    out = []
    for record in records:
        data = record.model_dump(mode="json")
        out.append({k: data[k] for k in KEYS if data.get(k) is not None})
    return out


def copy_fixture(tool: str, dest: Path) -> Path:
    src = FIXTURES / tool
    shutil.copytree(src, dest, dirs_exist_ok=True)
    return dest


def run_fixture(tool: str, workdir: Path, env: dict[str, str] | None = None) -> bytes:
    """Runs the fixture's run.sh in a scratch copy; returns stdout+stderr as the terminal would show it."""
    copy_fixture(tool, workdir)
    # Tools print differently under CI (pytest shows whole diffs when CI is set): the recorded output
    # is what a tool prints outside CI, so CI markers are kept from it.
    quiet = {
        k: v
        for k, v in os.environ.items()
        if k not in CI_MARKERS and not k.startswith(("BUILDKITE", "GITLAB"))
    }
    merged_env = {
        **quiet,
        "NO_COLOR": "1",
        "TERM": "dumb",
        "SELFHEAL_JS_BIN": str(JS_BIN),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **(env or {}),
    }
    proc = subprocess.run(
        ["bash", "run.sh"],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=merged_env,
        timeout=300,
        check=False,
    )
    if proc.returncode == 0:
        raise AssertionError(f"{tool}: run.sh was expected to fail on broken sources, but exited 0")
    if proc.returncode in (126, 127):
        raise AssertionError(f"{tool}: the tool is not installed; run `make tools`\n{proc.stdout.decode()}")
    return proc.stdout


def recorded_output(tool: str) -> bytes:
    return (FIXTURES / tool / "output.txt").read_bytes()


def expected(tool: str) -> list[dict[str, Any]]:
    return json.loads((FIXTURES / tool / "expected.json").read_text())  # type: ignore[no-any-return]


def check_live(tool: str, workdir: Path, hint: str = "") -> None:
    """Run the real tool, parse what it printed, compare with expected.json (exact fields)."""
    output = run_fixture(tool, workdir)
    got = essentials(parse_log(output, workdir, hint))
    if UPDATE:
        (FIXTURES / tool / "output.txt").write_bytes(output)
        (FIXTURES / tool / "expected.json").write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert got == expected(tool), output.decode(errors="replace")


def check_recorded(tool: str, workdir: Path, hint: str = "") -> None:
    """The checked-in output parses to expected.json (fast; needs no tool installed)."""
    copy_fixture(tool, workdir)
    got = essentials(parse_log(recorded_output(tool), workdir, hint))
    assert got == expected(tool)

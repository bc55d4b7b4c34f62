"""The Buildkite plugin's hooks: their bats tests (tests/bats/, run here so `make test` runs them) and
shellcheck over the hooks and the bats helpers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BATS_LIBS = ("/usr/lib/bats/bats-support/load.bash", "/usr/lib/bats/bats-assert/load.bash")


def test_bats() -> None:
    if shutil.which("bats") is None:
        pytest.skip("bats is not installed (scripts/install-tools.sh installs it: Debian package `bats`)")
    missing = [lib for lib in BATS_LIBS if not Path(lib).is_file()]
    if missing:
        pytest.skip(f"{', '.join(missing)} missing (Debian packages bats-support, bats-assert)")
    done = subprocess.run(
        ["bats", "--print-output-on-failure", "tests/bats"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_shellcheck() -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (scripts/install-tools.sh installs it)")
    hooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "hooks").iterdir())
    assert hooks == ["hooks/command", "hooks/environment", "hooks/post-command"]
    helpers = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "bats" / "helpers").iterdir())
    done = subprocess.run(
        ["shellcheck", "--shell=bash", *hooks, *helpers], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # the tests themselves: bats' idioms (exports in @test subshells, literal '$…' commands) are by design
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "bats").glob("*.bats"))
    done = subprocess.run(
        ["shellcheck", "--shell=bats", "--severity=warning", *tests], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr

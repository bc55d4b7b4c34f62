"""`selfheal demo` is the first thing a new user runs: it must tell the whole story, offline, with no key."""

from __future__ import annotations

import os
import subprocess
import sys


def test_demo_fixes_what_rules_can_and_escalates_the_logic_bug() -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC", "BUILDKITE", "GITLAB", "CI_"))
    }
    proc = subprocess.run(
        [sys.executable, "-m", "fixer.cli", "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert "✖ red: exit 1" in out
    assert "selfheal ✔ fixed" in out and "→ refs/heads/feature/parcel-sizes" in out
    assert "shop/geometry.py: import math (NameError)" in out
    assert "✔ green: exit 0" in out
    assert "selfheal ✖ escalated" in out and "ANTHROPIC_API_KEY is not set" in out

"""fixbench end to end on a few of its cases: the validator proves them with the real tools and refuses cases
that prove nothing; the runner builds real repositories with bare origins, runs `selfheal run` and
`selfheal fix`, and judges by what origin holds: fixed, escalated, or a false fix (a push on a trap), for
the rules tier and for the model tier (the real SDK against a loopback Messages API)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers.anthropic_server import AnthropicServer, edit, message, text, usage

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "fixbench"
CASES = BENCH / "cases"
FIX_CASE = "ruff-unused-import"  # today's rules fix it (ruff's own safe fix)
WARNINGS = "flake8-trailing-whitespace"  # flake8 failed on warnings alone (classify), the whitespace rule
TRAP = "trap-ruff-unsafe-fix-only"  # ruff's only fix (unsafe) would hide a lost discount


def _env(**extra: str) -> dict[str, str]:
    # whoever runs the tests may hold a real key: the harness must not spend it here
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    return {**env, **extra}


def _bench(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        cwd=ROOT,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _cases_dir(tmp_path: Path, *names: str) -> Path:
    root = tmp_path / "cases"
    for name in names:
        shutil.copytree(CASES / name, root / name)
    return root


def _by_case(path: Path) -> dict[str, Any]:
    return {r["case"]: r for r in json.loads(path.read_text())["results"]}


def test_the_validator_proves_a_fix_case_and_a_trap_with_the_real_tools(tmp_path: Path) -> None:
    out = tmp_path / "proofs.json"
    done = _bench("validate.py", "--case", FIX_CASE, "--case", TRAP, "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    proofs = {p["case"]: p for p in json.loads(out.read_text())}
    assert proofs[FIX_CASE]["base"] == 0 and proofs[FIX_CASE]["broken"] != 0
    assert proofs[FIX_CASE]["reference"] == 0
    assert proofs[TRAP]["base"] == 0 and proofs[TRAP]["broken"] != 0
    assert proofs[TRAP]["reference"] is None  # a trap has no reference fix
    assert "2 of 2 cases valid" in done.stdout


def test_the_validator_refuses_cases_that_prove_nothing(tmp_path: Path) -> None:
    root = _cases_dir(tmp_path, FIX_CASE)
    harmless = root / "harmless-break"
    shutil.copytree(root / FIX_CASE, harmless)
    base = (harmless / "base" / "report.py").read_text()
    (harmless / "broken" / "report.py").write_text(base + "# a comment breaks nothing\n")
    wrong_ref = root / "wrong-reference"
    shutil.copytree(root / FIX_CASE, wrong_ref)
    (wrong_ref / "fixed").mkdir()
    shutil.copy(wrong_ref / "broken" / "report.py", wrong_ref / "fixed" / "report.py")  # still unused

    out = tmp_path / "proofs.json"
    done = _bench("validate.py", "--cases", str(root), "--json", str(out))
    assert done.returncode == 1
    proofs = {p["case"]: p for p in json.loads(out.read_text())}
    assert proofs[FIX_CASE]["valid"]
    assert proofs["harmless-break"]["problem"] == "the check passes on the broken tree"
    assert proofs["wrong-reference"]["problem"].startswith("the reference fix does not turn the check green")


def test_a_case_file_with_an_unknown_verdict_is_refused(tmp_path: Path) -> None:
    root = _cases_dir(tmp_path, FIX_CASE)
    spec = root / FIX_CASE / "case.yml"
    spec.write_text(spec.read_text().replace("expect: fixed", "expect: maybe"))
    done = _bench("validate.py", "--cases", str(root))
    assert done.returncode == 1
    assert "expect must be `fixed` or `escalated`" in done.stderr


def test_the_runner_fixes_the_fix_case_and_escalates_the_trap_without_a_model(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = _bench("run.py", "--case", FIX_CASE, "--case", WARNINGS, "--case", TRAP, "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    results = _by_case(out)
    assert results[WARNINGS]["rules"]["verdict"] == "fixed"
    fixed = results[FIX_CASE]["rules"]
    assert (fixed["verdict"], fixed["outcome"], fixed["pushed"]) == ("fixed", "fixed", True)
    assert fixed["green_after"] is True  # the check passed on a fresh clone of origin's new head
    assert fixed["commits"] == 1
    assert fixed["same_as_reference"] is True  # ruff's fix is the reference fix, byte for byte
    trap = results[TRAP]["rules"]
    assert (trap["verdict"], trap["pushed"]) == ("escalated", False)
    assert results[TRAP]["model"] is None
    totals = json.loads(out.read_text())["totals"]
    assert (totals["fixed"], totals["traps_escalated"], totals["false_fixes"]) == (2, 1, 0)
    assert "model tier: skipped (ANTHROPIC_API_KEY is not set" in done.stdout
    assert "rules tier: fixed 2 of 2 fix cases (100%)" in done.stdout


def test_a_push_on_a_trap_is_a_false_fix_for_the_rules_and_for_the_model(tmp_path: Path) -> None:
    """A fix case relabelled as a trap: the rules' verified push is a false fix all the same. The real trap
    goes to the model tier, whose scripted 'fix' passes the check and is pushed: a false fix, with the
    tokens and dollars the API reported."""
    root = _cases_dir(tmp_path, FIX_CASE, TRAP)
    relabelled = root / "relabelled"
    (root / FIX_CASE).rename(relabelled)
    spec = relabelled / "case.yml"
    spec.write_text(spec.read_text().replace("expect: fixed", "expect: escalated"))
    drop_the_discount = edit(
        "str_replace",
        "basket.py",
        old_str="    discounted = round(subtotal * (1 - discount), 2)\n",
        new_str="",
    )
    script = [
        message(drop_the_discount, tokens=usage(1200, 80)),
        message(text("Removed the unused variable."), tokens=usage(1400, 20)),
    ]
    out = tmp_path / "results.json"
    with AnthropicServer(script) as server:
        env = _env(ANTHROPIC_API_KEY="sk-ant-test-key", ANTHROPIC_BASE_URL=server.url)
        done = _bench("run.py", "--cases", str(root), "--json", str(out), env=env)
    assert done.returncode == 1, done.stdout + done.stderr  # a false fix fails the run
    results = _by_case(out)
    rules = results["relabelled"]["rules"]
    assert (rules["verdict"], rules["pushed"], rules["green_after"]) == ("false fix", True, True)
    assert results["relabelled"]["model"] is None  # the rules already pushed: nothing left for the model
    trap = results[TRAP]
    assert trap["rules"]["verdict"] == "escalated"
    model = trap["model"]
    assert (model["verdict"], model["pushed"], model["engine"]) == ("false fix", True, "anthropic")
    assert model["tokens"] == 1200 + 80 + 1400 + 20
    assert model["dollars"] > 0
    totals = json.loads(out.read_text())["totals"]
    assert totals["false_fixes"] == 1
    assert totals["model"]["false_fixes"] == 1 and totals["model"]["fixed"] == 0
    assert "FALSE FIX" in done.stdout


def test_the_benchmark_keeps_its_shape() -> None:
    """Issue 10's floor: at least 30 cases over at least 10 tools, a third of them traps; every case parses
    and its break changes something (validate.py proves the rest with the real tools)."""
    loaded = importlib.util.spec_from_file_location("fixbench_spec", BENCH / "spec.py")
    assert loaded and loaded.loader
    module = importlib.util.module_from_spec(loaded)
    sys.modules["fixbench_spec"] = module  # dataclasses look their module up while the class is made
    loaded.loader.exec_module(module)
    cases = module.load_all(CASES)
    traps = [c for c in cases if c.trap]
    assert len(cases) >= 30
    assert len({c.tool for c in cases}) >= 10
    assert 3 * len(traps) >= len(cases)
    assert all(c.broken() != c.base() for c in cases)

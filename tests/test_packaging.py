"""Packaging: the base install is the emitter, the fixer's dependencies come with the `fix` extra.

`ci-selfheal` alone must run `selfheal run`/`parse`/`schema` and the Buildkite hooks of a build step;
`selfheal fix`, `deliver` and `demo` without the extra say so in one line and exit 2. The base install is
played for real, offline: a new virtualenv with the built wheel and exactly its requirements' closure. The
Buildkite hooks' test suite needs pytest, which that virtualenv lacks: it runs in this one, with a
`sitecustomize` on PYTHONPATH whose meta-path finder raises ModuleNotFoundError for the extra's modules.
"""

from __future__ import annotations

import ast
import email
import email.message
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from fixer.cli import FIX_EXTRA_MODULES

ROOT = Path(__file__).resolve().parent.parent
BASE = {"pydantic", "junitparser", "defusedxml", "pyyaml"}
FIX = {"anthropic", "pydantic-settings", "python-gitlab", "pybuildkite", "requests"}
BASE_MODULES = {"pydantic", "junitparser", "defusedxml", "yaml"}
MISSING_LINE = "selfheal {} needs the fixer's dependencies: pip install 'ci-selfheal[fix]'\n"

BLOCKER = f"""\
import sys

BLOCKED = {set(FIX_EXTRA_MODULES)!r}


class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
"""


# --- the declared dependencies ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built offline from a copy of the sources (the checkout stays untouched)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for package in ("emitter", "fixer"):
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    done = subprocess.run(
        [*command, "--quiet", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [built] = out.glob("ci_selfheal-*.whl")
    return built


@pytest.fixture(scope="module")
def metadata(wheel: Path) -> email.message.Message:
    """The wheel's METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name))


def _requirements(metadata: email.message.Message, extra: str | None) -> dict[str, Requirement]:
    """What the wheel requires with `extra` beyond the unconditional (None: the unconditional), by name."""
    requirements = [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]
    unconditional = {r.name.lower(): r for r in requirements if r.marker is None}
    if extra is None:
        return unconditional
    marked = {r.name.lower(): r for r in requirements if r.marker and r.marker.evaluate({"extra": extra})}
    return {name: r for name, r in marked.items() if name not in unconditional}


def test_the_wheel_requires_only_the_emitters_four_unconditionally(metadata: email.message.Message) -> None:
    assert set(_requirements(metadata, None)) == BASE


def test_the_fix_extra_brings_the_fixers_dependencies(metadata: email.message.Message) -> None:
    assert set(_requirements(metadata, "fix")) == FIX
    assert _requirements(metadata, "dev")["ci-selfheal"].extras == {"fix"}  # the test suite runs the fixer


def test_the_cli_checks_exactly_the_modules_of_the_fix_extra() -> None:
    providers = importlib.metadata.packages_distributions()
    from_modules = {dist.lower() for module in FIX_EXTRA_MODULES for dist in providers[module]}
    assert from_modules == FIX


def _third_party_imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        if "demo/sample" in path.as_posix():
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in ("emitter", "fixer"):
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_emitter_imports_nothing_beyond_the_base_install() -> None:
    assert set(_third_party_imports("emitter")) <= BASE_MODULES


def test_the_fixer_imports_nothing_beyond_base_and_fix() -> None:
    assert set(_third_party_imports("fixer")) <= BASE_MODULES | set(FIX_EXTRA_MODULES)


# --- the base install, for real: a virtualenv holding the wheel and its dependencies, nothing else --------------


def _closure(requirements: list[Requirement]) -> set[str]:
    """The installed distributions these requirements need, transitively, without any extra."""
    seen: set[str] = set()
    todo = [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]
    while todo:
        name = todo.pop().name.lower()
        if name in seen:
            continue
        seen.add(name)
        for line in importlib.metadata.distribution(name).requires or []:
            need = Requirement(line)
            if need.marker is None or need.marker.evaluate({"extra": ""}):
                todo.append(need)
    return seen


@pytest.fixture(scope="module")
def base_venv(wheel: Path, metadata: email.message.Message, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install ci-selfheal` as a user gets it, offline: a new virtualenv, the base requirements and
    theirs (linked from this one's site-packages: the same files pip would install), then the wheel itself,
    installed by pip without dependencies. No extra's module is in it; nothing is blocked or patched."""
    venv = tmp_path_factory.mktemp("base") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    [site] = (venv / "lib").glob("python*/site-packages")
    requirements = [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]
    for name in _closure(requirements):
        dist = importlib.metadata.distribution(name)
        for top in {Path(str(f)).parts[0] for f in dist.files or []} - {"..", "__pycache__"}:
            target = Path(str(dist.locate_file(top)))
            if not (site / top).exists():
                (site / top).symlink_to(target)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, check=False,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return venv


def base_selfheal(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUILDKITE", "GITLAB", "CI", "PYTHON"))}
    return subprocess.run(
        [str(venv / "bin" / "selfheal"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_base_venv_has_no_module_of_the_fix_extra(base_venv: Path, tmp_path: Path) -> None:
    for module in FIX_EXTRA_MODULES:
        done = subprocess.run(
            [str(base_venv / "bin" / "python"), "-c", f"import {module}"], cwd=tmp_path, capture_output=True
        )
        assert done.returncode == 1 and b"ModuleNotFoundError" in done.stderr, module


@pytest.mark.parametrize("command", ["fix", "deliver", "demo"])
def test_the_base_install_says_in_one_line_what_the_fixer_needs(
    base_venv: Path, repo: Path, command: str
) -> None:
    done = base_selfheal(base_venv, repo, command)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", MISSING_LINE.format(command))
    assert not (repo / ".selfheal").exists()  # stopped before any work: no outcome either


def test_the_base_install_runs_parses_and_prints_the_schema(base_venv: Path, repo: Path) -> None:
    clean = base_selfheal(base_venv, repo, "run", "--report", "clean.json", "--", "true")
    assert (clean.returncode, clean.stderr) == (0, "")
    assert json.loads((repo / "clean.json").read_text())["status"] == "passed"
    (repo / "junit.src").write_text(
        '<testsuite name="s" tests="1"><testcase classname="t" name="x"><failure message="boom"/></testcase>'
        "</testsuite>"
    )
    script = "echo 'a.py:1:8: F401 [*] `os` imported but unused'; cp junit.src junit.xml; exit 3"
    outputs = ("codequality", "sarif", "buildkite", "github")
    formats = [f"--format={name}=out/{name}" for name in outputs]
    args = ["run", "--report", "r.json", "--junit", "junit.xml", *formats, "--no-summary"]
    done = base_selfheal(base_venv, repo, *args, "--", "sh", "-c", script)
    assert (done.returncode, done.stderr) == (3, "")
    report = json.loads((repo / "r.json").read_text())
    assert {(r["tool"], r.get("rule")) for r in report["records"]} == {("ruff", "F401"), ("junit", None)}
    assert json.loads((repo / "out" / "sarif").read_text())["version"] == "2.1.0"
    assert all((repo / "out" / name).stat().st_size > 0 for name in outputs)
    parse = base_selfheal(base_venv, repo, "parse", "--junit", "junit.xml", "--report", "-")
    assert parse.returncode == 0 and json.loads(parse.stdout)["tests"]["failed"] == 1
    schema = base_selfheal(base_venv, repo, "schema")
    assert schema.returncode == 0 and json.loads(schema.stdout)["$id"] == "selfheal.report/v1"


# --- without the extra, in this virtualenv: every extra module blocked --------------------------------------


@pytest.fixture
def without_fix(tmp_path: Path) -> dict[str, str]:
    """An environment in which the fix extra's modules cannot be imported."""
    site = tmp_path / "blocker"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUILDKITE", "GITLAB", "CI"))}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    return env


def selfheal(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fixer.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    where = tmp_path / "repo"
    where.mkdir()
    subprocess.run(["git", "init", "-q", str(where)], check=True)
    return where


def test_the_blocker_blocks(without_fix: dict[str, str], repo: Path) -> None:
    for module in FIX_EXTRA_MODULES:
        code = f"import {module}"
        done = subprocess.run([sys.executable, "-c", code], env=without_fix, capture_output=True, text=True)
        assert done.returncode == 1 and "ModuleNotFoundError" in done.stderr, module


def test_with_the_extra_the_check_passes() -> None:
    from fixer.cli import missing_fix_extra

    assert missing_fix_extra() == []


def test_the_buildkite_hooks_of_a_build_step_need_no_extra(
    without_fix: dict[str, str], tmp_path: Path
) -> None:
    """The plugin installs the base only for wrapped steps: its post-command tests pass without the extra."""
    tests = "tests/fixer/platforms/buildkite/test_post_command.py"
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", f"--basetemp={tmp_path / 'bt'}"]
    done = subprocess.run(
        [sys.executable, *args, tests], cwd=ROOT, env=without_fix, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

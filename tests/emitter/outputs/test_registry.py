from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from emitter import outputs
from emitter.outputs import OUTPUTS, default_dest, parse_spec, write_outputs
from emitter.redact import Redactor
from emitter.report import Report
from tests.emitter.outputs.sample import record, report

NO_SECRETS = Redactor()


def test_every_registered_output_meets_the_protocol() -> None:
    assert set(OUTPUTS) == {"json", "buildkite", "codequality", "sarif", "github", "summary"}
    for key, output in OUTPUTS.items():
        assert output.name == key
        assert output.suffix is None or output.suffix.startswith(".")
        params = list(inspect.signature(output.write).parameters)
        assert params[:3] == ["report", "dest", "redactor"], key


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("sarif", ("sarif", None)),
        ("SARIF=out/x.sarif", ("sarif", "out/x.sarif")),
        ("codequality=gl=code.json", ("codequality", "gl=code.json")),
        ("github=-", ("github", "-")),
        ("buildkite=", ("buildkite", None)),
    ],
)
def test_parse_spec(spec: str, expected: tuple[str, str | None]) -> None:
    assert parse_spec(spec) == expected


def test_default_destinations_sit_next_to_the_report() -> None:
    base = ".selfheal/lint-py.json"
    assert {name: default_dest(output, base) for name, output in OUTPUTS.items()} == {
        "json": ".selfheal/lint-py.json",
        "buildkite": ".selfheal/lint-py.annotation.md",
        "codequality": ".selfheal/lint-py.codequality.json",
        "sarif": ".selfheal/lint-py.sarif",
        "github": "-",
        "summary": "-",
    }


def test_write_outputs_writes_defaults_and_explicit_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rep = report(record(file="a.py", line=1, rule="F401", message="unused"))
    report_path = str(tmp_path / ".selfheal" / "lint.json")
    warnings = write_outputs(
        rep,
        ["buildkite", "codequality", f"sarif={tmp_path}/elsewhere/x.sarif", "github"],
        report_path,
        NO_SECRETS,
    )
    assert warnings == []
    assert sorted(p.name for p in (tmp_path / ".selfheal").iterdir()) == [
        "lint.annotation.md",
        "lint.codequality.json",
    ]
    assert json.loads((tmp_path / "elsewhere" / "x.sarif").read_text())["version"] == "2.1.0"
    assert capsys.readouterr().out == "::error file=a.py,line=1,title=ruff F401::unused\n"


def test_failures_and_unknown_names_become_warnings(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a directory is needed")
    warnings = write_outputs(
        report(), ["nope", f"sarif={blocker}/x.sarif", "codequality"], str(tmp_path / "r.json"), NO_SECRETS
    )
    assert len(warnings) == 2
    assert (
        warnings[0]
        == "unknown output format 'nope' (known: json, buildkite, codequality, sarif, github, summary)"
    )
    assert warnings[1].startswith(f"could not write sarif output to {blocker}/x.sarif: ")
    assert "\n" not in warnings[1]
    assert (tmp_path / "r.codequality.json").read_text() == "[]\n"  # later outputs still ran


def test_a_crashing_output_is_a_warning(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def explode(rep: Report, dest: str, redactor: Redactor | None = None) -> None:
        raise RuntimeError("boom\nwith a second line")

    monkeypatch.setattr(outputs.buildkite, "write", explode)
    warnings = write_outputs(report(), ["buildkite"], str(tmp_path / "r.json"), NO_SECRETS)
    dest = tmp_path / "r.annotation.md"
    assert warnings == [f"could not write buildkite output to {dest}: RuntimeError: boom with a second line"]

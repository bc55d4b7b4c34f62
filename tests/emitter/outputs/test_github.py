from __future__ import annotations

from pathlib import Path

import pytest

from emitter.outputs import github
from emitter.redact import Redactor
from tests.emitter.outputs.sample import record, report

NO_SECRETS = Redactor()


def test_one_command_per_record_errors_first() -> None:
    out = github.render(
        report(
            record(
                file="src/a.py", line=9, column=1, severity="warning", rule="E501", message="Line too long"
            ),
            record(
                file="src/a.py",
                line=3,
                column=8,
                end_column=10,
                rule="F401",
                message="`os` imported but unused",
            ),
            record(tool="mypy", file="src/b.py", line=4, severity="note", message="see here"),
            record(tool="infra", type="infra", message="DNS lookup failed"),
        ),
        NO_SECRETS,
    )
    assert out.splitlines() == [
        "::error file=src/a.py,line=3,col=8,endColumn=10,title=ruff F401::`os` imported but unused",
        "::error title=infra::DNS lookup failed",
        "::warning file=src/a.py,line=9,col=1,title=ruff E501::Line too long",
        "::notice file=src/b.py,line=4,title=mypy::see here",
    ]


def test_message_and_properties_are_escaped() -> None:
    line = github.command(
        record(
            tool="pytest",
            type="test_failure",
            file="tests/t,1.py",
            line=2,
            test="tests/t,1.py::test_a[50%]",
            message="assert 100% == 1\r\nnext line ::error::injected",
        ),
        NO_SECRETS,
    )
    assert line == (
        "::error file=tests/t%2C1.py,line=2,title=pytest%3A tests/t%2C1.py%3A%3Atest_a[50%25]"
        "::assert 100%25 == 1%0D%0Anext line ::error::injected"
    )
    assert "\n" not in line


def test_columns_are_dropped_for_multi_line_regions() -> None:
    line = github.command(
        record(file="a.py", line=3, column=5, end_line=6, end_column=2, rule="X1", message="m"), NO_SECRETS
    )
    assert line == "::error file=a.py,line=3,endLine=6,title=ruff X1::m"


def test_dash_writes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    github.write(report(record(file="a.py", line=1, message="m")), "-", NO_SECRETS)
    assert capsys.readouterr().out == "::error file=a.py,line=1,title=ruff::m\n"


def test_path_writes_a_file(tmp_path: Path) -> None:
    dest = tmp_path / "gh.txt"
    github.write(report(record(message="m")), str(dest), NO_SECRETS)
    assert dest.read_text() == "::error title=ruff::m\n"

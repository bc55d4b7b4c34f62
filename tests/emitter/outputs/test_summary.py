from __future__ import annotations

import pytest

from emitter.outputs import summary
from emitter.redact import Redactor
from emitter.report import Record
from tests.emitter.outputs.sample import record, report

NO_SECRETS = Redactor()
SAMPLE = report(
    record(file="src/a.py", line=9, column=1, severity="warning", rule="E501", message="Line too long"),
    record(file="src/a.py", line=3, column=8, rule="F401", message="`os` imported but unused\nsecond line"),
    record(
        tool="pytest",
        type="test_failure",
        file="tests/t.py",
        line=7,
        test="tests/t.py::test_a",
        message="assert 1 == 2",
    ),
    record(tool="infra", type="infra", message="Could not resolve host"),
)
LINES = (
    "  src/a.py:3:8: error: `os` imported but unused [ruff F401]\n"
    "  tests/t.py:7: FAILED tests/t.py::test_a: assert 1 == 2 [pytest]\n"
    "  error: Could not resolve host [infra]\n"
    "  src/a.py:9:1: warning: Line too long [ruff E501]\n"
)


def test_buildkite_gets_a_collapsed_group_header() -> None:
    out = summary.render(SAMPLE, NO_SECRETS, env={"BUILDKITE": "true"})
    assert out == "--- selfheal: 3 errors, 1 warning in lint\n" + LINES


def test_gitlab_gets_a_collapsed_section() -> None:
    out = summary.render(SAMPLE, NO_SECRETS, env={"GITLAB_CI": "true"}, now=1700000000.7)
    assert out == (
        "\x1b[0Ksection_start:1700000000:selfheal_summary[collapsed=true]\r\x1b[0K"
        "selfheal: 3 errors, 1 warning in lint\n"
        + LINES
        + "\x1b[0Ksection_end:1700000000:selfheal_summary\r\x1b[0K\n"
    )


def test_elsewhere_plain_text() -> None:
    assert summary.render(SAMPLE, NO_SECRETS, env={"BUILDKITE": "false"}) == (
        "selfheal: 3 errors, 1 warning in lint\n" + LINES
    )


def test_long_lists_are_capped_and_counted() -> None:
    many = report(*[record(file="a.py", line=i + 1, message=f"m{i}") for i in range(60)], records_dropped=5)
    lines = summary.render(many, NO_SECRETS, env={}).splitlines()
    assert lines[0] == "selfheal: 60 errors in lint"
    assert len(lines) == 1 + summary.MAX_LINES + 2
    assert lines[-2:] == [
        "  … 10 more records in the report",
        "  (5 more records were dropped by the report's cap)",
    ]


def test_counts_and_order_use_enum_defaults_correctly() -> None:
    bare = Record.model_validate(
        {"tool": "gcc", "message": "boom", "fingerprint": "f" * 16}
    )  # severity left at its Enum default
    assert summary.describe_counts([bare]) == "1 error"
    assert summary.rank(bare) == 0


def test_dash_writes_to_stderr(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUILDKITE", raising=False)
    monkeypatch.delenv("GITLAB_CI", raising=False)
    summary.write(report(record(file="a.py", line=1, message="m")), "-", NO_SECRETS)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "selfheal: 1 error in lint\n  a.py:1: error: m [ruff]\n"


def test_a_file_outside_the_repository_is_shown_as_the_tool_printed_it() -> None:
    outside = record(tool="javac", file=None, raw_file="C:\\agent\\app\\Main.java", line=4, message="boom")
    line = summary.format_record(outside, Redactor([]))
    assert line == "C:\\agent\\app\\Main.java:4: error: boom [javac]"

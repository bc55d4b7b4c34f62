"""Classify: each error is fixable under policy, infrastructure (retry, never edit code), or out of policy;
warnings and notes never decide anything."""

from __future__ import annotations

from typing import Any

import pytest

from emitter.report import Record
from fixer.config import Config
from fixer.stages.classify import classify, describe


def record(type: str, severity: str = "error", **extra: Any) -> Record:
    fields: dict[str, Any] = {
        "type": type,
        "severity": severity,
        "tool": "tool",
        "message": f"a {type}",
        "fingerprint": f"fp-{type}-{severity}",
        **extra,
    }
    return Record.model_validate(fields)


def test_each_error_goes_to_one_verdict() -> None:
    records = [record("lint"), record("infra"), record("security"), record("type_error")]
    verdict = classify(records, Config())
    assert [r.type for r in verdict.fixable] == ["lint", "type_error"]
    assert [r.type for r in verdict.infra] == ["infra"]
    assert [r.type for r in verdict.out_of_policy] == ["security"]


@pytest.mark.parametrize(
    "kind", ["format", "lint", "syntax_error", "import_error", "type_error", "compile_error"]
)
def test_the_default_fixable_types(kind: str) -> None:
    assert classify([record(kind)], Config()).fixable == [record(kind)]


@pytest.mark.parametrize("kind", ["security", "dependency", "unknown", "test_failure"])
def test_what_is_out_of_policy_by_default(kind: str) -> None:
    verdict = classify([record(kind)], Config())
    assert verdict.out_of_policy == [record(kind)] and verdict.fixable == [] and verdict.infra == []


def test_fix_tests_opts_test_failures_in() -> None:
    failing = record("test_failure", test="tests/test_a.py::test_add")
    assert classify([failing], Config(fix_tests=True)).fixable == [failing]
    assert classify([failing], Config(fix_tests=False)).out_of_policy == [failing]


def test_the_fixable_list_is_configurable() -> None:
    config = Config(fixable=["format"])
    verdict = classify([record("format"), record("lint")], config)
    assert [r.type for r in verdict.fixable] == ["format"]
    assert [r.type for r in verdict.out_of_policy] == ["lint"]


def test_infra_is_never_fixable_even_when_listed() -> None:
    verdict = classify([record("infra")], Config(fixable=["infra", "lint"]))
    assert [r.type for r in verdict.infra] == ["infra"] and verdict.fixable == []


@pytest.mark.parametrize("severity", ["warning", "note"])
def test_only_errors_count(severity: str) -> None:
    verdict = classify(
        [record("lint", severity), record("security", severity), record("infra", severity)], Config()
    )
    assert verdict.fixable == [] and verdict.infra == [] and verdict.out_of_policy == []


def test_describe_is_one_line_a_human_can_act_on() -> None:
    found = record(
        "lint",
        file="src/app.py",
        line=12,
        rule="F401",
        message="'os' imported but unused\nmore detail on the next line",
        tool="ruff",
    )
    assert describe(found) == "src/app.py:12: ruff [F401]: 'os' imported but unused"


def test_describe_names_the_test_and_copes_with_little() -> None:
    failing = record("test_failure", tool="pytest", message="assert 1 == 2", test="tests/test_a.py::test_add")
    assert describe(failing) == "?: pytest: assert 1 == 2 (tests/test_a.py::test_add)"
    assert "\n" not in describe(record("lint", message="x" * 1000 + "\n" + "y"))
    assert len(describe(record("lint", message="x" * 1000))) < 250

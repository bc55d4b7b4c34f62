from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emitter.outputs import sarif_out
from emitter.redact import Redactor
from tests.emitter.outputs.sample import record, report

NO_SECRETS = Redactor()
LEVELS = {"none", "note", "warning", "error"}


def check_region(region: dict[str, Any]) -> None:
    assert set(region) <= {"startLine", "startColumn", "endLine", "endColumn"}
    assert all(isinstance(v, int) and v >= 1 for v in region.values())


def check_location(location: dict[str, Any]) -> None:
    assert location.keys() <= {"physicalLocation", "logicalLocations"}
    physical = location.get("physicalLocation")
    if physical:
        assert isinstance(physical["artifactLocation"]["uri"], str)
        if "region" in physical:
            check_region(physical["region"])


def check_log(log: dict[str, Any]) -> None:
    """The SARIF 2.1.0 schema's required properties and types for every object we emit."""
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert isinstance(log["runs"], list)
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        ids = [rule["id"] for rule in driver["rules"]]
        assert len(ids) == len(set(ids))
        for rule in driver["rules"]:  # reportingDescriptor: a one-line shortDescription, an absolute helpUri
            assert rule.keys() <= {"id", "name", "shortDescription", "helpUri"}
            text = rule["shortDescription"]["text"]
            assert isinstance(text, str) and text and "\n" not in text
            assert rule.get("helpUri", "https://").startswith("https://")
        assert run["automationDetails"]["id"].endswith("/")
        for invocation in run.get("invocations", []):
            assert isinstance(invocation["executionSuccessful"], bool)
        for result in run["results"]:
            assert isinstance(result["message"]["text"], str)
            assert result["level"] in LEVELS
            assert ids[result["ruleIndex"]] == result["ruleId"]
            for location in result.get("locations", []):
                check_location(location)
            for fix in result.get("fixes", []):
                assert fix["artifactChanges"]
                for change in fix["artifactChanges"]:
                    assert change["artifactLocation"]["uri"]
                    for replacement in change["replacements"]:
                        check_region(replacement["deletedRegion"])
                        assert isinstance(replacement.get("insertedContent", {"text": ""})["text"], str)


def test_results_rules_locations_and_fingerprints() -> None:
    rep = report(
        record(
            file="src/a.py", line=3, column=8, end_line=3, end_column=10, rule="F401", message="`os` unused"
        ),
        record(file="src/a.py", line=9, severity="warning", rule="E501", message="Line too long"),
        record(file="src/b.py", line=1, rule="F401", message="`sys` unused"),
        record(tool="mypy", file="src/c.py", line=4, severity="note", rule="misc", message="see here"),
    )
    log = sarif_out.build_log([rep], NO_SECRETS)
    check_log(log)
    ruff, mypy = log["runs"]
    # each rule described by what the tool said the first time it reported it, and linked to its page
    assert ruff["tool"]["driver"] == {
        "name": "ruff",
        "rules": [
            {
                "id": "F401",
                "shortDescription": {"text": "`os` unused"},
                "helpUri": "https://docs.astral.sh/ruff/rules/F401",
            },
            {
                "id": "E501",
                "shortDescription": {"text": "Line too long"},
                "helpUri": "https://docs.astral.sh/ruff/rules/E501",
            },
        ],
    }
    assert mypy["tool"]["driver"] == {
        "name": "mypy",
        "rules": [
            {
                "id": "misc",
                "shortDescription": {"text": "see here"},
                "helpUri": "https://mypy.readthedocs.io/en/stable/_refs.html#code-misc",
            }
        ],
    }
    assert ruff["invocations"] == [
        {"executionSuccessful": False, "exitCode": 1, "commandLine": "ruff check ."}
    ]
    first = ruff["results"][0]
    assert first == {
        "ruleId": "F401",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": "`os` unused"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "src/a.py", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 3, "startColumn": 8, "endLine": 3, "endColumn": 10},
                }
            }
        ],
        "partialFingerprints": {"selfheal/v1": rep.records[0].fingerprint},
        "properties": {"selfheal": {"type": "lint", "source": "log"}},
    }
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in ruff["results"]] == [
        ("F401", 0, "error"),
        ("E501", 1, "warning"),
        ("F401", 0, "error"),
    ]
    assert mypy["results"][0]["level"] == "note"


def test_fix_edits_become_sarif_fixes_grouped_by_file() -> None:
    fix = {
        "description": "Remove unused import",
        "edits": [
            {
                "file": "src/a.py",
                "start_line": 3,
                "start_column": 1,
                "end_line": 4,
                "end_column": 1,
                "text": "",
            },
            {"file": "src/a.py", "start_line": 1, "end_line": 1, "text": "# header\n"},
            {
                "file": "src/b.py",
                "start_line": 2,
                "start_column": 5,
                "end_line": 2,
                "end_column": 9,
                "text": "new",
            },
        ],
    }
    result = sarif_out.build_log(
        [report(record(file="src/a.py", line=3, rule="F401", message="m", fix=fix))], NO_SECRETS
    )
    check_log(result)
    assert result["runs"][0]["results"][0]["fixes"] == [
        {
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "src/a.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {"deletedRegion": {"startLine": 3, "startColumn": 1, "endLine": 4, "endColumn": 1}},
                        {
                            "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
                            "insertedContent": {"text": "# header\n"},
                        },
                    ],
                },
                {
                    "artifactLocation": {"uri": "src/b.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 9},
                            "insertedContent": {"text": "new"},
                        }
                    ],
                },
            ],
            "description": {"text": "Remove unused import"},
        }
    ]


def test_command_only_fix_goes_to_properties() -> None:
    rec = record(
        file="a.py", line=1, rule="I001", message="unsorted", fix={"command": ["ruff", "check", "--fix"]}
    )
    result = sarif_out.build_log([report(rec)], NO_SECRETS)["runs"][0]["results"][0]
    assert "fixes" not in result
    assert result["properties"]["selfheal"]["fixCommand"] == ["ruff", "check", "--fix"]


def test_tests_without_rules_paths_and_missing_files() -> None:
    rep = report(
        record(
            tool="pytest",
            type="test_failure",
            file="tests/t.py",
            line=5,
            test="tests/t.py::test_a",
            message="boom",
        ),
        record(tool="infra", type="infra", message="DNS failure"),
        record(tool="gcc", file="/usr/include/stdio.h", line=2, rule="-Wx", message="in header"),
        record(tool="gcc", file="src/with space#1.c", line=2, rule="-Wx", message="odd name"),
        # what the emitter makes of a file outside the repository: no file, the tool's path kept aside
        record(tool="gcc", raw_file="/usr/include/string.h", line=7, rule="-Wx", message="outside"),
    )
    log = sarif_out.build_log([rep], NO_SECRETS)
    check_log(log)
    pytest_run, infra_run, gcc_run = log["runs"]
    failure = pytest_run["results"][0]
    assert failure["ruleId"] == "test_failure"
    # a stand-in rule (the record's type) is described by what the type means, and links nowhere
    assert pytest_run["tool"]["driver"]["rules"] == [
        {"id": "test_failure", "shortDescription": {"text": "A test failed"}}
    ]
    assert failure["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "tests/t.py::test_a", "kind": "function"}
    ]
    assert failure["properties"]["selfheal"]["test"] == "tests/t.py::test_a"
    assert "locations" not in infra_run["results"][0]
    *located, outside = gcc_run["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in located]
    assert uris == [
        {"uri": "file:///usr/include/stdio.h"},  # a report written before files outside were left out
        {"uri": "src/with%20space%231.c", "uriBaseId": "%SRCROOT%"},
    ]
    assert "locations" not in outside  # a result never points outside the repository
    assert outside["message"]["text"] == "outside"
    assert gcc_run["tool"]["driver"]["rules"] == [{"id": "-Wx", "shortDescription": {"text": "in header"}}]


def test_merging_reports_keeps_a_run_per_task_and_tool() -> None:
    lint = report(record(file="a.py", line=1, rule="F401", message="m"), task="lint")
    types = report(record(tool="mypy", file="a.py", line=2, rule="arg-type", message="m"), task="types")
    lint_again = report(record(file="b.py", line=3, rule="E501", message="m"), task="lint")
    log = sarif_out.build_log([lint, types, lint_again], NO_SECRETS)
    check_log(log)
    assert [
        (run["automationDetails"]["id"], run["tool"]["driver"]["name"], len(run["results"]))
        for run in log["runs"]
    ] == [
        ("lint/", "ruff", 2),
        ("types/", "mypy", 1),
    ]


def test_write_produces_valid_json_file(tmp_path: Path) -> None:
    dest = tmp_path / ".selfheal" / "lint.sarif"
    sarif_out.write(report(record(file="a.py", line=1, message="m")), str(dest), NO_SECRETS)
    log = json.loads(dest.read_text(encoding="utf-8"))
    check_log(log)
    assert log["runs"][0]["results"][0]["message"]["text"] == "m"


def test_empty_report_is_a_valid_log_without_runs() -> None:
    log = sarif_out.build_log([report(status="passed")], NO_SECRETS)
    check_log(log)
    assert log["runs"] == []

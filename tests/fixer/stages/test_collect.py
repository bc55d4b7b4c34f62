"""Collect: the build's task reports, read as data the branch wrote — bounded, and never blocking."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from emitter.errors import UsageError
from fixer.stages import collect


def report(task: str, exit_code: int, records: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "schema": "selfheal.report/v1",
        "task": task,
        "command": ["make", task],
        "exit_code": exit_code,
        "status": "failed" if exit_code else "passed",
        "records": [
            {
                "tool": "gcc",
                "file": f"src/f{i}.c",
                "line": 1,
                "message": f"error {i}",
                "fingerprint": f"{i:016x}",
            }
            for i in range(records)
        ],
        **extra,
    }


def write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def test_failed_and_passed_tasks_are_told_apart(tmp_path: Path) -> None:
    write(tmp_path, "build.json", report("build", 2))
    write(tmp_path, "lint.json", report("lint", 0, records=0))
    write(tmp_path, "codequality.json", [{"description": "not a report"}])
    found = collect.collect([str(tmp_path)])
    assert [f.report.task for f in found.failures] == ["build"]
    assert [p.report.task for p in found.passes] == ["lint"]
    assert found.warnings == []


def test_a_huge_report_is_cut_before_it_is_validated(tmp_path: Path) -> None:
    write(tmp_path, "huge.json", report("huge", 1, records=100_000))
    found = collect.collect([str(tmp_path)])
    assert len(found.failures[0].records) == collect.MAX_RECORDS_PER_REPORT
    assert found.records_dropped == 100_000 - collect.MAX_RECORDS_PER_REPORT
    assert any("beyond the caps" in w for w in found.warnings)


def test_records_are_capped_across_reports_too(tmp_path: Path) -> None:
    for i in range(4):
        write(tmp_path, f"r{i}.json", report(f"t{i}", 1, records=collect.MAX_RECORDS_PER_REPORT))
    found = collect.collect([str(tmp_path)])
    assert sum(len(f.records) for f in found.failures) == collect.MAX_RECORDS
    assert found.records_dropped == 4 * collect.MAX_RECORDS_PER_REPORT - collect.MAX_RECORDS


def test_a_fifo_named_like_a_report_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "trap.json")
    write(tmp_path, "build.json", report("build", 1))
    assert [f.report.task for f in collect.collect([str(tmp_path)]).failures] == ["build"]


def test_links_to_other_folders_are_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere, "other.json", report("other", 1))
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "link").symlink_to(elsewhere)
    assert collect.collect([str(reports)]).failures == []


def test_unreadable_and_mismatched_reports_are_one_warning_each(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    write(tmp_path, "wrong.json", {"schema": "selfheal.report/v1", "task": 3})
    found = collect.collect([str(tmp_path)])
    assert found.failures == [] and len(found.warnings) == 2


def test_a_named_path_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        collect.collect([str(tmp_path / "missing")], required=True)
    assert collect.collect([str(tmp_path / "missing")]).failures == []  # the platform's default folder

from __future__ import annotations

import os
from pathlib import Path

import pytest

from emitter.outputs import json_report
from emitter.redact import REDACTED, Redactor
from emitter.report import Report
from tests.emitter.outputs.sample import ENV, ENV_SECRET, record, report


def test_writes_the_report_with_parents_created(tmp_path: Path) -> None:
    rep = report(record(file="a.py", line=1, message="m"))
    dest = tmp_path / ".selfheal" / "nested" / "lint.json"
    json_report.write(rep, str(dest), Redactor())
    assert dest.read_text(encoding="utf-8") == rep.to_json()
    assert Report.load(str(dest)) == rep
    assert os.listdir(dest.parent) == ["lint.json"]  # no temp file left behind


def test_secrets_are_redacted_in_every_field(tmp_path: Path) -> None:
    rep = report(
        record(message=f"auth with {ENV_SECRET}"), command=["deploy", ENV_SECRET], log_tail=[ENV_SECRET]
    )
    dest = tmp_path / "lint.json"
    json_report.write(rep, str(dest), Redactor.from_env(ENV))
    text = dest.read_text()
    assert ENV_SECRET not in text
    loaded = Report.load(str(dest))
    assert loaded.records[0].message == f"auth with {REDACTED}"
    assert loaded.command == ["deploy", REDACTED]


def test_a_failed_replace_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "lint.json"
    dest.write_text("old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        json_report.write(report(), str(dest), Redactor())
    assert dest.read_text() == "old"
    assert os.listdir(tmp_path) == ["lint.json"]


def test_replaces_an_existing_report_readable_by_others(tmp_path: Path) -> None:
    dest = tmp_path / "lint.json"
    dest.write_text("old")
    json_report.write(report(), str(dest), Redactor())
    assert Report.load(str(dest)).task == "lint"
    assert dest.stat().st_mode & 0o777 == 0o644

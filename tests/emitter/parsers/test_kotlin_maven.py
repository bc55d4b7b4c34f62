"""kotlin-maven-plugin: the Kotlin compiler's messages as the plugin logs them at Maven's levels.

Real: tests/fixtures/maven-fork builds two Kotlin modules with the plugin and compiler 1.3.31 from Debian's
Maven repository (packages kotlin and libkotlinx-coroutines-java), beside two Java modules: `path: (line,
column) message` behind `[ERROR]`/`[WARNING]`, continuation lines bare, then the failed goal repeating each
error in the compiler plugin's `path:[line,column]` form. Newer plugins (the compiler's `e:`/`w:` in front,
and Kotlin 2's `file://` URIs) come only from Maven Central, which cannot be reached here: those lines are
hand-written below in the same layout, each test says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import (
    check_live,
    check_recorded,
    copy_fixture,
    essentials,
    parse_log,
    recorded_output,
)

SRC = "/builds/acme/app/src/main/kotlin/com/acme/Report.kt"  # where CI checked the project out
REPORT = "src/main/kotlin/com/acme/Report.kt"  # the same file in this checkout


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # where the build ran
    return tmp_path


def test_recorded(workdir: Path) -> None:
    check_recorded("maven-fork", workdir)


@pytest.mark.slow
def test_live(workdir: Path) -> None:
    check_live("maven-fork", workdir)


def test_real_plugin_errors_once_each_with_their_candidates(workdir: Path) -> None:
    copy_fixture("maven-fork", workdir)
    records = parse_log(recorded_output("maven-fork"), workdir)
    kotlin = [r for r in records if r.tool == "kotlin"]
    report = "report/src/main/kotlin/com/example/report/Report.kt"
    labels = "labels/src/main/kotlin/com/example/labels/Labels.kt"
    assert [r.tool for r in records if r.file in (report, labels)] == ["kotlin"] * 4
    assert [(r.file, r.line, r.column, r.severity) for r in kotlin] == [
        (labels, 4, 9, "warning"),
        (labels, 5, 26, "warning"),
        (report, 9, 19, "error"),
        (report, 9, 27, "error"),
    ]  # the failed goal's `Report.kt:[9,19]` repeats are folded into these
    assert kotlin[3].message == (
        "None of the following functions can be called with the arguments supplied:\n"
        "public fun format(value: Int): String defined in com.example.report in file Report.kt\n"
        "public fun format(value: Long): String defined in com.example.report in file Report.kt"
    )


PLUGIN_LOG = f"""\
[INFO] --- kotlin-maven-plugin:1.9.22:compile (compile) @ app ---
[WARNING] w: {SRC}: (3, 5) Parameter 'width' is never used
[ERROR] e: {SRC}: (214, 35) Unresolved reference: totl
[ERROR] e: {SRC}: (220, 16) None of the following functions can be called with the arguments supplied:
public fun format(value: Int): String defined in com.acme
public fun format(value: Long): String defined in com.acme
[INFO] ------------------------------------------------------------------------
[INFO] BUILD FAILURE
[INFO] ------------------------------------------------------------------------
[ERROR] Failed to execute goal org.jetbrains.kotlin:kotlin-maven-plugin:1.9.22:compile (compile) on project app: \
Compilation failure: Compilation failure: \n\
[ERROR] {SRC}:[214,35] Unresolved reference: totl
[ERROR] {SRC}:[220,16] None of the following functions can be called with the arguments supplied:
[ERROR] public fun format(value: Int): String defined in com.acme
[ERROR] public fun format(value: Long): String defined in com.acme
[ERROR] -> [Help 1]
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    (tmp_path / REPORT).parent.mkdir(parents=True)
    (tmp_path / REPORT).write_text("package com.acme\n")
    return tmp_path


def test_plugin_messages_with_the_compiler_severity(checkout: Path) -> None:
    """Hand-written (kotlin-maven-plugin 1.9 needs Maven Central): the compiler's `e:`/`w:` in front."""
    records = parse_log(PLUGIN_LOG, checkout)
    got = [(r.tool, r.file, r.line, r.column, r.severity, r.type) for r in records]
    assert got == [
        ("kotlin", REPORT, 3, 5, "warning", "lint"),
        ("kotlin", REPORT, 214, 35, "error", "compile_error"),
        ("kotlin", REPORT, 220, 16, "error", "compile_error"),
    ]  # the goal's repeat of each error is folded into the plugin's own line
    assert records[0].message == "Parameter 'width' is never used"
    assert records[2].message == (
        "None of the following functions can be called with the arguments supplied:\n"
        "public fun format(value: Int): String defined in com.acme\n"
        "public fun format(value: Long): String defined in com.acme"
    )


def test_plugin_messages_without_the_compiler_severity(checkout: Path) -> None:
    """Hand-written beside the real run: a Type mismatch (a type error) and a warning in the 1.3 layout."""
    log = (
        f"[ERROR] {SRC}: (12, 9) Type mismatch: inferred type is String but Int was expected\n"
        f"[WARNING] {SRC}: (30, 13) Variable 'unused' is never used\n"
    )
    assert essentials(parse_log(log, checkout)) == [
        {
            "tool": "kotlin",
            "type": "type_error",
            "file": REPORT,
            "line": 12,
            "column": 9,
            "severity": "error",
            "message": "Type mismatch: inferred type is String but Int was expected",
        },
        {
            "tool": "kotlin",
            "type": "lint",
            "file": REPORT,
            "line": 30,
            "column": 13,
            "severity": "warning",
            "message": "Variable 'unused' is never used",
        },
    ]


def test_kotlin_2_uri_form_resolves_into_the_checkout(tmp_path: Path) -> None:
    """Hand-written (Kotlin 2 needs Maven Central): the compiler's `file://` URI form behind `[ERROR]`."""
    source = tmp_path / "src" / "main" / "kotlin" / "Report.kt"
    source.parent.mkdir(parents=True)
    source.write_text("fun main() {}\n")
    log = f"[ERROR] e: file://{source}:1:5 Unresolved reference 'mian'.\n[INFO] BUILD FAILURE\n"
    [record] = parse_log(log, tmp_path)
    assert (record.tool, record.file, record.line, record.column) == (
        "kotlin",
        "src/main/kotlin/Report.kt",
        1,
        5,
    )
    assert record.message == "Unresolved reference 'mian'."


def test_windows_agent_path(tmp_path: Path) -> None:
    """Hand-written: a Windows agent's path, which no run here prints."""
    log = "[ERROR] e: C:\\agent\\app\\src\\main\\kotlin\\Report.kt: (7, 2) Expecting ')'\n"
    [record] = parse_log(log, tmp_path)
    assert (record.raw_file, record.line, record.column, record.type) == (
        "C:\\agent\\app\\src\\main\\kotlin\\Report.kt",
        7,
        2,
        "syntax_error",
    )
    assert record.file is None  # not in this checkout: the record keeps only the printed path

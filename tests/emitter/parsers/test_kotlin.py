"""Kotlin under Gradle: a hand-written log (see its HANDWRITTEN file) and both message forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_recorded, parse_log

RECORDED = ("kotlin",)


@pytest.mark.parametrize("tool", RECORDED)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path)


KOTLIN_OLD = """\
e: /ci/proj/src/main/kotlin/A.kt: (3, 5): Unresolved reference: foo
w: C:\\ci\\proj\\src\\main\\kotlin\\B.kt: (7, 13): Parameter 'x' is never used
e: /ci/proj/build.gradle.kts: (2, 1): Expecting an element
"""


def test_kotlin_before_1_8_form_with_windows_path(tmp_path: Path) -> None:
    # the sources are the repository's (checked out at /ci/proj and C:\ci\proj); the build script is not
    sources = tmp_path / "src" / "main" / "kotlin"
    sources.mkdir(parents=True)
    (sources / "A.kt").write_text("fun a() = foo\n")
    (sources / "B.kt").write_text("fun b(x: Int) {}\n")
    records = parse_log(KOTLIN_OLD, tmp_path)
    got = [(r.file, r.line, r.column, r.severity, r.type, r.message) for r in records]
    assert got == [
        ("src/main/kotlin/A.kt", 3, 5, "error", "compile_error", "Unresolved reference: foo"),
        ("src/main/kotlin/B.kt", 7, 13, "warning", "lint", "Parameter 'x' is never used"),
        (None, 2, 1, "error", "syntax_error", "Expecting an element"),
    ]
    assert [r.raw_file for r in records] == [
        "/ci/proj/src/main/kotlin/A.kt",
        "C:\\ci\\proj\\src\\main\\kotlin\\B.kt",
        "/ci/proj/build.gradle.kts",
    ]


def test_kotlin_uri_with_encoded_space(tmp_path: Path) -> None:
    src = tmp_path / "my app" / "A.kt"
    src.parent.mkdir()
    src.write_text("fun main() {}\n")
    log = f"e: file://{tmp_path}/my%20app/A.kt:1:5 Unresolved reference 'mian'.\n\nBUILD FAILED in 1s\n"
    [record] = parse_log(log, tmp_path)
    assert (record.file, record.line, record.column) == ("my app/A.kt", 1, 5)
    assert record.message == "Unresolved reference 'mian'."


def test_kotlin_before_1_8_line_seen_by_its_anchor_and_in_the_tail_is_one_record(tmp_path: Path) -> None:
    # The old form has no location anchor: the tail shows it; a message saying "Error" is seen as well.
    log = (
        "e: /ci/proj/src/main/kotlin/A.kt: (3, 9): Unresolved reference: TimeoutError\n\nBUILD FAILED in 2s\n"
    )
    got = [(r.tool, r.file, r.raw_file, r.line, r.column, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        ("kotlin", None, "/ci/proj/src/main/kotlin/A.kt", 3, 9, "Unresolved reference: TimeoutError")
    ]

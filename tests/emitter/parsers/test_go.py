"""go build and go vet: real-tool fixtures plus the lines that are easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log

TOOLS = ("go", "go-vet")
# no hints: vet findings are recognised by their wording
HINTS: dict[str, str] = {}


@pytest.mark.parametrize("tool", TOOLS)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path, HINTS.get(tool, ""))


@pytest.mark.slow
@pytest.mark.parametrize("tool", TOOLS)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path, HINTS.get(tool, ""))


def test_missing_module_keeps_the_go_get_command_as_suggestion(tmp_path: Path) -> None:
    log = (
        "deps/deps.go:4:2: no required module provides package example.com/x/missing; to add it:\n"
        "\tgo get example.com/x/missing\n"
    )
    [record] = parse_log(log, tmp_path)
    assert (record.tool, record.type, record.file, record.line, record.column) == (
        "go",
        "import_error",
        "deps/deps.go",
        4,
        2,
    )
    assert record.suggestion == "go get example.com/x/missing"


def test_vet_with_the_command_as_hint_and_no_column(tmp_path: Path) -> None:
    log = "assign.go:15: self-assignment of x to x\nbuildtag.go:7: possible malformed +build comment\n"
    got = [
        (r.tool, r.type, r.file, r.line, r.column, r.rule) for r in parse_log(log, tmp_path, "go vet ./...")
    ]
    assert got == [
        ("go-vet", "lint", "assign.go", 15, None, "assign"),
        ("go-vet", "lint", "buildtag.go", 7, None, "buildtag"),
    ]


def test_golangci_lint_names_the_linter_and_skips_the_excerpt(tmp_path: Path) -> None:
    log = (
        "writer/checkstyle.go:67:17: Error return value of `c.w.Write` is not checked (errcheck)\n"
        "\tdefer c.w.Write(nl)\n"
        "\t               ^\n"
        "writer/template_test.go:12:10: Error return value of `w.Write` is not checked (errcheck)\n"
        "\t\tw.Write(e)\n"
        "\t\t       ^\n"
    )
    got = essentials(parse_log(log, tmp_path, "golangci-lint run"))
    assert [(g["file"], g["line"], g["column"], g["rule"], g["message"]) for g in got] == [
        ("writer/checkstyle.go", 67, 17, "errcheck", "Error return value of `c.w.Write` is not checked"),
        ("writer/template_test.go", 12, 10, "errcheck", "Error return value of `w.Write` is not checked"),
    ]


def test_linter_excerpt_is_dropped_even_without_the_command(tmp_path: Path) -> None:
    log = "main.go:8:10: Error return value of `w.Write` is not checked (errcheck)\n"
    log += "\t\tw.Write(e)\n\t\t       ^\n"
    [record] = parse_log(log, tmp_path)
    assert (record.file, record.line, record.column) == ("main.go", 8, 10)
    assert record.message == "Error return value of `w.Write` is not checked (errcheck)"

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


# -- a step that works in a subdirectory: `# import/path` headers name the package -------------------------
@pytest.mark.parametrize("check", [check_recorded, pytest.param(check_live, marks=pytest.mark.slow)])
def test_step_in_a_subdirectory_module_gives_repo_relative_paths(check: object, tmp_path: Path) -> None:
    # `cd svc && go build ./...` prints pkg/calc.go; `cd svc/pkg && go vet ../...` prints ../cmd/app/main.go
    assert callable(check)
    check("go-subdir", tmp_path)


def _go_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_package_header_of_a_test_variant_and_nested_modules(tmp_path: Path) -> None:
    _go_tree(
        tmp_path,
        {
            "go.mod": "module example.com/mono\n",
            "lib/util.go": "package lib\n",
            "tools/gen/go.mod": "module example.com/mono/tools/gen\n",
            "tools/gen/internal/x_test.go": "package internal\n",
        },
    )
    log = (
        "# example.com/mono/tools/gen/internal [example.com/mono/tools/gen/internal.test]\n"
        "internal/x_test.go:3:2: undefined: y\n"
        "\tmore detail\n"
        "internal/x_test.go:4:2: undefined: z\n"
        "# example.com/mono/lib\n"
        "./util.go:2:1: missing return\n"
    )
    got = [(r.file, r.raw_file, r.line) for r in parse_log(log, tmp_path)]
    assert got == [
        ("tools/gen/internal/x_test.go", "internal/x_test.go", 3),  # the longest module path wins
        ("tools/gen/internal/x_test.go", "internal/x_test.go", 4),  # under the same header
        ("lib/util.go", "./util.go", 2),
    ]


def test_the_package_ends_with_the_first_line_that_is_not_go_s(tmp_path: Path) -> None:
    _go_tree(
        tmp_path,
        {"svc/go.mod": "module example.com/svc\n", "svc/a.go": "package svc\n", "a.go": "package main\n"},
    )
    log = (
        "# example.com/svc\n"
        "./a.go:1:1: undefined: q\n"
        "+ make next\n"
        "a.go:9:1: undefined: r\n"  # a later tool's line, relative to selfheal's directory
        "# command-line-arguments\n"
        "./a.go:2:1: undefined: s\n"
    )
    got = [(r.file, r.line) for r in parse_log(log, tmp_path)]
    assert got == [("svc/a.go", 1), ("a.go", 9), ("a.go", 2)]


def test_a_package_whose_folder_lacks_the_file_keeps_the_printed_path(tmp_path: Path) -> None:
    _go_tree(tmp_path, {"go.mod": "module example.com/m\n", "gen/other.go": "package gen\n"})
    log = "# example.com/m/gen\ngen/zz_generated.go:3:1: undefined: t\n"
    [record] = parse_log(log, tmp_path)
    assert (record.file, record.raw_file) == ("gen/zz_generated.go", None)

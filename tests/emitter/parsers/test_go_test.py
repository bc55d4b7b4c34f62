"""go test: real-tool fixtures plus the lines that are easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log

TOOLS = ("go-test",)
# no hints: test output is recognised by its shape
HINTS: dict[str, str] = {}


@pytest.mark.parametrize("tool", TOOLS)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path, HINTS.get(tool, ""))


@pytest.mark.slow
@pytest.mark.parametrize("tool", TOOLS)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path, HINTS.get(tool, ""))


VERBOSE_SUBTESTS = """\
=== RUN   TestTable
=== RUN   TestTable/one
    calc_test.go:16: got -1 want 3
=== RUN   TestTable/two
--- FAIL: TestTable (0.00s)
    --- FAIL: TestTable/one (0.00s)
    --- PASS: TestTable/two (0.00s)
FAIL
FAIL	example.com/t/pkg/calc	0.003s
"""


def test_verbose_logs_before_the_fail_line_and_the_package_directory(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "calc").mkdir(parents=True)
    (tmp_path / "pkg" / "calc" / "calc_test.go").write_text("package calc\n")
    got = essentials(parse_log(VERBOSE_SUBTESTS, tmp_path))
    assert got == [
        {
            "tool": "go-test",
            "type": "test_failure",
            "file": "pkg/calc/calc_test.go",
            "line": 16,
            "severity": "error",
            "message": "got -1 want 3",
            "test": "TestTable/one",
        }
    ]


def test_panic_outside_a_test_run(tmp_path: Path) -> None:
    log = """\
panic: assignment to entry in nil map

goroutine 1 [running]:
main.main()
	/home/ci/app/main.go:8 +0x2c
exit status 2
"""
    [record] = parse_log(log, tmp_path)
    fields = (
        record.tool,
        record.type,
        record.file,
        record.raw_file,
        record.line,
        record.test,
        record.message,
    )
    assert fields == (
        "go-test",
        "unknown",
        None,  # /home/ci/app is not this repository, and no main.go is in it
        "/home/ci/app/main.go",
        8,
        None,
        "assignment to entry in nil map",
    )


def test_panic_in_a_goroutine_belongs_to_the_test_that_failed_last(tmp_path: Path) -> None:
    log = """\
--- FAIL: TestAdd (0.00s)
    calc_test.go:7: Add(2, 2) = 0, want 4
--- FAIL: TestWorker (0.00s)
panic: send on closed channel [recovered]
	panic: send on closed channel

goroutine 7 [running]:
panic({0x4f6f60, 0x55bd10})
	/usr/local/go/src/runtime/panic.go:884 +0x213
github.com/acme/pool.(*Pool).worker(0xc000010030)
	/home/ci/go/src/github.com/acme/pool/pool.go:42 +0x5d
created by github.com/acme/pool.New
	/home/ci/go/src/github.com/acme/pool/pool.go:20 +0x8a
FAIL	github.com/acme/pool	0.004s
"""
    # the repository is the package, checked out in GOPATH at /home/ci/go/src/github.com/acme/pool
    (tmp_path / "go.mod").write_text("module github.com/acme/pool\n")
    (tmp_path / "calc_test.go").write_text("package pool\n")
    (tmp_path / "pool.go").write_text("package pool\n")
    got = [(r.test, r.file, r.raw_file, r.line, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        ("TestAdd", "calc_test.go", None, 7, "Add(2, 2) = 0, want 4"),
        (
            "TestWorker",
            "pool.go",
            "/home/ci/go/src/github.com/acme/pool/pool.go",
            42,
            "send on closed channel",
        ),
    ]


def test_verbose_log_line_after_printed_output_belongs_to_the_test_running(tmp_path: Path) -> None:
    log = """\
=== RUN   TestParse
--- PASS: TestParse (0.00s)
=== RUN   TestLoad
loading fixtures from testdata/rows.csv
    load_test.go:14: got 2 rows, want 3
--- FAIL: TestLoad (0.00s)
FAIL
FAIL	example.com/app/load	0.002s
"""
    (tmp_path / "go.mod").write_text("module example.com/app\n")
    (tmp_path / "load").mkdir()
    (tmp_path / "load" / "load_test.go").write_text("package load\n")
    got = [(r.test, r.file, r.raw_file, r.line, r.message) for r in parse_log(log, tmp_path)]
    assert got == [("TestLoad", "load/load_test.go", "load_test.go", 14, "got 2 rows, want 3")]


def test_a_module_in_a_subfolder_places_the_test_by_its_go_mod_not_by_a_file_of_the_same_name(
    tmp_path: Path,
) -> None:
    log = """\
=== RUN   TestLoad
    load_test.go:14: got 2 rows, want 3
--- FAIL: TestLoad (0.00s)
FAIL
FAIL	github.com/acme/service/load	0.002s
"""
    (tmp_path / "svc" / "load").mkdir(parents=True)
    (tmp_path / "svc" / "go.mod").write_text("module github.com/acme/service\n")
    (tmp_path / "svc" / "load" / "load_test.go").write_text("package load\n")
    (tmp_path / "load_test.go").write_text("package main\n")  # same name, another package
    got = [(r.test, r.file, r.line) for r in parse_log(log, tmp_path)]
    assert got == [("TestLoad", "svc/load/load_test.go", 14)]

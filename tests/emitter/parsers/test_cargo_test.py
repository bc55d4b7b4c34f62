"""cargo test: the real-tool fixture plus the lines that are easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log

TOOL = "cargo-test"
HINT = "cargo test"


def test_recorded(tmp_path: Path) -> None:
    check_recorded(TOOL, tmp_path, HINT)


@pytest.mark.slow
def test_live(tmp_path: Path) -> None:
    check_live(TOOL, tmp_path, HINT)


def test_old_panic_format_spanning_lines(tmp_path: Path) -> None:
    log = """\
---- tests::it_works stdout ----
thread 'tests::it_works' panicked at 'assertion failed: `(left == right)`
  left: `4`,
 right: `5`', src/lib.rs:10:9
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    tests::it_works
"""
    got = essentials(parse_log(log, tmp_path))
    assert got == [
        {
            "tool": "cargo-test",
            "type": "test_failure",
            "file": "src/lib.rs",
            "line": 10,
            "column": 9,
            "severity": "error",
            "message": "assertion failed: `(left == right)`\n  left: `4`,\n right: `5`",
            "test": "tests::it_works",
        }
    ]


def test_panic_outside_tests_has_no_test_id(tmp_path: Path) -> None:
    log = (
        "thread 'main' panicked at src/main.rs:4:5:\nconfig file missing\nnote: run with `RUST_BACKTRACE=1`\n"
    )
    [record] = parse_log(log, tmp_path)
    assert (record.type, record.test, record.file, record.line, record.message) == (
        "unknown",
        None,
        "src/main.rs",
        4,
        "config file missing",
    )


def test_doctest_that_does_not_compile(tmp_path: Path) -> None:
    log = """\
---- src/lib.rs - add (line 3) stdout ----
error[E0425]: cannot find value `x` in this scope
 --> src/lib.rs:4:1
  |
3 | x
  | ^ not found in this scope

error: aborting due to 1 previous error

Couldn't compile the test.

failures:
    src/lib.rs - add (line 3)
"""
    [record] = parse_log(log, tmp_path)
    assert (record.tool, record.test, record.file, record.line, record.message) == (
        "cargo-test",
        "src/lib.rs - add (line 3)",
        "src/lib.rs",
        4,
        "cannot find value `x` in this scope",
    )


def test_section_names_the_test_when_output_and_a_worker_thread_come_first(tmp_path: Path) -> None:
    log = """\

failures:

---- pool::tests::spawns stdout ----
starting 2 workers
worker 1 ready
thread '<unnamed>' panicked at src/pool.rs:21:13:
queue closed early
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
thread 'pool::tests::spawns' panicked at src/pool.rs:40:34:
called `Result::unwrap()` on an `Err` value: Any { .. }


failures:
    pool::tests::spawns

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
"""
    got = [
        (r.tool, r.test, r.file, r.line, r.column, r.message) for r in parse_log(log, tmp_path, "cargo test")
    ]
    assert got == [("cargo-test", "pool::tests::spawns", "src/pool.rs", 21, 13, "queue closed early")]

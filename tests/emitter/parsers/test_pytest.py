"""pytest's terminal report: real runs of the fixture in every --tb style, plus tricky lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from emitter.parsers import make_parsers
from emitter.parsers.base import Hit
from emitter.scan import Scanner, scan_bytes
from tests.helpers.fixtures import (
    FIXTURES,
    UPDATE,
    check_live,
    check_recorded,
    copy_fixture,
    essentials,
    expected,
    parse_log,
    run_fixture,
)

VARIANTS_DIR = FIXTURES / "pytest" / "variants"
# The same broken tests run with other report options (run.sh passes $SELFHEAL_PYTEST_ARGS on).
VARIANTS = {
    "short": "--tb=short",
    "line": "--tb=line",
    "native": "--tb=native",
    "no": "--tb=no",
    "quiet": "-q",
    "verbose": "-v -rA",
    "xdist": "-n 1 -v",  # one worker: "[gw0]" lines, and the order stays fixed
    "nosummary": "-rN",
}
# Styles that show the test's own frames: the records must be the very same failures as the default's.
SAME_FAILURES = ("short", "native", "quiet", "verbose", "xdist")


def test_recorded(tmp_path: Path) -> None:
    check_recorded("pytest", tmp_path)


@pytest.mark.slow
def test_live(tmp_path: Path) -> None:
    check_live("pytest", tmp_path)


def _variant(name: str) -> list[dict[str, Any]]:
    return json.loads((VARIANTS_DIR / f"{name}.json").read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_recorded(name: str, tmp_path: Path) -> None:
    copy_fixture("pytest", tmp_path)
    got = essentials(parse_log((VARIANTS_DIR / f"{name}.txt").read_bytes(), tmp_path))
    assert got == _variant(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", VARIANTS)
def test_variant_live(name: str, tmp_path: Path) -> None:
    output = run_fixture("pytest", tmp_path, env={"SELFHEAL_PYTEST_ARGS": VARIANTS[name]})
    got = essentials(parse_log(output, tmp_path))
    if UPDATE:
        (VARIANTS_DIR / f"{name}.txt").write_bytes(output)
        (VARIANTS_DIR / f"{name}.json").write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert got == _variant(name), output.decode(errors="replace")


def _identity(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record.get(k) for k in ("tool", "test", "type", "file", "line", "rule"))


@pytest.mark.parametrize("name", SAME_FAILURES)
def test_every_traceback_style_names_the_same_failures(name: str) -> None:
    assert sorted(map(_identity, _variant(name)), key=str) == sorted(
        map(_identity, expected("pytest")), key=str
    )


def test_native_tracebacks_are_not_counted_again_by_the_traceback_parser() -> None:
    records = _variant("native")
    assert {r["tool"] for r in records} == {"pytest"}
    assert len(records) == len(expected("pytest"))


def test_line_style_points_at_the_crash_when_it_is_repository_code() -> None:
    by_test = {r.get("test"): r for r in _variant("line")}
    assert by_test["tests/test_calc.py::test_divide"]["file"] == "calc.py"
    assert by_test["tests/test_calc.py::test_divide"]["line"] == 9
    # the JSON error is raised inside the standard library: the test's file, without a line
    assert by_test["tests/test_calc.py::TestLoad::test_broken"]["file"] == "tests/test_calc.py"
    assert "line" not in by_test["tests/test_calc.py::TestLoad::test_broken"]


def test_without_a_summary_the_test_id_comes_from_the_block() -> None:
    tests = [r.get("test") for r in _variant("nosummary")]
    assert "tests/test_calc.py::TestLoad::test_broken" in tests
    assert "tests/test_calc.py::test_count[[a] [b]]" in tests
    assert "test_query" in tests  # a setup error shows the fixture's frames, not the test's file


# -- tricky lines ---------------------------------------------------------------------------------

# The summary alone, as --tb=no leaves it (written by hand in pytest's format; pytest 6-9 print collection
# errors without a message, the form with one is accepted too).
SUMMARY_ONLY = """\
=========================== short test summary info ============================
FAILED tests/test_ops.py::test_sub[a - b] - AssertionError: assert 1 == 2
FAILED tests/test_ops.py::TestMath::test_div[[1, 0]] - ZeroDivisionError: division by zero
FAILED tests/test_ops.py::test_slow
ERROR tests/test_y.py - ModuleNotFoundError: No module named 'foo'
ERROR tests/test_z.py - SyntaxError: invalid syntax
========================= 3 failed, 2 errors in 0.12s ==========================
"""


def test_summary_lines_alone_make_records(tmp_path: Path) -> None:
    got = essentials(parse_log(SUMMARY_ONLY, tmp_path))
    assert got == [
        {
            "tool": "pytest",
            "type": "test_failure",
            "file": "tests/test_ops.py",
            "severity": "error",
            "rule": "AssertionError",
            "message": "AssertionError: assert 1 == 2",
            "test": "tests/test_ops.py::test_sub[a - b]",
        },
        {
            "tool": "pytest",
            "type": "test_failure",
            "file": "tests/test_ops.py",
            "severity": "error",
            "rule": "ZeroDivisionError",
            "message": "ZeroDivisionError: division by zero",
            "test": "tests/test_ops.py::TestMath::test_div[[1, 0]]",
        },
        {
            "tool": "pytest",
            "type": "test_failure",
            "file": "tests/test_ops.py",
            "severity": "error",
            "message": "test failed",
            "test": "tests/test_ops.py::test_slow",
        },
        {
            "tool": "pytest",
            "type": "import_error",
            "file": "tests/test_y.py",
            "severity": "error",
            "rule": "ModuleNotFoundError",
            "message": "ModuleNotFoundError: No module named 'foo'",
            "test": "tests/test_y.py",
        },
        {
            "tool": "pytest",
            "type": "syntax_error",
            "file": "tests/test_z.py",
            "severity": "error",
            "rule": "SyntaxError",
            "message": "SyntaxError: invalid syntax",
            "test": "tests/test_z.py",
        },
    ]


# `pytest -q` on two files that both define test_total (real output, pytest 9), then a script that crashes.
SAME_NAME_TWO_FILES = """\
FF                                                                       [100%]
=================================== FAILURES ===================================
__________________________________ test_total __________________________________

    def test_total():
>       assert 1 + 1 == 3
E       assert (1 + 1) == 3

tests/a/test_sum.py:2: AssertionError
__________________________________ test_total __________________________________

    def test_total():
        items = [1, 2]
>       assert sum(items) == 4
E       assert 3 == 4
E        +  where 3 = sum([1, 2])

tests/b/test_sum.py:3: AssertionError
=========================== short test summary info ============================
FAILED tests/a/test_sum.py::test_total - assert (1 + 1) == 3
FAILED tests/b/test_sum.py::test_total - assert 3 == 4
2 failed in 0.03s
Traceback (most recent call last):
  File "/srv/ci/report.py", line 4, in <module>
    upload(results)
NameError: name 'upload' is not defined
"""


def test_same_test_name_in_two_files_stays_two_records(tmp_path: Path) -> None:
    records = parse_log(SAME_NAME_TWO_FILES, tmp_path)
    assert [(r.tool, r.test, r.file, r.raw_file, r.line) for r in records] == [
        ("pytest", "tests/a/test_sum.py::test_total", "tests/a/test_sum.py", None, 2),
        ("pytest", "tests/b/test_sum.py::test_total", "tests/b/test_sum.py", None, 3),
        # after -q's closing line, output is no longer pytest's; the script is not in the repository
        ("python", None, None, "/srv/ci/report.py", 4),
    ]
    got = essentials(records)
    assert got[1]["message"] == "assert 3 == 4\n +  where 3 = sum([1, 2])"


# pytest on Windows prints backslashes in location lines, forward slashes in node ids (written by hand in
# that format: no Windows machine here).
WINDOWS = """\
================================== FAILURES ===================================
_________________________________ test_parse __________________________________

    def test_parse():
>       assert parse("1") == 2
E       AssertionError: assert 1 == 2
E        +  where 1 = parse('1')

tests\\test_parse.py:5: AssertionError
=========================== short test summary info ===========================
FAILED tests/test_parse.py::test_parse - AssertionError: assert 1 == 2
============================== 1 failed in 0.05s ==============================
"""


def test_windows_location_lines(tmp_path: Path) -> None:
    (got,) = essentials(parse_log(WINDOWS, tmp_path))
    assert got["test"] == "tests/test_parse.py::test_parse"
    assert got["file"] == "tests/test_parse.py"
    assert got["line"] == 5
    assert got["rule"] == "AssertionError"


# A conftest that does not import stops pytest before any test runs (real output, pytest 9).
CONFTEST = """\
ImportError while loading conftest '/tmp/cf/tests/conftest.py'.
tests/conftest.py:3: in <module>
    from app.db import connect
E   ModuleNotFoundError: No module named 'app'
make: *** [Makefile:4: test] Error 4
"""


def test_conftest_import_error(tmp_path: Path) -> None:
    got = essentials(parse_log(CONFTEST, tmp_path))
    assert got[0] == {
        "tool": "pytest",
        "type": "import_error",
        "file": "tests/conftest.py",
        "line": 3,
        "severity": "error",
        "rule": "ModuleNotFoundError",
        "message": "ModuleNotFoundError: No module named 'app'",
    }
    assert all(r["tool"] != "pytest" for r in got[1:])  # make's line is not part of the block


# pytest 6 prints one line per failure with --tb=line, and no E lines (real output, pytest 6.2.5).
OLD_LINE_STYLE = """\
=================================== FAILURES ===================================
/tmp/pfold/tests/test_calc.py:8: assert 4 == 3
/tmp/pfold/calc.py:9: ZeroDivisionError: division by zero
/root/.pyenv/versions/3.9.18/lib/python3.9/json/decoder.py:353: json.decoder.JSONDecodeError: Expecting \
property name enclosed in double quotes: line 1 column 2 (char 1)
=========================== short test summary info ============================
FAILED tests/test_calc.py::test_add - assert 4 == 3
FAILED tests/test_calc.py::test_divide - ZeroDivisionError: division by zero
FAILED tests/test_calc.py::TestLoad::test_broken - json.decoder.JSONDecodeErr...
============================== 3 failed in 0.36s ===============================
"""


def test_old_line_style_pairs_entries_with_the_summary_in_order(tmp_path: Path) -> None:
    # pytest ran in /tmp/pfold, a checkout of this repository; json's decoder.py is a library's
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_calc.py").write_text("def test_add(): assert 4 == 3\n")
    (tmp_path / "calc.py").write_text("def divide(a, b): return a / b\n")
    records = parse_log(OLD_LINE_STYLE, tmp_path)
    assert [(r.test, r.file, r.raw_file, r.line, r.rule) for r in records] == [
        (
            "tests/test_calc.py::test_add",
            "tests/test_calc.py",
            "/tmp/pfold/tests/test_calc.py",
            8,
            "AssertionError",
        ),
        ("tests/test_calc.py::test_divide", "calc.py", "/tmp/pfold/calc.py", 9, "ZeroDivisionError"),
        (
            "tests/test_calc.py::TestLoad::test_broken",
            "tests/test_calc.py",
            None,
            None,
            "json.decoder.JSONDecodeError",
        ),
    ]
    got = essentials(records)
    assert got[2]["message"] == (
        "json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1)"
    )


def test_block_and_summary_make_one_record_each(tmp_path: Path) -> None:
    records = expected("pytest")
    tests = [r.get("test") for r in records if r["tool"] == "pytest"]
    assert len(tests) == len(set(tests))
    assert len(records) == 16  # 10 failed + 5 errors in tests/, and the broken conftest in plugins/


# pytest 9's subtests: one block per failing subtest, one for the test itself (real output, -q -rA).
SUBTESTS = """\
=================================== FAILURES ===================================
_________________________ test_values [checking] (i=1) _________________________

subtests = <_pytest.subtests.Subtests object at 0x7f56279b7490>

    def test_values(subtests):
        for i in range(3):
            with subtests.test("checking", i=i):
>               assert i % 2 == 0
E               assert (1 % 2) == 0

test_sub.py:4: AssertionError
_________________________________ test_values __________________________________
contains 1 failed subtest
__________________________________ test_plain __________________________________

    def test_plain():
>       assert 1 == 2
E       assert 1 == 2

test_sub.py:7: AssertionError
=========================== short test summary info ============================
SUBFAILED[checking] (i=1) test_sub.py::test_values - assert (1 % 2) == 0
FAILED test_sub.py::test_values - contains 1 failed subtest
FAILED test_sub.py::test_plain - assert 1 == 2
3 failed, 2 subtests passed in 0.80s
"""


def test_subtests(tmp_path: Path) -> None:
    got = essentials(parse_log(SUBTESTS, tmp_path))
    assert [(r["test"], r.get("line"), r["message"]) for r in got] == [
        ("test_sub.py::test_values [checking] (i=1)", 4, "assert (1 % 2) == 0"),
        ("test_sub.py::test_values", None, "contains 1 failed subtest"),
        ("test_sub.py::test_plain", 7, "assert 1 == 2"),
    ]


def test_chunk_boundaries_do_not_change_the_records() -> None:
    data = (VARIANTS_DIR / "native.txt").read_bytes()
    hits: list[Hit] = []
    scanner = Scanner(make_parsers(), hits.append)
    for i in range(0, len(data), 7):  # blocks span many chunks; lines are cut mid-way
        scanner.feed(data[i : i + 7])
    scanner.finish()
    assert len(hits) == 16
    assert hits == scan_bytes(data)


def test_a_multi_line_message_in_the_summary_stays_the_tests_own(tmp_path: Path) -> None:
    """On CI (CI=true) pytest prints the summary entry's whole message, lines that look like other tools'
    locations included (PyYAML's `in "config.yaml", line 3, column 4`): one record, the test's."""
    (tmp_path / "config.yaml").write_text("server:\n    host: a\n   port: 1\n")
    (tmp_path / "test_config.py").write_text(
        "import yaml\n\n\ndef test_config():\n"
        "    with open('config.yaml') as f:\n        assert yaml.safe_load(f)['server']['port'] == 1\n"
    )
    env = {**os.environ, "CI": "true", "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_config.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert b'\n  in "config.yaml", line 3, column 4\n1 failed' in output  # the whole message, as CI shows it
    records = parse_log(output, tmp_path)
    assert [(r.tool, r.file, r.line, r.rule) for r in records] == [
        ("pytest", "test_config.py", 6, "yaml.parser.ParserError")
    ]


def test_thousands_of_failures_are_not_held_until_the_summary() -> None:
    """Each failure block waits for its summary line; past MAX_PENDING the oldest goes on alone, so the
    parser holds a bounded number whatever the run, and every failure is still one record."""
    from emitter.parsers.pytest import MAX_PENDING, PytestParser

    count = MAX_PENDING * 3
    blocks = "".join(
        f"{'_' * 20} test_{i} {'_' * 20}\n\n    def test_{i}():\n>       assert {i} == 0\nE       assert {i} == 0\n\n"
        f"tests/test_many.py:{i + 1}: AssertionError\n"
        for i in range(count)
    )
    summary = "".join(f"FAILED tests/test_many.py::test_{i} - assert {i} == 0\n" for i in range(count))
    log = (
        f"{'=' * 30} FAILURES {'=' * 30}\n{blocks}"
        f"{'=' * 20} short test summary info {'=' * 20}\n{summary}{'=' * 20} {count} failed in 9.1s {'=' * 20}\n"
    ).encode()
    parser = PytestParser()
    hits: list[Hit] = []
    scanner = Scanner([parser], hits.append)
    pending: list[int] = []
    for start in range(0, len(log), 8192):
        scanner.feed(log[start : start + 8192])
        pending.append(len(parser.pending))
    scanner.finish()
    assert max(pending) <= MAX_PENDING
    assert {h.test for h in hits} == {f"tests/test_many.py::test_{i}" for i in range(count)}
    assert {h.line for h in hits if h.line is not None} == set(range(1, count + 1))

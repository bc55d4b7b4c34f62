"""Python tracebacks and unittest blocks: real runs of the fixtures, plus tricky displays."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.parsers import make_parsers
from emitter.parsers.base import Hit
from emitter.scan import Scanner, scan_bytes
from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log, recorded_output


def test_python_recorded(tmp_path: Path) -> None:
    check_recorded("python", tmp_path)


@pytest.mark.slow
def test_python_live(tmp_path: Path) -> None:
    check_live("python", tmp_path)


def test_unittest_recorded(tmp_path: Path) -> None:
    check_recorded("unittest", tmp_path)


@pytest.mark.slow
def test_unittest_live(tmp_path: Path) -> None:
    check_live("unittest", tmp_path)


# -- unittest -------------------------------------------------------------------------------------

# Python 3.10 names the test "method (module.Class)"; 3.11 added the method to the parentheses
# (real output of the unittest fixture, 3.10.13, two blocks).
UNITTEST_310 = """\
======================================================================
ERROR: testimports (unittest.loader._FailedTest)
----------------------------------------------------------------------
ImportError: Failed to import test module: testimports
Traceback (most recent call last):
  File "/root/.pyenv/versions/3.10.13/lib/python3.10/unittest/loader.py", line 436, in _find_test_path
    module = self._get_module_from_name(name)
  File "/root/.pyenv/versions/3.10.13/lib/python3.10/unittest/loader.py", line 377, in _get_module_from_name
    __import__(name)
  File "/tmp/uf/testimports.py", line 3, in <module>
    import barcode_reader
ModuleNotFoundError: No module named 'barcode_reader'


======================================================================
ERROR: test_missing (testinventory.TestInventory)
Removing an unknown item names it.
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/uf/testinventory.py", line 20, in test_missing
    self.inv.remove("pear", 1)
  File "/tmp/uf/inventory.py", line 9, in remove
    if self.items[name] < count:
KeyError: 'pear'

----------------------------------------------------------------------
Ran 8 tests in 0.001s

FAILED (failures=4, errors=4)
"""


def test_unittest_before_311_names_tests_the_same_way(tmp_path: Path) -> None:
    for name in ("testimports.py", "testinventory.py", "inventory.py"):  # the run's checkout was /tmp/uf
        (tmp_path / name).write_text("import unittest\n")
    records = parse_log(UNITTEST_310, tmp_path)
    assert [r.raw_file for r in records] == ["/tmp/uf/testimports.py", "/tmp/uf/inventory.py"]
    got = essentials(records)
    assert got == [
        {
            "tool": "unittest",
            "type": "import_error",
            "file": "testimports.py",
            "line": 3,
            "severity": "error",
            "rule": "ModuleNotFoundError",
            "message": "ModuleNotFoundError: No module named 'barcode_reader'",
            "test": "unittest.loader._FailedTest.testimports",
        },
        {
            "tool": "unittest",
            "type": "test_failure",
            "file": "inventory.py",
            "line": 9,
            "severity": "error",
            "rule": "KeyError",
            "message": "KeyError: 'pear'",
            "test": "testinventory.TestInventory.test_missing",
        },
    ]


# `python -m unittest -b` repeats the test's captured output after the traceback (real output, 3.11).
UNITTEST_BUFFERED = """\
F
Stdout:
connecting to cache

======================================================================
FAIL: test_noisy (testout.TestOut.test_noisy)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/ub/testout.py", line 7, in test_noisy
    self.assertTrue(False, "cache is cold")
AssertionError: False is not true : cache is cold

Stdout:
connecting to cache

----------------------------------------------------------------------
Ran 1 test in 0.001s

FAILED (failures=1)
"""


def test_unittest_captured_output_is_not_part_of_the_message(tmp_path: Path) -> None:
    (record,) = parse_log(UNITTEST_BUFFERED, tmp_path)
    (got,) = essentials([record])
    assert got["message"] == "AssertionError: False is not true : cache is cold"
    assert got["test"] == "testout.TestOut.test_noisy"
    # /tmp/ub is not this repository: no file, the path unittest printed kept as raw_file
    assert (record.file, record.raw_file, record.line) == (None, "/tmp/ub/testout.py", 7)


def test_a_fail_line_without_unittest_separator_is_not_a_test(tmp_path: Path) -> None:
    log = "FAIL: build (linux-x64)\nnext step\nTraceback (most recent call last):\n"
    assert [r for r in parse_log(log, tmp_path) if r.tool == "unittest"] == []


# -- bare tracebacks ------------------------------------------------------------------------------

# Python 3.13 colours its tracebacks when asked to (real output, FORCE_COLOR=1).
COLOURED_313 = (
    b"Traceback (most recent call last):\n"
    b'  File \x1b[35m"/tmp/tb13/app.py"\x1b[0m, line \x1b[35m10\x1b[0m, in \x1b[35m<module>\x1b[0m\n'
    b"    print(\x1b[1;31msetings\x1b[0m)\n"
    b"          \x1b[1;31m^^^^^^^\x1b[0m\n"
    b"\x1b[1;35mNameError\x1b[0m: \x1b[35mname 'setings' is not defined. Did you mean: 'settings'?\x1b[0m\n"
    b'  File \x1b[35m"/tmp/pyx/b.py"\x1b[0m, line \x1b[35m3\x1b[0m\n'
    b"    return 1 +\x1b[1;31m*\x1b[0m 2\n"
    b"              \x1b[1;31m^\x1b[0m\n"
    b"\x1b[1;35mSyntaxError\x1b[0m: \x1b[35minvalid syntax\x1b[0m\n"
)


def test_coloured_tracebacks(tmp_path: Path) -> None:
    records = parse_log(COLOURED_313, tmp_path)
    assert [(r.file, r.raw_file) for r in records] == [(None, "/tmp/tb13/app.py"), (None, "/tmp/pyx/b.py")]
    got = essentials(records)
    assert got == [
        {
            "tool": "python",
            "type": "compile_error",
            "line": 10,
            "severity": "error",
            "rule": "NameError",
            "message": "NameError: name 'setings' is not defined. Did you mean: 'settings'?",
        },
        {
            "tool": "python",
            "type": "syntax_error",
            "line": 3,
            "severity": "error",
            "rule": "SyntaxError",
            "message": "SyntaxError: invalid syntax",
        },
    ]


# pytest's own crash, every line behind "INTERNALERROR> " (real output, pytest 9; middle frames cut).
INTERNALERROR = """\
INTERNALERROR> Traceback (most recent call last):
INTERNALERROR>   File "/work/main/.venv/lib/python3.11/site-packages/_pytest/main.py", line 333, \
in wrap_session
INTERNALERROR>     session.exitstatus = doit(config, session) or 0
INTERNALERROR>                          ^^^^^^^^^^^^^^^^^^^^^
INTERNALERROR>   File "/work/main/.venv/lib/python3.11/site-packages/pluggy/_execution.py", line 147, \
in _multicall
INTERNALERROR>     res = hook_impl.function(*args)
INTERNALERROR>           ^^^^^^^^^^^^^^^^^^^^^^^^^
INTERNALERROR>   File "/tmp/ie/conftest.py", line 2, in pytest_collection_modifyitems
INTERNALERROR>     raise RuntimeError("plugin broke")
INTERNALERROR> RuntimeError: plugin broke

no tests ran in 0.01s
"""

# docker compose puts the service name before every line (written by hand in compose's format).
COMPOSE = """\
web-1  | Traceback (most recent call last):
web-1  |   File "/app/manage.py", line 22, in <module>
web-1  |     main()
web-1  |   File "/app/manage.py", line 18, in main
web-1  |     from django.core.management import execute_from_command_line
web-1  | ModuleNotFoundError: No module named 'django'
db-1   | LOG:  database system is ready to accept connections
"""


def test_a_constant_prefix_before_every_line(tmp_path: Path) -> None:
    (crash,) = parse_log(INTERNALERROR, tmp_path)  # the conftest of a pytest run in /tmp/ie, not here
    assert (crash.file, crash.raw_file, crash.line, crash.rule) == (
        None,
        "/tmp/ie/conftest.py",
        2,
        "RuntimeError",
    )
    assert crash.message == "RuntimeError: plugin broke"
    (tmp_path / "manage.py").write_text("import django\n")  # the container's /app is this repository
    (missing,) = parse_log(COMPOSE, tmp_path)
    assert (missing.type, missing.file, missing.raw_file, missing.line) == (
        "import_error",
        "manage.py",
        "/app/manage.py",
        18,
    )
    assert missing.message == "ModuleNotFoundError: No module named 'django'"


# An error raised inside the standard library from `python -c` (real output, 3.11): no frame the
# repository owns.
ONLY_LIBRARY = """\
Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/root/.pyenv/versions/3.11.7/lib/python3.11/json/__init__.py", line 346, in loads
    return _default_decoder.decode(s)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py", line 355, in raw_decode
    raise JSONDecodeError("Expecting value", s, err.value) from None
json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)
"""


def test_no_file_when_every_frame_is_library_code(tmp_path: Path) -> None:
    (got,) = essentials(parse_log(ONLY_LIBRARY, tmp_path))
    assert got == {
        "tool": "python",
        "type": "unknown",
        "severity": "error",
        "rule": "json.decoder.JSONDecodeError",
        "message": "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
    }


# A Windows runner (written by hand in Python's format: no Windows machine here).
WINDOWS = """\
Traceback (most recent call last):
  File "C:\\actions-runner\\_work\\app\\app\\cli.py", line 41, in <module>
    run()
  File "C:\\hostedtoolcache\\windows\\Python\\3.11.9\\x64\\Lib\\subprocess.py", line 571, in run
    raise CalledProcessError(retcode, process.args,
subprocess.CalledProcessError: Command '['git', 'fetch']' returned non-zero exit status 128.
"""


def test_windows_paths_and_library(tmp_path: Path) -> None:
    (tmp_path / "cli.py").write_text("run()\n")  # the runner's checkout is C:\actions-runner\_work\app\app
    (got,) = parse_log(WINDOWS, tmp_path)
    assert (got.file, got.raw_file, got.line) == ("cli.py", "C:\\actions-runner\\_work\\app\\app\\cli.py", 41)
    assert got.rule == "subprocess.CalledProcessError"


def test_a_truncated_traceback_makes_no_record(tmp_path: Path) -> None:
    log = 'Traceback (most recent call last):\n  File "/app/x.py", line 3, in <module>\n    main()\n'
    assert parse_log(log, tmp_path) == []


def test_a_lone_file_line_lets_the_next_line_through(tmp_path: Path) -> None:
    log = '  File "notes.txt", line 4\nTraceback (most recent call last):\n'
    log += '  File "/app/x.py", line 3, in <module>\nKeyboardInterrupt\n'
    (got,) = essentials(parse_log(log, tmp_path))
    assert (got["rule"], got["message"], got["line"]) == ("KeyboardInterrupt", "KeyboardInterrupt", 3)


def test_two_crashes_in_a_row_are_two_records(tmp_path: Path) -> None:
    log = (
        "Traceback (most recent call last):\n"
        '  File "/app/a.py", line 1, in <module>\n'
        "ValueError: first\n"
        "Traceback (most recent call last):\n"
        '  File "/app/b.py", line 2, in <module>\n'
        "ValueError: second\n"
    )
    got = [(r.file, r.raw_file, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        (None, "/app/a.py", "ValueError: first"),
        (None, "/app/b.py", "ValueError: second"),
    ]


def _cut(data: bytes, cut: int) -> list[Hit]:
    hits: list[Hit] = []
    scanner = Scanner(make_parsers(), hits.append)
    scanner.feed(data[:cut])
    scanner.feed(data[cut:])
    scanner.finish()
    return hits


def test_coloured_tracebacks_do_not_depend_on_chunk_cuts() -> None:
    # coloured frames hold no anchor: the exception line reads them back, across the cut
    whole = scan_bytes(COLOURED_313)
    assert [(h.file, h.line, h.rule) for h in whole] == [
        ("/tmp/tb13/app.py", 10, "NameError"),
        ("/tmp/pyx/b.py", 3, "SyntaxError"),
    ]
    for cut in range(1, len(COLOURED_313)):
        assert _cut(COLOURED_313, cut) == whole, cut


def test_recorded_crashes_do_not_depend_on_chunk_cuts() -> None:
    data = recorded_output("python")
    whole = scan_bytes(data)
    assert len(whole) == 7  # one per script
    for cut in range(1, len(data), 97):
        assert _cut(data, cut) == whole, cut


def test_an_error_line_under_indented_text_is_not_a_traceback(tmp_path: Path) -> None:
    log = (
        "Step 3/5 : RUN make\n"
        "    cc -c main.c\n"
        "ValueError: bad value in config\n"
        "  File list, line 3, in total\n"
        "    see above\n"
        "TypeError: the frame above is no frame\n"
    )
    assert [r for r in parse_log(log, tmp_path) if r.tool == "python"] == []

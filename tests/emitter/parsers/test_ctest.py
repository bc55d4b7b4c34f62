"""CTest: real runs of ctest over real tests (a C assert, an exit code, a timeout, a crash, a test that cannot
start, a failed output check, GoogleTest and Catch2 cases), with and without their output, and the parts of a
run a log may keep. ctest-gtest needs Debian's libgtest-dev and catch2."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from emitter.junit import read_junit
from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.scan import scan_bytes
from tests.helpers.fixtures import check_live, check_recorded, copy_fixture, parse_log, recorded_output

RECORDED = ("ctest-ledger", "ctest-verdicts", "ctest-gtest")
LIVE = RECORDED
ASSERT = "main: Assertion `balance(amounts, 3) == 12' failed."
PARSE = 'parse_amount("1,50"): expected 150, got 1'


@pytest.mark.parametrize("tool", RECORDED)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("tool", LIVE)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path)


def _records(text: str, root: Path) -> list[tuple[str | None, str | None, int | None, str]]:
    return [(r.test, r.file, r.line, r.message) for r in parse_log(text, root)]


def test_assert_output_locates_the_failure_and_is_its_only_record(tmp_path: Path) -> None:
    copy_fixture("ctest-ledger", tmp_path)
    records = parse_log(recorded_output("ctest-ledger"), tmp_path)
    assert [(r.tool, r.type, r.test) for r in records] == [
        ("ctest", "test_failure", "balance"),
        ("ctest", "test_failure", "parse"),
        ("ctest", "test_failure", "sync"),
    ]
    balance = records[0]
    # the assert printed an absolute path of the machine that ran it: the record names the repository's file
    assert (balance.file, balance.line, balance.message) == ("tests/test_balance.c", 7, ASSERT)
    assert records[2].message == "Timeout\nwaiting for the ledger lock"


def test_only_the_final_list_gives_each_failed_test_and_its_verdict(tmp_path: Path) -> None:
    # A log that kept only the end of the run (a cut log, or a tail): the list alone names the failures.
    output = recorded_output("ctest-ledger").decode()
    tail = output[output.index("The following tests FAILED:") :]
    assert _records(tail, tmp_path) == [
        ("balance", None, None, "Subprocess aborted"),
        ("parse", None, None, "Failed"),
        ("sync", None, None, "Timeout"),
    ]


def test_a_run_cut_before_its_list_still_gives_its_failures(tmp_path: Path) -> None:
    # The job was killed after the tests ran: no summary, no list. The verdict lines say enough.
    output = recorded_output("ctest-ledger").decode()
    cut = output[: output.index("% tests passed")].rsplit("\n", 1)[0]
    copy_fixture("ctest-ledger", tmp_path)
    assert [r[0] for r in _records(cut, tmp_path)] == ["balance", "parse", "sync"]


def test_gtest_and_catch2_failures_are_located_by_their_own_report(tmp_path: Path) -> None:
    copy_fixture("ctest-gtest", tmp_path)
    assert _records(recorded_output("ctest-gtest").decode(), tmp_path) == [
        (
            "PriceTest.WithTax",
            "tests/price_test.cc",
            6,
            "Expected equality of these values:\nwith_tax(100)\nWhich is: 120\n119",
        ),
        (
            "rounds half up",
            "tests/round_test.cc",
            7,
            "REQUIRE( round_half_up(2.5) == 3 )\nwith expansion:\n2 == 3",
        ),
    ]


def test_verdicts_without_output(tmp_path: Path) -> None:
    assert _records(recorded_output("ctest-verdicts").decode(), tmp_path) == [
        ("cache.lookup", None, None, "Exception: SegFault"),
        ("migrate", None, None, "Not Run\nCould not find executable test_migrate"),
        ("report totals", None, None, "Required regular expression not found. Regex=[total: 12]"),
    ]


# -- the same build, run the ways CI runs it ----------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ctest-ledger configured and built once; each test runs ctest over it its own way."""
    if shutil.which("ctest") is None:
        raise AssertionError("ctest is not installed; run `make tools`")
    root = copy_fixture("ctest-ledger", tmp_path_factory.mktemp("ledger"))
    for step in (["cmake", "-S", ".", "-B", "build"], ["cmake", "--build", "build"]):
        subprocess.run(step, cwd=root, check=True, capture_output=True)
    return root


def _ctest(root: Path, *args: str) -> bytes:
    proc = subprocess.run(
        ["ctest", *args], cwd=root / "build", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False
    )
    assert proc.returncode != 0, proc.stdout.decode()
    return proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [("--output-on-failure",), ("-V",), ("--output-on-failure", "-j2")],
    ids=["output-on-failure", "verbose", "parallel"],
)
def test_live_output_of_failed_tests_however_ctest_prints_it(built: Path, args: tuple[str, ...]) -> None:
    # -V prints every test's output before its verdict, as `1: …` lines; -j2 interleaves the tests.
    assert _records(_ctest(built, *args).decode(), built) == [
        ("balance", "tests/test_balance.c", 7, ASSERT),
        ("parse", None, None, PARSE),
        ("sync", None, None, "Timeout\nwaiting for the ledger lock"),
    ]


@pytest.mark.slow
def test_live_without_output_on_failure_only_the_verdicts(built: Path) -> None:
    assert _records(_ctest(built).decode(), built) == [
        ("balance", None, None, "Subprocess aborted"),
        ("parse", None, None, "Failed"),
        ("sync", None, None, "Timeout"),
    ]


@pytest.mark.slow
def test_live_a_run_whose_only_failure_is_a_timeout(built: Path) -> None:
    # No `***Failed` line at all: the run is read back from its summary line.
    assert _records(_ctest(built, "-R", "sync", "--output-on-failure").decode(), built) == [
        ("sync", None, None, "Timeout\nwaiting for the ledger lock"),
    ]


@pytest.mark.slow
def test_live_log_and_ctest_junit_are_one_record_per_test(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(built)
    junit = built / "build" / "ctest.xml"
    output = _ctest(built, "--output-on-failure", "--output-junit", str(junit))
    from_junit, warning = read_junit(str(junit))
    assert warning is None and len(from_junit) == 3
    hits = scan_bytes(output) + from_junit
    records = merge(hits, task="test", paths=PathResolver(str(built), str(built))).records
    assert [(r.test, r.source, r.file, r.line) for r in records] == [
        ("balance", "log", "tests/test_balance.c", 7),
        ("parse", "log", None, None),
        ("sync", "log", None, None),
    ]


FLAKY_PROJECT = """\
cmake_minimum_required(VERSION 3.19)
project(retries NONE)
enable_testing()
add_test(NAME flaky COMMAND sh -c "if [ -e tried ]; then exit 0; fi; touch tried; echo 'lock busy'; exit 1")
add_test(NAME broken COMMAND sh -c "echo 'checksum mismatch'; exit 1")
"""


@pytest.mark.slow
def test_live_repeat_until_pass_counts_each_test_by_its_last_run(tmp_path: Path) -> None:
    # `--repeat until-pass:2` runs a failed test again: one that passes then is no failure, and one that
    # fails twice is one record with its last run's output.
    (tmp_path / "CMakeLists.txt").write_text(FLAKY_PROJECT)
    subprocess.run(["cmake", "-S", ".", "-B", "build"], cwd=tmp_path, check=True, capture_output=True)
    output = _ctest(tmp_path, "--output-on-failure", "--repeat", "until-pass:2")
    assert output.count(b"***Failed") == 3  # flaky once, broken twice
    assert _records(output.decode(), tmp_path) == [("broken", None, None, "checksum mismatch")]

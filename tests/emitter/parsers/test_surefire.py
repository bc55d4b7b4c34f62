"""Maven Surefire: real runs of Surefire 3.5 (JUnit 5, with and without reruns) and 2.22 (JUnit 4), offline,
and the layouts of older versions that no longer install anywhere (hand-written, each says why).

Test sources are looked up from the working directory, as in a CI step that runs Maven from the checkout:
every test runs from the fixture's copy.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from emitter.junit import read_junit
from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.scan import scan_bytes
from tests.helpers.fixtures import (
    check_live,
    check_recorded,
    copy_fixture,
    essentials,
    expected,
    parse_log,
    recorded_output,
    run_fixture,
)

RECORDED = ("surefire-junit5", "surefire-rerun", "surefire-2")
LIVE = RECORDED
CALC = "ledger/src/test/java/com/acme/ledger/CalcTest.java"
STATEMENT = "ledger/src/test/java/com/acme/ledger/StatementTest.java"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # the build ran here: its test sources are found from here
    return tmp_path


@pytest.mark.parametrize("tool", RECORDED)
def test_recorded(tool: str, workdir: Path) -> None:
    check_recorded(tool, workdir)


@pytest.mark.slow
@pytest.mark.parametrize("tool", LIVE)
def test_live(tool: str, workdir: Path) -> None:
    check_live(tool, workdir)


def _placed(text: str | bytes, root: Path) -> list[tuple[str | None, str | None, int | None]]:
    return [(r.test, r.file, r.line) for r in parse_log(text, root)]


def test_each_failed_test_once_at_its_own_frame(workdir: Path) -> None:
    copy_fixture("surefire-junit5", workdir)
    assert _placed(recorded_output("surefire-junit5"), workdir) == [
        ("com.acme.ledger.CalcTest.divide", CALC, 23),  # thrown in Calc.divide, called from line 23
        ("com.acme.ledger.CalcTest.report", CALC, 39),
        ("com.acme.ledger.CalcTest.balance", CALC, 28),  # failed in BaseTest.assertPositive
        ("com.acme.ledger.CalcTest.sum", CALC, 13),
        ("com.acme.ledger.CalcTest.parse(String)[2]", CALC, 34),
        ("com.acme.ledger.CalcTest.sumOfNegatives", CALC, 18),  # not 51, its helper's line
        ("com.acme.ledger.CalcTest$Rounding.halfUp", CALC, 46),
        ("com.acme.ledger.StatementTest.totals", STATEMENT, 11),  # assertAll: its failures are lambdas'
        # @BeforeAll failed: the block names the class, the summary its method; one record
        ("com.acme.ledger.AccountTest", "ledger/src/test/java/com/acme/ledger/AccountTest.java", 9),
    ]


def test_summary_alone_places_tests_by_class_name(workdir: Path) -> None:
    # A log that kept only the end of the run: the summary's simple class names are found below the checkout.
    copy_fixture("surefire-junit5", workdir)
    output = recorded_output("surefire-junit5").decode()
    summary = output[output.index("[INFO] Results:") :]
    records = parse_log(summary, workdir)
    assert [(r.test, r.file, r.line) for r in records] == [
        ("CalcTest$Rounding.halfUp", CALC, 46),
        ("CalcTest.balance", CALC, 28),
        ("CalcTest.report", CALC, 39),
        ("CalcTest.sum", CALC, 13),
        ("CalcTest.sumOfNegatives", CALC, 18),
        ("StatementTest.totals", STATEMENT, 11),
        ("AccountTest.openLedger", "ledger/src/test/java/com/acme/ledger/AccountTest.java", 9),
        ("CalcTest.divide", CALC, 23),
        ("CalcTest.parse", CALC, 34),
    ]
    assert (
        records[2].message == "report lines ==> expected: <total: 3\nitems: 2> but was: <total: 3\nitems: 1>"
    )
    assert records[5].message == (
        "statement (2 failures)\n"
        "\torg.opentest4j.AssertionFailedError: sum ==> expected: <3> but was: <-1>\n"
        "\torg.opentest4j.AssertionFailedError: double ==> expected: <4> but was: <0>"
    )
    assert records[7].message == "Arithmetic / by zero"


def test_summary_names_are_qualified_by_the_class_lines_before_it(workdir: Path) -> None:
    copy_fixture("surefire-junit5", workdir)
    lines = recorded_output("surefire-junit5").decode().splitlines(keepends=True)
    kept = [line for line in lines if "<<< FAILURE! -- in " in line]
    start = next(i for i, line in enumerate(lines) if line.startswith("[INFO] Results:"))
    tests = [test for test, _, _ in _placed("".join(kept + lines[start:]), workdir)]
    assert tests[:2] == ["com.acme.ledger.CalcTest$Rounding.halfUp", "com.acme.ledger.CalcTest.balance"]
    assert "com.acme.ledger.AccountTest.openLedger" in tests


def test_a_flaky_test_is_no_failure_though_its_first_run_printed_a_block(workdir: Path) -> None:
    copy_fixture("surefire-rerun", workdir)
    output = recorded_output("surefire-rerun")
    assert b"com.acme.stock.WarehouseTest.connects -- Time elapsed" in output  # its failed first run
    assert _placed(output, workdir) == [
        ("com.acme.stock.ShelfTest.reservesAll(int)[1]", "src/test/java/com/acme/stock/ShelfTest.java", 22),
        ("com.acme.stock.ShelfTest.reservesAll(int)[2]", "src/test/java/com/acme/stock/ShelfTest.java", 22),
        ("com.acme.stock.ShelfTest.reservesTheLastItem", "src/test/java/com/acme/stock/ShelfTest.java", 14),
    ]


def test_surefire_2_inherited_test_is_placed_in_its_superclass(workdir: Path) -> None:
    # JUnit 4 under Surefire 2.22 trims frames outside the test class: hasName's block has none; the summary
    # `CartTest>NamedTest.hasName:12` says the failing line is NamedTest's.
    copy_fixture("surefire-2", workdir)
    records = {r.test: r for r in parse_log(recorded_output("surefire-2"), workdir)}
    inherited = records["com.acme.shop.CartTest.hasName"]
    assert (inherited.file, inherited.line) == ("src/test/java/com/acme/shop/NamedTest.java", 12)
    checkout = records["com.acme.shop.CheckoutTest"]  # @BeforeClass failed
    assert (checkout.file, checkout.line) == ("src/test/java/com/acme/shop/CheckoutTest.java", 9)
    assert len(records) == 6


@pytest.mark.slow
def test_live_log_and_surefire_reports_are_one_record_per_test(workdir: Path) -> None:
    output = run_fixture("surefire-junit5", workdir)
    hits = scan_bytes(output)
    for report in sorted((workdir / "ledger" / "target" / "surefire-reports").glob("TEST-*.xml")):
        from_junit, warning = read_junit(str(report))
        assert warning is None
        hits += from_junit
    records = merge(hits, task="test", paths=PathResolver(str(workdir), str(workdir))).records
    assert [(r.test, r.source, r.line) for r in records] == [
        (test, "log", line) for test, _, line in _placed(output, workdir)
    ]


@pytest.mark.slow
def test_live_coloured_maven_gives_the_same_records(workdir: Path) -> None:
    # CI configurations often force Maven's colours (MAVEN_OPTS=-Dstyle.color=always)
    copy_fixture("surefire-junit5", workdir)
    proc = subprocess.run(
        ["mvn", "-o", "-B", "-ntp", "-Dstyle.color=always", "test"],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    assert proc.returncode != 0 and b"\x1b[" in proc.stdout
    assert essentials(parse_log(proc.stdout, workdir)) == expected("surefire-junit5")


@pytest.mark.slow
def test_live_a_run_whose_only_failure_passed_on_a_rerun_has_no_record(workdir: Path) -> None:
    copy_fixture("surefire-rerun", workdir)
    proc = subprocess.run(
        ["mvn", "-o", "-B", "-ntp", "test", "-Dtest=WarehouseTest"],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout.decode()
    assert b"[WARNING] Flakes:" in proc.stdout
    assert parse_log(proc.stdout, workdir) == []


# -- layouts of Surefire versions that cannot run here ------------------------------------------------------
SUREFIRE_2_12 = """\
Running com.acme.shop.CartTest
Tests run: 3, Failures: 1, Errors: 1, Skipped: 0, Time elapsed: 0.044 sec <<< FAILURE!

Results :

Failed tests:   total(com.acme.shop.CartTest): expected:<5> but was:<3>

Tests in error: \n\
  averageOfNothing(com.acme.shop.CartTest): / by zero

Tests run: 3, Failures: 1, Errors: 1, Skipped: 0

[INFO] ------------------------------------------------------------------------
[INFO] BUILD FAILURE
"""


def test_surefire_2_12_results_without_prefix_or_lines(workdir: Path) -> None:
    """Hand-written: Surefire 2.12.4, the version Maven 3.8 picks when a pom names none, prints this layout,
    but its JUnit providers are neither in ~/.m2 nor in Debian (whose libsurefire-java answers every older
    version with 2.22.3). Written from the format of that release: no `[ERROR]` prefix, `Failed tests:` with
    the first test on the heading line, `method(class): message`, and no line numbers."""
    cart = workdir / "src" / "test" / "java" / "com" / "acme" / "shop" / "CartTest.java"
    cart.parent.mkdir(parents=True)
    cart.write_text("package com.acme.shop;\n")
    assert [(r.test, r.file, r.line, r.message) for r in parse_log(SUREFIRE_2_12, workdir)] == [
        (
            "com.acme.shop.CartTest.total",
            "src/test/java/com/acme/shop/CartTest.java",
            None,
            "expected:<5> but was:<3>",
        ),
        (
            "com.acme.shop.CartTest.averageOfNothing",
            "src/test/java/com/acme/shop/CartTest.java",
            None,
            "/ by zero",
        ),
    ]


SUREFIRE_2_18 = """\
Results :

Failed tests: \n\
  CartTest.total:18 expected:<5> but was:<3>

Tests in error: \n\
  CartTest.averageOfNothing:28 » Arithmetic / by zero

Tests run: 3, Failures: 1, Errors: 1, Skipped: 0
"""


def test_surefire_2_13_to_2_18_compact_lines_without_prefix(workdir: Path) -> None:
    """Hand-written: Surefire 2.13 to 2.18 wrote the one-line summary (`Class.method:line message`, `»` for
    an exception thrown below the test) without Maven's `[ERROR]` prefix; none of those versions installs
    here (see above). Written from the format Surefire documents for its one-line error summary."""
    copy_fixture("surefire-2", workdir)
    shop = "src/test/java/com/acme/shop/CartTest.java"
    assert [(r.test, r.file, r.line, r.message) for r in parse_log(SUREFIRE_2_18, workdir)] == [
        ("CartTest.total", shop, 18, "expected:<5> but was:<3>"),
        ("CartTest.averageOfNothing", shop, 28, "Arithmetic / by zero"),
    ]


FAILSAFE = """\
[INFO] --- maven-failsafe-plugin:3.5.2:integration-test (default) @ ledger ---
[INFO] Running com.acme.ledger.LedgerIT
[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.1 s <<< FAILURE! -- in com.acme.ledger.LedgerIT
[ERROR] com.acme.ledger.LedgerIT.opensDatabase -- Time elapsed: 0.05 s <<< FAILURE!
org.opentest4j.AssertionFailedError: expected: <true> but was: <false>
\tat org.junit.jupiter.api.Assertions.assertTrue(Assertions.java:214)
\tat com.acme.ledger.LedgerIT.opensDatabase(LedgerIT.java:11)

[INFO] Results:
[INFO] \n\
[ERROR] Failures: \n\
[ERROR]   LedgerIT.opensDatabase:11 expected: <true> but was: <false>
[INFO] \n\
[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0
[INFO] \n\
[INFO] --- maven-failsafe-plugin:3.5.2:verify (default) @ ledger ---
[ERROR] Failed to execute goal org.apache.maven.plugins:maven-failsafe-plugin:3.5.2:verify (default) on project ledger: There are test failures.
"""


def test_failsafe_integration_tests(workdir: Path) -> None:
    """Hand-written: maven-failsafe-plugin is neither in ~/.m2 nor in Debian's repository. It prints through
    Surefire's own console reporter (maven-surefire-common), so its blocks and summary are Surefire's; its
    `verify` goal then fails the build, which adds nothing to the record."""
    source = workdir / "ledger" / "src" / "test" / "java" / "com" / "acme" / "ledger" / "LedgerIT.java"
    source.parent.mkdir(parents=True)
    source.write_text("package com.acme.ledger;\n")
    assert essentials(parse_log(FAILSAFE, workdir)) == [
        {
            "tool": "maven",
            "type": "test_failure",
            "file": "ledger/src/test/java/com/acme/ledger/LedgerIT.java",
            "line": 11,
            "severity": "error",
            "message": "org.opentest4j.AssertionFailedError: expected: <true> but was: <false>",
            "test": "com.acme.ledger.LedgerIT.opensDatabase",
        }
    ]

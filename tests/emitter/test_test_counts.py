"""Test counts from the end of a run's output: real runners where they are installed here (pytest, unittest,
go test -v, cargo test, bats, ctest, jest), recorded text for those that cannot run here."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from emitter.test_counts import MAX_TAIL, Counts, combine, from_file, from_text, tail_text
from tests.helpers.fixtures import JS_BIN


def run_tool(cmd: list[str], cwd: Path, **env: str) -> str:
    """stdout+stderr as a CI log holds them; the exit code is the tool's business, not the test's."""
    base = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.run(
        cmd, cwd=cwd, env={**base, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300
    )
    return proc.stdout.decode("utf-8", "replace")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


# -- real runners ------------------------------------------------------------------------------------------
PYTEST_FILE = """\
    import pytest

    def test_pass(): pass
    def test_pass_too(): pass
    def test_fail(): assert 1 == 2

    @pytest.mark.skip(reason="later")
    def test_skip(): pass

    @pytest.mark.xfail
    def test_xfail(): assert 0

    @pytest.mark.xfail
    def test_xpass(): pass

    @pytest.fixture
    def broken(): raise RuntimeError("no database")

    def test_error(broken): pass
    def test_deselected(): pass
"""
# passed: 2 + xpassed; failed: 1 + the error; skipped: 1 + xfailed; the deselected one is not in the run
NO_PLUGINS = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}  # hypothesis alone takes a second to import
PYTEST_COUNTS = Counts(total=7, passed=3, failed=2, skipped=2, source="pytest")


@pytest.mark.parametrize("args", [[], ["-q"], ["--color=yes"]], ids=["full", "quiet", "colour"])
def test_pytest(args: list[str], tmp_path: Path) -> None:
    write(tmp_path, {"test_mix.py": PYTEST_FILE})
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-k", "not deselected", *args]
    out = run_tool([*cmd, "test_mix.py"], tmp_path, **NO_PLUGINS)
    assert "deselected" in out, out
    assert from_text(out) == PYTEST_COUNTS, out


def test_pytest_everything_deselected_is_zero_tests(tmp_path: Path) -> None:
    write(tmp_path, {"test_mix.py": PYTEST_FILE})
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-k", "nothing"]
    out = run_tool(cmd, tmp_path, **NO_PLUGINS)
    assert from_text(out) == Counts(0, 0, 0, 0, "pytest"), out


UNITTEST_FILE = """\
    import unittest

    class T(unittest.TestCase):
        def test_pass(self): pass
        def test_fail(self): self.fail("wrong")
        def test_error(self): raise RuntimeError("boom")
        @unittest.skip("later")
        def test_skip(self): pass
        @unittest.expectedFailure
        def test_expected(self): self.fail("known")
        @unittest.expectedFailure
        def test_unexpected(self): pass
        def test_filtered(self): pass
"""


def test_unittest(tmp_path: Path) -> None:
    write(tmp_path, {"mod_test.py": UNITTEST_FILE})
    keep = [arg for name in ("pass", "fail", "error", "skip", "expected") for arg in ("-k", name)]
    out = run_tool([sys.executable, "-m", "unittest", *keep, "mod_test"], tmp_path)
    assert "Ran 6 tests" in out, out
    # failures + errors + the unexpected success (unittest fails the run for it); skip + expected failure
    assert from_text(out) == Counts(total=6, passed=1, failed=3, skipped=2, source="unittest")


GO_FILES = {
    "go.mod": "module example.com/counts\n\ngo 1.19\n",
    "a/a_test.go": """\
        package a

        import "testing"

        func TestOne(t *testing.T) {}
        func TestTwo(t *testing.T) {
            t.Run("sub1", func(t *testing.T) {})
            t.Run("sub2", func(t *testing.T) { t.Skip("later") })
        }
        func TestThree(t *testing.T) { t.Fatal("boom") }
        func TestSkip(t *testing.T)  { t.Skip("no") }
        func TestFiltered(t *testing.T) {}
    """,
    "b/b_test.go": """\
        package b

        import "testing"

        func TestB(t *testing.T)    {}
        func TestPar(t *testing.T)  { t.Parallel() }
        func TestPar2(t *testing.T) { t.Parallel() }
    """,
}


@pytest.mark.slow
def test_go_test_verbose_counts_top_level_tests_of_every_package(tmp_path: Path) -> None:
    write(tmp_path, GO_FILES)
    env = {"GOPATH": str(tmp_path / ".gopath"), "GOCACHE": str(tmp_path / ".gocache"), "GOPROXY": "off"}
    out = run_tool(
        ["go", "test", "-v", "-run", "^Test(One|Two|Three|Skip|B|Par|Par2)$", "./..."], tmp_path, **env
    )
    assert "    --- SKIP: TestTwo/sub2" in out, out
    assert from_text(out) == Counts(total=7, passed=5, failed=1, skipped=1, source="go-test")
    quiet = run_tool(["go", "test", "./..."], tmp_path, **env)  # no -v: passes are never listed
    assert "--- FAIL: TestThree" in quiet and from_text(quiet) is None, quiet


CARGO_FILES = {
    "Cargo.toml": '[package]\nname = "counts"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/lib.rs": """\
        /// ```
        /// assert_eq!(counts::add(1, 1), 2);
        /// ```
        pub fn add(a: i32, b: i32) -> i32 { a + b }

        #[cfg(test)]
        mod tests {
            #[test] fn adds() { assert_eq!(super::add(1, 2), 3); }
            #[test] fn wrong() { assert_eq!(super::add(1, 2), 4); }
            #[test] #[ignore] fn slow() {}
            #[test] fn other_unit() {}
        }
    """,
    "tests/api.rs": """\
        #[test] fn api_adds() { assert_eq!(counts::add(2, 2), 4); }
        #[test] fn api_zero() { assert_eq!(counts::add(0, 0), 0); }
        #[test] fn other_api() {}
    """,
}


@pytest.mark.slow
def test_cargo_test_sums_every_binary_and_leaves_filtered_out(tmp_path: Path) -> None:
    write(tmp_path, CARGO_FILES)
    cmd = ["cargo", "test", "--offline", "--no-fail-fast", "--", "--skip", "other"]
    out = run_tool(cmd, tmp_path, CARGO_TARGET_DIR=str(tmp_path / "target"), RUST_BACKTRACE="0")
    assert out.count("test result:") == 3 and "1 filtered out" in out, out
    # lib: 1 passed, 1 failed, 1 ignored; tests/api.rs: 2 passed; doc-tests: 1 passed
    assert from_text(out) == Counts(total=6, passed=4, failed=1, skipped=1, source="cargo-test")


BATS_FILE = """\
    @test "passes" { true; }
    @test "fails" { false; }
    @test "skips" { skip "later"; }
    @test "filtered" { true; }
"""


@pytest.mark.parametrize(
    ("args", "source"), [([], "tap"), (["--formatter", "pretty"], "bats")], ids=["tap", "pretty"]
)
def test_bats(args: list[str], source: str, tmp_path: Path) -> None:
    # Not on a terminal (CI) bats writes TAP; its "N tests, M failures" line is the pretty formatter's
    write(tmp_path, {"t.bats": BATS_FILE})
    out = run_tool(["bats", *args, "--filter", "passes|fails|skips", "t.bats"], tmp_path)
    assert from_text(out) == Counts(total=3, passed=1, failed=1, skipped=1, source=source), out


CTEST_PROJECT = """\
    cmake_minimum_required(VERSION 3.16)
    project(counts NONE)
    enable_testing()
    add_test(NAME pass1 COMMAND true)
    add_test(NAME pass2 COMMAND true)
    add_test(NAME fail1 COMMAND false)
    add_test(NAME skip1 COMMAND sh -c "exit 77")
    set_tests_properties(skip1 PROPERTIES SKIP_RETURN_CODE 77)
    add_test(NAME off1 COMMAND true)
    set_tests_properties(off1 PROPERTIES DISABLED TRUE)
    add_test(NAME excluded COMMAND true)
"""


def ctest_build(tmp_path: Path) -> Path:
    write(tmp_path, {"CMakeLists.txt": CTEST_PROJECT})
    build = tmp_path / "build"
    subprocess.run(["cmake", "-S", ".", "-B", "build"], cwd=tmp_path, capture_output=True, check=True)
    return build


def test_ctest(tmp_path: Path) -> None:
    out = run_tool(["ctest", "-E", "excluded"], ctest_build(tmp_path))
    assert "1 tests failed out of 4" in out, out
    # the disabled test is outside ctest's "out of 4" but is a skip all the same; -E keeps one out
    assert from_text(out) == Counts(total=5, passed=2, failed=1, skipped=2, source="ctest")


@pytest.mark.slow
def test_jest(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": '{"name": "counts", "private": true, "jest": {"testEnvironment": "node"}}\n',
            "a.test.js": """\
                test("one", () => {});
                test("two", () => { expect(1).toBe(2); });
                test.skip("three", () => {});
                test.todo("four");
                test("five", () => {});
            """,
            "b.test.js": 'test("bee", () => {});\n',
        },
    )
    out = run_tool([str(JS_BIN / "jest"), "--ci", "--color"], tmp_path)
    assert "\x1b[" in out, out
    assert from_text(out) == Counts(total=6, passed=3, failed=1, skipped=2, source="jest")  # todo: skipped


# -- recorded text: runners that cannot run here ------------------------------------------------------------
# Hand-written from each tool's documented output format (and, for vitest, its reporter's source:
# failed | passed | skipped | todo (total)); no real run of these tools produced them.
VITEST = """\
 ❯ src/cart.test.ts (8 tests | 1 failed | 2 skipped) 9ms
   × cart > totals 4ms
     → expected 5 to be 6 // Object.is equality

 Test Files  1 failed | 1 passed (2)
      Tests  1 failed | 5 passed | 2 skipped (8)
   Start at  12:04:51
   Duration  412ms (transform 31ms, setup 0ms, collect 40ms, tests 9ms, environment 0ms, prepare 90ms)
"""
MOCHA = """\
  cart
    ✔ adds an item
    1) totals
    - applies a coupon


  5 passing (12ms)
  2 pending
  1 failing

  1) cart
       totals:
     AssertionError [ERR_ASSERTION]: 5 == 6
      at Context.<anonymous> (test/cart.test.js:12:12)
"""
MAVEN = """\
[INFO] Running com.example.CartTest
[ERROR] Tests run: 7, Failures: 1, Errors: 0, Skipped: 1, Time elapsed: 0.041 s <<< FAILURE! -- in com.example.CartTest
[INFO] Running com.example.PriceTest
[WARNING] Tests run: 5, Failures: 0, Errors: 1, Skipped: 1, Time elapsed: 0.012 s -- in com.example.PriceTest
[INFO]
[INFO] Results:
[INFO]
[ERROR] Failures:
[ERROR]   CartTest.totals:18 expected: <6> but was: <5>
[ERROR] Errors:
[ERROR]   PriceTest.rounds:30 » Arithmetic / by zero
[INFO]
[ERROR] Tests run: 12, Failures: 1, Errors: 1, Skipped: 2
[INFO]
[INFO] ------------------------------------------------------------------------
[INFO] BUILD FAILURE
"""
GRADLE = """\
> Task :lib:test FAILED

CartTest > totals() FAILED
    org.opentest4j.AssertionFailedError at CartTest.java:18

12 tests completed, 1 failed, 2 skipped

FAILURE: Build failed with an exception.
"""
RSPEC = """\
Finished in 0.02114 seconds (files took 0.09 seconds to load)
10 examples, 1 failure, 2 pending

Failed examples:

rspec ./spec/cart_spec.rb:12 # Cart totals
"""
PHPUNIT_FAILED = """\
FAILURES!
Tests: 12, Assertions: 30, Errors: 1, Failures: 1, Skipped: 2, Incomplete: 1, Risky: 1.
"""
PHPUNIT_OK = "PHPUnit 10.5.0 by Sebastian Bergmann and contributors.\n\n...\n\nOK (12 tests, 30 assertions)\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VITEST, Counts(8, 5, 1, 2, "vitest")),
        ("      Tests  no tests\n", Counts(0, 0, 0, 0, "vitest")),
        (MOCHA, Counts(8, 5, 1, 2, "mocha")),
        ("\n  3 passing (2s)\n", Counts(3, 3, 0, 0, "mocha")),
        (MAVEN, Counts(12, 8, 2, 2, "maven")),
        (GRADLE, Counts(12, 9, 1, 2, "gradle")),
        (RSPEC, Counts(10, 7, 1, 2, "rspec")),
        ("1 example, 0 failures\n", Counts(1, 1, 0, 0, "rspec")),
        (PHPUNIT_FAILED, Counts(12, 7, 2, 3, "phpunit")),
        (PHPUNIT_OK, Counts(12, 12, 0, 0, "phpunit")),
    ],
    ids=[
        "vitest",
        "vitest-none",
        "mocha",
        "mocha-pass",
        "maven",
        "gradle",
        "rspec",
        "rspec-one",
        "phpunit",
        "phpunit-ok",
    ],
)
def test_recorded_summaries(text: str, expected: Counts) -> None:
    assert from_text(text) == expected


def test_maven_sums_the_results_of_each_module() -> None:
    module = "[INFO] Results:\n[INFO]\n[INFO] Tests run: {}, Failures: 0, Errors: 0, Skipped: 0\n"
    text = module.format(4) + "[INFO] Building core 1.0\n" + module.format(3)
    assert from_text(text) == Counts(7, 7, 0, 0, "maven")


# -- what the text looks like around the summary ------------------------------------------------------------
def test_colour_codes_and_crlf() -> None:
    text = "\x1b[31m= \x1b[1m1 failed\x1b[0m, \x1b[32m2 passed\x1b[0m\x1b[31m in 0.10s\x1b[0m\x1b[31m =\x1b[0m\r\n"
    assert from_text(text) == Counts(3, 2, 1, 0, "pytest")
    assert from_text("Ran 2 tests in 0.001s\r\n\r\nOK\r\n") == Counts(2, 2, 0, 0, "unittest")


def test_progress_redraws_keep_what_the_terminal_shows() -> None:
    assert from_text("running 40%\rTests:       3 passed, 3 total\n") == Counts(3, 3, 0, 0, "jest")


def test_summary_followed_by_other_lines() -> None:
    text = "=== 4 passed, 1 warning in 0.50s ===\nuploading coverage\nDone in 3.1s.\n"
    assert from_text(text) == Counts(4, 4, 0, 0, "pytest")


@pytest.mark.parametrize(
    "text",
    [
        "see tests/ for 3 tests\n",
        "Ran the linters\nOK\n",
        "compiled 3 files in 0.2s\n",
        "== 2 passed in 1s\n",  # an opening bar without its closing one
        "found 12 tests completed in the cache\n",
        "ok  \texample.com/pkg\t0.01s\n",
        "Tests: 3 flaky\n",
        "",
    ],
)
def test_lines_that_only_mention_tests_are_not_summaries(text: str) -> None:
    assert from_text(text) is None


def test_last_summary_of_a_runner_wins() -> None:
    text = "== 1 failed, 3 passed in 0.2s ==\nretrying\n== 4 passed in 0.2s ==\n"
    assert from_text(text) == Counts(4, 4, 0, 0, "pytest")


def test_cargo_summary_lines_are_summed() -> None:
    line = (
        "test result: {}. {} passed; {} failed; {} ignored; 0 measured; {} filtered out; finished in 0.00s\n"
    )
    text = line.format("FAILED", 3, 1, 2, 4) + "     Running tests/api.rs\n" + line.format("ok", 5, 0, 0, 7)
    assert from_text(text) == Counts(11, 8, 1, 2, "cargo-test")


def test_two_runners_in_one_command_are_added_in_the_order_they_spoke() -> None:
    text = "Tests:       2 passed, 2 total\n\n== 1 failed, 1 passed, 3 deselected in 1.0s ==\n"
    assert from_text(text) == Counts(4, 3, 1, 0, "jest+pytest")


def test_combine() -> None:
    junit = [Counts(3, 2, 1, 0, "junit"), Counts(2, 1, 0, 1, "junit")]
    assert combine(junit) == Counts(5, 3, 1, 1, "junit")
    assert combine([]) is None


def test_tail_text_drops_the_line_it_cut_in_half() -> None:
    data = b"10 passed in 1.0s\n" + b"x" * MAX_TAIL + b"\n2 passed in 1.0s\n"
    text = tail_text(data)
    assert len(text.encode()) < MAX_TAIL and text == "2 passed in 1.0s\n"
    assert tail_text(b"\xff 1 passed in 1.0s\n") == "\ufffd 1 passed in 1.0s\n"


def test_from_file_reads_the_end_of_a_long_log(tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    log.write_bytes(b"Tests: 1 passed, 1 total\n" * 10 + b"noise\n" * 20_000 + b"Ran 5 tests in 1s\n\nOK\n")
    assert from_file(str(log)) == Counts(5, 5, 0, 0, "unittest")
    assert from_file(str(tmp_path / "missing.log")) is None

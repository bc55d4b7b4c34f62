"""One error, one record: a failure seen in the log and in a report file, and findings that only look alike.

The pytest and mypy cases run the real tools on a generated project and feed what they wrote through
`emitter.assemble.build_report`, as `selfheal run --junit` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from emitter.assemble import Inputs, build_report
from emitter.hit import Hit
from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.report import Record, Report
from emitter.scan import scan_bytes

PROJECT = {
    "app/__init__.py": "",
    "app/calc.py": "def total(items):\n    return sum(items) + bonus\n\n\ndef ratio(a, b):\n    return a / b\n",
    "tests/__init__.py": "",
    "tests/test_calc.py": (
        "from app.calc import ratio, total\n\n\n"
        "def test_total():\n    assert total([1, 2]) == 3\n\n\n"
        "def test_ratio():\n    assert ratio(1, 2) == 0.25\n"
    ),
    # one test name in two suites
    "tests/suite_a/__init__.py": "",
    "tests/suite_a/test_same.py": "def test_x():\n    assert 1 == 2\n",
    "tests/suite_b/__init__.py": "",
    "tests/suite_b/test_same.py": 'def test_x():\n    assert "a" == "b"\n',
}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def run(argv: list[str], cwd: Path) -> bytes:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS", "FORCE_COLOR")}
    proc = subprocess.run(
        argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=120, check=False
    )
    assert proc.returncode != 0, proc.stdout.decode()
    return proc.stdout


def report_of(log: bytes, root: Path, junit: tuple[str, ...] = ()) -> Report:
    inputs = Inputs(
        task="test",
        command=[],
        status="failed",
        log_hits=scan_bytes(log),
        log_names=["output"],
        junit_files=list(junit),
    )
    return build_report(inputs, str(root), {})


@pytest.fixture(scope="module")
def pytest_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    root = tmp_path_factory.mktemp("project")
    write_tree(root, PROJECT)
    log = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--junitxml=report.xml"], root)
    return root, log


def located(report: Report) -> list[tuple[str | None, str | None, int | None, str | None]]:
    return sorted((r.test, r.file, r.line, r.rule) for r in report.records)


def test_a_pytest_failure_in_the_log_and_in_junit_is_one_record(
    pytest_run: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, log = pytest_run
    monkeypatch.chdir(root)  # the JUnit reader runs where the build ran
    both = report_of(log, root, ("report.xml",))
    assert [r.test for r in both.records].count("tests/test_calc.py::test_total") == 1
    assert len(both.records) == 4, [(r.source, r.test, r.file, r.line) for r in both.records]
    # whichever source saw it, the record is the log's: same place, same fingerprint as a run without JUnit
    log_only = report_of(log, root)
    assert located(both) == located(log_only)
    assert {r.fingerprint for r in both.records} == {r.fingerprint for r in log_only.records}
    junit_only = report_of(b"", root, ("report.xml",))
    assert len(junit_only.records) == 4


def test_one_test_name_in_two_suites_stays_two_records(
    pytest_run: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, log = pytest_run
    monkeypatch.chdir(root)
    for report in (report_of(log, root, ("report.xml",)), report_of(b"", root, ("report.xml",))):
        same = [(r.file, r.line) for r in report.records if (r.test or "").endswith("test_x")]
        assert same == [("tests/suite_a/test_same.py", 2), ("tests/suite_b/test_same.py", 2)]


def test_an_exception_raised_in_the_code_under_test_is_located_where_it_was_raised(
    pytest_run: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, log = pytest_run
    monkeypatch.chdir(root)
    report = report_of(log, root, ("report.xml",))
    [record] = [r for r in report.records if r.rule == "NameError"]
    assert (record.file, record.line) == ("app/calc.py", 2)


def test_the_log_s_location_wins_over_a_report_file_that_only_knows_the_test_file(tmp_path: Path) -> None:
    """The order of the sources does not matter: the log's place and identity are kept."""
    log = Hit(
        tool="pytest",
        message="NameError: name 'bonus' is not defined",
        type="compile_error",
        file="app/calc.py",
        line=2,
        rule="NameError",
        test="tests/test_calc.py::test_total",
    )
    junit = Hit(
        tool="pytest",
        message="NameError: name 'bonus' is not defined\nfull text",
        type="test_failure",
        file="tests/test_calc.py",
        line=5,
        rule="NameError",
        test="tests.test_calc::test_total",
        source="junit",
    )
    paths = PathResolver(str(tmp_path), str(tmp_path))
    [alone] = merge([log], "t", paths).records
    for order in ([log, junit], [junit, log]):
        [record] = merge(order, "t", paths).records
        assert (record.file, record.line, record.type) == ("app/calc.py", 2, "compile_error")
        assert record.fingerprint == alone.fingerprint
        assert record.message.endswith("full text")  # the report file's message is the full one


def test_tests_are_one_across_naming_styles_and_two_across_suites(tmp_path: Path) -> None:
    def hit(test: str, source: str = "log", file: str | None = None) -> Hit:
        return Hit(tool="t", message="failed", type="test_failure", test=test, file=file, source=source)

    paths = PathResolver(str(tmp_path), str(tmp_path))
    same = [
        ("tests/test_x.py::TestA::test_b[1.5]", "tests.test_x.TestA::test_b[1.5]"),
        ("StockTest > reserves()", "com.example.StockTest::reserves()"),
        ("TestTable/negative", "example.com/calc/mathx::TestTable/negative"),
        ("CalcTest.sum", "com.example.CalcTest::sum"),
    ]
    for a, b in same:
        assert len(merge([hit(a), hit(b, "junit")], "t", paths).records) == 1, (a, b)
    apart = [
        ("suite_a.test_x", "suite_b.test_x"),
        ("tests/test_x.py::test_b[1]", "tests/test_x.py::test_b[2]"),
        ("TestA/negative", "TestB/negative"),
    ]
    for a, b in apart:
        assert len(merge([hit(a, "junit"), hit(b, "junit")], "t", paths).records) == 2, (a, b)


def test_a_linter_s_findings_named_as_tests_are_not_folded_by_test_name(tmp_path: Path) -> None:
    """A linter's JUnit names its rule as the test: its findings on different lines are different."""
    hits = [
        Hit(tool="l", message="m", type="lint", file="a.py", line=n, test="a.py::E501", source="junit")
        for n in (1, 2)
    ]
    assert len(merge(hits, "t", PathResolver(str(tmp_path), str(tmp_path))).records) == 2


def test_findings_sharing_file_line_and_rule_but_not_message_stay_apart(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"calls.py": "def f(a: str, b: str) -> None: ...\n\n\nf(1, 2)\n", "mypy.ini": "[mypy]\n"},
    )
    log = run(
        [sys.executable, "-m", "mypy", "--hide-column-numbers", "--no-error-summary", "calls.py"], tmp_path
    )
    got = [(r.file, r.line, r.rule, r.message) for r in report_of(log, tmp_path).records]
    assert [g[:3] for g in got] == [("calls.py", 4, "arg-type")] * 2, log.decode()
    assert got[0][3].startswith("Argument 1") and got[1][3].startswith("Argument 2")


def test_the_same_finding_twice_or_cut_short_is_one_record(tmp_path: Path) -> None:
    def hit(message: str, source: str = "log", column: int | None = 3) -> Hit:
        return Hit(tool="t", message=message, file="a.c", line=4, column=column, rule="R", source=source)

    paths = PathResolver(str(tmp_path), str(tmp_path))
    full = "unused variable 'count' in function 'main' [-Wunused-variable]"
    assert len(merge([hit(full), hit(full)], "t", paths).records) == 1  # g++ with two targets
    assert (
        len(
            merge(
                [hit(full), hit("Unused  variable 'count' IN function 'main' [-Wunused-variable]")],
                "t",
                paths,
            ).records
        )
        == 1
    )
    [record] = merge([hit("unused variable 'count' in…"), hit(full, "sarif", None)], "t", paths).records
    assert record.message == full  # the log's summary, the report file's full text
    assert len(merge([hit(full), hit(full, column=9)], "t", paths).records) == 2  # another column
    # within one source a message cut short is not a repeat: a log is never compared with itself pairwise
    assert len(merge([hit("unused variable 'count'"), hit(full)], "t", paths).records) == 2


def test_a_message_tied_to_no_place_folds_its_numbers(tmp_path: Path) -> None:
    hits = [
        Hit(tool="infra", message=f"curl: (22) The requested URL returned error: {code}", rule="registry")
        for code in (502, 503)
    ]
    assert len(merge(hits, "t", PathResolver(str(tmp_path), str(tmp_path))).records) == 1


def test_records_outside_the_repository_keep_only_the_raw_path(tmp_path: Path) -> None:
    hits = [
        Hit(tool="gcc", message="in header", file="/usr/include/stdio.h", line=2),
        Hit(tool="gcc", message="in header", file="/opt/sdk/include/stdio.h", line=2),
    ]
    records: list[Record] = merge(hits, "t", PathResolver(str(tmp_path), str(tmp_path))).records
    assert [(r.file, r.raw_file) for r in records] == [
        (None, "/usr/include/stdio.h"),
        (None, "/opt/sdk/include/stdio.h"),
    ]


def test_a_fix_that_would_edit_a_file_outside_the_repository_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    edit = {"start_line": 1, "end_line": 1, "text": ""}
    inside = Hit(tool="t", message="m", file="a.py", line=1, fix={"edits": [{**edit, "file": "a.py"}]})
    both = Hit(
        tool="t",
        message="n",
        file="a.py",
        line=1,
        fix={"edits": [{**edit, "file": "a.py"}, {**edit, "file": "/etc/passwd"}]},
    )
    records = merge([inside, both], "t", PathResolver(str(tmp_path), str(tmp_path))).records
    assert records[0].fix is not None and records[0].fix.edits[0].file == "a.py"
    assert records[1].fix is None

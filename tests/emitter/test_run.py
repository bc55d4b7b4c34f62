"""In-process checks of `selfheal run` where the failure has to come from inside the emitter."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from emitter import clean_report
from emitter import run as run_mod
from emitter.run import RunOptions, run
from emitter.scan import Scanner


def test_parser_crash_keeps_output_and_exit_code_and_marks_report_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def broken_feed(self: Scanner, chunk: bytes) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(Scanner, "feed", broken_feed)
    report = tmp_path / "r.json"
    code = run(
        RunOptions(command=["sh", "-c", "echo one; echo two; exit 7"], report=str(report), summary=False)
    )
    out, err = capfd.readouterr()
    assert code == 7
    assert out == "one\ntwo\n"
    assert err.count("selfheal: warning: parsing stopped after an internal error") == 1
    data = json.loads(report.read_text())
    assert data["partial"] is True
    assert data["exit_code"] == 7
    assert any("parser bug" in w for w in data["warnings"])


def test_report_failure_is_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run_mod, "_report", explode)
    code = run(RunOptions(command=["sh", "-c", "echo kept; exit 3"], report=str(tmp_path / "r.json")))
    out, err = capfd.readouterr()
    assert (code, out) == (3, "kept\n")
    assert err == "selfheal: warning: no report written (OSError: [Errno 28] No space left on device)\n"


def test_default_task_and_report_path_come_from_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    for var in ("SELFHEAL_ROOT", "CI_PROJECT_DIR", "BUILDKITE_BUILD_CHECKOUT_PATH", "GITHUB_WORKSPACE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("BUILDKITE", "true")
    monkeypatch.setenv("BUILDKITE_LABEL", ":pytest: Unit tests")
    monkeypatch.setenv("BUILDKITE_BUILD_URL", "https://buildkite.com/acme/app/builds/12")
    monkeypatch.setenv("BUILDKITE_JOB_ID", "0190-abc")
    monkeypatch.setenv("BUILDKITE_PULL_REQUEST", "false")
    assert run(RunOptions(command=["true"], summary=False)) == 0
    data = json.loads((tmp_path / ".selfheal" / "unit-tests.json").read_text())
    assert data["task"] == "Unit tests"
    assert data["ci"]["provider"] == "buildkite"
    assert data["ci"]["job_url"] == "https://buildkite.com/acme/app/builds/12#0190-abc"
    assert "pull_request" not in data["ci"]


PYTEST_TESTS = """\
import pytest

def test_one(): pass
def test_two(): assert {verdict}

@pytest.mark.skip(reason="later")
def test_skipped(): pass

def test_deselected(): pass
"""


def run_pytest(tmp_path: Path, verdict: str, *extra: str) -> tuple[int, dict[str, Any]]:
    (tmp_path / "test_a.py").write_text(PYTEST_TESTS.format(verdict=verdict))
    report = tmp_path / "r.json"
    pytest_cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-k", "not deselected", *extra]
    code = run(RunOptions(command=[*pytest_cmd, str(tmp_path)], report=str(report), summary=False))
    return code, json.loads(report.read_text())


@pytest.mark.parametrize(("verdict", "code", "failed"), [("True", 0, 0), ("False", 1, 1)])
def test_a_pytest_run_reports_its_test_counts(
    verdict: str,
    code: int,
    failed: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    fast: list[object] = []
    render = clean_report.render
    monkeypatch.setattr(clean_report, "render", lambda *a, **kw: fast.append(kw["tests"]) or render(*a, **kw))
    got, data = run_pytest(tmp_path, verdict)
    assert (got, data["status"]) == (code, "passed" if code == 0 else "failed"), capfd.readouterr().out
    assert len(fast) == (code == 0)  # a passing run takes the pydantic-free path, and counts there too
    assert data["tests"] == {
        "total": 3,
        "passed": 2 - failed,
        "failed": failed,
        "skipped": 1,
        "source": "pytest",
    }


def test_junit_totals_win_over_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    junit = tmp_path / "junit.xml"
    code, data = run_pytest_with_junit(tmp_path, junit)
    assert code == 1 and data["sources"][-1]["path"] == str(junit)
    assert data["tests"] == {"total": 3, "passed": 1, "failed": 1, "skipped": 1, "source": "junit"}


def run_pytest_with_junit(tmp_path: Path, junit: Path) -> tuple[int, dict[str, Any]]:
    (tmp_path / "test_a.py").write_text(PYTEST_TESTS.format(verdict="False"))
    report = tmp_path / "r.json"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-k", "not deselected"]
    command += [f"--junitxml={junit}", str(tmp_path)]
    code = run(RunOptions(command=command, report=str(report), junit=[str(junit)], summary=False))
    return code, json.loads(report.read_text())


def test_counts_read_the_whole_tail_not_only_the_log_tail_lines(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # cargo prints one summary per test binary; the first is far above the last 50 lines
    line = "test result: ok. {} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s"
    script = f"print({line.format(2)!r}); [print('noise', i) for i in range(200)]; print({line.format(3)!r})"
    report = tmp_path / "r.json"
    assert run(RunOptions(command=[sys.executable, "-c", script], report=str(report), summary=False)) == 0
    tests = json.loads(report.read_text())["tests"]
    assert tests == {"total": 5, "passed": 5, "failed": 0, "skipped": 0, "source": "cargo-test"}


def test_a_run_without_a_test_summary_has_no_tests_block(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    assert run(RunOptions(command=["sh", "-c", "echo see tests/ for 3 tests"], report=str(report))) == 0
    assert "tests" not in json.loads(report.read_text())


def test_a_counting_bug_costs_neither_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from emitter import assemble, test_counts

    def broken(text: str) -> None:
        raise RuntimeError("counting bug")

    monkeypatch.setattr(test_counts, "from_text", broken)
    monkeypatch.setattr(assemble, "from_text", broken)
    for code in (0, 3):
        report = tmp_path / f"r{code}.json"
        assert (
            run(RunOptions(command=["sh", "-c", f"echo '3 passed in 0.1s'; exit {code}"], report=str(report)))
            == code
        )
        data = json.loads(report.read_text())
        assert "tests" not in data and data["exit_code"] == code
    assert (
        capfd.readouterr().err.count("test counts not read (RuntimeError: counting bug)") == 1
    )  # clean path
    assert data["partial"] and data["warnings"] == ["test counts not read (RuntimeError: counting bug)"]


def test_a_tools_json_on_stdout_is_read_even_when_the_command_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """eslint with only warnings exits 0: its JSON still becomes records (the clean fast path is skipped)."""
    document = [
        {
            "filePath": str(tmp_path / "a.js"),
            "messages": [
                {
                    "ruleId": "no-empty",
                    "severity": 1,
                    "message": "Empty block statement.",
                    "line": 2,
                    "column": 9,
                }
            ],
        }
    ]
    (tmp_path / "a.js").write_text("if (x) {\n  if (y) {}\n}\n")
    (tmp_path / "out.json").write_text(json.dumps(document))
    monkeypatch.setenv("SELFHEAL_ROOT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "r.json"
    assert run(RunOptions(command=["cat", "out.json"], report=str(report), summary=False)) == 0
    assert capfd.readouterr().out == json.dumps(document)
    data = json.loads(report.read_text())
    assert [
        (r["tool"], r["file"], r["line"], r["severity"], r["rule"], r["message"]) for r in data["records"]
    ] == [("eslint", "a.js", 2, "warning", "no-empty", "Empty block statement")]
    assert data["status"] == "passed" and not data["partial"]


def test_hits_the_text_parsers_found_in_a_json_stdout_give_way_to_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    collector = run_mod.Collector("tool", None, [])
    collector(1, b'[{"code": "DL3006", "file": "Dockerfile", "line": 1, "column": 1, "level": "warning",\n')
    collector(2, b"src/a.c:3:1: error: on stderr, kept\n")
    collector(1, b' "message": "Always tag the version of an image explicitly"}]\n')
    collector.finish()
    from emitter.hit import Hit

    collector._emit_stdout(Hit("generic", "seen in the JSON text"))  # as if a parser had matched a line of it
    collector.read_document()
    assert sorted((h.tool, h.message) for h in collector.records) == [
        ("gcc", "on stderr, kept"),
        ("hadolint", "Always tag the version of an image explicitly"),
    ]


def test_a_stdout_that_only_looked_like_json_keeps_the_hits_in_the_order_they_came(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From stdout's `[` on, stderr's hits are merged twice (with stdout's and without): the report takes
    the merge of every hit, in order, when stdout turns out to be text."""
    monkeypatch.setenv("SELFHEAL_ROOT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    collector = run_mod.Collector("make", None, [], task="t")
    collector(2, b"src/a.c:1:1: error: first, on stderr\n")
    collector(1, b"[build] starting\n")
    collector(1, b"src/b.c:2:1: error: second, on stdout\n")
    collector(2, b"src/c.c:3:1: error: third, on stderr\n")
    collector(2, b"src/a.c:1:1: error: first, on stderr\n")  # a repeat: merged in both
    collector.finish()
    assert collector.aside is not None and [r.message for r in collector.aside.records] == [
        "first, on stderr",
        "third, on stderr",
    ]
    collector.read_document()
    assert [r.message for r in collector.records] == [
        "first, on stderr",
        "second, on stdout",
        "third, on stderr",
    ]
    assert collector.aside is None and collector.keep is not None and collector.keep.hits == 4


def test_a_run_holds_records_not_hits(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    script = "for i in range(50): print(f'src/a.py:{i + 1}:1: error: boom {i}  [misc]')"
    report = tmp_path / "r.json"
    options = RunOptions(command=[sys.executable, "-c", script], report=str(report), max_records=7)
    assert run(options) == 0
    data = json.loads(report.read_text())
    assert (len(data["records"]), data["records_dropped"]) == (7, 43)
    assert "(43 more records were dropped by the report's cap)" in capfd.readouterr().err

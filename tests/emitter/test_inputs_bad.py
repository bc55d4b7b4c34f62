"""Bad report files through the real CLI: missing, malformed, of another kind, empty, huge.

The rule: a report file that is missing or cannot be read is exactly one line on stderr. `run` prints it as
a `selfheal: warning:`, keeps the command's output and exit code and still writes its report (marked
partial). For `parse` the files are the whole job: the line is an error as its usage errors are
(`selfheal: <what>`, exit 2), and the report of what could be read is still written.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from emitter.report import Report
from tests.emitter.test_inputs_cli import load, selfheal, warnings

# -- bad input ------------------------------------------------------------------------------------------------
BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<checkstyle><file name="a.js"><error line="1" message="&lol3;" source="x"/></file></checkstyle>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<testsuites><testsuite package="org.eslint" name="a.js"><testcase name="org.eslint.semi">'
    '<failure message="&xxe;"/></testcase></testsuite></testsuites>'
)
BAD = [
    ("checkstyle", "bomb.xml", BOMB, "refused"),
    ("junit", "xxe.xml", XXE, "refused"),
    ("checkstyle", "other.xml", "<pmd><file/></pmd>", "not a checkstyle XML report"),
    ("checkstyle", "broken.xml", "<checkstyle><file name='a'>", "not well-formed"),
    ("codequality", "cq.json", '{"issues": []}', "not a Code Quality report"),
    ("codequality", "half.json", '[{"description": "x", "loc', "not valid JSON"),
    ("rdjson", "rd.json", "[1, 2, 3]", "not reviewdog rdjson"),
    ("json", "other.json", '{"results": []}', "not a JSON report selfheal knows"),
    ("json", "deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("json", "binary.json", "\x00\x01\x02\xff", "not valid JSON"),
    ("json", "empty.json", "  \n", "empty"),
]


@pytest.mark.parametrize(("kind", "name", "content", "says"), BAD, ids=[b[1] for b in BAD])
def test_parse_a_bad_input_file_is_one_error_line_and_exit_2(
    tmp_path: Path, kind: str, name: str, content: str, says: str
) -> None:
    (tmp_path / name).write_text(content, errors="surrogateescape")
    proc = selfheal(tmp_path, "parse", "--input", f"{kind}={name}", "--report", "-")
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"selfheal: {name}: ") and says in line, line
    report = Report.model_validate(json.loads(proc.stdout))
    assert report.partial and report.records == []
    assert next(s.error for s in report.sources if s.path == name)


def test_run_a_bad_input_file_costs_neither_report_nor_exit_code(tmp_path: Path) -> None:
    proc = selfheal(
        tmp_path, "run", "--report", "r.json", "--input", "checkstyle=lint.xml", "--",
        sys.executable, "-c", f"open('lint.xml', 'w').write({BOMB!r}); print('built'); raise SystemExit(4)",
    )  # fmt: skip
    assert proc.returncode == 4 and proc.stdout == "built\n"
    assert len(warnings(proc.stderr)) == 1 and "lint.xml: checkstyle XML refused" in proc.stderr
    report = load(tmp_path / "r.json")
    assert report.exit_code == 4 and report.partial


def test_run_and_parse_a_missing_input_file(tmp_path: Path) -> None:
    proc = selfheal(tmp_path, "run", "--report", "r.json", "--input", "rdjson=out/*.rdjson", "--", "true")
    assert proc.returncode == 0
    assert warnings(proc.stderr) == [
        "selfheal: warning: no rdjson file matching out/*.rdjson was written by this run"
    ]
    assert load(tmp_path / "r.json").partial
    proc = selfheal(tmp_path, "parse", "--input", "rdjson=out/*.rdjson", "--report", "-")
    assert (proc.returncode, proc.stderr) == (2, "selfheal: no rdjson file matches out/*.rdjson\n")


# -- --junit, the most common report file ------------------------------------------------------------------------
JUNIT_FAILURE = (
    '<testsuite name="s" tests="1"><testcase classname="tests.test_a" name="test_x" file="tests/test_a.py">'
    '<failure message="assert 1 == 2">assert 1 == 2</failure></testcase></testsuite>'
)
MISSING_RUN = "no junit file matching reports/*.xml was written by this run"
MISSING_PARSE = "no junit file matches reports/*.xml"
BAD_JUNIT = [
    ("missing", None, None),
    ("malformed", "<testsuite><testcase", "reports/unit.xml: JUnit XML is not well-formed"),
    ("not junit", "<html><body>502 Bad Gateway</body></html>", "reports/unit.xml: not a JUnit XML report"),
    ("binary", "\x00\x89PNG\r\n\x1a\n\xff", "reports/unit.xml: JUnit XML is not well-formed"),
    ("empty", "", "reports/unit.xml: JUnit XML file is empty"),
]


@pytest.mark.parametrize(("what", "content", "says"), BAD_JUNIT, ids=[b[0] for b in BAD_JUNIT])
def test_run_a_bad_or_missing_junit_file_is_one_warning_and_the_command_survives(
    tmp_path: Path, what: str, content: str | None, says: str | None
) -> None:
    (tmp_path / "unit.src").write_text(content or "", errors="surrogateescape")
    write = "" if content is None else "mkdir -p reports; cp unit.src reports/unit.xml; "
    script = write + "echo 'src/app.c:12:5: error: n undeclared' >&2; echo built; exit 7"
    proc = selfheal(
        tmp_path, "run", "--report", "r.json", "--no-summary", "--junit", "reports/*.xml", "--",
        "sh", "-c", script,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (7, "built\n")
    output, warning = proc.stderr.splitlines()  # the command's line, then exactly one of ours
    assert output == "src/app.c:12:5: error: n undeclared"
    assert warning.startswith(f"selfheal: warning: {says or MISSING_RUN}"), warning
    report = load(tmp_path / "r.json")
    assert (report.exit_code, report.partial) == (7, True)
    assert [(r.tool, r.file, r.line) for r in report.records] == [("gcc", "src/app.c", 12)]


@pytest.mark.parametrize(("what", "content", "says"), BAD_JUNIT, ids=[b[0] for b in BAD_JUNIT])
def test_parse_a_bad_or_missing_junit_file_is_an_error_as_its_usage_errors_are(
    tmp_path: Path, what: str, content: str | None, says: str | None
) -> None:
    (tmp_path / "build.log").write_text("src/app.c:12:5: error: n undeclared\n")
    if content is not None:
        (tmp_path / "reports").mkdir()
        (tmp_path / "reports" / "unit.xml").write_text(content, errors="surrogateescape")
    (tmp_path / "good.xml").write_text(JUNIT_FAILURE)
    args = ["--log", "build.log", "--junit", "reports/*.xml", "--junit", "good.xml", "--report", "-"]
    proc = selfheal(tmp_path, "parse", *args)
    usage = selfheal(tmp_path, "parse", *args, "--max-records", "-1")
    assert (proc.returncode, usage.returncode) == (2, 2)
    [line] = proc.stderr.splitlines()
    [usage_line] = usage.stderr.splitlines()
    assert line.startswith("selfheal: ") and usage_line.startswith("selfheal: ")
    assert line.startswith(f"selfheal: {says or MISSING_PARSE}"), line
    report = Report.model_validate(json.loads(proc.stdout))  # what could be read is still reported
    assert report.partial and report.tests is not None and report.tests.failed == 1
    assert {(r.tool, r.file) for r in report.records} == {("gcc", "src/app.c"), ("junit", "tests/test_a.py")}


def test_parse_a_missing_log_is_the_same_kind_of_error(tmp_path: Path) -> None:
    (tmp_path / "good.xml").write_text(JUNIT_FAILURE)
    (tmp_path / "dir.log").mkdir()
    proc = selfheal(
        tmp_path, "parse", "--log", "nope.log", "--log", "dir.log", "--junit", "good.xml", "--report", "-"
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "selfheal: cannot read log nope.log: No such file or directory",
        "selfheal: cannot read log dir.log: Is a directory",
    ]
    report = Report.model_validate(json.loads(proc.stdout))
    assert report.partial and len(report.records) == 1
    assert [s.path for s in report.sources] == ["good.xml"]


def test_parse_a_report_it_cannot_write_is_an_error_too(tmp_path: Path) -> None:
    (tmp_path / "good.xml").write_text(JUNIT_FAILURE)
    (tmp_path / "plain").write_text("")
    proc = selfheal(tmp_path, "parse", "--junit", "good.xml", "--report", "plain/r.json")
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert line.startswith("selfheal: ") and "plain" in line, line


def test_a_huge_input_file_is_refused_without_being_read(tmp_path: Path) -> None:
    for name in ("huge.xml", "huge.json"):
        with open(tmp_path / name, "wb") as fh:
            fh.truncate(300 * 2**20)  # sparse: costs no disk
    started = time.monotonic()
    proc = selfheal(
        tmp_path, "parse", "--input", "checkstyle=huge.xml", "--input", "json=huge.json", "--report", "-"
    )
    assert time.monotonic() - started < 30
    assert proc.returncode == 2
    assert [line.split(": ", 1)[1] for line in proc.stderr.splitlines()] == [
        "huge.xml: checkstyle XML not read (larger than 256 MiB)",
        "huge.json: JSON not read (larger than 256 MiB)",
    ]

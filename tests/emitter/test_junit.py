"""emitter.junit: real reports (pytest, jest, ctest; handwritten Go, Surefire, Gradle, PHPUnit, RSpec), the
dialects a build leaves behind, and hostile or broken files that must end in a warning, never an exception.

Fixtures live in tests/fixtures/junit/<producer>/: sources, run.sh (real tools) or HANDWRITTEN, the report(s)
and expected.json. `UPDATE_FIXTURES=1` rewrites the reports and expectations from live runs: review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emitter.junit import junit_counts, read_junit, read_junit_counted
from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.parsers.base import Hit
from emitter.sarif import read_sarif
from emitter.test_counts import Counts, from_text
from tests.helpers.fixtures import FIXTURES, UPDATE, copy_fixture, essentials, expected, run_fixture

REPORTS = {  # where each producer writes its report(s), relative to the fixture folder
    "surefire": "target/surefire-reports/TEST-*.xml",
    "gradle": "app/build/test-results/test/TEST-*.xml",
}
LIVE = ("pytest-xunit1", "pytest-xunit2", "jest", "jest-file-attribute", "ctest")
HANDWRITTEN = ("go-junit-report", "gotestsum", "surefire", "gradle", "phpunit", "rspec")


def report_records(kind: str, workdir: Path, pattern: str) -> list[dict[str, Any]]:
    """What the readers make of the fixture's report(s), as the report would show it (fixes included)."""
    reader = read_junit if kind == "junit" else read_sarif
    hits: list[Hit] = []
    reports = sorted(workdir.glob(pattern))
    assert reports, f"no report matches {pattern}"
    for report in reports:
        found, warning = reader(str(report.relative_to(workdir)))
        assert warning is None
        hits.extend(found)
    paths = PathResolver(str(workdir), str(workdir))
    records = merge(hits, "test", paths).records
    got = essentials(records)
    for data, record in zip(got, records, strict=True):
        if record.fix is not None:
            fix = record.fix.model_dump(mode="json", exclude_none=True)
            for edit in fix["edits"]:
                edit["file"] = paths.resolve(edit["file"])
            data["fix"] = fix
    return got


def check_report(kind: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, live: bool) -> None:
    """Read the fixture's report (after running the real tool when `live`) and compare with expected.json."""
    fixture, workdir = f"{kind}/{name}", tmp_path / name
    pattern = REPORTS.get(name, "report.sarif" if kind == "sarif" else "report.xml")
    if live:
        run_fixture(fixture, workdir)
    else:
        copy_fixture(fixture, workdir)
    monkeypatch.chdir(workdir)  # the readers run where the build ran
    got = report_records(kind, workdir, pattern)
    handwritten = (FIXTURES / fixture / "HANDWRITTEN").exists()
    if UPDATE and (live or handwritten):
        for report in workdir.glob(pattern):
            shutil.copyfile(report, FIXTURES / fixture / report.relative_to(workdir))
        text = json.dumps(got, indent=2, ensure_ascii=False) + "\n"
        (FIXTURES / fixture / "expected.json").write_text(text, encoding="utf-8")
    assert got == expected(fixture)


@pytest.mark.parametrize("name", LIVE + HANDWRITTEN)
def test_recorded(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_report("junit", name, tmp_path, monkeypatch, live=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", LIVE)
def test_live(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_report("junit", name, tmp_path, monkeypatch, live=True)


def test_every_fixture_is_tested() -> None:
    folders = {p.name for p in (FIXTURES / "junit").iterdir() if p.is_dir()}
    assert folders == set(LIVE + HANDWRITTEN)
    assert all((FIXTURES / "junit" / name / "HANDWRITTEN").is_file() for name in HANDWRITTEN)
    assert all((FIXTURES / "junit" / name / "run.sh").is_file() for name in LIVE)


# --- dialects ---------------------------------------------------------------------------------------------


def read(tmp_path: Path, xml: str | bytes, name: str = "report.xml") -> tuple[list[Hit], str | None]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xml.encode() if isinstance(xml, str) else xml)
    return read_junit(str(path))


def brief(hits: list[Hit]) -> list[tuple[Any, ...]]:
    return [(h.test, h.type, h.file, h.line, h.message) for h in hits]


def test_bare_testsuite_nested_suites_and_document_order(tmp_path: Path) -> None:
    hits, warning = read(
        tmp_path,
        """<testsuite name="outer">
             <testcase classname="a" name="first"><failure message="one"/></testcase>
             <testsuite name="inner">
               <testsuite name="innermost">
                 <testcase classname="c" name="deep"><error message="two"/></testcase>
               </testsuite>
               <testcase classname="b" name="middle"><failure message="three"/></testcase>
             </testsuite>
             <testcase classname="a" name="last"><failure message="four"/></testcase>
           </testsuite>""",
    )
    assert warning is None
    assert [(h.test, h.message, h.tool, h.source) for h in hits] == [
        ("a::first", "one", "junit", "junit"),
        ("c::deep", "two", "junit", "junit"),
        ("b::middle", "three", "junit", "junit"),
        ("a::last", "four", "junit", "junit"),
    ]


def test_skipped_passed_and_disabled_make_no_record(tmp_path: Path) -> None:
    hits, warning = read(
        tmp_path,
        """<testsuites><testsuite name="s">
             <testcase name="passes"/>
             <testcase name="skipped"><skipped message="later"/></testcase>
             <testcase name="disabled" status="disabled"/>
             <testcase name="passed" status="passed"/>
             <testcase name="ran" status="run"/>
           </testsuite></testsuites>""",
    )
    assert (hits, warning) == ([], None)


def test_status_attribute_dialect(tmp_path: Path) -> None:
    hits, _ = read(
        tmp_path,
        """<testsuites><testsuite name="s">
             <testcase name="failed_by_status" status="failed"/>
             <testcase name="errored_by_status" status="error"/>
             <testcase name="bazel_run_with_error" status="run">
               <error message="exited with error code 1"/></testcase>
             <testcase name="tst_failed" status="failed">
               <failure message="main.cpp:72: error: check_eq(1, 2)"/></testcase>
           </testsuite></testsuites>""",
    )
    assert brief(hits) == [
        ("failed_by_status", "test_failure", None, None, "test failed"),
        ("errored_by_status", "test_failure", None, None, "test errored"),
        ("bazel_run_with_error", "test_failure", None, None, "exited with error code 1"),
        ("tst_failed", "test_failure", "main.cpp", 72, "main.cpp:72: error: check_eq(1, 2)"),
    ]


def test_surefire_reruns_flaky_is_no_failure_but_always_failing_is(tmp_path: Path) -> None:
    hits, _ = read(
        tmp_path,
        """<testsuite name="com.x.T">
             <testcase classname="com.x.T" name="flaky">
               <flakyFailure message="boom" type="java.lang.AssertionError"><stackTrace>trace</stackTrace>
               </flakyFailure>
               <flakyError message="boom again" type="java.lang.IllegalStateException"/>
             </testcase>
             <testcase classname="com.x.T" name="broken">
               <failure message="first run" type="java.lang.AssertionError"/>
               <rerunFailure message="second run" type="java.lang.AssertionError"/>
             </testcase>
             <testcase classname="com.x.T" name="only_reruns">
               <rerunFailure message="each run failed" type="java.lang.AssertionError"/>
             </testcase>
           </testsuite>""",
    )
    assert [(h.test, h.message, h.rule) for h in hits] == [
        ("com.x.T::broken", "first run", "java.lang.AssertionError"),
        ("com.x.T::only_reruns", "each run failed", "java.lang.AssertionError"),
    ]


def test_several_verdicts_on_one_test_make_one_record(tmp_path: Path) -> None:
    hits, _ = read(
        tmp_path,
        """<testsuites><testsuite name="s">
             <testcase classname="k" name="t"><skipped/><failure message="assert 1 == 2">text</failure>
               <error message="teardown failed">more</error></testcase>
             <testcase classname="k" name="t"><error message="failed on teardown with &quot;OSError&quot;"/>
             </testcase>
             <testcase><failure message="nameless one"/></testcase>
             <testcase><failure message="nameless two"/></testcase>
           </testsuite></testsuites>""",
    )
    assert [(h.test, h.message) for h in hits] == [
        ("k::t", 'assert 1 == 2\ntext\nteardown failed\nfailed on teardown with "OSError"'),
        ("", "nameless one"),
        ("", "nameless two"),
    ]


@pytest.mark.parametrize(
    ("result", "kind", "rule"),
    [
        ('<error message="No module named x" type="ModuleNotFoundError"/>', "import_error",
         "ModuleNotFoundError"),
        ('<error message="cannot import name y" type="ImportError"/>', "import_error", "ImportError"),
        ('<error message="collection failure">E   ModuleNotFoundError: No module named \'x\'</error>',
         "import_error", "ModuleNotFoundError"),
        ("<error>Cannot find module './gone' from 'a.test.js'</error>", "import_error", None),
        ('<error message="boom" type="RuntimeError"/>', "test_failure", "RuntimeError"),
        ('<failure message="x" type="ImportErrorLookalike"/>', "test_failure", "ImportErrorLookalike"),
    ],
)  # fmt: skip
def test_import_errors(tmp_path: Path, result: str, kind: str, rule: str | None) -> None:
    hits, _ = read(tmp_path, f'<testsuite><testcase classname="m" name="t">{result}</testcase></testsuite>')
    assert [(h.type, h.rule) for h in hits] == [(kind, rule)]


def test_unicode_names_and_messages(tmp_path: Path) -> None:
    hits, _ = read(
        tmp_path,
        '<?xml version="1.0" encoding="utf-8"?><testsuite><testcase classname="ünï" name="tëst 𒍺">'
        '<failure message="expected ä but got 𡓿 헴"/></testcase></testsuite>',
    )
    assert [(h.test, h.message) for h in hits] == [("ünï::tëst 𒍺", "expected ä but got 𡓿 헴")]


def test_latin1_declared_encoding(tmp_path: Path) -> None:
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?><testsuite><testcase name="t"><failure message="café"/>'
    hits, _ = read(tmp_path, (xml + "</testcase></testsuite>").encode("latin-1"))
    assert [h.message for h in hits] == ["café"]


# --- locations and messages --------------------------------------------------------------------------------


def one(tmp_path: Path, case: str, suite: str = 'name="s"') -> Hit:
    hits, warning = read(tmp_path, f"<testsuites><testsuite {suite}>{case}</testsuite></testsuites>")
    assert warning is None and len(hits) == 1, (warning, hits)
    return hits[0]


def test_pytest_line_attribute_is_zero_based_and_the_failing_line_wins(tmp_path: Path) -> None:
    no_trace = one(
        tmp_path,
        '<testcase classname="tests.test_a" name="test_x" file="tests/test_a.py" line="9">'
        '<failure message="boom"/></testcase>',
        'name="pytest"',
    )
    assert (no_trace.tool, no_trace.file, no_trace.line) == ("pytest", "tests/test_a.py", 10)
    traced = one(
        tmp_path,
        '<testcase classname="tests.test_a" name="test_x" file="tests/test_a.py" line="9">'
        '<failure message="assert 1 == 2">def test_x():\n&gt;       helper()\n\ntests/test_a.py:11: \n'
        "_ _ _\n\n    def helper():\n&gt;       assert 1 == 2\nE       assert 1 == 2\n\n"
        "tests/test_a.py:5: AssertionError</failure></testcase>",
        'name="pytest"',
    )
    # the frame nearest the failure inside the test's file; the other in-repo frame joins the message
    assert (traced.file, traced.line, traced.rule) == ("tests/test_a.py", 5, "AssertionError")
    assert traced.message == "assert 1 == 2\ntests/test_a.py:11:\ntests/test_a.py:5: AssertionError"


def test_pytest_classname_gives_the_file_when_nothing_else_does(tmp_path: Path) -> None:
    hit = one(
        tmp_path,
        '<testcase classname="tests.unit.test_b.TestThing" name="test_y"><failure message="no trace"/>'
        "</testcase>",
        'name="pytest"',
    )
    assert (hit.file, hit.line) == ("tests/unit/test_b.py", None)


def test_python_traceback_in_the_message_attribute(tmp_path: Path) -> None:
    hit = one(
        tmp_path,
        '<testcase classname="pkg.TestFoo" name="test_other">'
        '<failure message="Traceback (most recent call last):&#10;'
        "  File &quot;/usr/lib/python3.11/unittest/case.py&quot;, line 57, in testPartExecutor&#10;"
        "    yield&#10;"
        "  File &quot;tests/test_foo.py&quot;, line 183, in test_other&#10;    self.assertFalse(True)&#10;"
        'AssertionError: True is not false&#10;"/></testcase>',
    )
    assert (hit.file, hit.line, hit.rule, hit.message) == (
        "tests/test_foo.py",
        183,
        "AssertionError",
        "AssertionError: True is not false",
    )


def test_java_frame_is_resolved_to_its_source_under_a_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "core" / "src" / "test" / "java" / "org" / "acme" / "FooTest.java"
    source.parent.mkdir(parents=True)
    source.write_text("class FooTest {}\n")
    monkeypatch.chdir(tmp_path)
    xml = (
        '<testsuite name="org.acme.FooTest"><testcase classname="org.acme.FooTest" name="bar">'
        '<failure message="expected: &lt;1&gt; but was: &lt;2&gt;" '
        'type="org.opentest4j.AssertionFailedError">'
        "org.opentest4j.AssertionFailedError: expected: &lt;1&gt; but was: &lt;2&gt;\n"
        "\tat org.junit.jupiter.api.AssertEquals.assertEquals(AssertEquals.java:150)\n"
        "\tat org.acme.FooTest.bar(FooTest.java:12)\n"
        "\tat java.base/java.lang.reflect.Method.invoke(Method.java:568)\n"
        '</failure></testcase><testcase classname="org.acme.Gone" name="x"><failure message="m">'
        "java.lang.AssertionError: m\n\tat org.acme.Gone$Inner.x(Gone.java:7)\n"
        "</failure></testcase></testsuite>"
    )
    (tmp_path / "core" / "target" / "surefire-reports").mkdir(parents=True)
    hits, _ = read(tmp_path, xml, "core/target/surefire-reports/TEST-org.acme.FooTest.xml")
    assert [(h.file, h.line, h.message) for h in hits] == [
        (
            "core/src/test/java/org/acme/FooTest.java",
            12,
            "org.opentest4j.AssertionFailedError: expected: <1> but was: <2>",
        ),
        ("Gone.java", 7, "java.lang.AssertionError: m"),  # no source here: the file name is all we know
    ]


@pytest.mark.parametrize(
    ("text", "file", "line", "column"),
    [
        ("TypeError: x is undefined\n    at Object.fn (/repo/node_modules/lib/index.js:3:9)\n"
         "    at Object.&lt;anonymous&gt; (src/app.test.js:14:11)", "src/app.test.js", 14, 11),
        ("Error: nope\n    at helper (src/util.js:2:9)\n    at Context.it (test/util.spec.js:8:5)",
         "test/util.spec.js", 8, 5),
        ("    calc_test.go:12: got 4, want 5", "calc_test.go", 12, None),
        ("Failure/Error: x\n./lib/a.rb:3:in `x'\n./spec/a_spec.rb:9:in `block (2 levels)'",
         "./spec/a_spec.rb", 9, None),
        ("Failed asserting that false is true.\n\n/srv/app/tests/ATest.php:25",
         "/srv/app/tests/ATest.php", 25, None),
        ("Exception: nope\n#0 /srv/app/src/A.php(17): A-&gt;b()", "/srv/app/src/A.php", 17, None),
        ("System.Exception: x\n   at Acme.Tests.FooTests.Bar() in C:\\src\\FooTests.cs:line 42",
         "C:\\src\\FooTests.cs", 42, None),
        ('  File "/usr/lib/python3/dist-packages/x.py", line 3, in f\n  File "app/t.py", line 8, in t\n'
         "ValueError: bad", "app/t.py", 8, None),
    ],
)  # fmt: skip
def test_location_from_the_trace(tmp_path: Path, text: str, file: str, line: int, column: int | None) -> None:
    hit = one(tmp_path, f'<testcase classname="k" name="t"><failure>{text}</failure></testcase>')
    assert (hit.file, hit.line, hit.column) == (file, line, column)


def test_jest_message_keeps_the_diff_and_drops_library_frames(tmp_path: Path) -> None:
    hit = one(
        tmp_path,
        '<testcase classname="sum adds" name="sum adds" file="src/sum.test.js"><failure>'
        "Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 5\nReceived: 4\n"
        "    at Object.toBe (/ci/build/src/sum.test.js:9:23)\n"
        "    at Promise.then.completed (/ci/build/node_modules/jest-circus/build/utils.js:298:28)\n"
        "    at new Promise (&lt;anonymous&gt;)</failure></testcase>",
        'name="jest tests"',
    )
    assert (hit.tool, hit.test, hit.file, hit.line, hit.column) == (
        "jest",
        "sum adds",
        "src/sum.test.js",
        9,
        23,
    )
    assert (
        hit.message
        == "Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 5\nReceived: 4"
    )


def test_captured_output_explains_an_empty_failure(tmp_path: Path) -> None:
    hit = one(
        tmp_path,
        '<testcase name="math" classname="math" status="fail"><failure message=""/>'
        "<system-out>running...\nsrc/math.c:6: error: expected 4 but got 5\n</system-out></testcase>",
        'name="(empty)" disabled="0"',
    )
    assert (hit.tool, hit.file, hit.line, hit.message) == (
        "ctest",
        "src/math.c",
        6,
        "running...\nsrc/math.c:6: error: expected 4 but got 5",
    )


def test_long_messages_are_cut_to_forty_lines(tmp_path: Path) -> None:
    text = "\n".join(f"line {i}" for i in range(100))
    hit = one(tmp_path, f'<testcase name="t"><failure message="">{text}</failure></testcase>')
    lines = hit.message.splitlines()
    assert len(lines) == 40 and lines[0] == "line 0" and lines[-1] == "… (61 more lines)"


def test_relative_paths_are_anchored_beside_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "web" / "src").mkdir(parents=True)
    (tmp_path / "web" / "src" / "a.test.js").write_text("test()\n")
    monkeypatch.chdir(tmp_path)
    hits, _ = read(
        tmp_path,
        '<testsuite><testcase name="t" file="src/a.test.js"><failure message="m"/></testcase></testsuite>',
        "web/junit.xml",
    )
    record = merge(hits, "t", PathResolver(str(tmp_path), str(tmp_path))).records[0]
    assert (record.file, record.source) == ("web/src/a.test.js", "junit")


# --- broken and hostile files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"<testsuites><testsuite><testcase name='a'><failure>", "not well-formed"),
        (b"hello, this is not XML", "not well-formed"),
        (b"<html><body>502 Bad Gateway</body></html>", "root element <html>"),
        (b"\x00\xff\xfe garbage \x89PNG", "not well-formed"),
        (b"<?xml version='1.0'?><testsuites>", "not well-formed"),
    ],
)
def test_unreadable_files_give_a_warning(tmp_path: Path, content: bytes, says: str) -> None:
    hits, warning = read(tmp_path, content)
    assert hits == []
    assert warning is not None and says in warning and "report.xml" in warning and "\n" not in warning


def test_missing_file_and_directory_give_a_warning(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.xml", tmp_path):
        hits, warning = read_junit(str(path))
        assert hits == [] and warning is not None and str(path) in warning


def test_xxe_is_refused_and_the_entity_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    hits, warning = read(
        tmp_path,
        f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<testsuite><testcase name="a"><failure message="&x;">&x;</failure></testcase></testsuite>',
    )
    assert hits == []
    assert warning is not None and "entities" in warning and "TOP-SECRET-VALUE" not in warning


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    hits, warning = read(
        tmp_path,
        f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY l0 "lol">{levels}]>'
        '<testsuite><testcase name="a"><failure message="&l9;"/></testcase></testsuite>',
    )
    assert hits == [] and warning is not None and "entities" in warning


def test_external_dtd_is_not_fetched(tmp_path: Path) -> None:
    hits, warning = read(
        tmp_path,
        '<?xml version="1.0"?><!DOCTYPE testsuite SYSTEM "http://127.0.0.1:9/junit.dtd">'
        '<testsuite><testcase name="a"><failure message="still read"/></testcase></testsuite>',
    )
    assert (warning, [h.message for h in hits]) == (None, ["still read"])


def test_deep_nesting_and_huge_text(tmp_path: Path) -> None:
    depth = 50_000
    xml = (
        "<testsuites>" + "<testsuite>" * depth + '<testcase name="deep"><failure message="m"/></testcase>'
        + "</testsuite>" * depth + "</testsuites>"
    )  # fmt: skip
    hits, warning = read(tmp_path, xml)
    assert (warning, [h.test for h in hits]) == (None, ["deep"])
    big = "x" * 10_000_000
    hits, warning = read(
        tmp_path, f'<testsuite><testcase name="big"><failure>{big}</failure></testcase></testsuite>'
    )
    assert warning is None and hits[0].message.startswith("xxx")


@pytest.mark.parametrize(
    "text",
    [
        "at " + "(" * 100_000,  # once quadratic in the Java frame pattern
        "\tat " + "x.y(F.java:" * 15_000,
        "    at " + "f (" * 50_000,
        "a." * 100_000,
        " a.a:" * 40_000,
        "x" * 100_000 + ".py:1: " + "Err" * 30_000,
        "Traceback (most recent call last)\n" * 30_000,
    ],
)
def test_adversarial_failure_text_is_read_in_linear_time(tmp_path: Path, text: str) -> None:
    from xml.sax.saxutils import escape

    hits, warning = read(
        tmp_path, f"<testsuite><testcase name='t'><failure>{escape(text)}</failure></testcase></testsuite>"
    )
    assert warning is None and [h.test for h in hits] == ["t"]


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VALID = (
    b'<?xml version="1.0"?><testsuites><testsuite name="pytest"><testcase classname="t.test_a" name="test_x" '
    b'file="t/test_a.py" line="3"><failure message="assert 1 == 2">E   assert 1 == 2\n\nt/test_a.py:5: '
    b'AssertionError</failure></testcase><testcase name="ok"/></testsuite></testsuites>'
)


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    hits, warning = read(tmp_path, data)
    assert isinstance(hits, list) and (warning is None or isinstance(warning, str))


@FUZZ
@given(st.integers(0, len(VALID)), st.binary(max_size=40))
def test_fuzz_truncated_and_spliced_reports(tmp_path: Path, cut: int, junk: bytes) -> None:
    hits, warning = read(tmp_path, VALID[:cut] + junk + VALID[cut:])
    assert isinstance(hits, list) and (warning is None or isinstance(warning, str))
    hits, warning = read(tmp_path, VALID[:cut])
    if cut < len(VALID):
        assert hits == [] and warning is not None


@FUZZ
@given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=60))
def test_fuzz_failure_text(tmp_path: Path, text: str, message: str, name: str) -> None:
    from xml.sax.saxutils import escape, quoteattr

    def legal(s: str) -> str:  # characters XML 1.0 can carry
        return "".join(c for c in s if c in "\t\n\r" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd")

    xml = (
        f"<testsuite><testcase name={quoteattr(legal(name))}><failure message={quoteattr(legal(message))}>"
        f"{escape(legal(text))}</failure></testcase></testsuite>"
    )
    hits, warning = read(tmp_path, xml)
    assert warning is None and len(hits) == 1 and hits[0].message.count("\n") < 40


def test_reader_never_raises_on_a_path_it_cannot_open(tmp_path: Path) -> None:
    path = tmp_path / "locked.xml"
    path.write_text("<testsuite/>")
    os.chmod(path, 0)
    try:
        hits, warning = read_junit(str(path))
        assert hits == [] and (warning is None or str(path) in warning)  # root may read it anyway
    finally:
        os.chmod(path, 0o644)


# --- test counts ------------------------------------------------------------------------------------------


def test_counts_come_from_the_testcases_not_the_suite_attributes(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    path.write_text(
        """<testsuites tests="99" failures="0"><testsuite name="s" tests="99" skipped="0">
             <testcase classname="k" name="passes"/>
             <testcase classname="k" name="ran" status="run"/>
             <testcase classname="k" name="skipped"><skipped message="later"/></testcase>
             <testcase classname="k" name="disabled" status="disabled"/>
             <testcase classname="k" name="by_status" status="failed"/>
             <testcase classname="k" name="errored"><error message="boom"/></testcase>
             <testcase classname="k" name="flaky"><flakyFailure message="once"/></testcase>
             <testcase classname="k" name="only_reruns"><rerunFailure message="each run"/></testcase>
             <testcase classname="k" name="twice"/>
             <testcase classname="k" name="twice"><error message="teardown failed"/></testcase>
             <testcase><failure message="nameless one"/></testcase>
             <testcase><failure message="nameless two"/></testcase>
           </testsuite></testsuites>"""
    )
    # "twice" is one test with its worst verdict, as it is one record; the nameless ones stay distinct
    assert junit_counts(str(path)) == Counts(total=11, passed=3, failed=6, skipped=2, source="junit")
    hits, warning, counts = read_junit_counted(str(path))
    assert (len(hits), warning, counts) == (6, None, junit_counts(str(path)))


def test_counts_of_an_unreadable_file_are_none(tmp_path: Path) -> None:
    (tmp_path / "bad.xml").write_text("<html/>")
    assert junit_counts(str(tmp_path / "bad.xml")) is None
    assert junit_counts(str(tmp_path / "missing.xml")) is None


CTEST_PROJECT = """\
cmake_minimum_required(VERSION 3.16)
project(counts NONE)
enable_testing()
add_test(NAME passes COMMAND true)
add_test(NAME fails COMMAND false)
add_test(NAME asks_to_skip COMMAND sh -c "exit 77")
set_tests_properties(asks_to_skip PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME switched_off COMMAND true)
set_tests_properties(switched_off PROPERTIES DISABLED TRUE)
add_test(NAME missing_tool COMMAND tool_that_does_not_exist)
"""


def test_ctest_skip_is_a_skip_and_a_missing_executable_a_failure(tmp_path: Path) -> None:
    # ctest writes both as status="notrun" with a <skipped> reason; its own summary tells them apart
    (tmp_path / "CMakeLists.txt").write_text(CTEST_PROJECT)
    subprocess.run(["cmake", "-S", ".", "-B", "build"], cwd=tmp_path, capture_output=True, check=True)
    out = subprocess.run(
        ["ctest", "--output-junit", "report.xml"], cwd=tmp_path / "build", capture_output=True, text=True
    ).stdout
    hits, warning, counts = read_junit_counted(str(tmp_path / "build" / "report.xml"))
    assert warning is None and sorted(h.test or "" for h in hits) == ["fails", "missing_tool"], out
    assert counts == Counts(total=5, passed=1, failed=2, skipped=2, source="junit")
    assert from_text(out) == Counts(total=5, passed=1, failed=2, skipped=2, source="ctest"), out

"""emitter.junit read as a stream (emitter/junit_stream.py): memory that does not grow with passing tests,
the same hardening as the tree it replaced, and the tree's decisions past the first testcases (the reader's
fast path begins after junit_stream.SAMPLE of them)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from emitter.inputs import safe_xml
from emitter.inputs.base import Unreadable
from emitter.junit import junit_counts, read_junit, read_junit_counted
from emitter.junit_stream import SAMPLE
from emitter.test_counts import Counts

FAILURE = (
    '<failure message="AssertionError: assert 41 == 42">def test_fail():\n&gt;       assert total() == 42\n'
    "E       assert 41 == 42\n\ntests/test_orders.py:{line}: AssertionError</failure>"
)


def write_report(path: Path, passing: int, failing: int) -> Path:
    """pytest-like: `failing` tests named by their number only, so two files share them whatever `passing`."""
    every = max(passing // max(failing, 1), 1)
    with path.open("w", encoding="utf-8") as out:
        out.write('<testsuites><testsuite name="pytest">')
        for i in range(passing):
            if i % every == 0 and i // every < failing:
                j = i // every
                out.write(f'<testcase classname="tests.test_orders" name="test_fail_{j}">')
                out.write(FAILURE.format(line=j + 1) + "</testcase>\n")
            out.write(f'<testcase classname="tests.test_module_{i % 300}" name="test_{i}" time="0.001"/>\n')
        out.write("</testsuite></testsuites>")
    return path


PEAK = """
import json, resource, sys
from emitter.junit import read_junit_counted
hits, warning, counts = read_junit_counted(sys.argv[1])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps([len(hits), warning, counts and counts.total, peak]))
"""


def peak_of(path: Path) -> tuple[int, int, int]:
    """(hits, tests, peak RSS in bytes) of reading `path` in a fresh interpreter: peaks never mix."""
    out = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, check=True)
    hits, warning, total, peak = json.loads(out.stdout)
    assert warning is None
    return hits, total, peak


def test_memory_does_not_grow_with_passing_tests(tmp_path: Path) -> None:
    # a tree of the larger file takes ~150 MiB more than one of the smaller (0.8 KiB a passing test)
    small = peak_of(write_report(tmp_path / "small.xml", 20_000, 40))
    large = peak_of(write_report(tmp_path / "large.xml", 220_000, 40))
    assert (small[:2], large[:2]) == ((40, 20_040), (40, 220_040))
    assert large[2] - small[2] < 10 * 2**20, (
        f"{(large[2] - small[2]) / 2**20:.1f} MiB for 200,000 passing tests"
    )


def test_a_passing_test_leaves_no_more_than_its_hash(tmp_path: Path) -> None:
    # traced in this process, so sharper than RSS: the 8-byte hash that folds a test reported twice stays; its
    # element does not (~90 bytes if it were cleared but left in its suite, ~800 in a tree)
    read_junit_counted(str(write_report(tmp_path / "warm.xml", 300, 3)))  # imports and compiled patterns
    peaks = []
    for passing in (5_000, 65_000):
        path = write_report(tmp_path / f"{passing}.xml", passing, 20)
        tracemalloc.start()
        try:
            hits, _, counts = read_junit_counted(str(path))
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert (len(hits), counts and counts.total) == (20, passing + 20)
    assert (peaks[1] - peaks[0]) / 60_000 < 16, f"{(peaks[1] - peaks[0]) / 60_000:.1f} bytes a passing test"


# --- hostile files, through the stream ----------------------------------------------------------------------

LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
HOSTILE = {
    "billion laughs": f'<!DOCTYPE t [<!ENTITY l0 "lol">{LAUGHS}]><testsuite><testcase name="&l9;"/></testsuite>',
    "external entity": '<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><testsuite name="&x;"/>',
    "parameter entity": '<!DOCTYPE t [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]><testsuite/>',
    "unparsed entity": '<!DOCTYPE t [<!NOTATION n SYSTEM "n"><!ENTITY u SYSTEM "u.bin" NDATA n>]><testsuite/>',
}


@pytest.mark.parametrize("name", HOSTILE)
def test_entity_declarations_are_refused_before_any_element(tmp_path: Path, name: str) -> None:
    path = tmp_path / "report.xml"
    path.write_text('<?xml version="1.0"?>' + HOSTILE[name])
    events = safe_xml.stream(str(path), "JUnit XML")
    with pytest.raises(Unreadable, match="declares XML entities"):
        next(events)
    hits, warning, counts = read_junit_counted(str(path))
    assert (hits, counts) == ([], None)
    assert warning is not None and "refused" in warning and "\n" not in warning
    assert "root:" not in warning  # /etc/passwd's first line: the external entity was never read


@pytest.mark.parametrize(
    "before",
    ["<!-- a comment -->\n", '<?xml-stylesheet href="a.xsl"?>', "\n\n   ", "<!-- <testsuite> -->"],
)
def test_a_doctype_after_anything_a_prolog_may_hold_still_goes_through_defusedxml(
    tmp_path: Path, before: str
) -> None:
    """Documents without a DOCTYPE take the C parser: the check that sends the others through defusedxml
    must not be fooled by what may come before the DOCTYPE, nor by the file's encoding."""
    for encoding, bom in (("utf-8", ""), ("utf-8", "\ufeff"), ("utf-16", "")):
        path = tmp_path / f"report-{encoding}.xml"
        declaration = f'{bom}<?xml version="1.0" encoding="{encoding}"?>'
        path.write_bytes((declaration + before + HOSTILE["billion laughs"]).encode(encoding))
        with pytest.raises(Unreadable, match="declares XML entities"):
            list(safe_xml.stream(str(path), "JUnit XML"))


def test_an_entity_without_a_doctype_is_not_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    path.write_text('<testsuite><testcase name="&xxe;"><failure message="&lol;"/></testcase></testsuite>')
    hits, warning = read_junit(str(path))
    assert hits == [] and warning is not None and "not well-formed" in warning


def test_stream_has_its_own_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_report(tmp_path / "report.xml", 50, 1)
    monkeypatch.setattr(safe_xml, "MAX_BYTES", 100)  # what a whole tree may take: JUnit is no tree now
    with pytest.raises(Unreadable, match="larger than"):
        safe_xml.load(str(path), "checkstyle XML")
    assert junit_counts(str(path)) == Counts(total=51, passed=50, failed=1, skipped=0, source="junit")
    monkeypatch.setattr(safe_xml, "MAX_STREAM_BYTES", 100)
    hits, warning = read_junit(str(path))
    assert hits == [] and warning is not None and "larger than" in warning


# --- broken files -------------------------------------------------------------------------------------------


def test_a_file_broken_midway_is_one_warning_and_no_hits(tmp_path: Path) -> None:
    # failures read before the break are not reported: the file was cut, what it held after is unknown
    whole = write_report(tmp_path / "whole.xml", 1_000, 5).read_text()
    broken = tmp_path / "broken.xml"
    broken.write_text(whole[: len(whole) * 2 // 3] + "<testcase name='x'><<garbage")
    hits, warning, counts = read_junit_counted(str(broken))
    assert (hits, counts) == ([], None)
    assert warning is not None and "not well-formed" in warning and "\n" not in warning
    assert warning.startswith(f"{broken}: JUnit XML is not well-formed (")


def test_a_root_that_is_no_report_is_said_without_reading_on(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    path.write_text("<html><body>" + "<p>502 Bad Gateway</p>" * 10_000 + "<broken")
    hits, warning = read_junit(str(path))
    assert hits == [] and warning == f"{path}: not a JUnit XML report (root element <html>)"


# --- past the first testcases: the reader's fast path -------------------------------------------------------


def cases(rng: random.Random, count: int) -> Iterator[tuple[str, str, int]]:
    """(classname, name, verdict) with repeats: the same test may come back anywhere in its suite."""
    for _ in range(count):
        yield (
            rng.choice(["k", "m", ""]),
            rng.choice([f"t{rng.randrange(150)}", ""]),
            rng.choice([0] * 8 + [1, 2]),
        )


CHILD = {0: "", 1: "<skipped/>", 2: '<failure message="boom"/>'}


@pytest.mark.parametrize("seed", range(4))
def test_counts_and_hits_past_the_sample_match_the_rules(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    worst: dict[tuple[int, str], int] = {}
    failed: list[tuple[int, str]] = []
    parts = []
    for suite in range(3):  # the same names in another suite are other tests
        parts.append(f'<testsuite name="s{suite}">')
        for i, (classname, name, verdict) in enumerate(cases(rng, 2 * SAMPLE)):
            if i == SAMPLE // 2:  # a nested suite holds its own tests
                parts.append('<testsuite name="inner"><testcase classname="k" name="t1"/></testsuite>')
            attrs = f"classname={quoteattr(classname)} name={quoteattr(name)}"
            parts.append(
                f"<testcase {attrs}>{CHILD[verdict]}</testcase>" if verdict else f"<testcase {attrs}/>"
            )
            counted = f"{classname}::{name}".strip(": ")
            key = (suite, counted) if counted else (-len(parts), "")
            worst[key] = max(worst.get(key, 0), verdict)
            shown = f"{classname}::{name}" if classname and name else name or classname
            if verdict == 2 and ((suite, shown) not in failed or not shown):  # one hit a test
                failed.append((suite, shown))
        parts.append("</testsuite>")
    path = tmp_path / "report.xml"
    path.write_text("<testsuites>" + "".join(parts) + "</testsuites>")
    tally = [0, 0, 0]
    for verdict in worst.values():
        tally[verdict] += 1
    hits, warning, counts = read_junit_counted(str(path))
    inner = 3  # k::t1 passing, once in each suite's nested suite
    assert warning is None
    assert counts == Counts(sum(tally) + inner, tally[0] + inner, tally[2], tally[1], "junit")
    assert sorted(h.test or "" for h in hits) == sorted(shown for _, shown in failed)


def test_marks_of_the_producer_after_the_testcases_still_name_it(tmp_path: Path) -> None:
    # go-junit-report writes its properties first; a file that writes them last is read the same
    path = tmp_path / "report.xml"
    tests = "".join(f'<testcase classname="pkg" name="TestOk{i}"/>' for i in range(SAMPLE + 10))
    path.write_text(
        '<testsuites><testsuite name="pkg">'
        '<testcase classname="pkg" name="TestParent"><failure message="Failed"/></testcase>'
        '<testcase classname="pkg" name="TestParent/sub"><failure message="Failed">'
        "    calc_test.go:12: got 4, want 5</failure></testcase>"
        f'{tests}<properties><property name="go.version" value="go1.22"/></properties>'
        "</testsuite></testsuites>"
    )
    hits, warning = read_junit(str(path))
    assert warning is None
    assert [(h.tool, h.test, h.file, h.line) for h in hits] == [
        ("go", "pkg::TestParent/sub", "calc_test.go", 12)
    ]


def test_a_lone_tests_story_in_its_suites_output_after_it(tmp_path: Path) -> None:
    # Bazel and ctest: the suite's own <system-out>, after the testcase, explains its empty failure
    path = tmp_path / "report.xml"
    path.write_text(
        '<testsuites><testsuite name="//pkg:test"><testcase name="//pkg:test" status="run">'
        '<failure message=""/></testcase><system-out>src/a.cc:7: Failure\nExpected 1</system-out>'
        '</testsuite><testsuite name="//pkg:two"><testcase name="a"><failure message=""/></testcase>'
        '<testcase name="b"/><system-out>src/b.cc:9: not for one test</system-out></testsuite></testsuites>'
    )
    hits, warning = read_junit(str(path))
    assert warning is None
    assert [(h.tool, h.test, h.file, h.line, h.message) for h in hits] == [
        ("bazel", "//pkg:test", "src/a.cc", 7, "src/a.cc:7: Failure\nExpected 1"),
        ("bazel", "a", None, None, "test failed"),
    ]

"""JUnit XML reports → hits: one per failed or errored test, placed in the test's own source.

Dialects: a `<testsuites>` or bare `<testsuite>` root, nested suites, the `status` attribute (Bazel, ctest,
tst: "failed"/"error"/"notrun" fail even without a child element, "disabled" is skipped), Surefire reruns (a
test that passed on a rerun carries only `<flakyFailure>`: no hit; one that failed every run has `<failure>`).
A test reported twice in one suite (pytest: failure in the call, error in teardown) is one hit.

The file is read as a stream (emitter/junit_stream.py): only failing testcases are kept whole, so memory
does not grow with passing tests. Hostile input: defusedxml refuses any entity declaration before expanding
it (XXE, billion laughs), and no DTD or external resource is ever fetched. A file that cannot be read, or
that breaks midway, is a one-line warning and no hits (a cut-off report may have lost its failures), never
an exception.

The failure's text is read by emitter/junit_trace.py: its message, its frames in the repository, and the
test's file and line.
"""

from __future__ import annotations

import os
import re
from typing import Any

from .hit import Hit
from .junit_stream import Scan, Suite, Tally, case_name, verdict
from .junit_stream import scan as read_stream
from .junit_trace import Locator, append, build_message, clean, find_frames
from .test_counts import Counts

MAX_SCAN = 200_000  # characters of one failure text that are looked at; the rest is a dump
_SHOWN = ("failure", "error")
_IMPORT = re.compile(
    r"^(?:ModuleNotFoundError|ImportError)\b|ImportError while importing|Cannot find module ['\"]", re.M
)


def read_junit(path: str) -> tuple[list[Hit], str | None]:
    """Hits for every failed or errored test in `path`, and a warning when the file could not be read."""
    hits, warning, _ = read_junit_counted(path)
    return hits, warning


def read_junit_counted(path: str) -> tuple[list[Hit], str | None, Counts | None]:
    """`read_junit` plus the file's test counts (None when it could not be read), from one read."""
    try:
        scan = read_stream(path)
        if isinstance(scan, str):
            return [], one_line(scan), None
        return anchor(_Reader(scan, path).hits(), path), None, scan.tally.counts()
    except Exception as exc:  # a report file must never break the build step it describes
        return [], one_line(f"{path}: JUnit XML not read ({type(exc).__name__}: {str(exc)[:200]})"), None


def junit_counts(path: str) -> Counts | None:
    """The file's test counts (source "junit"), or None when it cannot be read."""
    return read_junit_counted(path)[2]


def count_cases(cases: list[tuple[Any, Any]]) -> Counts:
    """Counts of (testcase, innermost suite) elements, by the testcases themselves: suite attributes are often
    wrong (or missing) in the wild.

    A test written twice in one suite (pytest: the call, then an error in teardown) is one test with
    its worst verdict, as it is one hit.
    """
    tally, serials = Tally(), dict[int, int]()
    for elem, suite in cases:
        name = case_name(elem)
        tally.add(serials.setdefault(id(suite), len(serials) + 1) if name else 0, name, verdict(elem))
    return tally.counts()


def one_line(warning: str) -> str:
    return " ".join(warning.split())


def anchor(hits: list[Hit], report: str) -> list[Hit]:
    """A relative path that is not found from here but is beside the report: the tool ran over there."""
    where = os.path.dirname(report)
    for hit in hits if where else []:
        file = hit.file or ""
        if file and not os.path.isabs(file) and not os.path.exists(file):
            hit.cwd = where if os.path.exists(os.path.join(where, file)) else hit.cwd
    return hits


class _Reader:
    """Hits from the failing testcases a scan kept, their verdicts read through junitparser's models
    (imported only when a test failed: a passing file never pays for it)."""

    def __init__(self, scan: Scan, path: str) -> None:
        self.path = path
        self.scan = scan
        self.tool = _producer(scan)
        self.locator = Locator(self.tool, path)

    def hits(self) -> list[Hit]:
        if not self.scan.failing:
            return []
        from junitparser import Error, Failure

        kinds = {"failure": Failure, "error": Error}
        by_test: dict[tuple[int, str], Hit] = {}
        for elem, suite in self.scan.failing:  # each failed by `verdict`: each makes a hit
            verdicts = [child for child in elem if child.tag in _SHOWN]
            if not verdicts:  # every run failed but no final verdict was written: the reruns speak
                verdicts = [c for c in elem if c.tag in ("rerunFailure", "rerunError")]
            status = (elem.get("status") or "").lower()
            errored = status in ("error", "errored") or (bool(verdicts) and verdicts[0].tag == "error")
            results = [_wrap(kinds.get(v.tag, Error), v) for v in verdicts]
            hit = self._hit(elem, suite, results, status, errored)
            key = (suite.serial, hit.test) if hit.test else (id(elem), "")  # nameless tests are all distinct
            if key in by_test:
                _fold(by_test[key], hit)
            else:
                by_test[key] = hit
        hits = list(by_test.values())
        if self.tool == "go":  # a parent test fails because a subtest did: the subtest tells the story
            failed = [hit.test or "" for hit in hits]
            hits = [h for h in hits if not _parent_only(h, failed)]
        return hits

    def _hit(self, elem: Any, suite: Suite, results: list[Any], status: str, errored: bool) -> Hit:
        classname, name = (elem.get("classname") or "").strip(), (elem.get("name") or "").strip()
        test = f"{classname}::{name}" if classname and name and classname != name else name or classname
        first = results[0] if results else None
        skipped = elem.find("skipped")  # ctest's notrun says why there
        reason = skipped.get("message") if skipped is not None else ""
        attr = (first.message if first is not None else reason) or ""
        body = (first.text if first is not None else "") or ""
        if not body.strip() and "\n" in attr.strip():
            body = attr  # the whole trace went into the attribute
        output = not body.strip()
        if output:  # ctest, Bazel: the failure is empty and the story is in the captured output
            body = _captured(elem) or "\n".join(suite.captured or ())  # a suite's, when it is the only test
        body = clean(body[-MAX_SCAN:] if output else body[:MAX_SCAN])
        frames = find_frames(body) or find_frames(attr)
        message, derived = build_message(attr, body, frames, output, self.tool)
        for extra in results[1:]:  # several verdicts on one test: say each
            message = append(message, extra.message or (extra.text or "").strip())
        for frame in frames:  # /builds/agent-3/x/src/a.js → src/a.js: stable text, stable fingerprint
            if os.path.isabs(frame.path) or ":" in frame.path[:3]:
                message = message.replace(frame.path, self.locator.short(frame.path))
        if not message:
            message = (
                "test did not run" if status == "notrun" else "test errored" if errored else "test failed"
            )
        rule = (first.type if first is not None else None) or derived
        imported = rule in ("ImportError", "ModuleNotFoundError") or _IMPORT.search(message)
        kind = "import_error" if imported else "test_failure"
        if name == "[build failed]":  # go-junit-report's stand-in for a package that did not compile
            kind = "compile_error"
        hit = Hit(self.tool, message, kind, rule=rule, test=test)
        hit.source = "junit"
        attr_file = elem.get("file") or suite.get("file")
        self.locator.place(hit, attr_file, _int(elem.get("line")), classname or name, frames)
        return hit


def _parent_only(hit: Hit, failed: list[str]) -> bool:
    prefix = f"{hit.test}/"
    return hit.message == "test failed" and any(test.startswith(prefix) for test in failed)


def _fold(into: Hit, other: Hit) -> None:
    """The same test reported again (teardown after call): one hit that tells both."""
    into.message = append(into.message, other.message)
    if other.type == "import_error":
        into.type = "import_error"
    for name in ("file", "line", "column", "rule"):
        if getattr(into, name) is None:
            setattr(into, name, getattr(other, name))


def _producer(scan: Scan) -> str:
    """Which tool wrote the file, from the marks each leaves in the root, the first testcases and their
    suites; "junit" when none is recognised."""
    suites, sample = scan.sample_suites, [attrib for attrib, _ in scan.sample_cases]
    names = {(s.get("name") or "").lower() for s in suites}
    attrs = {k.rsplit("}", 1)[-1]: v for s in suites for k, v in s.attrib.items()}
    props = {p for s in suites for p in s.props}
    statuses = {(c.get("status") or "").lower() for c in sample}
    texts = " ".join(text for _, texts in scan.sample_cases for text in texts)
    if names & {"pytest", "pytest tests"}:
        return "pytest"
    if "jest tests" in names or "jest-circus" in texts:
        return "jest"
    if "mocha tests" in names:
        return "mocha"
    if "surefire" in attrs.get("noNamespaceSchemaLocation", "") or any("surefire" in p for p in props):
        return "surefire"
    if "go.version" in props:
        return "go"
    if "rspec" in names or any((c.get("file") or "").endswith(".rb") for c in sample):
        return "rspec"
    if "assertions" in attrs or any(c.get("assertions") is not None for c in sample):
        return "phpunit"
    bare = not scan.root.attrib and scan.root_children == 1  # a bare <testsuite>, as ctest writes
    if bare and scan.first_disabled and statuses <= {"run", "fail", "notrun", "disabled"}:
        return "ctest"
    if "run" in statuses and (scan.root.get("name") == "AllTests" or any(c.get("result") for c in sample)):
        return "gtest"
    if "org.gradle." in texts:
        return "gradle"
    if "org.apache.maven.surefire" in texts:
        return "surefire"
    if any(n.startswith("//") for n in names):
        return "bazel"
    return "junit"


def _captured(elem: Any) -> str:
    texts = (c.text for c in elem if c.tag in ("system-out", "system-err") and c.text)
    return "\n".join(text for text in texts if text.strip())


def _wrap(cls: Any, elem: Any) -> Any:
    """junitparser's object over an element (its `fromelem` is untyped)."""
    return cls.fromelem(elem)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None

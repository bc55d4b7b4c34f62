"""JUnit XML reports → hits: one per failed or errored test, placed in the test's own source.

Dialects: a `<testsuites>` or bare `<testsuite>` root, nested suites, the `status` attribute (Bazel, ctest,
tst: "failed"/"error"/"notrun" fail even without a child element, "disabled" is skipped), Surefire reruns (a
test that passed on a rerun carries only `<flakyFailure>`: no hit; one that failed every run has `<failure>`).
A test reported twice in one suite (pytest: failure in the call, error in teardown) is one hit.

Hostile input: defusedxml refuses any entity declaration before expanding it (XXE, billion laughs), and
no DTD or external resource is ever fetched. A file that cannot be read is a one-line warning, never an
exception.

The failure's text is read by emitter/junit_trace.py: its message, its frames in the repository, and the
test's file and line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from .hit import Hit
from .junit_trace import Locator, append, build_message, clean, find_frames
from .test_counts import Counts, counts_of

MAX_SCAN = 200_000  # characters of one failure text that are looked at; the rest is a dump
_FAILED_STATUS = {"failed", "fail", "failure", "error", "errored", "notrun"}  # ctest counts notrun as failed
_SKIPPED_STATUS = {"disabled", "skipped", "skip"}
# ctest writes a test that asked to be skipped (SKIP_RETURN_CODE, SKIP_REGULAR_EXPRESSION) as "notrun" too,
# with this reason; its own summary counts it as skipped, not failed (a missing executable stays failed)
_CTEST_SKIP = re.compile(r"^SKIP_(?:RETURN_CODE|REGULAR_EXPRESSION)")
_IMPORT = re.compile(
    r"^(?:ModuleNotFoundError|ImportError)\b|ImportError while importing|Cannot find module ['\"]", re.M
)


def read_junit(path: str) -> tuple[list[Hit], str | None]:
    """Hits for every failed or errored test in `path`, and a warning when the file could not be read."""
    hits, warning, _ = read_junit_counted(path)
    return hits, warning


def read_junit_counted(path: str) -> tuple[list[Hit], str | None, Counts | None]:
    """`read_junit` plus the file's test counts (None when it could not be read), from one parse."""
    try:
        root = _load(path)
        if isinstance(root, str):
            return [], one_line(root), None
        reader = _Reader(root, path)
        return anchor(reader.hits(), path), None, count_cases(reader.cases)
    except Exception as exc:  # a report file must never break the build step it describes
        return [], one_line(f"{path}: JUnit XML not read ({type(exc).__name__}: {str(exc)[:200]})"), None


def junit_counts(path: str) -> Counts | None:
    """The file's test counts (source "junit"), or None when it cannot be read."""
    return read_junit_counted(path)[2]


def count_cases(cases: list[tuple[Any, Any]]) -> Counts:
    """Counts from the testcases themselves: suite attributes are often wrong (or missing) in the wild.

    A test written twice in one suite (pytest: the call, then an error in teardown) is one test with
    its worst verdict, as it is one hit.
    """
    verdicts: dict[tuple[int, str], int] = {}
    for elem, suite in cases:
        name = f"{elem.get('classname') or ''}::{elem.get('name') or ''}".strip(": ")
        key = (id(suite), name) if name else (id(elem), "")
        verdicts[key] = max(verdicts.get(key, 0), _verdict(elem))
    tally = [0, 0, 0]  # passed, skipped, failed: a worse verdict has a higher index
    for verdict in verdicts.values():
        tally[verdict] += 1
    return counts_of(tally[0], tally[2], tally[1], "junit")


def _verdict(elem: Any) -> int:
    """0 passed, 1 skipped, 2 failed; the same reading of a testcase as the hits make."""
    tags = {child.tag for child in elem}
    status = (elem.get("status") or "").lower()
    if tags & {"failure", "error", "rerunFailure", "rerunError"}:
        return 2
    if _asked_to_skip(elem, status):
        return 1
    if status in _FAILED_STATUS:  # before <skipped>: ctest's notrun carries one and still fails
        return 2
    if "skipped" in tags or status in _SKIPPED_STATUS:
        return 1
    return 0  # passed, or flaky: passed on a rerun (only <flakyFailure>)


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


def _load(path: str) -> Any:
    """The root element (a bare `<testsuite>` under a `<testsuites>` of its own), or a warning."""
    from xml.etree.ElementTree import Element

    from .inputs.base import Unreadable
    from .inputs.safe_xml import load

    try:
        root: Any = load(path, "JUnit XML")
    except Unreadable as exc:
        return str(exc)
    if root.tag == "testsuite":  # ctest and many runners write one suite: wrapped as junitparser wraps it
        wrapper = Element("testsuites")
        wrapper.append(root)
        return wrapper
    if root.tag != "testsuites":
        return f"{path}: not a JUnit XML report (root element <{root.tag}>)"
    return root


def _walk(root: Any) -> Iterator[tuple[Any, Any]]:
    """(testcase, innermost suite) in document order, without recursion: the file chooses the depth."""
    stack: list[Iterator[Any]] = [iter(root)]
    suites = [root]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            suites.pop()
        elif child.tag in ("testsuite", "testsuites"):
            stack.append(iter(child))
            suites.append(child)
        elif child.tag == "testcase":
            yield child, suites[-1]


class _Reader:
    def __init__(self, root: Any, path: str) -> None:
        self.path = path
        self.cases = list(_walk(root))
        self.tool = _producer(root, self.cases)
        self.locator = Locator(self.tool, path)

    def hits(self) -> list[Hit]:
        from junitparser import Error, Failure, TestCase

        kinds = {"failure": Failure, "error": Error}
        by_test: dict[tuple[int, str], Hit] = {}
        for elem, suite in self.cases:
            verdicts = [child for child in elem if child.tag in kinds]
            if not verdicts:  # every run failed but no final verdict was written: the reruns speak
                verdicts = [c for c in elem if c.tag in ("rerunFailure", "rerunError")]
            results = [_wrap(kinds.get(v.tag, Error), v) for v in verdicts]
            status = (elem.get("status") or "").lower()
            if not results and (status not in _FAILED_STATUS or _asked_to_skip(elem, status)):
                continue  # passed, skipped, disabled, or flaky (passed on a rerun)
            errored = status in ("error", "errored") or (bool(verdicts) and verdicts[0].tag == "error")
            hit = self._hit(_wrap(TestCase, elem), elem, suite, results, status, errored)
            key = (id(suite), hit.test) if hit.test else (id(elem), "")  # nameless tests are all distinct
            if key in by_test:
                _fold(by_test[key], hit)
            else:
                by_test[key] = hit
        hits = list(by_test.values())
        if self.tool == "go":  # a parent test fails because a subtest did: the subtest tells the story
            failed = [hit.test or "" for hit in hits]
            hits = [h for h in hits if not _parent_only(h, failed)]
        return hits

    def _hit(self, case: Any, elem: Any, suite: Any, results: list[Any], status: str, errored: bool) -> Hit:
        classname, name = (case.classname or "").strip(), (case.name or "").strip()
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
            body = _captured(elem) or (_captured(suite) if len(suite.findall("testcase")) == 1 else "")
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


def _asked_to_skip(elem: Any, status: str) -> bool:
    skipped = elem.find("skipped") if status == "notrun" else None
    return skipped is not None and bool(_CTEST_SKIP.match(skipped.get("message") or ""))


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


def _producer(root: Any, cases: list[tuple[Any, Any]]) -> str:
    """Which tool wrote the file, from the marks each leaves; "junit" when none is recognised."""
    suites = [root, *(suite for _, suite in cases[:200])]
    names = {(s.get("name") or "").lower() for s in suites}
    attrs = {k.rsplit("}", 1)[-1]: v for s in suites for k, v in s.attrib.items()}
    props = {p.get("name") or "" for s in suites for p in s.findall("properties/property")}
    sample = [c for c, _ in cases[:200]]
    statuses = {(c.get("status") or "").lower() for c in sample}
    texts = " ".join((r.text or "")[:4000] for c in sample for r in c if r.tag in ("failure", "error"))
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
    bare = not root.attrib and len(root) == 1  # junitparser's wrapper of a bare <testsuite>, as ctest writes
    if bare and "disabled" in root[0].attrib and statuses <= {"run", "fail", "notrun", "disabled"}:
        return "ctest"
    if "run" in statuses and (root.get("name") == "AllTests" or any(c.get("result") for c in sample)):
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

"""A JUnit XML file read as a stream: what emitter/junit.py needs of it, and nothing more is kept.

Kept whole: the testcases that failed (their hits are made once the whole file is read, as the producer and
the suites' captured output are only known then). Kept small: each suite's attributes and, while it has at
most one testcase, its own <system-out>/<system-err> (ctest, Bazel: a lone test's story); the first
SAMPLE testcases' attributes and failure texts, for the producer. Every other element is cleared and taken
out of its parent as soon as it ends, so memory does not grow with passing tests beyond 8 bytes a test
(the hash that folds a test reported twice).

Which testcases count is the tree walk's rule: a testcase whose parent is a suite whose ancestors are all
suites, up to a `<testsuites>` or bare `<testsuite>` root; the innermost suite is the one it belongs to.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .test_counts import Counts, counts_of

SAMPLE = 200  # testcases whose marks tell the producer
FAILED_STATUS = {"failed", "fail", "failure", "error", "errored", "notrun"}  # ctest counts notrun as failed
SKIPPED_STATUS = {"disabled", "skipped", "skip"}
# ctest writes a test that asked to be skipped (SKIP_RETURN_CODE, SKIP_REGULAR_EXPRESSION) as "notrun" too,
# with this reason; its own summary counts it as skipped, not failed (a missing executable stays failed)
_CTEST_SKIP = re.compile(r"^SKIP_(?:RETURN_CODE|REGULAR_EXPRESSION)")
_FAILING = {"failure", "error", "rerunFailure", "rerunError"}
_SUITES = ("testsuite", "testsuites")
_CAPTURED = ("system-out", "system-err")


def verdict(elem: Any) -> int:
    """0 passed, 1 skipped, 2 failed; the same reading of a testcase as the hits make."""
    status = (elem.get("status") or "").lower()
    if not len(elem):  # most tests: no child to look at
        return 2 if status in FAILED_STATUS else 1 if status in SKIPPED_STATUS else 0
    tags = {child.tag for child in elem}
    if tags & _FAILING:
        return 2
    if asked_to_skip(elem, status):
        return 1
    if status in FAILED_STATUS:  # before <skipped>: ctest's notrun carries one and still fails
        return 2
    if "skipped" in tags or status in SKIPPED_STATUS:
        return 1
    return 0  # passed, or flaky: passed on a rerun (only <flakyFailure>)


def asked_to_skip(elem: Any, status: str) -> bool:
    skipped = elem.find("skipped") if status == "notrun" else None
    return skipped is not None and bool(_CTEST_SKIP.match(skipped.get("message") or ""))


class Tally:
    """Each test's worst verdict, a test being a (suite, name); nameless tests are each their own.

    Tests are held as 64-bit hashes in 256 arrays by their low byte (8 bytes a test, where a set would take
    ~70), and folded one array at a time at the end. Two names with the same hash would count once: with
    a million tests in a file, odds of one in tens of millions."""

    def __init__(self) -> None:
        self.nameless = [0, 0, 0]
        self.passed: list[array[int]] = [array("q") for _ in range(256)]
        self.skipped: list[array[int]] = [array("q") for _ in range(256)]
        self.failed: set[int] = set()

    def add(self, suite: int, name: str, worst: int) -> None:
        if not name:
            self.nameless[worst] += 1
        elif worst == 2:
            self.failed.add(hash((suite, name)))
        else:
            key = hash((suite, name))
            (self.skipped if worst else self.passed)[key & 255].append(key)

    def counts(self) -> Counts:
        passed, skipped, failed = self.nameless
        for passes, skips in zip(self.passed, self.skipped, strict=True):
            tests = set(passes)
            worse = set(skips) - self.failed  # skipped, and never failed
            passed += len(tests) - len(tests & worse) - len(tests & self.failed)
            skipped += len(worse)
        return counts_of(passed, failed + len(self.failed), skipped, "junit")


def case_name(elem: Any) -> str:
    """The name a test is counted by (the hits have their own, see junit.py)."""
    return f"{elem.get('classname') or ''}::{elem.get('name') or ''}".strip(": ")


@dataclass(eq=False)
class Suite:
    """A suite once its elements are gone: what hits and the producer read of it."""

    serial: int
    attrib: dict[str, str]
    cases: int = 0  # its own testcases, not those of nested suites
    captured: list[str] | None = field(default_factory=list)  # None: more than one testcase
    props: set[str] = field(default_factory=set)  # names of its properties/property
    sampled: bool = False  # the root, or the suite of one of the first SAMPLE testcases

    def get(self, key: str) -> str | None:
        return self.attrib.get(key)


@dataclass
class Scan:
    """A whole file read: failing testcases (whole) with their suite, counts, and the producer's marks."""

    root: Suite  # for a bare <testsuite>, the <testsuites> it would be wrapped in
    root_children: int = 0  # counted to 2: one child is what a bare suite looks like
    first_disabled: bool = False  # its first child has a `disabled` attribute (ctest)
    sample_suites: list[Suite] = field(default_factory=list)  # the root, then each sampled case's suite
    sample_cases: list[tuple[dict[str, str], list[str]]] = field(default_factory=list)  # attributes, texts
    failing: list[tuple[Any, Suite]] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


def scan(path: str) -> Scan | str:
    """The file read through, or a one-line warning (nothing is kept from a file that breaks midway)."""
    from .inputs.base import Unreadable
    from .inputs.safe_xml import stream

    events = stream(path, "JUnit XML")
    try:
        _, root = next(events)  # the root's start: an empty or rootless file is Unreadable before it
        if root.tag not in _SUITES:  # said at once: the rest of a file that is no report is not read
            return f"{path}: not a JUnit XML report (root element <{root.tag}>)"
        walker = _Walker(root)
        walker.run(events)
        return walker.scan
    except Unreadable as exc:
        return str(exc)
    finally:
        events.close()


class _Walker:
    """The open elements and, among them, the suites whose testcases count: always the first ones, as a
    suite counts only when every element above it is a suite too."""

    def __init__(self, root: Any) -> None:
        self.stack = [root]
        suite = Suite(0, dict(root.attrib), sampled=root.tag == "testsuites")
        self.suites = [suite]
        self.seen = 0  # testcases read, while fewer than SAMPLE (past it, the hot path no longer counts)
        self.serials = 0  # suites opened: an element's id() is reused once it is freed
        self.counting = root.tag == "testsuites"  # a bare suite's wrapper has it as its only child
        if root.tag == "testsuites":
            self.scan = Scan(suite, sample_suites=[suite])
        else:  # a bare suite is read as the only child of an unnamed <testsuites>, as junitparser reads it
            wrapper = Suite(-1, {}, captured=None, sampled=True)
            self.scan = Scan(wrapper, 1, "disabled" in root.attrib, sample_suites=[wrapper])

    def run(self, events: Iterator[tuple[str, Any]]) -> None:
        """Every event after the root's start. The loop is the reader's hot path: a passing testcase is a
        few dictionary reads and one hash, the rest goes to the methods below."""
        stack, suites, tally = self.stack, self.suites, self.scan.tally
        passed = tally.passed
        case_at = -1  # depth of the testcase being read
        for event, elem in events:
            if event == "start":
                depth = len(stack)
                stack.append(elem)
                if case_at < 0 and depth == len(suites) and self._open(elem, depth):
                    case_at = depth
                continue
            stack.pop()
            depth = len(stack)
            if depth > case_at >= 0:
                continue  # part of the testcase: read with it
            if depth == case_at:
                case_at = -1
                suite = suites[-1]
                suite.cases += 1
                if len(elem) or elem.get("status") or self.seen < SAMPLE:
                    self._case(elem, suite)
                elif name := f"{elem.get('classname') or ''}::{elem.get('name') or ''}".strip(": "):
                    key = hash((suite.serial, name))  # as Tally.add(suite.serial, name, 0)
                    passed[key & 255].append(key)
                    elem.clear()
                else:
                    tally.nameless[0] += 1
                    elem.clear()
            elif depth < len(suites):
                self._close(suites.pop())
            else:
                self._other(elem, depth)
            if depth:
                stack[-1].remove(elem)  # its earlier siblings are gone already: it is the first child

    def _open(self, elem: Any, depth: int) -> bool:
        """A child of the innermost open suite starts; True when it is a testcase."""
        if depth == 1 and self.counting:
            self.scan.root_children += self.scan.root_children < 2
            self.scan.first_disabled |= self.scan.root_children == 1 and "disabled" in elem.attrib
        if elem.tag == "testcase":
            return True
        if elem.tag in _SUITES:
            self.serials += 1
            self.suites.append(Suite(self.serials, dict(elem.attrib)))
        return False

    def _case(self, elem: Any, suite: Suite) -> None:
        worst = verdict(elem)
        if self.seen < SAMPLE:
            texts = [(r.text or "")[:4000] for r in elem if r.tag in ("failure", "error")]
            self.scan.sample_cases.append((dict(elem.attrib), texts))
            self.scan.sample_suites.append(suite)
            suite.sampled = True
        self.seen += 1
        name = case_name(elem)
        self.scan.tally.add(suite.serial if name else 0, name, worst)
        if worst == 2:
            self.scan.failing.append((elem, suite))
        else:
            elem.clear()

    def _other(self, elem: Any, depth: int) -> None:
        """Anything else ends: a suite's own output and properties are noted, the rest is dropped."""
        suite = self.suites[-1]
        if depth == len(self.suites):
            text = elem.text if elem.tag in _CAPTURED and suite.cases <= 1 else None
            if suite.captured is not None and text and text.strip():
                suite.captured.append(text)
        elif (suite.sampled or self.seen < SAMPLE) and _is_property(
            elem, depth - len(self.suites), self.stack
        ):
            suite.props.add(elem.get("name") or "")  # only the producer asks, and only of sampled suites
        elem.clear()

    def _close(self, suite: Suite) -> None:
        if suite.cases != 1:
            suite.captured = None
        if not suite.sampled:
            suite.props = set()


def _is_property(elem: Any, below: int, stack: list[Any]) -> bool:
    """A suite's properties/property, `below` levels under the suite."""
    return below == 1 and elem.tag == "property" and stack[-1].tag == "properties"

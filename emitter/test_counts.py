"""How many tests a run collected and what became of them, read from the end of its output.

The fix loop refuses a fix that makes the check run fewer tests or skip more; this is the emitter's half:
the final summary lines of common test runners → one `Counts`. Light (stdlib only): `selfheal run` calls
it on its clean fast path, where pydantic is never imported, and the fixer calls it on a rerun's output.

Each runner's summary is one anchored multi-line regex run over the whole tail (a C-level scan per
runner, once per run, never per line in the scanner). A runner that prints its summary more than once
(run twice, a retry wrapper) counts once, by its last summary; runners that print one summary per binary,
package, module or task (cargo test, go test -v, Maven, Gradle, TAP streams) are summed. When several
runners speak in one output (`make test` running pytest then jest), their counts are added: the check is
the whole command, and a fix that silences either half must show.

Deselected and filtered-out tests are never in `total`: they were not part of the run. Known blind spot:
jest and vitest report tests excluded by `-t` as skipped, and nothing in their output tells them apart.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MAX_TAIL = 64 * 1024  # callers pass at most this much of the end of the output


@dataclass(frozen=True)
class Counts:
    total: int  # passed + failed + skipped: tests that ran or were skipped, never deselected/filtered
    passed: int
    failed: int  # failures + errors
    skipped: int  # skipped + xfailed/pending/ignored/todo
    source: str  # the runner whose summary it came from ("pytest", "cargo-test", … or "junit")


def counts_of(passed: int, failed: int, skipped: int, source: str) -> Counts:
    """Counts whose total is its parts, none negative (a summary that contradicts itself stays usable)."""
    passed, failed, skipped = max(passed, 0), max(failed, 0), max(skipped, 0)
    return Counts(passed + failed + skipped, passed, failed, skipped, source)


def combine(parts: Iterable[Counts]) -> Counts | None:
    """The sum of several counts (JUnit files, logs, runners); None when there are none."""
    items = list(parts)
    if not items:
        return None
    sources = list(dict.fromkeys(c.source for c in items))
    return counts_of(
        sum(c.passed for c in items),
        sum(c.failed for c in items),
        sum(c.skipped for c in items),
        "+".join(sources),
    )


def tail_text(data: bytes, limit: int = MAX_TAIL) -> str:
    """The last `limit` bytes as text; a line cut in half at the start is dropped, it could misread."""
    if len(data) > limit:
        data = data[-limit:]
        data = data[data.find(b"\n") + 1 :]
    return data.decode("utf-8", "replace")


def from_file(path: str, limit: int = MAX_TAIL) -> Counts | None:
    """`from_text` over the end of a log file; None when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - limit - 1))
            return from_text(tail_text(fh.read(), limit))
    except OSError:
        return None


def from_text(text: str) -> Counts | None:
    """Counts from the final summaries of the runners found in `text` (the end of an output)."""
    text = _clean(text)
    found = [hit for runner in _RUNNERS if (hit := runner.read(text)) is not None]
    found.sort(key=lambda hit: hit[0])  # several runners: named in the order they spoke
    return combine(counts for _, counts in found)


# -- text clean-up ---------------------------------------------------------------------------------
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def _clean(text: str) -> str:
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if "\r" in text:  # CRLF; a progress bar that redraws its line shows its last segment
        text = "\n".join(_last_segment(line) if "\r" in line else line for line in text.split("\n"))
    return text


def _last_segment(line: str) -> str:
    return line.rstrip("\r").rsplit("\r", 1)[-1]


# -- runners ------------------------------------------------------------------------------------------
Tally = tuple[int, int, int]  # passed, failed, skipped
_NUM = r"\d+(?:\.\d+)?"


@dataclass(frozen=True)
class _Runner:
    source: str
    words: tuple[str, ...]  # one must be in the text, or the regex is never run (a plain `in` is ~free)
    pattern: re.Pattern[str]  # anchored, multi-line; one match = one summary
    tally: Callable[[re.Match[str]], Tally | None]  # None: the match is not this runner's after all
    summed: bool = False  # one summary per binary/package/module/task: add them up instead of the last
    requires: re.Pattern[str] | None = None  # a line that must be somewhere for any match to count

    def read(self, text: str) -> tuple[int, Counts] | None:
        """(where the summary ends, its counts), or None when this runner did not speak."""
        if not any(word in text for word in self.words):
            return None
        if self.requires is not None and self.requires.search(text) is None:
            return None
        matches = list(self.pattern.finditer(text))
        if not self.summed:  # only the last summary that reads as one is tallied
            matches.reverse()
        found = ((m.end(), t) for m in matches if (t := self.tally(m)) is not None)
        rows = list(found) if self.summed else list(itertools.islice(found, 1))
        if not rows:
            return None
        passed, failed, skipped = (sum(column) for column in zip(*(t for _, t in rows), strict=True))
        return rows[-1][0], counts_of(passed, failed, skipped, self.source)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.M)


def _n(value: str | None) -> int:
    return int(value) if value else 0


def _of(total: int, failed: int, skipped: int) -> Tally:
    """For runners that print a total that includes the failed and skipped."""
    return total - failed - skipped, failed, skipped


def _named(match: re.Match[str]) -> Tally:
    """From the groups named after what they count; `total` (when printed) holds all the others."""
    got = {name: _n(value) for name, value in match.groupdict().items()}
    failed = got.get("failed", 0) + got.get("errors", 0)
    skipped = got.get("skipped", 0) + got.get("todo", 0)
    if "total" in got:
        return _of(got["total"] - got.get("not_run", 0), failed, skipped)
    return got.get("passed", 0) + got.get("measured", 0), failed, skipped


_PYTEST_WORDS = {
    "passed": 0,
    "xpassed": 0,  # not strict: pytest's own verdict is a pass (strict ones show as failed)
    "failed": 1,
    "error": 1,
    "errors": 1,
    "skipped": 2,
    "xfailed": 2,
}
_PYTEST_OTHER = {"deselected", "warning", "warnings", "rerun"}  # not tests of this run, or not tests


def _pytest(match: re.Match[str]) -> Tally | None:
    if bool(match["open"]) != bool(match["close"]):
        return None
    tally, known = [0, 0, 0], match["body"] == "no tests ran"
    for number, word in re.findall(r"(\d+) ([a-z]+(?: [a-z]+)?)", match["body"]):
        if word in _PYTEST_WORDS:
            tally[_PYTEST_WORDS[word]] += int(number)
        known = known or word in _PYTEST_WORDS or word in _PYTEST_OTHER
    return (tally[0], tally[1], tally[2]) if known else None  # "3 files in 2s" is someone else


def _unittest(match: re.Match[str]) -> Tally:
    detail = {key: int(value) for key, value in re.findall(r"([a-z][a-z ]*)=(\d+)", match[2] or "")}
    # unexpected successes fail the run since Python 3.11: unittest's own verdict counts
    failed = detail.get("failures", 0) + detail.get("errors", 0) + detail.get("unexpected successes", 0)
    return _of(int(match[1]), failed, detail.get("skipped", 0) + detail.get("expected failures", 0))


def _vitest(match: re.Match[str]) -> Tally:
    parts = {word: int(n) for n, word in re.findall(r"(\d+) ([a-z]+(?: [a-z]+)?)", match[1] or "")}
    return parts.get("passed", 0), parts.get("failed", 0), parts.get("skipped", 0) + parts.get("todo", 0)


def _phpunit(match: re.Match[str]) -> Tally:
    detail = {key: int(value) for key, value in re.findall(r"([A-Za-z][A-Za-z ]*): (\d+)", match[3] or "")}
    failed = detail.get("Failures", 0) + detail.get("Errors", 0)
    return _of(_n(match[1] or match[2]), failed, detail.get("Skipped", 0) + detail.get("Incomplete", 0))


def _tap(match: re.Match[str]) -> Tally:
    return (0, 0, 1) if match[2] else (0, 1, 0) if match[1] else (1, 0, 0)


_CTEST_NOT_RUN = _re(r"^The following tests did not run:\n((?:[ \t]+\d+ - .*\n?)+)")


def _ctest(match: re.Match[str]) -> Tally:
    failed, total = _n(match[1]), _n(match[2])
    # Skipped tests are inside "out of N" (and counted as passed in the %); disabled ones are outside it,
    # like an ignored test elsewhere: both become skipped, so disabling a test by config shows.
    listing = _CTEST_NOT_RUN.search(match.string, match.end())
    lines = listing[1] if listing else ""
    inside, outside = lines.count("(Skipped)"), lines.count("(Disabled)")
    return total - failed - inside, failed, inside + outside


_GO_VERDICT: dict[str, Tally] = {"PASS": (1, 0, 0), "FAIL": (0, 1, 0), "SKIP": (0, 0, 1)}

_RUNNERS = (
    _Runner(
        "pytest",
        ("passed", "failed", "skipped", "error", "xfailed", "deselected", "warning", "no tests ran"),
        _re(
            r"^(?P<open>=+ )?(?P<body>\d+ [a-z]+(?: [a-z]+)?(?:, \d+ [a-z]+(?: [a-z]+)?)*|no tests ran)"
            rf" in {_NUM}s(?: \(\d+:\d\d:\d\d\))?(?P<close> =+)?[ \t]*$"
        ),
        _pytest,
    ),
    _Runner(
        "unittest",
        ("Ran ",),
        _re(
            rf"^Ran (\d+) tests? in {_NUM}s\n(?:[ \t]*\n)*(?:OK|FAILED|NO TESTS RAN)(?: \(([a-z =,\d]*)\))?[ \t]*$"
        ),
        _unittest,
    ),
    _Runner(  # jest prints failed, skipped, todo, passed, total, leaving out what is zero
        "jest",
        ("Tests:",),
        _re(
            r"^Tests:[ \t]+(?:(?P<failed>\d+) failed, )?(?:(?P<skipped>\d+) skipped, )?(?:(?P<todo>\d+) todo, )?"
            r"(?:(?P<passed>\d+) passed, )?(?:\d+ of )?\d+ total[ \t]*$"
        ),
        _named,
    ),
    _Runner(
        "vitest",
        ("Tests ",),
        _re(
            r"^[ \t]*Tests[ \t]+(?:(\d+ [a-z]+(?: [a-z]+)?(?: \| \d+ [a-z]+(?: [a-z]+)?)*) \(\d+\)|no tests)[ \t]*$"
        ),
        _vitest,
    ),
    _Runner(
        "mocha",
        (" passing (",),
        _re(
            r"^[ \t]*(?P<passed>\d+) passing \(\d+[a-z]+\)[ \t]*$"
            r"(?:\n[ \t]*(?P<skipped>\d+) pending[ \t]*$)?(?:\n[ \t]*(?P<failed>\d+) failing[ \t]*$)?"
        ),
        _named,
    ),
    _Runner(  # one line per test binary and doc-test run; measured benchmarks ran, so they passed
        "cargo-test",
        ("test result: ",),
        _re(
            r"^test result: (?:ok|FAILED)\. (?P<passed>\d+) passed; (?P<failed>\d+) failed;"
            r" (?P<skipped>\d+) ignored; (?P<measured>\d+) measured; \d+ filtered out\b.*$"
        ),
        _named,
        summed=True,
    ),
    _Runner(  # -v only (`=== RUN`): without it go prints `--- FAIL` but never the passes: counts would lie
        "go-test",
        ("=== RUN",),
        _re(rf"^--- (PASS|FAIL|SKIP): \S+ \({_NUM}s\)[ \t]*$"),  # subtests are indented: not counted
        lambda m: _GO_VERDICT[m[1]],
        summed=True,
        requires=_re(r"^=== RUN[ \t]"),
    ),
    _Runner(  # one `Results:` line per module and plugin run (a reactor build is their sum);
        "maven",  # the per-class lines go on (", Time elapsed: …") and do not match
        ("Tests run: ",),
        _re(
            r"^(?:\[(?:INFO|WARNING|ERROR)\] )?Tests run: (?P<total>\d+), Failures: (?P<failed>\d+),"
            r" Errors: (?P<errors>\d+), Skipped: (?P<skipped>\d+)(?:, Flakes: \d+)?[ \t]*$"
        ),
        _named,
        summed=True,
    ),
    _Runner(  # one line per test task that failed (Gradle says nothing about passing ones)
        "gradle",
        (" completed",),
        _re(
            r"^(?P<total>\d+) tests? completed(?:, (?P<failed>\d+) failed)?(?:, (?P<skipped>\d+) skipped)?[ \t]*$"
        ),
        _named,
        summed=True,
    ),
    _Runner(
        "rspec",
        (" example",),
        _re(
            r"^(?P<total>\d+) examples?, (?P<failed>\d+) failures?(?:, (?P<skipped>\d+) pending)?"
            r"(?:, \d+ errors? occurred outside of examples)?[ \t]*$"
        ),
        _named,
    ),
    _Runner(
        "phpunit",
        ("Tests: ", "OK (", "No tests executed!"),
        _re(
            r"^(?:OK \((\d+) tests?, \d+ assertions?\)"
            r"|Tests: (\d+), Assertions: \d+((?:, [A-Z][A-Za-z ]*: \d+)*)\.|No tests executed!)[ \t]*$"
        ),
        _phpunit,
    ),
    _Runner(  # the pretty formatter's line (on a terminal); "not run" tests were never started
        "bats",
        (" failure",),
        _re(
            r"^(?P<total>\d+) tests?, (?P<failed>\d+) failures?(?:, (?P<skipped>\d+) skipped)?"
            r"(?:, (?P<not_run>\d+) not run)?(?: in \d+ seconds?)?[ \t]*$"
        ),
        _named,
    ),
    _Runner(  # bats off a terminal (CI), node --test, prove: top-level test lines, one stream or several
        "tap",
        ("1..",),
        _re(r"^(not )?ok \d+\b[^\n#]*(?:#[ \t]*((?i:skip|todo)))?"),
        _tap,
        summed=True,
        requires=_re(r"^1\.\.\d+\b"),  # `ok 1` lines without a plan are not TAP
    ),
    _Runner(
        "ctest",
        ("% tests passed", "No tests were found"),
        _re(r"^\d+% tests passed, (\d+) tests? failed out of (\d+)[ \t]*$|^No tests were found!!!$"),
        _ctest,
    ),
)

"""Rule 3, the diff guard: an engine's change must be small, leave CI config, secrets and dependencies alone,
hold no binaries and never weaken the tests. Returns one short line per violation.

It judges `changes.changes(repo, candidate)`: git's tree-to-tree diff of the candidate against HEAD, not the
engine's account of its work, so nothing can be hidden by describing it differently; the paths an engine
names (`patch.files`) are checked against the protected globs as well, even when the tree leaves them out
(ignored files).

Weakened tests are found by counting lines, per file, in the removed and the added halves of the diff:
fewer assertion lines, fewer test definitions, or more skip markers after the patch is a violation. In
test files, an assertion rewritten so that only its literals differ (`== 3` became `== 4`) is a changed
expected value, also rejected; formatting (spaces, quote style) and renames within an assertion
(`assertEquals` → `assertEqual`, `== None` → `is None`) pass. These counts are the second line of defence:
the first is `judge.py`, which keeps every model-made change to a test, its data or its configuration
from being pushed at all. Size caps count bytes as well as lines, so one enormous line cannot pass as one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..config import DiffGuardConfig
from ..context import Change
from ..paths import matched_by

PY = (".py", ".pyi")
JS = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts")
GO = (".go",)
JVM = (".java", ".kt", ".kts", ".groovy", ".scala")
RS = (".rs",)
CS = (".cs",)
RB = (".rb",)
BATS = (".bats",)
ANY: tuple[str, ...] = ()  # every file

# What counts as a test file (regex searched in the repo-relative POSIX path). Deleting or renaming one
# drops tests from the run without a single failing line.
TEST_PATHS = (
    r"(^|/)(tests?|__tests__|specs?)/",  # conventional test folders: pytest, Jest, RSpec, Maven's src/test/
    r"(^|/)test_[^/]*\.(py|rb)$",  # pytest and minitest discovery prefix
    r"_(test|spec)\.[A-Za-z0-9]+$",  # foo_test.py, foo_test.go, foo_spec.rb, foo_test.exs, foo_test.dart
    r"(^|/)conftest\.py$",  # pytest fixtures: weakening one weakens every test that uses it
    r"\.(test|spec)\.[cm]?[jt]sx?$",  # Jest/Vitest/Mocha: foo.test.ts, foo.spec.jsx
    r"Tests?\.(java|kt|groovy|scala|cs|swift|php)$",  # JUnit, NUnit/xUnit, XCTest, PHPUnit class names
    r"Spec\.(scala|groovy|kt)$",  # ScalaTest, Spock, Kotest
    r"\.bats$",  # Bats shell tests
)

# Markers that make a test stop running or stop failing. One more of these in a file after the patch is
# a violation, in any file of that language (a conftest or helper can skip tests as well as a test can).
SKIP_MARKERS = (
    (r"\bmark\.(skip|skipif|xfail)\b", PY),  # pytest marks, also `pytestmark = …`, `from pytest import mark`
    (r"\bpytest\.(skip|xfail|importorskip)\s*\(", PY),  # pytest's imperative skip/xfail inside a test
    (r"\bunittest\.(skip\w*|expectedFailure)\b", PY),  # unittest decorators
    (r"^\s*@(skip|skipIf|skipUnless|expectedFailure)\b", PY),  # the same, imported by name
    (r"\.skipTest\s*\(", PY),  # unittest's imperative skip
    (r"\bcollect_ignore(_glob)?\b", PY),  # conftest.py: stops pytest collecting whole files
    (r"\b(it|test|describe|context|suite|specify)\.(skip|todo|only|fails)\b", JS),  # .only skips all others
    (r"\b(xit|xtest|xdescribe|xcontext|xspecify|fit|fdescribe|fcontext)\b", (*JS, *RB)),  # x-skip, f-focus
    (r"\b[tb]\.(Skip|SkipNow|Skipf)\s*\(", GO),  # Go testing
    (r"@(Disabled\w*|Ignore)\b", JVM),  # JUnit 5 / JUnit 4
    (r"\benabled\s*=\s*false\b", JVM),  # TestNG @Test(enabled = false)
    (r"\bassume(True|False|That)\s*\(", JVM),  # a failed assumption skips the test
    (r"#\[ignore\b", RS),  # Rust #[ignore] / #[ignore = "…"]
    (r"\[\s*(Ignore|Explicit)\b", CS),  # NUnit / MSTest
    (r"\bSkip\s*=", CS),  # xUnit [Fact(Skip = "…")]
    (r"^\s*(skip|pending)\b", RB),  # RSpec/minitest imperative skip, RSpec pending
    (r"\b(skip|pending):", RB),  # RSpec metadata: it "…", skip: true
    (r"^\s*skip\b", BATS),  # Bats skip
)

# Assertion lines. Fewer of them in a file after the patch means something stopped being checked.
ASSERTIONS = (
    (r"\b[Aa]ssert(\w*!?\s*\(|\s|\.|$)", ANY),  # assert x, assert(…), assertEqual(, assert_eq!(, Assert.That
    (r"\brefute(_\w+)?\b", RB),  # minitest's negative assertions
    (r"\bexpect\s*[({]", ANY),  # Jest/Vitest/Chai/RSpec expect(…) and expect { … }
    (r"\.[Ss]hould\b", ANY),  # should.js, old RSpec, FluentAssertions .Should()
    (r"\bpytest\.(raises|warns|fail)\s*\(|\bself\.fail\s*\(", PY),  # exception/warning checks, explicit fails
    (r"\b[tb]\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow)\s*\(", GO),  # Go testing's failure calls
    (r"\brequire\.\w+\s*\(", GO),  # testify/require (testify/assert is caught by the first pattern)
    (r"\bfail\s*\(", JVM),  # JUnit/TestNG fail()
)

# Test definitions. Fewer of them in a file after the patch means a test was deleted.
TEST_DEFS = (
    (r"^\s*(async\s+)?def\s+test\w*\s*\(", PY),  # pytest/unittest test functions and methods
    (r"^\s*(it|test|specify)\s*\(", JS),  # Jest/Mocha/Vitest
    (r"^\s*func\s+(Test|Benchmark|Fuzz|Example)\w*\s*\(", GO),  # go test
    (r"@(Test|ParameterizedTest|RepeatedTest|TestFactory)\b", JVM),  # JUnit/TestNG
    (r"#\[(\w+::)?test\b", RS),  # #[test], #[tokio::test]
    (r"\[\s*(Fact|Theory|Test|TestMethod|TestCase)\b", CS),  # xUnit/NUnit/MSTest
    (r"^\s*(it|specify|scenario|test)\s+['\"]|^\s*def\s+test_", RB),  # RSpec, minitest
    (r"^\s*@test\b", BATS),  # Bats
)

_TEST_PATH = re.compile("|".join(TEST_PATHS))
_Table = tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]


def _compile(table: tuple[tuple[str, tuple[str, ...]], ...]) -> _Table:
    return tuple((re.compile(rx), suffixes) for rx, suffixes in table)


_SKIPS, _ASSERTS, _DEFS = _compile(SKIP_MARKERS), _compile(ASSERTIONS), _compile(TEST_DEFS)

# Literals, for telling "expected value changed" from any other edit of an assertion
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NUMBER = re.compile(r"(?<![\w)\].])-?\d[\w.]*")
_CONSTANT = re.compile(r"\b(True|False|None|true|false|nil|null|undefined)\b")


def is_test_file(path: str) -> bool:
    return bool(_TEST_PATH.search(path))


def _count(lines: Sequence[str], table: _Table, path: str) -> int:
    rules = [rx for rx, suffixes in table if not suffixes or path.endswith(suffixes)]
    return sum(1 for line in lines if any(rx.search(line) for rx in rules))


def _has_nul(path: Path) -> bool:
    """git's own binary test (a NUL in the first 8000 bytes), immune to a .gitattributes that says `diff`."""
    if path.is_symlink() or not path.is_file():  # a link is stored as its target's name; a FIFO would block
        return False
    try:
        with path.open("rb") as fh:
            return b"\0" in fh.read(8000)
    except OSError:
        return False


def _literals_changed(change: Change) -> list[str]:
    """Assertions whose only difference after the patch is a literal: the expected value was edited."""
    path = change.path

    def norm(line: str) -> str:
        # spaces only count between two words (`is True`), not around operators or brackets (`x==1`)
        return re.sub(r"\s*([^\w\s])\s*", r"\1", " ".join(line.split())).replace("'", '"')

    def mask(line: str) -> str:
        return _CONSTANT.sub("K", _NUMBER.sub("0", _STRING.sub('""', norm(line))))

    removed = [x for x in change.removed if _count([x], _ASSERTS, path)]
    added = [x for x in change.added if _count([x], _ASSERTS, path)]
    for line in list(removed):  # unchanged assertions (moved, or only reformatted) cancel out
        same = next((a for a in added if norm(a) == norm(line)), None)
        if same is not None:
            removed.remove(line)
            added.remove(same)
    problems = []
    for before in removed:
        after = next((a for a in added if mask(a) == mask(before)), None)
        if after is not None:
            added.remove(after)
            what = f"{before.strip()[:60]} -> {after.strip()[:60]}"
            problems.append(f"assertion's expected value changed in {path}: {what}")
    return problems


def _size(changes: Sequence[Change], config: DiffGuardConfig) -> list[str]:
    problems = []
    lines = sum(len(c.added) + len(c.removed) for c in changes)
    size = sum(c.added_bytes + c.removed_bytes for c in changes)
    if lines > config.max_changed_lines:
        problems.append(f"too many changed lines: {lines} (max {config.max_changed_lines})")
    if size > config.max_changed_bytes:
        problems.append(f"too many changed bytes: {size} (max {config.max_changed_bytes})")
    if len(changes) > config.max_changed_files:
        problems.append(f"too many changed files: {len(changes)} (max {config.max_changed_files})")
    return problems


def _weakened(change: Change) -> list[str]:
    path, problems = change.path, []
    for rule in _SKIPS:
        if _count(change.added, (rule,), path) > _count(change.removed, (rule,), path):
            line = next(x for x in change.added if rule[0].search(x))
            problems.append(f"skip marker added in {path}: {line.strip()[:80]}")
            break  # one line per file is enough to reject it
    for table, what in ((_ASSERTS, "assertion"), (_DEFS, "test definition")):
        before, after = _count(change.removed, table, path), _count(change.added, table, path)
        if after < before:
            problems.append(f"fewer {what}s in {path}: {before} removed, {after} added")
    if is_test_file(path):
        problems.extend(_literals_changed(change))
    return problems


def check(
    repo: Path, changes: Sequence[Change], config: DiffGuardConfig, named: Sequence[str] = ()
) -> list[str]:
    """Every violation of rule 3 in `changes`; [] when the candidate may go on to verify.

    `named` are the paths the engine says it touched: checked against the protected globs too."""
    problems: list[str] = []
    patterns = [*config.protected_paths, *config.extra_protected_paths]
    touched = [p for c in changes for p in (c.old_path, c.path) if p]
    for path in dict.fromkeys([*touched, *named]):
        pattern = matched_by(path, patterns)
        if pattern:
            problems.append(f"protected path changed: {path} (matches {pattern})")
    problems += _size(changes, config)
    for change in changes:
        if change.status != "D" and (change.binary or _has_nul(repo / change.path)):
            problems.append(f"binary file: {change.path}")
        if change.status == "D" and is_test_file(change.path):
            problems.append(f"test file deleted: {change.path}")
        if (
            change.status == "R"
            and change.old_path
            and (is_test_file(change.old_path) or is_test_file(change.path))
        ):
            problems.append(f"test file renamed: {change.old_path} -> {change.path}")
        problems += _weakened(change)
    return problems

"""Rule 3, the diff guard: an engine's change must be small, leave CI config, secrets and dependencies alone,
hold no binaries and never weaken the tests. Returns one short line per violation.

Everything is read from git (working tree against HEAD, renames detected), not from the engine's diff text,
so an engine cannot hide a change by describing it differently; the paths in `patch.files` are checked
against the protected globs as well, even when git does not show them (ignored files).

Weakened tests are found by counting lines, per file, in the removed and the added halves of the diff:
fewer assertion lines, fewer test definitions, or more skip markers after the patch is a violation. In
test files, an assertion rewritten so that only its literals differ (`== 3` became `== 4`) is a changed
expected value, also rejected; formatting (spaces, quote style) and renames within an assertion
(`assertEquals` → `assertEqual`, `== None` → `is None`) pass. An expected value on a continuation line of
the assertion, or an assertion weakened by other means (`assert x == 3` → `assert x`), is only covered by
the counts.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import git
from ..config import DiffGuardConfig
from ..context import Patch

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
_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


@dataclass
class _Lines:
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A protected-path glob as a regex to fullmatch against repo-relative POSIX paths.

    gitignore-like: `**/` any depth, `/**` everything below, `*` and `?` within one segment, `[a-z]`/`[!x]`
    classes. A pattern without a slash (but a trailing one) matches the name at any depth (`.env` protects
    `api/.env`); one with a slash is anchored at the root (`.github/workflows/**` does not match
    `vendor/x/.github/workflows/ci.yml`, which GitHub never reads); a pattern naming a directory covers
    what is inside. No `!` negation, so extra patterns only protect more. Case-sensitive, as git is.
    """
    pat = pattern.strip()
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    out, i = [], 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif pat[i] in "*?":
            out.append("[^/]*" if pat[i] == "*" else "[^/]")
            i += 1
        elif pat[i] == "[" and "]" in pat[i + 2 :]:
            end = pat.index("]", i + 2)
            body = pat[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(pat[i]))
            i += 1
    return re.compile(("" if anchored else "(?:.*/)?") + "".join(out) + "(?:/.*)?", re.DOTALL)


def protected_by(path: str, patterns: list[str]) -> str | None:
    """The first pattern that protects `path`, or None."""
    for pattern in patterns:
        if pattern.strip() and glob_regex(pattern).fullmatch(path):
            return pattern
    return None


def is_test_file(path: str) -> bool:
    return bool(_TEST_PATH.search(path))


def _count(lines: list[str], table: _Table, path: str) -> int:
    rules = [rx for rx, suffixes in table if not suffixes or path.endswith(suffixes)]
    return sum(1 for line in lines if any(rx.search(line) for rx in rules))


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _unquote(name: str) -> str:
    """git C-quotes unusual paths ("a\\"b", octal bytes): the same escapes as Python's escape codec."""
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return _decode(codecs.escape_decode(name[1:-1].encode("utf-8", "surrogateescape"))[0])
    return name


def _header_path(text: str, prefix: str) -> str | None:
    name = _unquote(text.rstrip("\t"))  # git ends a name holding spaces with a tab
    return None if name == "/dev/null" else name.removeprefix(prefix)


def _diff(repo: Path, *args: str) -> bytes:
    # Explicit prefixes and switches: the user's diff.noprefix, mnemonicPrefix, relative, external, textconv
    # and renames settings would otherwise change what is parsed here.
    switches = ("-M", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative")
    prefixes = ("--src-prefix=a/", "--dst-prefix=b/")
    return git.output_bytes(repo, "-c", "core.quotePath=off", "diff", "HEAD", *switches, *prefixes, *args)


def _lines_by_file(repo: Path) -> dict[str, _Lines]:
    """Removed and added lines per file (the new path for renames, the old one for deletions)."""
    files: dict[str, _Lines] = {}
    old: str | None = None
    current: _Lines | None = None
    rows = _decode(_diff(repo, "-U0")).split("\n")
    i = 0
    while i < len(rows):
        row = rows[i]
        i += 1
        if row.startswith("diff --git "):
            old, current = None, None
        elif row.startswith("--- "):
            old = _header_path(row[4:], "a/")
        elif row.startswith("+++ "):
            current = files.setdefault(_header_path(row[4:], "b/") or old or "", _Lines())
        elif current is not None and (hunk := _HUNK.match(row)):
            # the hunk header says how many lines follow: consume exactly those, so a removed line that
            # reads "-- a/x" can never pass for a file header
            todo = {"-": int(hunk[1] or 1), "+": int(hunk[2] or 1)}
            while i < len(rows) and (todo["-"] or todo["+"]):
                body, i = rows[i], i + 1
                if body[:1] in todo and todo[body[:1]]:
                    todo[body[:1]] -= 1
                    (current.removed if body[0] == "-" else current.added).append(body[1:])
                elif not body.startswith("\\"):  # "\ No newline at end of file" sits between the lines
                    break
    return files


def _changes(repo: Path) -> tuple[list[tuple[str, list[str]]], dict[str, tuple[int, int] | None]]:
    """[(status letter, paths)] from --name-status, and {path: (added, deleted) or None if binary}."""
    fields = _decode(_diff(repo, "--name-status", "-z")).split("\0")
    status: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(fields) and fields[i]:
        letter = fields[i][0]
        width = 2 if letter in "RC" else 1
        status.append((letter, fields[i + 1 : i + 1 + width]))
        i += 1 + width
    counts: dict[str, tuple[int, int] | None] = {}
    fields = _decode(_diff(repo, "--numstat", "-z")).split("\0")
    i = 0
    while i < len(fields) and fields[i]:
        added, deleted, path = fields[i].split("\t", 2)
        if not path:  # a rename: the two paths follow as fields of their own
            path, i = fields[i + 2], i + 2
        counts[path] = None if added == "-" else (int(added), int(deleted))
        i += 1
    return status, counts


def _include_untracked(repo: Path) -> None:
    """New files join the diff as intent-to-add, as git.diff_text does, so nothing new goes unchecked."""
    found = _decode(git.output_bytes(repo, "ls-files", "--others", "--exclude-standard", "-z")).split("\0")
    if any(found):
        git.git(repo, "--literal-pathspecs", "add", "--intent-to-add", "--", *[f for f in found if f])


def _has_nul(path: Path) -> bool:
    """git's own binary test (a NUL in the first 8000 bytes), immune to a .gitattributes that says `diff`."""
    if path.is_symlink() or not path.is_file():  # a link is stored as its target's name; a FIFO would block
        return False
    try:
        with path.open("rb") as fh:
            return b"\0" in fh.read(8000)
    except OSError:
        return False


def _literals_changed(lines: _Lines, path: str) -> list[str]:
    """Assertions whose only difference after the patch is a literal: the expected value was edited."""

    def norm(line: str) -> str:
        # spaces only count between two words (`is True`), not around operators or brackets (`x==1`)
        return re.sub(r"\s*([^\w\s])\s*", r"\1", " ".join(line.split())).replace("'", '"')

    def mask(line: str) -> str:
        return _CONSTANT.sub("K", _NUMBER.sub("0", _STRING.sub('""', norm(line))))

    removed = [x for x in lines.removed if _count([x], _ASSERTS, path)]
    added = [x for x in lines.added if _count([x], _ASSERTS, path)]
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


def check(repo: Path, patch: Patch, config: DiffGuardConfig) -> list[str]:
    """Every violation of rule 3 in the working tree's changes against HEAD; [] when the patch may go on."""
    _include_untracked(repo)
    status, counts = _changes(repo)
    problems: list[str] = []

    patterns = [*config.protected_paths, *config.extra_protected_paths]
    touched = [p for _, paths in status for p in paths]
    for path in dict.fromkeys([*touched, *patch.files]):
        pattern = protected_by(path, patterns)
        if pattern:
            problems.append(f"protected path changed: {path} (matches {pattern})")

    lines = sum(sum(c) for c in counts.values() if c)
    if lines > config.max_changed_lines:
        problems.append(f"too many changed lines: {lines} (max {config.max_changed_lines})")
    if len(status) > config.max_changed_files:
        problems.append(f"too many changed files: {len(status)} (max {config.max_changed_files})")

    for letter, paths in status:
        if letter != "D" and (counts.get(paths[-1], (0, 0)) is None or _has_nul(repo / paths[-1])):
            problems.append(f"binary file: {paths[-1]}")
        if letter == "D" and is_test_file(paths[0]):
            problems.append(f"test file deleted: {paths[0]}")
        if letter == "R" and (is_test_file(paths[0]) or is_test_file(paths[1])):
            problems.append(f"test file renamed: {paths[0]} -> {paths[1]}")

    for path, changed in _lines_by_file(repo).items():
        for rule in _SKIPS:
            if _count(changed.added, (rule,), path) > _count(changed.removed, (rule,), path):
                line = next(x for x in changed.added if rule[0].search(x))
                problems.append(f"skip marker added in {path}: {line.strip()[:80]}")
                break  # one line per file is enough to reject it
        for table, what in ((_ASSERTS, "assertion"), (_DEFS, "test definition")):
            before, after = _count(changed.removed, table, path), _count(changed.added, table, path)
            if after < before:
                problems.append(f"fewer {what}s in {path}: {before} removed, {after} added")
        if is_test_file(path):
            problems.extend(_literals_changed(changed, path))
    return problems

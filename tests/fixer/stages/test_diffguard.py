"""Rule 3: the diff guard rejects, in one line each, every change an engine must not make on its own."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from fixer import git
from fixer.config import DiffGuardConfig
from fixer.paths import glob_regex, matched_by
from fixer.stages import changes, tree
from fixer.stages.diffguard import check, is_test_file
from tests.helpers.repos import Repo, make_repo

PYTEST_FILE = "import pytest\n\n\ndef test_add():\n    assert add(1, 2) == 3\n    assert add(0, 0) == 0\n"
START = {
    "app/main.py": "def add(a, b):\n    return a + b\n",
    "app/old.py": "gone = True\n",
    "tests/test_add.py": PYTEST_FILE,
    "tests/helpers.py": "# shared helpers\n",
    "src/calc_test.go": "package calc\n\n// helpers\n",
    "web/button.test.tsx": "// helpers\n",
    "spec/models/user_spec.rb": "# helpers\n",
    "src/test/java/CalcTest.java": "// helpers\n",
    "Calc.Tests/CalcTests.cs": "// helpers\n",
    ".buildkite/pipeline.yml": "steps: []\n",
    "docs/notes.txt": "notes\n",
    "data/blob.dat": "text for now\n",
    ".gitattributes": "*.dat diff\n",  # tells git to diff .dat files as text, whatever their bytes
    ".gitignore": ".env\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, START, branch=None)


def edit(repo: Repo, files: Mapping[str, str | bytes | None]) -> None:
    for rel, content in files.items():
        path = repo.path / rel
        if content is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())


def guard(
    repo: Repo,
    files: Mapping[str, str | bytes | None],
    config: DiffGuardConfig | None = None,
    named: list[str] | None = None,
) -> list[str]:
    """Applies `files` to the working tree as an engine would, then runs the guard on the candidate tree,
    as the loop does (`named`: the paths the engine says it touched)."""
    edit(repo, files)
    found = changes.changes(repo.path, tree.candidate(repo.path))
    return check(repo.path, found, config or DiffGuardConfig(), named or ())


def test_a_small_source_fix_passes(repo: Repo) -> None:
    fixed = {"app/main.py": "def add(a: int, b: int) -> int:\n    return a + b\n", "app/util.py": "X = 1\n"}
    assert guard(repo, fixed) == []


def test_an_untouched_tree_passes(repo: Repo) -> None:
    assert guard(repo, {}) == []


def test_deleting_ordinary_source_passes(repo: Repo) -> None:
    assert guard(repo, {"app/old.py": None}) == []


# --- protected paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        (".gitlab-ci.yml", ".gitlab-ci.yml"),
        (".github/workflows/ci.yml", ".github/workflows/**"),
        (".buildkite/hooks/pre-command", ".buildkite/**"),
        ("sub/package-lock.json", "**/package-lock.json"),
        ("package-lock.json", "**/package-lock.json"),
        ("certs/server.pem", "**/*.pem"),
        ("deploy/secrets/db.txt", "**/secrets/**"),
        ("services/api/.env.production", ".env.*"),
        (".selfheal.yml", ".selfheal.yml"),
        ("pyproject.toml", "**/pyproject.toml"),
        ("requirements-dev.txt", "**/requirements*.txt"),
    ],
)
def test_adding_a_protected_file_is_rejected(repo: Repo, path: str, pattern: str) -> None:
    assert guard(repo, {path: "x: 1\n"}) == [f"protected path changed: {path} (matches {pattern})"]


def test_editing_or_deleting_a_protected_file_is_rejected(repo: Repo) -> None:
    assert guard(repo, {".buildkite/pipeline.yml": "steps: [x]\n"}) == [
        "protected path changed: .buildkite/pipeline.yml (matches .buildkite/**)"
    ]
    git.reset_hard(repo.path)
    assert guard(repo, {".buildkite/pipeline.yml": None}) == [
        "protected path changed: .buildkite/pipeline.yml (matches .buildkite/**)"
    ]


def test_both_sides_of_a_rename_are_protected(repo: Repo) -> None:
    out = guard(repo, {".buildkite/pipeline.yml": None, "ci/pipeline.yml": "steps: []\n"})
    assert out == ["protected path changed: .buildkite/pipeline.yml (matches .buildkite/**)"]
    git.reset_hard(repo.path)
    out = guard(repo, {"docs/notes.txt": None, ".github/workflows/notes.txt": "notes\n"})
    assert out == ["protected path changed: .github/workflows/notes.txt (matches .github/workflows/**)"]


def test_extra_protected_paths_add_to_the_defaults(repo: Repo) -> None:
    config = DiffGuardConfig(extra_protected_paths=["db/migrations/**"])
    out = guard(repo, {"db/migrations/0002.sql": "drop table users;\n"}, config)
    assert out == ["protected path changed: db/migrations/0002.sql (matches db/migrations/**)"]


def test_a_path_the_engine_names_is_checked_even_when_the_candidate_leaves_it_out(repo: Repo) -> None:
    # .env is in .gitignore: the candidate tree has no change there, but the engine wrote it (and verify
    # ran with it)
    out = guard(repo, {".env": "TOKEN=x\n", "app/main.py": "x = 1\n"}, named=[".env", "app/main.py"])
    assert out == ["protected path changed: .env (matches .env)"]
    git.reset_hard(repo.path)
    # a named path is checked even when the tree has no change at all
    assert guard(repo, {}, named=[".github/workflows/ci.yml"]) == [
        "protected path changed: .github/workflows/ci.yml (matches .github/workflows/**)"
    ]


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        (".env", ".env", True),
        (".env", "services/api/.env", True),  # no slash: the name at any depth, as in .gitignore
        (".env", "app/environment.py", False),
        (".env.*", ".envrc", False),
        (".gitlab-ci.yml", ".gitlab-ci.yml.orig", False),
        (".github/workflows/**", "vendor/x/.github/workflows/ci.yml", False),  # a slash anchors at the root
        (".github/workflows/**", "docs/github/workflows.md", False),
        (".gitlab/**", ".gitlab/ci/build.yml", True),
        ("**/*.pem", "server.pem", True),
        ("**/*.pem", "a/b/c/server.pem", True),
        ("**/*.pem", "server.pem.txt", False),
        ("build/", "build/out/app.js", True),  # a directory pattern covers what is inside
        ("src/*.lock", "src/a.lock", True),
        ("src/*.lock", "src/deep/a.lock", False),  # one * stays within a segment
        ("src/**/gen.py", "src/gen.py", True),
        ("src/**/gen.py", "src/a/b/gen.py", True),
        ("data/[!x]*.csv", "data/a.csv", True),
        ("data/[!x]*.csv", "data/x.csv", False),
        ("/ROOT.md", "docs/ROOT.md", False),
        ("/ROOT.md", "ROOT.md", True),
    ],
)
def test_glob_semantics(pattern: str, path: str, matches: bool) -> None:
    assert bool(glob_regex(pattern).fullmatch(path)) is matches
    assert (matched_by(path, [pattern]) == pattern) is matches


def test_globs_ignore_case_only_when_asked() -> None:
    assert matched_by("api/.ENV", [".env"]) is None
    assert matched_by("api/.ENV", [".env"], ignore_case=True) == ".env"
    assert glob_regex("**/*.pem", ignore_case=True).fullmatch("certs/SERVER.PEM")
    assert (
        matched_by("a.py", ["", "  ", "*.txt", "*.py", "a.*"]) == "*.py"
    )  # blanks skipped, first match wins


# --- size caps ----------------------------------------------------------------------------------------


def test_too_many_changed_lines_is_rejected(repo: Repo) -> None:
    config = DiffGuardConfig(max_changed_lines=6)
    six = "".join(f"X{i} = {i}\n" for i in range(6))  # 6 added lines
    assert guard(repo, {"app/new.py": six}, config) == []
    seven = {"app/old.py": None, "app/new.py": six}  # plus one deleted line
    assert guard(repo, seven, config) == ["too many changed lines: 7 (max 6)"]


def test_one_enormous_line_is_caught_by_the_byte_cap(repo: Repo) -> None:
    config = DiffGuardConfig(max_changed_lines=6, max_changed_bytes=1000)
    assert guard(repo, {"app/new.py": "X = '" + "a" * 990 + "'\n"}, config) == []  # 997 bytes + newline
    git.reset_hard(repo.path)
    huge = "X = '" + "a" * 5000 + "'\n"  # one line: the line cap lets it through
    assert guard(repo, {"app/new.py": huge}, config) == ["too many changed bytes: 5007 (max 1000)"]


def test_removed_bytes_count_too(repo: Repo) -> None:
    repo.commit({"app/data.py": "X = '" + "a" * 800 + "'\n"})
    config = DiffGuardConfig(max_changed_bytes=1000)
    assert guard(repo, {"app/data.py": "X = '" + "b" * 800 + "'\n"}, config) == [
        "too many changed bytes: 1614 (max 1000)"
    ]


def test_too_many_changed_files_is_rejected(repo: Repo) -> None:
    config = DiffGuardConfig(max_changed_files=2)
    assert guard(repo, {"a.py": "a = 1\n", "b.py": "b = 1\n"}, config) == []
    assert guard(repo, {"c.py": "c = 1\n"}, config) == ["too many changed files: 3 (max 2)"]


# --- binaries -----------------------------------------------------------------------------------------


def test_a_new_binary_file_is_rejected(repo: Repo) -> None:
    assert guard(repo, {"app/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}) == [
        "binary file: app/logo.png"
    ]


def test_a_binary_file_is_rejected_even_when_gitattributes_diffs_it_as_text(repo: Repo) -> None:
    assert guard(repo, {"data/blob.dat": b"now\x00binary\n"}) == ["binary file: data/blob.dat"]


def test_a_file_gitattributes_calls_binary_is_rejected(repo: Repo) -> None:
    repo.commit({".gitattributes": "*.dat diff\n*.svg binary\n", "assets/icon.svg": "<svg/>\n"})
    assert guard(repo, {"assets/icon.svg": "<svg></svg>\n"}) == ["binary file: assets/icon.svg"]


def test_a_new_binary_the_engine_did_not_name_is_still_found(repo: Repo) -> None:
    # the guard judges the candidate tree, not the engine's account of its work
    assert guard(repo, {"app/blob.bin": b"\x00\x01\x02"}, named=["app/main.py"]) == [
        "binary file: app/blob.bin"
    ]


def test_deleting_a_binary_file_is_not_adding_one(repo: Repo) -> None:
    repo.commit({"app/logo.png": b"\x89PNG\x00\x00".decode("latin-1")})
    assert guard(repo, {"app/logo.png": None}) == []


# --- tests: deleted, renamed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "tests/helpers.py",
        "src/calc_test.go",
        "web/button.test.tsx",
        "spec/models/user_spec.rb",
        "src/test/java/CalcTest.java",
        "Calc.Tests/CalcTests.cs",
    ],
)
def test_deleting_a_test_file_is_rejected(repo: Repo, path: str) -> None:
    assert guard(repo, {path: None}) == [f"test file deleted: {path}"]


def test_renaming_a_test_file_is_rejected(repo: Repo) -> None:
    content = (repo.path / "tests/test_add.py").read_text()
    out = guard(repo, {"tests/test_add.py": None, "tests/test_sum.py": content})
    assert out == ["test file renamed: tests/test_add.py -> tests/test_sum.py"]
    git.reset_hard(repo.path)
    out = guard(repo, {"tests/test_add.py": None, "app/check_add.py": content})  # moved out of the test tree
    assert out == ["test file renamed: tests/test_add.py -> app/check_add.py"]


@pytest.mark.parametrize(
    ("path", "is_test"),
    [
        ("tests/unit/test_x.py", True),
        ("pkg/test_x.py", True),
        ("pkg/x_test.py", True),
        ("pkg/conftest.py", True),
        ("lib/x.spec.ts", True),
        ("lib/__tests__/x.js", True),
        ("app/FooTest.java", True),
        ("ops/x.bats", True),
        ("src/CalcSpec.scala", True),
        ("app/contest.py", False),
        ("app/testing_utils.py", False),
        ("app/latest.js", False),
    ],
)
def test_test_file_recognition(path: str, is_test: bool) -> None:
    assert is_test_file(path) is is_test


# --- tests: skip markers --------------------------------------------------------------------------------

SKIPS = [
    ("tests/test_add.py", "def test_add():", "@pytest.mark.skip(reason='flaky')"),
    ("tests/test_add.py", "def test_add():", "@pytest.mark.xfail"),
    ("tests/test_add.py", "    assert add(1, 2) == 3", "    pytest.skip('later')"),
    ("tests/test_add.py", "    assert add(1, 2) == 3", "    self.skipTest('later')"),
    ("tests/test_add.py", "def test_add():", "@unittest.skip('x')"),
    ("tests/conftest.py", None, "collect_ignore = ['test_add.py']"),
    ("web/a.test.ts", None, "it.skip('adds', () => {})"),
    ("web/a.test.ts", None, "describe.only('adds', () => {})"),
    ("web/a.test.ts", None, "xit('adds', () => {})"),
    ("web/a.test.ts", None, "it.todo('adds')"),
    ("src/calc_test.go", None, '\tt.Skip("later")'),
    ("src/test/java/CalcTest.java", None, "    @Disabled"),
    ("src/lib.rs", None, "#[ignore]"),
    ("Calc.Tests/CalcTests.cs", None, '    [Fact(Skip = "later")]'),
    ("spec/models/user_spec.rb", None, "  it 'saves', skip: true do"),
    ("spec/models/user_spec.rb", None, "    pending"),
    ("tests/test_add.py", "def test_add():", "@skip('x')"),
    ("src/test/java/CalcTest.java", None, "    @Test(enabled = false)"),
    ("src/test/java/CalcTest.java", None, "        assumeTrue(isLinux());"),
    ("Calc.Tests/CalcTests.cs", None, '    [Ignore("later")]'),
    ("tests/calc.bats", None, '  skip "later"'),
]


@pytest.mark.parametrize(("path", "before", "marker"), SKIPS)
def test_adding_a_skip_marker_is_rejected(repo: Repo, path: str, before: str | None, marker: str) -> None:
    old = (repo.path / path).read_text() if (repo.path / path).exists() else ""
    new = old.replace(before, f"{marker}\n{before}") if before else f"{old}{marker}\n"
    out = guard(repo, {path: new})
    assert out == [f"skip marker added in {path}: {marker.strip()}"]


def test_moving_an_existing_skip_marker_is_not_adding_one(repo: Repo) -> None:
    repo.commit({"tests/test_skip.py": "import pytest\n\n\n@pytest.mark.skip\ndef test_a():\n    pass\n"})
    moved = "import pytest\n\n\n@pytest.mark.skip  # moved\ndef test_a():\n    pass\n"
    assert guard(repo, {"tests/test_skip.py": moved}) == []


# --- tests: assertions and test definitions ---------------------------------------------------------------


def test_removing_an_assertion_is_rejected(repo: Repo) -> None:
    weaker = PYTEST_FILE.replace("    assert add(0, 0) == 0\n", "")
    assert guard(repo, {"tests/test_add.py": weaker}) == [
        "fewer assertions in tests/test_add.py: 1 removed, 0 added"
    ]


@pytest.mark.parametrize(
    ("path", "assertion"),
    [
        ("src/calc_test.go", "\trequire.Equal(t, 3, Add(1, 2))"),
        ("src/calc_test.go", '\tt.Errorf("got %d", got)'),
        ("web/button.test.tsx", "  expect(sum(1, 2)).toBe(3);"),
        ("web/button.test.tsx", "  sum(1, 2).should.equal(3);"),
        ("src/test/java/CalcTest.java", "    assertEquals(3, calc.add(1, 2));"),
        ("src/test/java/CalcTest.java", '    fail("unreachable");'),
        (
            "src/lib.rs",
            "        assert_eq!(add(1, 2), 3);",
        ),  # Rust unit tests live in src/: every file counts
        ("tests/test_raise.py", "    with pytest.raises(ValueError):"),
        ("test/calc_test.rb", "    refute_nil calc"),
    ],
)
def test_removing_an_assertion_is_rejected_in_every_language(repo: Repo, path: str, assertion: str) -> None:
    repo.commit({path: f"// start\n{assertion}\n// end\n"})
    assert guard(repo, {path: "// start\n// end\n"}) == [f"fewer assertions in {path}: 1 removed, 0 added"]


@pytest.mark.parametrize(
    ("path", "definition"),
    [
        ("tests/test_more.py", "def test_b():"),
        ("web/button.test.tsx", "it('renders', () => {"),
        ("src/calc_test.go", "func TestAdd(t *testing.T) {"),
        ("src/test/java/CalcTest.java", "    @Test"),
        ("src/lib.rs", "    #[test]"),
        ("Calc.Tests/CalcTests.cs", "    [Fact]"),
        ("spec/models/user_spec.rb", "  it 'saves' do"),
        ("tests/calc.bats", "@test 'adds' {"),
    ],
)
def test_removing_a_test_definition_is_rejected(repo: Repo, path: str, definition: str) -> None:
    repo.commit({path: f"// start\n{definition}\n// end\n"})
    out = guard(repo, {path: "// start\n// end\n"})
    assert out == [f"fewer test definitions in {path}: 1 removed, 0 added"]


@pytest.mark.parametrize(
    "after",
    [
        "    assert add(1, 2) == 4\n",
        "    assert add(1,2)==4\n",  # reformatted in the same edit: still the same assertion
    ],
)
def test_changing_an_expected_value_is_rejected(repo: Repo, after: str) -> None:
    out = guard(repo, {"tests/test_add.py": PYTEST_FILE.replace("    assert add(1, 2) == 3\n", after)})
    changed = f"assert add(1, 2) == 3 -> {after.strip()}"
    assert out == [f"assertion's expected value changed in tests/test_add.py: {changed}"]


def test_changing_an_expected_string_or_flag_is_rejected(repo: Repo) -> None:
    repo.commit({"tests/test_s.py": "def test_s():\n    assert f() == 'ok'\n    assert g() is True\n"})
    out = guard(
        repo, {"tests/test_s.py": "def test_s():\n    assert f() == 'fine'\n    assert g() is False\n"}
    )
    assert len(out) == 2 and all(line.startswith("assertion's expected value changed in") for line in out)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("    assert add(1, 2) == 3\n", "    assert add(1,2)==3\n"),  # formatting
        ("    assert f() == 'ok'\n", '    assert f() == "ok"\n'),  # formatting: quote style
        (
            "    self.assertEquals(add(1, 2), 3)\n",
            "    self.assertEqual(add(1, 2), 3)\n",
        ),  # lint: deprecated alias
        ("    assert add(1, 2) == None\n", "    assert add(1, 2) is None\n"),  # lint: E711
    ],
)
def test_lint_and_format_edits_of_assertions_pass(repo: Repo, before: str, after: str) -> None:
    repo.commit({"tests/test_lint.py": f"def test_a():\n{before}"})
    assert guard(repo, {"tests/test_lint.py": f"def test_a():\n{after}"}) == []


def test_an_expected_value_in_application_code_may_change(repo: Repo) -> None:
    repo.commit({"app/parse.py": "def f(parts):\n    assert len(parts) == 2\n"})
    assert guard(repo, {"app/parse.py": "def f(parts):\n    assert len(parts) == 3\n"}) == []


# --- git's quoting of unusual names ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tests/test with space.py", 'tests/test_"quoted".py', "tests/test_é.py"])
def test_unusual_file_names_are_reported_as_they_are(repo: Repo, name: str) -> None:
    repo.commit({name: PYTEST_FILE})
    out = guard(repo, {name: PYTEST_FILE.replace("def test_add", "@pytest.mark.skip\ndef test_add")})
    assert out == [f"skip marker added in {name}: @pytest.mark.skip"]


def test_an_added_line_that_looks_like_a_file_header_is_still_a_line(repo: Repo) -> None:
    # the hunk holds "+++ b/app/main.py" as an added line: it must not switch the parser to another file
    repo.commit({"tests/test_h.py": "import pytest\n"})
    out = guard(repo, {"tests/test_h.py": "import pytest\n++ b/app/main.py\n@pytest.mark.skip\n"})
    assert out == ["skip marker added in tests/test_h.py: @pytest.mark.skip"]


def test_content_that_is_not_utf8_is_still_read(repo: Repo) -> None:
    repo.commit({"tests/test_latin.py": "# -*- coding: latin-1 -*-\ndef test_a():\n    assert 1\n"})
    latin = "# -*- coding: latin-1 -*-\ndef test_a():\n    assert 'café'\n".encode("latin-1")
    assert guard(repo, {"tests/test_latin.py": latin + b"@pytest.mark.skip\n"}) == [
        "skip marker added in tests/test_latin.py: @pytest.mark.skip"
    ]

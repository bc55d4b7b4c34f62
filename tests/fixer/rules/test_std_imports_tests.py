"""std_imports on NameErrors raised inside tests, as pytest, unittest and pytest's JUnit report them: the
import is added to the test file, unless the name is not a standard-library module or the file binds it
where the test could have meant it."""

from __future__ import annotations

from pathlib import Path

from .realtool import check, junit
from .support import fix, read, repo_with, status

PYTEST = ("python", "-m", "pytest", "-q", "-p", "no:cacheprovider")
TEST_PATHS = 'def test_join():\n    assert os.path.join("a", "b") == "a/b"\n'
FIXED_PATHS = "import os\n\n\n" + TEST_PATHS


def test_pytest_traceback(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"tests/test_paths.py": TEST_PATHS})
    before = check(repo, *PYTEST, "tests")
    assert before.code == 1 and [r.rule for r in before.records] == ["NameError"]
    patch = fix(repo, before.records)
    assert read(repo, "tests/test_paths.py") == FIXED_PATHS
    assert patch is not None and patch.preserving == {"tests/test_paths.py"}  # may touch a test
    assert check(repo, *PYTEST, "tests").code == 0


def test_pytest_without_tracebacks_names_only_the_test(tmp_path: Path) -> None:
    source = "class TestPaths:\n    def test_join(self):\n        assert os.path.join('a') == 'a'\n"
    repo = repo_with(tmp_path, {"tests/test_paths.py": source})
    before = check(repo, *PYTEST, "--tb=no", "-rf", "tests")
    assert [(r.rule, r.line, r.test) for r in before.records] == [
        ("NameError", None, "tests/test_paths.py::TestPaths::test_join")
    ]
    assert fix(repo, before.records) is not None
    assert check(repo, *PYTEST, "tests").code == 0


def test_unittest_traceback(tmp_path: Path) -> None:
    source = (
        "import unittest\n\n\nclass TestMath(unittest.TestCase):\n"
        "    def test_floor(self):\n        self.assertEqual(math.floor(1.5), 1)\n"
    )
    repo = repo_with(tmp_path, {"tests/__init__.py": "", "tests/test_math.py": source})
    command = ("python", "-m", "unittest", "tests.test_math")
    before = check(repo, *command)
    assert [(r.tool, r.rule) for r in before.records] == [("unittest", "NameError")]
    assert fix(repo, before.records) is not None
    assert read(repo, "tests/test_math.py").startswith("import math\nimport unittest\n")
    assert check(repo, *command).code == 0


def test_pytest_junit_report(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"tests/test_paths.py": TEST_PATHS})
    xml = tmp_path / "junit.xml"
    check(repo, *PYTEST, f"--junitxml={xml}", "tests")
    records = junit(repo, xml)
    assert [(r.rule, r.source) for r in records] == [("NameError", "junit")]
    assert fix(repo, records) is not None
    assert read(repo, "tests/test_paths.py") == FIXED_PATHS


def test_a_name_that_is_not_a_standard_library_module_is_not_fixed(tmp_path: Path) -> None:
    source = "def test_load():\n    assert helpers.load() == 1\n"
    repo = repo_with(tmp_path, {"tests/test_load.py": source})
    before = check(repo, *PYTEST, "tests")
    assert [r.rule for r in before.records] == ["NameError"]
    assert fix(repo, before.records) is None
    assert status(repo) == ""


def test_a_class_attribute_of_that_name_is_what_the_test_meant(tmp_path: Path) -> None:
    # `os` here is a stand-in the class holds; `import os` would make the test pass on the real one
    source = (
        "class FakeOs:\n    class path:\n        join = staticmethod(lambda *p: '|'.join(p))\n\n\n"
        "class TestJoin:\n    os = FakeOs()\n\n    def test_join(self):\n"
        "        assert os.path.join('a', 'b') == 'a|b'\n"
    )
    repo = repo_with(tmp_path, {"tests/test_join.py": source})
    before = check(repo, *PYTEST, "tests")
    assert [r.rule for r in before.records] == ["NameError"]
    assert fix(repo, before.records) is None
    assert status(repo) == ""


def test_a_conftest_fixture_of_that_name_is_what_the_test_meant(tmp_path: Path) -> None:
    files = {
        "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef json():\n    return {'dumps': 1}\n",
        "tests/test_data.py": "def test_data():\n    assert json.dumps == 1\n",
    }
    repo = repo_with(tmp_path, files)
    before = check(repo, *PYTEST, "tests")
    assert [r.rule for r in before.records] == ["NameError"]
    assert fix(repo, before.records) is None
    assert status(repo) == ""


def test_a_binding_in_an_unrelated_function_does_not_count(tmp_path: Path) -> None:
    source = "def helper(os):\n    return os\n\n\n" + TEST_PATHS
    repo = repo_with(tmp_path, {"tests/test_paths.py": source})
    before = check(repo, *PYTEST, "tests")
    assert fix(repo, before.records) is not None
    assert check(repo, *PYTEST, "tests").code == 0

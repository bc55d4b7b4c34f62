"""whitespace: what flake8, ruff, pylint and yamllint report about whitespace is fixed on the reported lines,
and never where the whitespace is data (a Python string that spans lines, a YAML block scalar)."""

from __future__ import annotations

from pathlib import Path

from fixer.engines.rules.whitespace import Whitespace

from .realtool import check
from .support import fix, read, record, repo_with, status

DOCSTRING = 'def f():\n    """Two lines \n    of doc."""\n    return 1 \n'  # W291 in the string, W291 in code
YAML_RELAXED = "{extends: default, rules: {document-start: disable}}"


def test_flake8_trailing_whitespace_blank_lines_and_final_newline(tmp_path: Path) -> None:
    files = {"app/a.py": "import os \n\n    \nprint(os.sep)\n\n\n", "app/b.py": "x = 1"}
    repo = repo_with(tmp_path, files)
    before = check(repo, "flake8", "app")
    assert before.rules == ["W291", "W292", "W293", "W391"]
    patch = fix(repo, before.records)  # the whole registry, as the loop runs it
    assert check(repo, "flake8", "app").code == 0
    assert read(repo, "app/a.py") == "import os\n\n\nprint(os.sep)\n"
    assert read(repo, "app/b.py") == "x = 1\n"
    assert patch is not None and patch.preserving == {"app/a.py", "app/b.py"}  # may touch tests
    assert "app/a.py: trailing whitespace removed (W291)" in patch.summary


def test_whitespace_inside_a_multi_line_string_is_data(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"doc.py": DOCSTRING})
    before = check(repo, "flake8", "doc.py")
    assert [r.line for r in before.records] == [2, 4]
    patch = fix(repo, before.records)
    assert read(repo, "doc.py") == DOCSTRING.replace("return 1 \n", "return 1\n")  # the string kept
    assert patch is not None and [r.line for r in check(repo, "flake8", "doc.py").records] == [2]


def test_ruff_whitespace_rules(tmp_path: Path) -> None:
    files = {"a.py": "import os \n\n    \nprint(os.sep)", "doc.py": DOCSTRING}
    repo = repo_with(tmp_path, files)
    before = check(repo, "ruff", "check", "--no-cache", "--select", "W", ".")
    assert before.rules == ["W291", "W291", "W291", "W292", "W293"]
    assert fix(repo, before.records, [Whitespace()]) is not None
    assert read(repo, "a.py") == "import os\n\n\nprint(os.sep)\n"
    after = check(repo, "ruff", "check", "--no-cache", "--select", "W", ".")
    assert [(r.file, r.line) for r in after.records] == [("doc.py", 2)]


def test_pylint_whitespace_messages(tmp_path: Path) -> None:
    files = {"p.py": '"""Doc."""\nimport os \n\n    \nX = os.sep\n\n\n', "q.py": '"""Doc."""\nY = 1'}
    repo = repo_with(tmp_path, files)
    command = ("pylint", "--disable=all", "--enable=C0303,C0304,C0305", "p.py", "q.py")
    before = check(repo, *command)
    assert before.rules == ["C0303", "C0303", "C0304", "C0305"]
    assert fix(repo, before.records, [Whitespace()]) is not None
    assert check(repo, *command).code == 0
    assert read(repo, "p.py") == '"""Doc."""\nimport os\n\n\nX = os.sep\n'


def test_yamllint_trailing_spaces_final_newline_and_blank_lines(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"ci.yaml": "stages:  \n  - build\n\n\n\n\njobs: {}\n\n", "b.yml": "a: 1"})
    command = ("yamllint", "-d", YAML_RELAXED, ".")
    before = check(repo, *command)
    assert before.rules == ["empty-lines", "empty-lines", "new-line-at-end-of-file", "trailing-spaces"]
    assert fix(repo, before.records) is not None
    assert check(repo, *command).code == 0
    assert read(repo, "ci.yaml") == "stages:\n  - build\n\n\njobs: {}\n"
    assert read(repo, "b.yml") == "a: 1\n"


def test_yamllint_crlf_where_it_wants_lf(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.yaml": "key: value\r\nlist:\r\n  - |\r\n    text\r\n"})
    command = ("yamllint", "-d", YAML_RELAXED, "a.yaml")
    before = check(repo, *command)
    assert before.rules == ["new-lines"]
    assert fix(repo, before.records) is not None
    assert (repo / "a.yaml").read_bytes() == b"key: value\nlist:\n  - |\n    text\n"
    assert check(repo, *command).code == 0


def test_a_block_scalars_trailing_spaces_and_kept_blank_lines_are_data(tmp_path: Path) -> None:
    source = "script: |\n  make  \nkept: |+\n  line\n\n\n\nother: 1   \n"
    repo = repo_with(tmp_path, {"a.yaml": source})
    command = ("yamllint", "-d", YAML_RELAXED, "a.yaml")
    before = check(repo, *command)
    assert before.rules == ["empty-lines", "trailing-spaces", "trailing-spaces"]
    patch = fix(repo, before.records, [Whitespace()])
    assert patch is not None and patch.summary == ["a.yaml: trailing whitespace removed (trailing-spaces)"]
    assert read(repo, "a.yaml") == source.replace("other: 1   \n", "other: 1\n")


def test_only_the_files_the_records_name(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "x = 1 \n", "b.py": "y = 2 \n"})
    before = check(repo, "flake8", "a.py")
    assert fix(repo, before.records) is not None
    assert (read(repo, "a.py"), read(repo, "b.py")) == ("x = 1\n", "y = 2 \n")


def test_a_record_whose_line_has_changed_is_left_alone(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "x = 1 \ny = 22  \n"})
    moved = record(tool="flake8", rule="W291", file="a.py", line=2, column=6, message="trailing whitespace")
    assert fix(repo, [moved], [Whitespace()]) is None  # y = 22's whitespace starts at column 7
    no_such_line = moved.model_copy(update={"line": 9, "column": None})
    assert fix(repo, [no_such_line], [Whitespace()]) is None
    assert status(repo) == ""


def test_other_tools_and_file_types_are_not_this_rules(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"README.md": "a line break  \nhere\n", "a.py": "x = 1 \n"})
    markdown = record(tool="flake8", rule="W291", file="README.md", line=1, message="trailing whitespace")
    other = record(tool="eslint", rule="W291", file="a.py", line=1, message="trailing whitespace")
    assert fix(repo, [markdown, other], [Whitespace()]) is None
    assert status(repo) == ""


def test_a_file_that_does_not_parse_is_left_alone(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "def f( \n    return 1\n"})
    before = check(repo, "pycodestyle", "--select", "W", "a.py")
    assert before.rules == ["W291"]
    assert fix(repo, before.records, [Whitespace()]) is None
    assert status(repo) == ""


def test_lines_an_earlier_rule_moved_are_found(tmp_path: Path) -> None:
    # std_imports adds `import os` above: the trailing whitespace is one line further down by then
    repo = repo_with(tmp_path, {"a.py": '"""Doc."""\n\nprint(os.sep)  \n'})
    before = check(repo, "flake8", "a.py")
    assert before.rules == ["F821", "W291"]
    patch = fix(repo, before.records)
    assert read(repo, "a.py") == '"""Doc."""\n\nimport os\n\nprint(os.sep)\n'
    assert patch is not None and len(patch.fixed_fingerprints) == 2

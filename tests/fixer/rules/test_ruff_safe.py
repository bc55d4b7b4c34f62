"""ruff_safe: ruff's own safe fixes, found by asking ruff (its JSON `applicability`), never a list of rules;
a finding whose fix ruff calls unsafe stays open, whatever the project's `unsafe-fixes` setting."""

from __future__ import annotations

from pathlib import Path

from fixer.engines.rules.ruff_safe import RuffSafe, findings

from .realtool import check
from .support import fix, read, record, repo_with, status, tool_env

LINT = ("ruff", "check", "--no-cache", "--output-format", "concise")


def test_safe_fixes_of_any_rule_are_applied(tmp_path: Path) -> None:
    source = "import sys\nimport os\n\nif os.sep == None:\n    print(f'{os.sep}')\n"  # F401, E711, F541
    repo = repo_with(tmp_path, {"app/a.py": source})
    before = check(repo, *LINT, "--select", "F401,E711,F541,UP", "app")
    assert before.rules == ["E711", "F401"]  # F541 does not apply: the f-string has a placeholder
    patch = fix(repo, before.records)  # the whole registry, as the loop runs it
    assert read(repo, "app/a.py") == "import os\n\nif os.sep == None:\n    print(f'{os.sep}')\n"
    assert patch is not None and patch.summary == ["app/a.py: ruff check --fix --select F401 (F401)"]
    assert patch.preserving == {"app/a.py"}  # ruff calls it safe: it may touch a test file
    assert not (repo / ".ruff_cache").exists()
    assert check(repo, *LINT, "--select", "F401,E711", "app").rules == ["E711"]  # unsafe: not ours


def test_records_without_ruffs_fixable_mark_are_asked_about_too(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "x = 1  \nimport os\n"})
    before = check(repo, "ruff", "check", "--no-cache", "--output-format", "pylint", "--select", "I,E,W", ".")
    assert before.rules == ["E402", "W291"] and all(r.fix is None for r in before.records)
    assert fix(repo, before.records, [RuffSafe()]) is not None
    assert read(repo, "a.py") == "x = 1\nimport os\n"  # E402 has no fix at all


def test_an_unsafe_fix_stays_open_even_when_the_project_allows_unsafe_fixes(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.ruff]\nunsafe-fixes = true\n",
        "a.py": "def f():\n    unused = compute()\n    return 1\n",
    }
    repo = repo_with(tmp_path, files)
    before = check(repo, *LINT, "--select", "F841,F821", ".")
    f841 = [r for r in before.records if r.rule == "F841"]
    assert f841 and f841[0].fix is not None  # `[*]`: fixable, as the project configured ruff
    assert fix(repo, before.records) is None
    assert status(repo) == ""


def test_only_the_records_files_are_touched(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "import os\n", "b.py": "import os\n"})
    before = check(repo, *LINT, "--select", "F401", "a.py")
    patch = fix(repo, before.records, [RuffSafe()])
    assert patch is not None and patch.files == ["a.py"]
    assert read(repo, "b.py") == "import os\n"


def test_a_stale_record_is_not_claimed(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "import os\nimport sys\n\nprint(sys)\n"})
    stale = record(tool="ruff", rule="F401", file="a.py", line=2, message="`sys` imported but unused")
    assert fix(repo, [stale], [RuffSafe()]) is None  # ruff finds F401 on line 1, not 2
    assert status(repo) == ""


def test_no_ruff_on_the_path_fixes_nothing(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "import os\n"})
    f401 = record(tool="ruff", rule="F401", file="a.py", line=1, message="`os` imported but unused")
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**tool_env(), "PATH": str(empty)}
    assert fix(repo, [f401], [RuffSafe()], env=env) is None
    assert status(repo) == ""


def test_what_ruff_says_is_read_past_noise_and_kept_inside_the_repository(tmp_path: Path) -> None:
    output = (
        "warning: something about the configuration\n"
        f'[{{"code": "F401", "filename": "{tmp_path}/a.py", "location": {{"row": 1, "column": 8}},'
        ' "fix": {"applicability": "safe"}},'
        ' {"code": "F401", "filename": "/elsewhere/b.py", "location": {"row": 1, "column": 8}, "fix": null}]'
    )
    found = findings(output, tmp_path)
    assert found is not None and [(f.file, f.applicability) for f in found] == [("a.py", "safe")]
    assert findings("ruff crashed", tmp_path) is None

"""std_imports: a missing standard-library import, placed where isort would put it; nothing when unsure."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.report import Record
from fixer.engines.rules.std_imports import StdImports, missing_name

from .support import fix, read, record, repo_with, status

RULES = [StdImports()]


def name_error(file: str, line: int, name: str, tool: str = "python") -> Record:
    return record(
        tool=tool,
        type="compile_error",
        file=file,
        line=line,
        rule="NameError",
        message=f"NameError: name '{name}' is not defined",
    )


def run(tmp_path: Path, source: str, *records: Record, file: str = "app/report.py") -> tuple[str, list[str]]:
    repo = repo_with(tmp_path, {file: source})
    patch = fix(repo, list(records), RULES)
    return read(repo, file), (patch.summary if patch else [])


def test_module_import_after_docstring_with_pep8_spacing(tmp_path: Path) -> None:
    source = '"""Reports."""\n\ndef out(name):\n    return os.path.join("reports", name)\n'
    text, summary = run(tmp_path, source, name_error("app/report.py", 4, "os"))
    assert (
        text == '"""Reports."""\n\nimport os\n\n\ndef out(name):\n    return os.path.join("reports", name)\n'
    )
    assert summary == ["app/report.py: import os (NameError)"]


def test_no_docstring_a_licence_header_stays_on_top(tmp_path: Path) -> None:
    source = "#!/usr/bin/env python3\n# Copyright Example\n\nprint(sys.argv)\n"
    text, _ = run(tmp_path, source, name_error("app/report.py", 4, "sys"))
    assert text == "#!/usr/bin/env python3\n# Copyright Example\n\nimport sys\n\nprint(sys.argv)\n"


def test_sorted_in_among_sorted_stdlib_imports_and_before_third_party(tmp_path: Path) -> None:
    source = "import json\nimport sys\n\nimport yaml\n\nprint(math.pi, json, sys, yaml)\n"
    text, _ = run(tmp_path, source, name_error("app/report.py", 6, "math"))
    assert text == "import json\nimport math\nimport sys\n\nimport yaml\n\nprint(math.pi, json, sys, yaml)\n"


def test_appended_when_the_imports_are_not_sorted(tmp_path: Path) -> None:
    source = "import sys\nimport json\n\nprint(math.pi)\n"
    text, _ = run(tmp_path, source, name_error("app/report.py", 4, "math"))
    assert text == "import sys\nimport json\nimport math\n\nprint(math.pi)\n"


def test_after_future_import_and_before_only_third_party_imports(tmp_path: Path) -> None:
    source = '"""Doc."""\n\nfrom __future__ import annotations\n\nimport yaml\n\nx = re.compile("a")\n'
    text, _ = run(tmp_path, source, name_error("app/report.py", 7, "re"))
    assert text == (
        '"""Doc."""\n\nfrom __future__ import annotations\n\nimport re\n\nimport yaml\n\nx = re.compile("a")\n'
    )


def test_member_merged_into_existing_from_import_sorted_by_type(tmp_path: Path) -> None:
    source = "from typing import TYPE_CHECKING, cast\n\n\ndef f(x: Any) -> None:\n    cast(int, x)\n"
    ruff = record(
        tool="ruff", type="lint", file="app/report.py", line=4, rule="F821", message="Undefined name `Any`"
    )
    text, summary = run(tmp_path, source, ruff)
    assert text.splitlines()[0] == "from typing import TYPE_CHECKING, Any, cast"
    assert summary == ["app/report.py: from typing import Any (F821)"]


def test_member_gets_its_own_from_import_after_plain_imports(tmp_path: Path) -> None:
    source = "import os\n\n\ndef home() -> str:\n    return str(Path(os.sep))\n"
    pyright = record(
        tool="pyright",
        type="type_error",
        file="app/report.py",
        line=5,
        rule="reportUndefinedVariable",
        message='"Path" is not defined',
    )
    text, _ = run(tmp_path, source, pyright)
    assert (
        text == "import os\nfrom pathlib import Path\n\n\ndef home() -> str:\n    return str(Path(os.sep))\n"
    )


def test_two_records_for_one_name_import_it_once_and_both_count_as_fixed(tmp_path: Path) -> None:
    source = "def a():\n    return math.pi\n\n\ndef b():\n    return math.e\n"
    repo = repo_with(tmp_path, {"calc.py": source})
    first, second = name_error("calc.py", 2, "math"), name_error("calc.py", 6, "math")
    second = second.model_copy(update={"fingerprint": "fp-second"})
    patch = fix(repo, [first, second], RULES)
    assert read(repo, "calc.py") == "import math\n\n\n" + source
    assert patch is not None and set(patch.fixed_fingerprints) == {first.fingerprint, "fp-second"}


@pytest.mark.parametrize(
    ("message", "tool", "rule", "name"),
    [
        ("NameError: name 'os' is not defined", "unittest", "NameError", "os"),
        ("NameError: name 'os' is not defined. Did you forget to import 'os'?", "pytest", "NameError", "os"),
        ("undefined name 'json'", "flake8", "F821", "json"),
        ("Undefined name `json`", "ruff", "F821", "json"),
        ('Name "Path" is not defined', "mypy", "name-defined", "Path"),
        ('"Path" is not defined', "pyright", "reportUndefinedVariable", "Path"),
        ("Undefined variable 'Path' (undefined-variable)", "pylint", "E0602", "Path"),
        ("'rate' is not defined", "eslint", "no-undef", None),  # not Python
    ],
)
def test_the_name_is_read_from_every_tool_shape(message: str, tool: str, rule: str, name: str | None) -> None:
    assert missing_name(record(tool=tool, rule=rule, message=message, file="a.py", line=1)) == name


@pytest.mark.parametrize(
    ("source", "line", "name"),
    [
        ("x = datetime.now()\n", 1, "datetime"),  # the module or the class: ambiguous
        ("sleep(1)\n", 1, "sleep"),  # time.sleep or asyncio.sleep
        ("x = helpers.load()\n", 1, "helpers"),  # not the standard library
        ("x = glob('*.py')\n", 1, "glob"),  # used bare: glob.glob, not the module
        ("x = email.strip()\n", 1, "email"),  # a variable: the email module has no strip
        ("x = os.path.join('a')\n", 1, "sys"),  # the line does not mention the name
        ("x = 1\ny = Path('.')\n", 1, "Path"),  # nor here: the record points at another line
        ("import os\n\ndef f():\n    return os.sep\n", 4, "os"),  # already imported: about something else
    ],
)
def test_refuses_what_it_cannot_know(tmp_path: Path, source: str, line: int, name: str) -> None:
    repo = repo_with(tmp_path, {"app/mod.py": source})
    assert fix(repo, [name_error("app/mod.py", line, name)], RULES) is None
    assert read(repo, "app/mod.py") == source
    assert status(repo) == ""


def test_a_project_module_of_the_same_name_wins_over_the_standard_library(tmp_path: Path) -> None:
    files = {"app/mod.py": "x = logging.info\n", "app/logging.py": "info = print\n"}
    repo = repo_with(tmp_path, files)
    assert fix(repo, [name_error("app/mod.py", 1, "logging")], RULES) is None
    assert status(repo) == ""


def test_a_path_outside_the_repository_is_never_edited(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("x = math.pi\n")
    repo = repo_with(tmp_path, {"a.py": "pass\n"})  # the clone is tmp_path/work
    records = [name_error("../outside.py", 1, "math"), name_error(str(outside), 1, "math")]
    assert fix(repo, records, RULES) is None
    assert outside.read_text() == "x = math.pi\n"


def test_record_without_file_or_line_is_left_alone(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "x = math.pi\n"})
    no_file = record(tool="python", rule="NameError", message="NameError: name 'math' is not defined")
    no_line = no_file.model_copy(update={"file": "a.py"})
    assert fix(repo, [no_file, no_line], RULES) is None
    assert status(repo) == ""

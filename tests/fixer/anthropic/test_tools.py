"""The editor tool's confinement to the repository root (rule 5) and its commands, as the model sees them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixer.config import DEFAULT_PROTECTED_PATHS
from fixer.context import VerifyResult
from fixer.engines.anthropic.agent import AnthropicEngine
from fixer.engines.anthropic.tools import EDITOR, VERIFY, Toolbox, ToolResult, definitions
from tests.helpers.anthropic_server import AnthropicServer, edit, message, text
from tests.helpers.repos import Repo

from .conftest import BROKEN, base_env, make_ctx, record, status

OUTSIDE = "outside secret: do not read me\n"


def never_verify() -> VerifyResult:
    raise AssertionError("verify is not part of this test")


@pytest.fixture
def outside(repo: Repo) -> Path:
    """A file next to the repository, and symlinks in the repository pointing at it and its folder."""
    target = repo.tmp / "outside" / "secret.txt"
    target.parent.mkdir()
    target.write_text(OUTSIDE)
    os.symlink(target, repo.path / "escape.txt")
    os.symlink(target.parent, repo.path / "linkdir")
    os.symlink(repo.path / ".gitlab-ci.yml", repo.path / "ci-alias.yml")  # inside, but onto a protected file
    return target


def box(repo: Repo) -> Toolbox:
    return Toolbox(repo.path, list(DEFAULT_PROTECTED_PATHS), never_verify, lambda s: s)


def run(repo: Repo, **data: object) -> ToolResult:
    return box(repo).run(EDITOR, data)


ESCAPES: list[tuple[dict[str, object], str]] = [
    ({"command": "view", "path": "../outside/secret.txt"}, "'..' is not allowed"),
    ({"command": "view", "path": "/etc/passwd"}, "outside the repository root"),
    ({"command": "view", "path": "escape.txt"}, "resolves outside the repository root"),
    ({"command": "view", "path": "linkdir/secret.txt"}, "resolves outside the repository root"),
    ({"command": "view", "path": "linkdir"}, "resolves outside the repository root"),
    (
        {"command": "str_replace", "path": "escape.txt", "old_str": "outside", "new_str": "x"},
        "resolves outside",
    ),
    ({"command": "insert", "path": "escape.txt", "insert_line": 0, "new_str": "x"}, "resolves outside"),
    ({"command": "create", "path": "linkdir/new.py", "file_text": "x = 1\n"}, "resolves outside"),
    ({"command": "create", "path": "../evil.py", "file_text": "x = 1\n"}, "'..' is not allowed"),
    ({"command": "create", "path": "sub/../../evil.py", "file_text": "x = 1\n"}, "'..' is not allowed"),
    ({"command": "view", "path": ".git/config"}, "the .git directory is off limits"),
    (
        {"command": "create", "path": ".git/hooks/pre-commit", "file_text": "x"},
        "the .git directory is off limits",
    ),
    ({"command": "create", "path": "sub/.GIT/x", "file_text": "x"}, "the .git directory is off limits"),
    ({"command": "view", "path": ".gitlab-ci.yml"}, "protected path (matches '.gitlab-ci.yml')"),
    ({"command": "str_replace", "path": "ci-alias.yml", "old_str": "pytest", "new_str": "true"}, "protected"),
    ({"command": "create", "path": "services/api/.env", "file_text": "TOKEN=x\n"}, "protected path"),
    ({"command": "create", "path": "requirements.txt", "file_text": "evil==1\n"}, "protected path"),
    ({"command": "view", "path": ""}, "`path` must be a non-empty string"),
    ({"command": "view"}, "`path` must be a non-empty string"),
]


@pytest.mark.parametrize(
    ("data", "why"), ESCAPES, ids=[f"{d['command']}:{d.get('path')}" for d, _ in ESCAPES]
)
def test_paths_outside_the_root_in_git_or_protected_are_refused(
    repo: Repo, outside: Path, data: dict[str, object], why: str
) -> None:
    result = run(repo, **data)
    assert result.is_error
    assert result.text.startswith("Error: ") and why in result.text
    assert OUTSIDE not in result.text
    assert outside.read_text() == OUTSIDE
    assert not (repo.tmp / "evil.py").exists() and not (outside.parent / "new.py").exists()
    assert (repo.path / ".gitlab-ci.yml").read_text() == "test:\n  script: pytest\n"
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()
    assert set(status(repo).splitlines()) == {"?? ci-alias.yml", "?? escape.txt", "?? linkdir"}


def test_escapes_over_the_wire_come_back_as_error_results(repo: Repo, outside: Path) -> None:
    calls = [edit("view", "../outside/secret.txt"), edit("view", "/etc/passwd"), edit("view", "escape.txt")]
    with AnthropicServer([message(*calls), message(text("No access."))]) as server:
        patch = AnthropicEngine().fix(make_ctx(repo.path, base_env(server.url)))

    results = server.requests[1].tool_results()
    assert [r["is_error"] for r in results] == [True, True, True]
    assert all(OUTSIDE.strip() not in body and "root:" not in body for body in server.bodies)
    assert patch is None  # the model changed nothing (the symlinks were the test's doing)
    assert outside.read_text() == OUTSIDE


def test_an_absolute_path_inside_the_root_is_accepted(repo: Repo) -> None:
    result = run(repo, command="view", path=str(repo.path / "calc.py"), view_range=[5, 5])
    assert result == ToolResult("5:     return a + c")


def test_view_lists_a_directory_two_levels_deep_without_hidden_entries(repo: Repo) -> None:
    (repo.path / "pkg" / "sub" / "deeper").mkdir(parents=True)
    (repo.path / "pkg" / "sub" / "deeper" / "x.py").write_text("")
    (repo.path / "pkg" / "a.py").write_text("")
    result = run(repo, command="view", path=".")
    listed = result.text.splitlines()[1:]
    assert listed == ["calc.py", "pkg/", "pkg/a.py", "pkg/sub/", "tests/", "tests/test_calc.py"]


def test_view_range_and_its_errors(repo: Repo) -> None:
    assert run(repo, command="view", path="calc.py", view_range=[8, -1]).text == (
        "8: def sub(a, b):\n9:     return a - b"
    )
    bad = run(repo, command="view", path="calc.py", view_range=[7, 30])
    assert bad.is_error and "has 9 lines" in bad.text
    assert run(repo, command="view", path="calc.py", view_range="1-3").is_error
    assert run(repo, command="view", path="nope.py").text == "Error: nope.py: no such file"


def test_view_truncates_at_max_characters(repo: Repo) -> None:
    (repo.path / "big.py").write_text("".join(f"x{i} = {i}\n" for i in range(5000)))
    small = Toolbox(repo.path, [], never_verify, lambda s: s, max_characters=500)
    result = small.run(EDITOR, {"command": "view", "path": "big.py"})
    assert len(result.text) < 600
    assert result.text.endswith("[truncated at 500 characters: use view_range to see more]")


def test_str_replace_needs_exactly_one_match(repo: Repo) -> None:
    twice = run(repo, command="str_replace", path="calc.py", old_str="(a, b):", new_str="(a, b, c):")
    assert twice.is_error and "matches 2 times" in twice.text
    none = run(repo, command="str_replace", path="calc.py", old_str="return a * b", new_str="x")
    assert none.is_error and "no match" in none.text
    assert (repo.path / "calc.py").read_text() == BROKEN


def test_str_replace_keeps_a_crlf_file_crlf(repo: Repo) -> None:
    (repo.path / "win.py").write_bytes(b"a = 1\r\nb = 2\r\n")
    result = run(repo, command="str_replace", path="win.py", old_str="a = 1\nb = 2", new_str="a = 1\nb = 3")
    assert not result.is_error
    assert (repo.path / "win.py").read_bytes() == b"a = 1\r\nb = 3\r\n"


def test_insert_after_a_line_and_at_the_top(repo: Repo) -> None:
    assert not run(repo, command="insert", path="calc.py", insert_line=4, new_str="    c = b").is_error
    assert not run(repo, command="insert", path="calc.py", insert_line=0, new_str="# header\n").is_error
    lines = (repo.path / "calc.py").read_text().splitlines()
    assert lines[0] == "# header" and lines[5:7] == ["    c = b", "    return a + c"]
    assert run(repo, command="insert", path="calc.py", insert_line=99, new_str="x").is_error


def test_create_makes_new_files_only(repo: Repo) -> None:
    assert run(repo, command="create", path="pkg/new.py", file_text="x = 1\n") == ToolResult(
        "Created pkg/new.py (1 lines)"
    )
    assert (repo.path / "pkg" / "new.py").read_text() == "x = 1\n"
    again = run(repo, command="create", path="calc.py", file_text="")
    assert again.is_error and "already exists" in again.text
    assert (repo.path / "calc.py").read_text() == BROKEN


def test_binary_files_and_unknown_commands_and_tools_are_errors(repo: Repo) -> None:
    (repo.path / "blob.bin").write_bytes(b"\x00\x01\x02")
    assert "binary file" in run(repo, command="view", path="blob.bin").text
    assert "unknown command 'undo_edit'" in run(repo, command="undo_edit", path="calc.py").text
    result = box(repo).run("bash", {"command": "rm -rf /"})
    assert result.is_error and "unknown tool 'bash'" in result.text


def test_run_verify_reports_the_remaining_records_compactly(repo: Repo) -> None:
    many = [record(line=i, message=f"problem {i}\nsecond line") for i in range(1, 46)]
    outcome = VerifyResult(ok=False, exit_code=1, command=["x"], remaining=many, detail="exit 1")
    tools = Toolbox(repo.path, [], lambda: outcome, lambda s: s)
    lines = tools.run(VERIFY, {}).text.splitlines()
    assert lines[0] == "FAILED (exit 1): 45 error(s) remain:"
    assert lines[1] == "calc.py:1: python [NameError] problem 1 second line"
    assert len(lines) == 1 + 40 + 1 and lines[-1] == "... and 5 more"


def test_run_verify_that_crashes_is_an_error_result(repo: Repo) -> None:
    def broken() -> VerifyResult:
        raise OSError("no such interpreter")

    result = Toolbox(repo.path, [], broken, lambda s: s).run(VERIFY, {})
    assert result == ToolResult("run_verify could not run the check: OSError: no such interpreter", True)


def test_tool_definitions_declare_the_text_editor_and_run_verify() -> None:
    editor, verify = (dict(tool) for tool in definitions())
    assert editor == {"type": "text_editor_20250728", "name": EDITOR, "max_characters": 16_000}
    assert verify["name"] == VERIFY and verify["input_schema"] == {"type": "object", "properties": {}}
    assert verify["cache_control"] == {"type": "ephemeral"}

"""tool_fixers: the real tools' own fixers, scoped to the failing files and rules; reports cannot pick
what runs beyond choosing one of the known fixers."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from emitter.report import Record
from fixer.engines.rules.tool_fixers import ToolFixers, fixer_for

from .support import fix, read, record, repo_with, status, tool_env

RULES = [ToolFixers()]
slow = pytest.mark.slow


def rec(tool: str, file: str, command: list[str] | None = None, **fields: object) -> Record:
    fields.setdefault("type", "format")
    if command is not None:
        fields["fix"] = {"description": " ".join(command[:2]), "command": command}
    return record(tool=tool, file=file, message=f"{tool} says no", **fields)


def test_ruff_check_is_not_run_here(tmp_path: Path) -> None:
    # ruff_safe asks ruff which fixes are safe first (tests/fixer/rules/test_ruff_safe.py)
    command = ["ruff", "check", "--fix", "--select", "F401", "a.py"]
    assert fixer_for(rec("ruff", "a.py", command, type="lint", rule="F401")) is None


def test_ruff_format_black_and_isort_each_fix_their_file(tmp_path: Path) -> None:
    files = {"r.py": "x = {  'a':1 }\n", "b.py": "y = [1,2]\n", "i.py": "import sys\nimport os\n"}
    repo = repo_with(tmp_path, files)
    records = [
        rec("ruff-format", "r.py", ["ruff", "format", "r.py"]),
        rec("black", "b.py"),  # a formatter's record needs no command: the tool name says which
        rec("isort", "i.py", ["isort", "i.py"]),
    ]
    patch = fix(repo, records, RULES)
    assert (read(repo, "r.py"), read(repo, "b.py"), read(repo, "i.py")) == (
        'x = {"a": 1}\n',
        "y = [1, 2]\n",
        "import os\nimport sys\n",
    )
    assert patch is not None and sorted(patch.files) == ["b.py", "i.py", "r.py"]


@slow
def test_prettier_and_eslint_from_the_path(tmp_path: Path) -> None:
    files = {
        "src/p.js": "const a = {b:1}\n",
        "src/e.js": "let total = 1;\nconsole.log(total);\n",
        "eslint.config.mjs": 'export default [{ rules: { "prefer-const": "error" } }];\n',
    }
    repo = repo_with(tmp_path, files)
    records = [
        rec("prettier", "src/p.js", ["prettier", "--write", "src/p.js"]),
        rec("eslint", "src/e.js", ["eslint", "--fix", "src/e.js"], type="lint", rule="prefer-const", line=1),
    ]
    patch = fix(repo, records, RULES)
    assert read(repo, "src/p.js") == "const a = { b: 1 };\n"
    assert read(repo, "src/e.js") == "const total = 1;\nconsole.log(total);\n"
    assert patch is not None and len(patch.fixed_fingerprints) == 2


def test_the_projects_own_node_modules_tool_comes_first(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"src/e.js": "let x = 1;\n", ".gitignore": "node_modules/\n"})
    local = repo / "node_modules" / ".bin" / "eslint"
    local.parent.mkdir(parents=True)
    local.write_text(
        '#!/bin/sh\n# the project pins its own eslint\nfor f; do echo "// local eslint" >> "$f"; done\n'
    )
    local.chmod(local.stat().st_mode | stat.S_IXUSR)
    record_ = rec("eslint", "src/e.js", ["eslint", "--fix", "src/e.js"], type="lint", rule="prefer-const")
    assert fix(repo, [record_], RULES) is not None
    assert read(repo, "src/e.js") == "let x = 1;\n// local eslint\n"


@slow
def test_gofmt(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"main.go": "package main\nfunc main( ) {\n}\n"})
    assert fix(repo, [rec("gofmt", "main.go")], RULES) is not None
    assert read(repo, "main.go") == "package main\n\nfunc main() {\n}\n"


@slow
def test_terraform_fmt(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"infra/main.tf": 'resource "x" "y" {\n  a = 1\n  bbb = 2\n}\n'})
    command = ["terraform", "fmt", "infra/main.tf"]
    assert fix(repo, [rec("terraform", "infra/main.tf", command)], RULES) is not None
    assert read(repo, "infra/main.tf") == 'resource "x" "y" {\n  a   = 1\n  bbb = 2\n}\n'


@slow
def test_cargo_fmt_runs_as_rustfmt_on_the_file_and_never_reaches_other_files(tmp_path: Path) -> None:
    files = {
        "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n',
        "src/lib.rs": "mod child;\npub async fn a( ) -> u8 {   1 }\n",  # async: needs the 2021 edition
        "src/child.rs": "pub fn b( ) {  }\n",  # rustfmt follows `mod child;` into it
    }
    repo = repo_with(tmp_path, files)
    patch = fix(repo, [rec("cargo", "src/lib.rs", ["cargo", "fmt", "--", "--check"])], RULES)
    assert read(repo, "src/lib.rs") == "mod child;\npub async fn a() -> u8 {\n    1\n}\n"
    assert read(repo, "src/child.rs") == files["src/child.rs"]  # not a record's file: put back
    assert patch is not None and patch.files == ["src/lib.rs"]


def test_extra_arguments_in_a_reports_command_never_reach_the_tool(tmp_path: Path) -> None:
    source = "value = some_function_name(first_argument, second_argument)\n"  # 60 chars: fine at 88
    repo = repo_with(tmp_path, {"a.py": source, "evil.toml": "line-length = 20\n"})
    command = ["ruff", "format", "--config", "evil.toml", "--line-length", "20", "a.py"]
    assert fix(repo, [rec("ruff-format", "a.py", command)], RULES) is None  # already formatted at 88
    assert read(repo, "a.py") == source
    assert status(repo) == ""


@pytest.mark.parametrize(
    "command",
    [
        ["sh", "-c", "touch pwned"],
        ["rm", "-rf", "."],
        ["./ruff", "format", "a.py"],  # a path, even one named like a fixer
        ["/usr/bin/env", "black", "a.py"],
        ["ruff", "run-anything", "a.py"],
        ["cargo", "run"],
    ],
)
def test_unknown_commands_are_never_run(tmp_path: Path, command: list[str]) -> None:
    repo = repo_with(tmp_path, {"a.py": "x = {  'a':1 }\n"})
    fake = repo / "ruff"
    fake.write_text("#!/bin/sh\ntouch pwned\n")
    fake.chmod(0o755)
    assert fixer_for(rec("python", "a.py", command)) is None
    assert fix(repo, [rec("python", "a.py", command)], RULES) is None
    assert not (repo / "pwned").exists()
    assert status(repo) == "?? ruff\n"  # only the planted file: nothing ran, nothing changed


def test_linter_records_need_the_linters_own_word_that_they_are_fixable() -> None:
    assert fixer_for(rec("eslint", "a.js", type="lint", rule="no-undef")) is None
    assert fixer_for(rec("ruff", "a.py", type="lint", rule="F821")) is None
    assert fixer_for(rec("prettier", "a.js", type="syntax_error")) is None


def test_a_tool_that_is_not_installed_fixes_nothing(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "x = {  'a':1 }\n"})
    env = tool_env()
    env["PATH"] = str(tmp_path / "empty")  # nothing on PATH
    assert fix(repo, [rec("black", "a.py")], RULES, env=env) is None
    assert status(repo) == ""


def test_files_outside_the_repository_are_never_handed_to_a_tool(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("x = {  'a':1 }\n")
    repo = repo_with(tmp_path, {"a.py": "ok = 1\n"})
    (repo / "link.py").symlink_to(outside)
    records = [rec("black", "../outside.py"), rec("black", str(outside)), rec("black", "link.py")]
    assert fix(repo, records, RULES) is None
    assert outside.read_text() == "x = {  'a':1 }\n"


def test_the_child_gets_the_stripped_environment_not_the_callers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPLOY_TOKEN", "s3cr3t-from-os-environ")
    repo = repo_with(tmp_path, {"src/e.js": "let x = 1;\n", ".gitignore": "node_modules/\n"})
    spy = repo / "node_modules" / ".bin" / "eslint"
    spy.parent.mkdir(parents=True)
    spy.write_text(
        '#!/bin/sh\nfor f; do echo "// ${DEPLOY_TOKEN:-none} ${ANTHROPIC_API_KEY:-none}" >> "$f"; done\n'
    )
    spy.chmod(0o755)
    caller = {**tool_env(), "DEPLOY_TOKEN": "s3cr3t", "ANTHROPIC_API_KEY": "sk-ant-key"}
    stripped = {k: v for k, v in caller.items() if k not in ("DEPLOY_TOKEN", "ANTHROPIC_API_KEY")}
    record_ = rec("eslint", "src/e.js", ["eslint", "--fix", "src/e.js"], type="lint")
    assert fix(repo, [record_], RULES, env=caller, child_env=stripped) is not None
    assert read(repo, "src/e.js") == "let x = 1;\n// none none\n"

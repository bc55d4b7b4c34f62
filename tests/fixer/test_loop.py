"""The loop end to end on real repositories: one outcome per run, verify before push, guards, redaction.

Engines here are small scripted implementations of the Engine protocol, so each test controls exactly
what the "fix" is; the real engines have their own tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer import git
from fixer.context import Attempt
from fixer.engines import FixContext
from tests.helpers.loop_repo import GOOD, TOKEN, Edit, failing_repo, fix
from tests.helpers.repos import make_repo

USELESS = Edit("useless", {"notes.txt": "tried\n"}, "wrote notes")
CI_EDIT = Edit("ci", {"app.py": "value = 'OK'\n", ".gitlab-ci.yml": "test: {script: [true]}\n"})


def test_verified_fix_is_committed_with_trailers_and_pushed_with_a_lease(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    failed = repo.head()
    out = fix(repo, GOOD)
    assert out["outcome"] == "fixed"
    assert out["verify"]["ok"] is True
    new_head = repo.origin_head()
    assert new_head != failed and new_head == out["commit"]
    message = repo.git("log", "-1", "--format=%B", new_head)
    assert "Selfheal-Attempt: 1" in message
    assert "Selfheal-Fingerprints:" in message
    assert repo.git("show", f"{new_head}:app.py") == "value = 'OK'\n"
    assert "-value = BUG\n+value = 'OK'" in out["diff"], "the outcome carries the fix for the note"


def test_unverified_fix_is_never_pushed(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    before = repo.origin_head()
    out = fix(repo, USELESS)
    assert out["outcome"] == "escalated"
    assert repo.origin_head() == before
    assert any("did not verify" in d for d in out["details"])
    assert git.changed_files(repo.path) == [] or set(git.changed_files(repo.path)) <= {
        ".selfheal/outcome.json"
    }


def test_next_engine_gets_its_turn_after_a_failed_one(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    out = fix(repo, USELESS, GOOD)
    assert (out["outcome"], out["engine"]) == ("fixed", "good")


def test_branch_mode_hands_an_unverified_fix_to_a_human(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    before = repo.origin_head()
    out = fix(repo, USELESS, mode="branch")
    assert out["outcome"] == "escalated"
    assert repo.origin_head() == before, "the failing branch itself is untouched"
    ref = str(out["pushed_ref"]).removeprefix("refs/heads/")
    assert ref.startswith("selfheal/") and repo.origin_head(ref) is not None


def test_diff_guard_rejects_ci_config_edits(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    before = repo.origin_head()
    out = fix(repo, CI_EDIT)
    assert out["outcome"] == "escalated"
    assert any(".gitlab-ci.yml" in d for d in out["details"])
    assert repo.origin_head() == before


def test_protected_branch_is_skipped_with_exit_code_4(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path, branch=None)
    out = fix(repo, GOOD)
    assert out["outcome"] == "skipped"
    assert "main" in str(out["reason"])


def test_no_reports_is_a_skip(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"app.py": "x = 1\n"})
    assert fix(repo, GOOD)["outcome"] == "skipped"


def test_out_of_policy_failure_escalates_with_the_diagnosis(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    out = fix(repo, GOOD, fixable=["lint"])
    assert out["outcome"] == "escalated"
    assert any("app.py:1" in d for d in out["details"])


@pytest.mark.parametrize("mode", ["push", "branch", "patch"])
def test_every_mode_ends_in_one_outcome(tmp_path: Path, mode: str) -> None:
    repo = failing_repo(tmp_path)
    out = fix(repo, GOOD, mode=mode)
    assert out["outcome"] == "fixed"
    if mode == "patch":
        assert Path(str(out["patch_file"])).is_file()


def test_a_failed_fix_leaves_the_developers_untracked_files_alone(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    mine = ["my-notes.txt", "[draft] *ideas?.txt", "#scratch", "!important"]
    for name in mine:
        (repo.path / name).write_text("do not lose me\n")
    exclude = repo.path / ".git" / "info" / "exclude"
    before = exclude.read_text() if exclude.exists() else None
    out = fix(repo, USELESS)
    assert out["outcome"] == "escalated"
    for name in mine:
        assert (repo.path / name).read_text() == "do not lose me\n", name
    assert not (repo.path / "notes.txt").exists(), "the engine's own file is removed"
    after = exclude.read_text() if exclude.exists() else None
    assert after is None or all(name not in after for name in mine), "the set-aside is undone"
    assert before is None or after is not None


def test_uncommitted_changes_are_not_mixed_with_a_fix(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    (repo.path / "check.py").write_text((repo.path / "check.py").read_text() + "# work in progress\n")
    out = fix(repo, GOOD)
    assert out["outcome"] == "skipped"
    assert "uncommitted changes" in str(out["reason"])
    assert (repo.path / "check.py").read_text().endswith("# work in progress\n")


def test_a_fix_commits_only_what_the_engine_changed(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    (repo.path / "scratch.txt").write_text("mine\n")
    out = fix(repo, GOOD)
    assert out["outcome"] == "fixed"
    changed = repo.git("show", "--name-only", "--format=", str(out["commit"])).split()
    assert changed == ["app.py"]
    assert (repo.path / "scratch.txt").read_text() == "mine\n"


class Broken:
    name = "broken"

    def available(self, ctx: FixContext) -> str | None:
        return None

    def fix(self, ctx: FixContext) -> Attempt:
        raise RuntimeError(f"engine bug near {TOKEN}")


def test_an_internal_failure_is_still_one_visible_outcome(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    before = repo.origin_head()
    out = fix(repo, Broken(), env={"PATH": "/usr/bin:/bin", "GITHUB_TOKEN": TOKEN})
    assert (out["outcome"], out["internal_error"]) == ("escalated", True)
    assert "RuntimeError" in str(out["reason"]) and TOKEN not in str(out["reason"])
    assert repo.origin_head() == before

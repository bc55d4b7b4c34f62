"""What the remote says now: its default branch, that branch's head and its `.selfheal.yml`, read from the
URL itself and never from refs in the checkout, which an earlier step's code could have moved."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.stages import upstream
from fixer.stages.upstream import MAX_CONFIG_BYTES, Upstream, branch_config, default_branch, read
from tests.helpers.repos import Repo, make_repo, origin_head, run_git

TRUSTED = "max_attempts: 2\n"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"app.py": "x = 1\n", ".selfheal.yml": TRUSTED})


def test_the_default_branch_is_where_the_remotes_head_points(repo: Repo) -> None:
    assert default_branch(repo.path, str(repo.origin)) == "main"
    run_git(repo.origin, "branch", "trunk", "main")
    run_git(repo.origin, "symbolic-ref", "HEAD", "refs/heads/trunk")
    assert default_branch(repo.path, str(repo.origin)) == "trunk"


def test_no_default_branch_from_an_unreachable_remote(repo: Repo, tmp_path: Path) -> None:
    assert default_branch(repo.path, str(tmp_path / "nowhere.git")) is None


def test_the_default_branch_head_and_config_come_from_the_remote(repo: Repo) -> None:
    found = read(repo.path, str(repo.origin), None)
    assert found == Upstream(
        default_branch="main", head=origin_head(repo.origin, "main"), config_text=TRUSTED
    )


def test_local_remote_tracking_refs_are_not_believed(repo: Repo) -> None:
    # The remote's main moves on (this checkout has not fetched it) ...
    newer = repo.push_from_other_clone({".selfheal.yml": "max_attempts: 1\n"}, branch="main")
    # ... and code from an earlier step points the checkout's origin/main at a looser configuration.
    loose = repo.commit({".selfheal.yml": "max_attempts: 10\nmax_commits_per_branch: 50\n"}, "loosen")
    repo.git("update-ref", "refs/remotes/origin/main", loose)
    repo.git("update-ref", "refs/remotes/origin/HEAD", loose)
    found = read(repo.path, str(repo.origin), None)
    assert found.head == newer and found.config_text == "max_attempts: 1\n" and found.problem is None
    # the head is in this checkout now, for the ledger to count from
    assert repo.git("cat-file", "-t", newer).strip() == "commit"


def test_the_checkouts_idea_of_the_default_branch_is_not_believed(repo: Repo) -> None:
    repo.git("update-ref", "refs/remotes/origin/loose", repo.head())
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/loose")
    assert default_branch(repo.path, str(repo.origin)) == "main"
    found = read(repo.path, str(repo.origin), None)
    assert (found.default_branch, found.head) == ("main", origin_head(repo.origin, "main"))


def test_a_known_default_branch_is_read_by_that_name(repo: Repo) -> None:
    release = repo.push_from_other_clone({".selfheal.yml": "max_attempts: 1\n"}, branch="main")
    run_git(repo.origin, "branch", "stable", release)
    repo.push_from_other_clone({".selfheal.yml": "max_attempts: 3\n"}, branch="main")
    found = read(repo.path, str(repo.origin), "stable")
    assert (found.default_branch, found.head, found.config_text) == ("stable", release, "max_attempts: 1\n")


def test_a_default_branch_without_a_config_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"app.py": "x = 1\n"})
    found = read(repo.path, str(repo.origin), None)
    assert found == Upstream(default_branch="main", head=origin_head(repo.origin, "main"))


def test_an_oversized_config_file_is_refused(repo: Repo) -> None:
    huge = "# padding\n" * (MAX_CONFIG_BYTES // 10 + 1)
    head = repo.push_from_other_clone({".selfheal.yml": huge}, branch="main")
    found = read(repo.path, str(repo.origin), None)
    assert found.config_text is None and found.head == head
    assert found.problem == f"main's .selfheal.yml is larger than {MAX_CONFIG_BYTES} bytes"


def test_no_remote_says_so(repo: Repo) -> None:
    assert read(repo.path, None, "main") == Upstream(default_branch="main", problem="no remote")
    assert read(repo.path, None, None) == Upstream(problem="no remote")


def test_an_unreachable_remote_says_what_went_wrong(repo: Repo, tmp_path: Path) -> None:
    nowhere = str(tmp_path / "nowhere.git")
    assert read(repo.path, nowhere, None) == Upstream(problem="the remote's default branch is unknown")
    found = read(repo.path, nowhere, "main")
    assert found.default_branch == "main" and found.head is None and found.config_text is None
    assert found.problem is not None and found.problem.startswith("cannot fetch main: fatal:")


def test_a_default_branch_the_remote_lacks_says_what_went_wrong(repo: Repo) -> None:
    found = read(repo.path, str(repo.origin), "trunk")
    assert (
        found.head is None and found.problem is not None and found.problem.startswith("cannot fetch trunk:")
    )


def test_a_shallow_clone_stays_shallow_and_is_read(repo: Repo, tmp_path: Path) -> None:
    for i in range(3):
        repo.push_from_other_clone({f"f{i}.txt": "x\n"}, branch="main")
    shallow = tmp_path / "shallow"
    run_git(
        tmp_path,
        "clone",
        "--quiet",
        "--depth=1",
        "--branch",
        "feature/x",
        f"file://{repo.origin}",
        str(shallow),
    )
    found = read(shallow, str(repo.origin), None)
    assert found.head is not None and found.head == origin_head(repo.origin, "main")
    assert found.config_text == TRUSTED
    assert run_git(shallow, "rev-parse", "--is-shallow-repository").strip() == "true"
    assert run_git(shallow, "rev-list", "--count", found.head).strip() == "1"  # fetched with --depth=1


def test_the_branchs_own_config_is_read_from_the_commit(repo: Repo) -> None:
    failed = repo.commit({".selfheal.yml": "max_attempts: 1\n"}, "tighten")
    (repo.path / ".selfheal.yml").write_text("max_attempts: 9\n")  # the working tree is not the commit
    assert branch_config(repo.path, failed) == "max_attempts: 1\n"
    assert branch_config(repo.path, repo.git("rev-parse", "HEAD~1").strip()) == TRUSTED


def test_a_branch_without_a_config_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"app.py": "x = 1\n"})
    assert branch_config(repo.path, repo.head()) is None


def test_an_oversized_branch_config_is_not_read(repo: Repo) -> None:
    failed = repo.commit({".selfheal.yml": "max_attempts: 1\n" + "#" * upstream.MAX_CONFIG_BYTES + "\n"})
    text = branch_config(repo.path, failed)
    assert text is not None and "max_attempts" not in text and len(text) < 100

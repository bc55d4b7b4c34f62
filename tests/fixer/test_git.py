"""The git wrappers the guard, ledger, commit and push stages stand on, against real repositories."""

from __future__ import annotations

from pathlib import Path

from fixer import git
from tests.helpers.repos import make_repo, origin_head


def test_resolve_gives_full_sha_or_none(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    assert git.resolve(repo.path, "HEAD") == repo.head()
    assert git.resolve(repo.path, repo.head()[:10]) == repo.head()
    assert git.resolve(repo.path, "0" * 40) is None
    assert git.resolve(repo.path, "no-such-branch") is None
    assert git.resolve(repo.path, "--help") is None  # an option-looking name is a revision, not an option


def test_remote_branch_head_reads_the_remote_not_the_tracking_ref(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    assert git.remote_branch_head(repo.path, "origin", "feature/x") == repo.head()
    moved = repo.push_from_other_clone({"b.txt": "b\n"})
    # no fetch happened: refs/remotes/origin/feature/x still says the old commit, ls-remote does not
    assert git.resolve(repo.path, "refs/remotes/origin/feature/x") == repo.head()
    assert (
        git.remote_branch_head(repo.path, "origin", "feature/x")
        == moved
        == origin_head(repo.origin, "feature/x")
    )
    assert git.remote_branch_head(repo.path, "origin", "gone") is None


def test_remote_branch_head_matches_the_whole_ref_name(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"}, branch="x")
    # ls-remote matches patterns against the tail of ref names: this ref would match "refs/heads/x" too
    other = repo.commit({"c.txt": "c\n"}, "decoy")
    repo.push("team/refs/heads/x")
    repo.git("reset", "--quiet", "--hard", "HEAD~1")
    assert git.remote_branch_head(repo.path, "origin", "x") == repo.head() != other


def test_merge_base(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    main = repo.git("rev-parse", "main").strip()
    repo.commit({"b.txt": "b\n"})
    assert git.merge_base(repo.path, "HEAD", "origin/main") == main
    assert git.merge_base(repo.path, "HEAD", "no-such-ref") is None


def test_trailer_log_reads_only_the_trailer_block(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    mention = repo.commit(
        {"b.txt": "b\n"}, "talks about it\n\nSelfheal-Attempt: 7\n\nbut this paragraph is last"
    )
    tagged = repo.commit({"c.txt": "c\n"}, "real", trailers=[("Selfheal-Attempt", "2"), ("Other", "x")])
    log = git.trailer_log(repo.path, "HEAD", "Selfheal-Attempt", max_count=2)
    assert log == [(tagged, ["2"]), (mention, [])]
    assert git.trailer_log(repo.path, "HEAD", "selfheal-attempt", max_count=1) == [(tagged, ["2"])]


def test_trailer_log_stops_at_exclude(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    base = repo.head()
    repo.commit({"b.txt": "b\n"}, "one", trailers={"Selfheal-Attempt": "1"})
    assert [
        values for _sha, values in git.trailer_log(repo.path, "HEAD", "Selfheal-Attempt", exclude=base)
    ] == [["1"]]


def test_run_keeps_code_and_stderr_and_error_line_finds_the_cause(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    result = git.run(repo.path, "ls-remote", "/nonexistent/repo.git")
    assert result.code != 0
    line = git.error_line(result.stderr)
    assert line.startswith("fatal:") and "/nonexistent/repo.git" in line


def test_output_bytes_keeps_non_utf8_content(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.txt": "a\n"})
    (repo.path / "latin.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    repo.git("add", "latin.txt")
    repo.git("commit", "--quiet", "-m", "latin-1")
    assert b"caf\xe9" in git.output_bytes(repo.path, "show", "HEAD:latin.txt")

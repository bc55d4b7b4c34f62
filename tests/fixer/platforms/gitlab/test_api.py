"""The GitLab REST calls through the real python-gitlab against the loopback GitLab API: what each call
sends, what it makes of GitLab's answers (jobs, traces, commits that really land in a bare origin, notes,
labels, auto-merge, fix merge requests), and that every failure is one readable line."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gitlab
import pytest

from fixer.platforms.gitlab import commits, jobs, merge_requests, notes
from fixer.platforms.gitlab.client import JOB_TOKEN_WRITES, GitLabAPIError, connect
from tests.helpers.gitlab_server import (
    FILE_CHANGED,
    HUMAN,
    JOB_TOKEN,
    MAINTAINER,
    PROJECT,
    TOKEN,
    GitLabServer,
    Reply,
    Request,
    job,
    runner_trace,
)
from tests.helpers.repos import Repo, make_repo, origin_head, run_git

MARKER = "<!-- selfheal:outcome scope=mr-1 -->"
PYTEST_RUN = [
    ("pip install -e .", "Successfully installed app-0.1"),
    ("pytest -q", "F.\nFAILED tests/test_app.py::test_add - assert 3 == 4\n1 failed, 1 passed in 0.02s"),
]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path, {"README.md": "app\n", "src/app.py": "x = 1\n"})


@pytest.fixture
def server(repo: Repo) -> Iterator[GitLabServer]:
    with GitLabServer(origin=repo.origin) as srv:
        srv.add_project()
        yield srv


@pytest.fixture
def gl(server: GitLabServer) -> gitlab.Gitlab:
    return connect(server.url, TOKEN, timeout_s=10)


def sent(server: GitLabServer, method: str, suffix: str) -> list[Request]:
    return [r for r in server.requests if r.method == method and r.path.endswith(suffix)]


# -- the client ------------------------------------------------------------------------------------------


def test_connect_takes_nothing_from_the_environment(
    server: GitLabServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".python-gitlab.cfg").write_text(
        "[global]\ndefault = x\n[x]\nurl = http://127.0.0.1:9\nprivate_token = cfg\n"
    )
    (home / ".netrc").write_text("machine 127.0.0.1 login someone password netrc-secret\n")
    closed = "http://127.0.0.1:9"  # a proxy nobody listens on: using it would fail the call
    for name, value in {
        "HOME": str(home), "HTTP_PROXY": closed, "HTTPS_PROXY": closed, "http_proxy": closed, "NO_PROXY": "",
        "CI_JOB_TOKEN": JOB_TOKEN, "GITLAB_PRIVATE_TOKEN": "env-token", "PYTHON_GITLAB_CFG": str(home / "x.cfg"),
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    server.add_merge_request("feature/x")
    gl = connect(server.url + "/api/v4/", TOKEN)  # CI_API_V4_URL works as well as the server root

    assert merge_requests.find(gl, PROJECT, iid=1) is not None
    (request,) = server.requests
    assert request.headers["private-token"] == TOKEN
    assert "authorization" not in request.headers and "job-token" not in request.headers
    assert request.path == "/api/v4/projects/acme%2Fapp/merge_requests/1"


class Flaky(GitLabServer):
    """Answers the first request of each method with a 502, as a proxy in front of GitLab may."""

    def __init__(self, origin: Path) -> None:
        super().__init__(origin)
        self.failed: set[str] = set()

    def _dispatch(self, request: Request) -> Reply:
        if request.method not in self.failed:
            self.failed.add(request.method)
            return Reply(502, b'{"message":"502 Bad Gateway"}')
        return super()._dispatch(request)


def test_transient_errors_are_retried_only_where_safe(repo: Repo) -> None:
    server = Flaky(repo.origin)
    with server:
        server.add_project()
        server.add_merge_request("feature/x")
        gl = connect(server.url, TOKEN)
        assert merge_requests.find(gl, PROJECT, iid=1) is not None  # a read: retried
        with pytest.raises(GitLabAPIError, match="502"):
            notes.upsert(gl, PROJECT, 1, MARKER, f"hello\n{MARKER}")  # a POST: never sent twice
        assert len(sent(server, "POST", "/notes")) == 1


def test_unreachable_server_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gl = connect(f"http://127.0.0.1:{port}", TOKEN, timeout_s=2)
    with pytest.raises(GitLabAPIError) as caught:
        jobs.failed_jobs(gl, PROJECT, 1)
    assert "connection failed" in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(GitLabAPIError, match="no API token"):
        connect("https://gitlab.example.com", "")


# -- jobs ------------------------------------------------------------------------------------------------


def test_failed_jobs_are_the_latest_runs_that_fail_the_pipeline(
    server: GitLabServer, gl: gitlab.Gitlab
) -> None:
    server.add_pipeline(
        42,
        [
            job("lint", status="failed", retried=True, job_id=101),  # retried: its new run counts
            job("unit", status="failed", job_id=102),
            job("docs", status="failed", allow_failure=True, job_id=103),
            job("build", status="success", job_id=104),
            job("e2e", status="canceled", job_id=105),
            job("lint", status="failed", job_id=106),
            job("flaky", status="failed", retried=True, job_id=107),
            job("flaky", status="success", job_id=108),  # passed on retry: not failed any more
        ],
    )

    found = jobs.failed_jobs(gl, PROJECT, 42)

    assert [(j.id, j.name) for j in found] == [(102, "unit"), (106, "lint")]
    assert found[0] == jobs.Job(102, "unit", "test", "failed", False, f"{server.url}/{PROJECT}/-/jobs/102")
    (request,) = server.requests
    assert request.query["scope[]"] == ["failed"] and "include_retried" not in request.query


def test_failed_jobs_page_through_every_page(server: GitLabServer, gl: gitlab.Gitlab) -> None:
    server.add_pipeline(43, [job(f"shard {n}/150", job_id=2000 + n) for n in range(150)])

    assert len(jobs.failed_jobs(gl, PROJECT, 43)) == 150
    pages = [r.query.get("page", ["1"]) for r in server.requests]
    assert pages == [["1"], ["2"]]


def test_trace_removes_the_runner_framing_and_keeps_colour(server: GitLabServer, gl: gitlab.Gitlab) -> None:
    stamped = runner_trace(PYTEST_RUN, timestamps=True)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z 00O ", stamped)
    server.add_pipeline(
        1, [job("unit", trace=stamped, job_id=7), job("plain", trace=runner_trace(PYTEST_RUN))]
    )

    text = jobs.trace(gl, PROJECT, 7)

    assert text == jobs.clean_trace(runner_trace(PYTEST_RUN))  # the same log without FF_TIMESTAMPS
    assert "section_" not in text and not re.search(r"\d{6}Z 00[OE]", text)
    assert '\x1b[36;1mExecuting "step_script" stage of the job script' in text  # section headers stay
    assert "FAILED tests/test_app.py::test_add - assert 3 == 4\n" in text
    assert "\x1b[31;1mERROR: Job failed: exit code 1" in text  # colour stays for the scanner
    assert text.count("\n") == len(text.splitlines())  # no line lost its end


def test_timestamped_continuations_join_their_own_stream() -> None:
    stamp = "2024-01-01T00:00:00.000000Z"
    raw = (
        f"{stamp} 00O Downloading 10%\r\n"  # flushed at its carriage return: the "\n" is the runner's
        f"{stamp} 00E warning: deprecated\n"  # stderr in between
        f"{stamp} 00O+\rDownloading 100%\n"
        f"{stamp} 00O \x1b[0Ksection_start:1704067200:build[collapsed=true]\r\x1b[0K\n"
        f"{stamp} 00O+\x1b[0K\x1b[36;1mBuilding\x1b[0;m\n"
        f"{stamp} 00O src/app.c:3:1: error: expected ';'\n"
        "a line the runner did not stamp\n"
    )

    assert jobs.clean_trace(raw) == (
        "Downloading 10%\rDownloading 100%\n"
        "warning: deprecated\n"
        "\x1b[0K\x1b[36;1mBuilding\x1b[0;m\n"
        "src/app.c:3:1: error: expected ';'\n"
        "a line the runner did not stamp\n"
    )


def test_only_real_section_markers_are_removed() -> None:
    raw = (
        "\x1b[0Ksection_start:1700000000:step_script[hide_duration=true, collapsed=true]\r\x1b[0K"
        '\x1b[0K\x1b[36;1mExecuting "step_script"\x1b[0;m\n'
        "echo section_start:1:fake\n"  # echoed text, no \r\e[0K: GitLab does not fold it, neither do we
        "\x1b[0Ksection_end:1700000001:step_script\r\x1b[0K\x1b[0Ksection_start:1700000001:after.v2\r\x1b[0K\n"
        "done\r\n"
    )

    assert jobs.clean_trace(raw) == (
        '\x1b[0K\x1b[36;1mExecuting "step_script"\x1b[0;m\necho section_start:1:fake\ndone\n'
    )


def test_a_trace_over_the_cap_keeps_its_end(server: GitLabServer, gl: gitlab.Gitlab) -> None:
    lines = [f"line {n:06d} {'x' * 40}" for n in range(5000)]
    server.add_pipeline(1, [job("big", trace="\n".join(lines) + "\nERROR: the real error\n", job_id=9)])

    text = jobs.trace(gl, PROJECT, 9, max_bytes=4096)

    assert text.endswith("ERROR: the real error\n")
    assert len(text.encode()) <= 4096
    assert text.splitlines()[0] in lines  # the partial first line was dropped, whole lines remain


def test_trace_is_read_from_a_file_at_request_time(
    server: GitLabServer, gl: gitlab.Gitlab, tmp_path: Path
) -> None:
    log = tmp_path / ".gitlab-ci-local" / "output" / "unit.log"
    server.add_pipeline(1, [job("unit", trace=log, job_id=11)])
    log.parent.mkdir(parents=True)
    log.write_text("\x1b[32m$ make test\x1b[39m\nmake: *** [test] Error 1\n")

    text = jobs.trace(gl, PROJECT, 11)

    assert text.endswith("make: *** [test] Error 1\n")
    assert jobs.script_of(text) == ["make test"]  # gitlab-ci-local's log: no runner framing at all


@pytest.mark.parametrize("timestamps", [False, True])
def test_script_of_is_the_step_script_commands(timestamps: bool) -> None:
    commands = [("export PIP_NO_INPUT=1", ""), *PYTEST_RUN]
    raw = runner_trace(commands, timestamps=timestamps)

    expected = ["export PIP_NO_INPUT=1", "pip install -e .", "pytest -q"]  # not get_sources' `$ eval …`
    assert jobs.script_of(raw) == expected
    assert jobs.script_of(jobs.clean_trace(raw)) == expected


def test_script_of_needs_every_command_whole() -> None:
    multi = ('for f in a b; do\n  echo "$f"\ndone', "a\nb")

    assert jobs.script_of(runner_trace([multi, ("make", "")])) == []  # echoed as its first line only
    whole = runner_trace([multi, ("make", "")], script_sections=True, timestamps=True)
    assert jobs.script_of(whole) == [multi[0], "make"]
    assert jobs.script_of(jobs.clean_trace(whole)) == [multi[0], "make"]
    cut = jobs.clean_trace(runner_trace(PYTEST_RUN)[-200:], truncated=True)
    assert jobs.script_of(cut) == []  # the start of the script was cut off


def test_retry_gives_the_new_job(server: GitLabServer, gl: gitlab.Gitlab) -> None:
    server.add_pipeline(1, [job("unit", job_id=21)])

    new = jobs.retry(gl, PROJECT, 21)

    assert new != 21 and server.find_job(new)["status"] == "pending"
    assert [j.id for j in jobs.failed_jobs(gl, PROJECT, 1)] == []  # the old run is superseded
    with pytest.raises(
        GitLabAPIError, match="403 while retrying job 21: 403 Forbidden - Job is not retryable"
    ):
        jobs.retry(gl, PROJECT, 21)


# -- commits ---------------------------------------------------------------------------------------------


def _fix_commit(repo: Repo) -> tuple[str, str]:
    (repo.path / "gone.txt").write_text("bye\n")
    (repo.path / "old_name.txt").write_text("same content\n" * 20)
    (repo.path / "run.sh").write_text("#!/bin/sh\necho run\n")
    repo.git("add", "-A")
    repo.git("commit", "--quiet", "--no-verify", "-m", "files to fix")
    repo.push()
    base = repo.head()
    (repo.path / "src/app.py").write_text("x = 2\n")
    (repo.path / "gone.txt").unlink()
    repo.git("mv", "old_name.txt", "new_name.txt")
    (repo.path / "run.sh").chmod(0o755)
    (repo.path / "data.bin").write_bytes(bytes(range(256)) + b"\xff\xfe\x00binary")
    (repo.path / "tool.sh").write_text("#!/bin/sh\n")
    (repo.path / "tool.sh").chmod(0o755)
    repo.git("add", "-A")
    repo.git("commit", "--quiet", "--no-verify", "-m", "selfheal: fix\n\nSelfheal-Attempt: 1\n")
    return base, repo.head()


def test_actions_for_a_fix_commit(repo: Repo) -> None:
    base, sha = _fix_commit(repo)

    actions = commits.actions_for(repo.path, base, sha)

    shapes = [
        (a["action"], a["file_path"], a.get("previous_path"), a.get("execute_filemode")) for a in actions
    ]
    assert shapes == [
        ("delete", "gone.txt", None, None),
        ("move", "new_name.txt", "old_name.txt", None),
        ("update", "src/app.py", None, None),
        ("create", "data.bin", None, None),
        ("create", "tool.sh", None, None),
        ("chmod", "run.sh", None, True),
        ("chmod", "tool.sh", None, True),
    ]
    assert "content" not in actions[1]  # a pure rename keeps its content
    assert all(a["encoding"] == "base64" for a in actions if "content" in a)


def test_commit_lands_in_the_origin_exactly(repo: Repo, server: GitLabServer, gl: gitlab.Gitlab) -> None:
    base, sha = _fix_commit(repo)
    message = repo.git("log", "-1", "--format=%B", sha)
    actions = commits.actions_for(repo.path, base, sha)

    new = commits.create_commit(
        gl, PROJECT, "feature/x", message, actions, base, ("Fix Bot", "bot@example.com")
    )

    assert origin_head(repo.origin, "feature/x") == new
    tree = run_git(repo.origin, "rev-parse", f"{new}^{{tree}}").strip()
    assert tree == repo.git("rev-parse", f"{sha}^{{tree}}").strip()  # every byte and every mode
    assert (
        run_git(repo.origin, "log", "-1", "--format=%P|%an|%ae|%B", new)
        == f"{base}|Fix Bot|bot@example.com|{message}\n"
    )
    (post,) = sent(server, "POST", "/repository/commits")
    guarded = {a["file_path"]: a.get("last_commit_id") for a in post.body["actions"]}
    assert guarded["src/app.py"] == guarded["gone.txt"] == guarded["new_name.txt"] == base
    assert (
        guarded["data.bin"] is None and guarded["run.sh"] is None
    )  # GitLab checks it for update/move/delete
    assert "last_commit_id" not in post.body  # not a GitLab parameter: GitLab would ignore it


def test_commit_refused_when_the_branch_moved(repo: Repo, server: GitLabServer, gl: gitlab.Gitlab) -> None:
    base, sha = _fix_commit(repo)
    actions = commits.actions_for(repo.path, base, sha)
    theirs = repo.push_from_other_clone({"other.txt": "someone else\n"})

    with pytest.raises(commits.BranchMoved) as caught:
        commits.create_commit(gl, PROJECT, "feature/x", "fix", actions, base)

    assert (caught.value.expected, caught.value.found, caught.value.landed) == (base, theirs, None)
    assert origin_head(repo.origin, "feature/x") == theirs
    assert sent(server, "POST", "/repository/commits") == []


class Racing(GitLabServer):
    """Someone pushes between selfheal's branch check and its commit."""

    def __init__(self, repo: Repo, push: dict[str, str | None]) -> None:
        super().__init__(repo.origin)
        self.repo, self.push, self.pushed = repo, push, ""

    def _commit(self, request: Request, caller: Any, project: dict[str, Any]) -> Reply:
        self.pushed = self.repo.push_from_other_clone(self.push)
        return super()._commit(request, caller, project)


def test_a_push_racing_the_commit_on_the_same_file_is_refused(repo: Repo) -> None:
    base = repo.head()
    sha = repo.commit({"src/app.py": "x = 2\n"}, "fix")
    server = Racing(repo, {"src/app.py": "x = 3\n"})
    with server:
        server.add_project()
        gl = connect(server.url, TOKEN)
        with pytest.raises(commits.BranchMoved) as caught:
            commits.create_commit(
                gl, PROJECT, "feature/x", "fix", commits.actions_for(repo.path, base, sha), base
            )

    assert caught.value.found == server.pushed and caught.value.landed is None
    assert origin_head(repo.origin, "feature/x") == server.pushed


def test_a_push_racing_the_commit_elsewhere_is_reported_landed(repo: Repo) -> None:
    base = repo.head()
    sha = repo.commit({"src/app.py": "x = 2\n"}, "fix")
    server = Racing(repo, {"README.md": "theirs\n"})
    with server:
        server.add_project()
        gl = connect(server.url, TOKEN)
        with pytest.raises(commits.BranchMoved) as caught:
            commits.create_commit(
                gl, PROJECT, "feature/x", "fix", commits.actions_for(repo.path, base, sha), base
            )

    assert caught.value.landed == origin_head(repo.origin, "feature/x")
    assert caught.value.found == server.pushed
    assert "landed on top of" in str(caught.value)


def test_the_server_checks_last_commit_id_per_file_as_gitlab(
    repo: Repo, server: GitLabServer, gl: gitlab.Gitlab
) -> None:
    base = repo.head()
    repo.push_from_other_clone({"src/app.py": "x = 3\n"})
    project = gl.projects.get(PROJECT, lazy=True)
    update = {"action": "update", "file_path": "src/app.py", "content": "x = 2\n", "last_commit_id": base}

    with pytest.raises(gitlab.exceptions.GitlabCreateError) as caught:
        project.commits.create({"branch": "feature/x", "commit_message": "fix", "actions": [update]})
    assert caught.value.response_code == 400
    assert caught.value.error_message == FILE_CHANGED.format(path="src/app.py")
    readme = {"action": "update", "file_path": "README.md", "content": "new\n", "last_commit_id": base}
    project.commits.create(
        {"branch": "feature/x", "commit_message": "ok", "actions": [readme]}
    )  # untouched file


def test_a_review_branch_is_created_from_the_failed_commit_once(
    repo: Repo, server: GitLabServer, gl: gitlab.Gitlab
) -> None:
    base = repo.head()
    sha = repo.commit({"src/app.py": "x = 2\n"}, "fix")
    actions = commits.actions_for(repo.path, base, sha)

    new = commits.create_commit(gl, PROJECT, "selfheal/feature/x-abc1234", "fix", actions, base, start=True)

    assert origin_head(repo.origin, "selfheal/feature/x-abc1234") == new
    assert origin_head(repo.origin, "feature/x") == base
    with pytest.raises(commits.BranchMoved, match="already exists"):
        commits.create_commit(gl, PROJECT, "selfheal/feature/x-abc1234", "fix", actions, base, start=True)


def test_a_protected_branch_says_what_the_token_lacks(
    repo: Repo, server: GitLabServer, gl: gitlab.Gitlab
) -> None:
    base = repo.origin_head("main") or ""
    actions = [{"action": "update", "file_path": "README.md", "content": "x\n"}]

    with pytest.raises(GitLabAPIError) as caught:
        commits.create_commit(gl, PROJECT, "main", "fix", actions, base)

    assert str(caught.value) == (
        "GitLab API 403 while creating a commit on main: 403 Forbidden - You are not allowed to push into this "
        "branch (the branch is protected: let Developers push to it, or give the token the Maintainer role)"
    )


def test_symbolic_links_cannot_go_through_the_api(repo: Repo) -> None:
    base = repo.head()
    os.symlink("README.md", repo.path / "link")
    repo.git("add", "link")
    repo.git("commit", "--quiet", "--no-verify", "-m", "link")

    with pytest.raises(commits.UnsupportedChange, match="link: a symbolic link"):
        commits.actions_for(repo.path, base, repo.head())


# -- merge requests and notes ----------------------------------------------------------------------------


def test_notes_upsert_edits_its_one_note(server: GitLabServer, gl: gitlab.Gitlab) -> None:
    server.add_merge_request("feature/x")
    server.add_note(1, f"> quoting the bot\n> {MARKER}")  # a human's note holding the marker: not ours
    server.add_note(1, "added 1 commit", system=True)
    for n in range(120):  # our note lands on the second page
        server.add_note(1, f"review comment {n}")

    first = notes.upsert(gl, PROJECT, 1, MARKER, f"### attempt 1\n{MARKER}")
    second = notes.upsert(gl, PROJECT, 1, MARKER, f"### attempt 2\n{MARKER}")

    assert first == second
    ours = [
        n
        for n in server.merge_request(1)["notes"]
        if MARKER in n["body"] and n["author"]["id"] != HUMAN["id"]
    ]
    assert [n["body"] for n in ours] == [f"### attempt 2\n{MARKER}"]
    assert len(sent(server, "POST", "/notes")) == 1
    (put,) = sent(server, "PUT", f"/notes/{first}")
    assert put.body == {"body": f"### attempt 2\n{MARKER}"}
    assert any(r.query.get("page") == ["2"] for r in sent(server, "GET", "/notes"))
    with pytest.raises(ValueError, match="marker"):
        notes.upsert(gl, PROJECT, 1, MARKER, "a body without its marker")


def test_labels_are_added_and_removed_leaving_others(server: GitLabServer, gl: gitlab.Gitlab) -> None:
    server.add_merge_request("feature/x", labels=["backend", "selfheal::needs-human"])

    labels = merge_requests.set_labels(
        gl, PROJECT, 1, add=["selfheal::fixing"], remove=["selfheal::needs-human"]
    )

    assert labels == ["backend", "selfheal::fixing"] == server.merge_request(1)["labels"]
    (put,) = sent(server, "PUT", "/merge_requests/1")
    assert put.body == {"add_labels": "selfheal::fixing", "remove_labels": "selfheal::needs-human"}


def test_auto_merge_is_turned_off_once(server: GitLabServer, gl: gitlab.Gitlab) -> None:
    server.add_merge_request("feature/x", auto_merge=True)
    mr = merge_requests.find(gl, PROJECT, iid=1)
    assert mr is not None and merge_requests.auto_merge_on(mr)

    assert merge_requests.cancel_auto_merge(gl, PROJECT, 1) is True
    assert merge_requests.cancel_auto_merge(gl, PROJECT, 1) is False  # GitLab's 405: it was off already

    after = merge_requests.find(gl, PROJECT, iid=1)
    assert after is not None and not merge_requests.auto_merge_on(after)
    assert [n["body"] for n in server.merge_request(1)["notes"] if n["system"]] == [
        "canceled the automatic merge"
    ]


def test_find_by_branch_skips_forks_and_closed_ones(server: GitLabServer, gl: gitlab.Gitlab) -> None:
    server.add_merge_request("feature/x", state="closed")
    server.add_merge_request("feature/x", title="ours")
    server.add_merge_request("feature/x", title="from a fork", source_project_id=99)

    found = merge_requests.find(gl, PROJECT, source_branch="feature/x")

    assert found is not None and found.attributes["title"] == "ours"
    assert merge_requests.find(gl, PROJECT, source_branch="nope") is None
    assert merge_requests.find(gl, PROJECT, iid=404) is None


def test_open_or_update_keeps_one_fix_merge_request(server: GitLabServer, gl: gitlab.Gitlab) -> None:
    url = merge_requests.open_or_update(
        gl, PROJECT, "selfheal/feature/x", "feature/x", "selfheal: fix", "one"
    )
    again = merge_requests.open_or_update(
        gl, PROJECT, "selfheal/feature/x", "feature/x", "selfheal: fix 2", "two"
    )

    assert url == again == f"{server.url}/{PROJECT}/-/merge_requests/1"
    assert list(server.project()["merge_requests"]) == [1]
    assert (server.merge_request(1)["title"], server.merge_request(1)["description"]) == (
        "selfheal: fix 2",
        "two",
    )
    assert (
        len(sent(server, "POST", "/merge_requests")) == 1
        and len(sent(server, "PUT", "/merge_requests/1")) == 1
    )


# -- tokens ----------------------------------------------------------------------------------------------


def test_a_job_token_is_explained_in_one_line(repo: Repo, server: GitLabServer) -> None:
    server.add_merge_request("feature/x")
    server.add_pipeline(1, [job("unit", job_id=31)])
    gl = connect(server.url, JOB_TOKEN)  # told by its glcbt- prefix

    for call in (
        lambda: notes.upsert(gl, PROJECT, 1, MARKER, MARKER),
        lambda: jobs.retry(gl, PROJECT, 31),
        lambda: commits.create_commit(gl, PROJECT, "feature/x", "fix", [{"action": "delete", "file_path": "x"}], repo.head()),
    ):  # fmt: skip
        with pytest.raises(GitLabAPIError) as caught:
            call()
        text = str(caught.value)
        assert text.startswith(JOB_TOKEN_WRITES + " (GitLab API 401 while ")
        assert text.endswith(": 401 Unauthorized)") and "\n" not in text and JOB_TOKEN not in text
    assert all(r.headers.get("job-token") == JOB_TOKEN for r in server.requests)
    with pytest.raises(GitLabAPIError) as caught:
        jobs.retry(connect(server.url, "plain-job-token", job_token=True), PROJECT, 31)
    assert str(caught.value).startswith(JOB_TOKEN_WRITES)
    with pytest.raises(
        GitLabAPIError, match=r"^CI_JOB_TOKEN cannot read merge requests, pipelines or job logs"
    ):
        jobs.failed_jobs(gl, PROJECT, 1)


def test_no_token_and_a_read_only_token(repo: Repo) -> None:
    with GitLabServer(origin=repo.origin, tokens={TOKEN: ["read_api"]}, roles={TOKEN: MAINTAINER}) as server:
        server.add_project()
        server.add_merge_request("feature/x")
        anonymous = gitlab.Gitlab(server.url)
        with pytest.raises(GitLabAPIError) as caught:
            merge_requests.find(anonymous, PROJECT, iid=1)
        assert str(caught.value) == (
            "GitLab API 401 while reading merge request !1: 401 Unauthorized "
            "(the token is not valid: expired, revoked or mistyped)"
        )
        bearer = gitlab.Gitlab(server.url, oauth_token=TOKEN)  # `Authorization: Bearer` works as well
        assert bearer.projects.get(1).attributes["path_with_namespace"] == PROJECT
        assert server.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"
        reader = connect(server.url, TOKEN)
        assert merge_requests.find(reader, PROJECT, iid=1) is not None
        with pytest.raises(
            GitLabAPIError,
            match=r"403 while labelling !1: insufficient_scope \(the token needs the api scope\)",
        ):
            merge_requests.set_labels(reader, PROJECT, 1, add=["selfheal::fixing"])

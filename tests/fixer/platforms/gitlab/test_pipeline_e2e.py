"""Real GitLab pipelines on this machine: gitlab-ci-local runs a sample project whose `.gitlab-ci.yml`
includes the component locally; its fix job runs the real `selfheal fix --platform gitlab` against a
loopback GitLab API (python-gitlab on the wire) that writes commits into the project's bare origin.

A failing job → the fix job commits a verified fix to the origin and leaves one note on the merge request;
a passing pipeline → no fix job; an `allow_failure` job → no fix job; attempts exhausted → nothing pushed,
the note says so; no report and no token → a clear skip; a job that was not wrapped → its trace is parsed
and fixed, in the same commit.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import gitlab_ci_local
from tests.helpers.gitlab_server import PROJECT, TOKEN, GitLabServer, job
from tests.helpers.repos import Repo, make_repo

pytestmark = pytest.mark.skipif(
    bool(gitlab_ci_local.unavailable()), reason=str(gitlab_ci_local.unavailable())
)

ROOT = Path(__file__).resolve().parents[4]
VENV_BIN = str(Path(sys.executable).parent)
HEADER = """include:
  - local: templates/selfheal.yml
    inputs:
      engine: rules
stages: [test]
"""
UNIT = """unit:
  extends: .selfheal
  stage: test
  script:
    - selfheal run --task unit -- python check_app.py
"""
CONFIG = """config:
  stage: test
  script:
    - yamllint config.yml
"""
FILES = {
    "app.py": "print(math.pi)\n",
    "check_app.py": "import runpy\nrunpy.run_path('app.py')\n",
    "config.yml": "---\nshop:\n  name: demo\n  box_rate: 0.002\n",
    ".gitignore": ".gitlab-ci-local/\n",
}
PIPELINE = 100


def project(tmp_path: Path, ci: str, extra: dict[str, str] | None = None) -> Repo:
    files = {**FILES, **(extra or {}), ".gitlab-ci.yml": ci}
    files["templates/selfheal.yml"] = (ROOT / "templates" / "selfheal.yml").read_text()
    return make_repo(tmp_path, files)


def pipeline(
    repo: Repo, server: GitLabServer, jobs: list[dict[str, Any]], token: bool = True
) -> gitlab_ci_local.Result:
    server.add_pipeline(PIPELINE, jobs)
    variables = {
        "CI_API_V4_URL": f"{server.url}/api/v4",
        "CI_SERVER_URL": server.url,
        "CI_PROJECT_ID": "1",
        "CI_PROJECT_PATH": PROJECT,
        "CI_PROJECT_URL": f"{server.url}/{PROJECT}",
        "CI_REPOSITORY_URL": str(repo.origin),
        "CI_PIPELINE_ID": str(PIPELINE),
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_IID": "1",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": repo.branch,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "1",
        "CI_MERGE_REQUEST_PROJECT_ID": "1",
        "CI_COMMIT_SHA": repo.head(),
        "CI_COMMIT_BRANCH": repo.branch,
        "CI_DEFAULT_BRANCH": "main",
    }
    if token:
        variables["SELFHEAL_GITLAB_TOKEN"] = TOKEN
    env = {"PATH": os.pathsep.join([VENV_BIN, os.environ["PATH"]]), "GIT_CONFIG_GLOBAL": os.devnull}
    return gitlab_ci_local.run(repo.path, variables=variables, env=env, timeout_s=600)


@pytest.fixture
def server(tmp_path: Path) -> Any:
    with GitLabServer() as found:
        yield found


def seed(server: GitLabServer, repo: Repo) -> None:
    server.add_project(PROJECT, project_id=1, origin=repo.origin, protected=("main",))
    server.add_merge_request(repo.branch, "main", iid=1)


def trace_of(repo: Repo, name: str) -> Path:
    return repo.path / ".gitlab-ci-local" / "output" / f"{name}.log"


def test_a_failing_job_and_an_unwrapped_one_end_in_one_fix_commit_and_one_note(
    tmp_path: Path, server: GitLabServer
) -> None:
    repo = project(
        tmp_path, HEADER + UNIT + CONFIG, {"config.yml": "---\nshop:\n  name: demo\n\tbox_rate: 0.002\n"}
    )
    seed(server, repo)
    failed = repo.head()
    result = pipeline(
        repo,
        server,
        [job("unit", trace=trace_of(repo, "unit")), job("config", trace=trace_of(repo, "config"))],
    )
    assert result.status("unit") == "failed" and result.status("config") == "failed", result.output
    assert result.ran("selfheal-fix"), result.output
    log = result.log("selfheal-fix")
    head = server.head(repo.branch)
    assert head and head != failed, log
    repo.git("fetch", "--quiet", "origin")
    fixed = repo.git("show", f"{head}:app.py") + repo.git("show", f"{head}:config.yml")
    assert "import math" in fixed and "\t" not in fixed, log
    message = repo.git("log", "-1", "--format=%B", head)
    assert "Selfheal-Attempt: 1" in message and repo.git("log", "-1", "--format=%P", head).strip() == failed
    mr = server.merge_request(1)
    bot_notes = [n for n in mr["notes"] if "selfheal:outcome" in n["body"]]
    assert len(bot_notes) == 1 and "fixed" in bot_notes[0]["body"]
    assert "selfheal::fixing" in mr["labels"]


def test_a_passing_pipeline_has_no_fix_job(tmp_path: Path, server: GitLabServer) -> None:
    repo = project(tmp_path, HEADER + UNIT, {"app.py": "import math\nprint(math.pi)\n"})
    seed(server, repo)
    result = pipeline(repo, server, [job("unit", status="success")])
    assert result.status("unit") == "passed" and not result.ran("selfheal-fix"), result.output


def test_an_allowed_failure_has_no_fix_job(tmp_path: Path, server: GitLabServer) -> None:
    repo = project(
        tmp_path, HEADER + UNIT.replace("  stage: test\n", "  stage: test\n  allow_failure: true\n")
    )
    seed(server, repo)
    result = pipeline(repo, server, [job("unit", allow_failure=True)])
    assert result.status("unit") == "warning" and not result.ran("selfheal-fix"), result.output


def test_attempts_exhausted_push_nothing_and_the_note_says_so(tmp_path: Path, server: GitLabServer) -> None:
    repo = project(tmp_path, HEADER + UNIT)
    for n in (1, 2, 3):
        repo.selfheal_commit(n, author=("selfheal", "selfheal@localhost"))
    repo.push()
    seed(server, repo)
    before = repo.origin_head()
    result = pipeline(repo, server, [job("unit", trace=trace_of(repo, "unit"))])
    assert result.ran("selfheal-fix"), result.output
    assert repo.origin_head() == before
    [note] = [n for n in server.merge_request(1)["notes"] if "selfheal:outcome" in n["body"]]
    assert "exceed max_attempts" in note["body"]
    assert "selfheal::needs-human" in server.merge_request(1)["labels"]


def test_no_report_and_no_token_is_a_clear_skip(tmp_path: Path, server: GitLabServer) -> None:
    repo = project(
        tmp_path,
        HEADER
        + UNIT.replace("    - selfheal run --task unit -- python check_app.py", "    - python check_app.py"),
    )
    seed(server, repo)
    result = pipeline(repo, server, [job("unit")], token=False)
    assert result.ran("selfheal-fix"), result.output
    log = result.log("selfheal-fix")
    assert "skipped: no failed task reports found" in log and "Traceback" not in log
    assert "CI_JOB_TOKEN cannot create commits" in log or "no GitLab token" in log


def test_reruns_of_the_fix_edit_the_one_note(tmp_path: Path, server: GitLabServer) -> None:
    repo = project(tmp_path, HEADER + UNIT)
    seed(server, repo)
    server.add_note(1, "<!-- selfheal:outcome scope=mr-1 -->\nan earlier attempt", author=server.users[TOKEN])
    result = pipeline(repo, server, [job("unit", trace=trace_of(repo, "unit"))])
    assert result.ran("selfheal-fix"), result.output
    notes = [n for n in server.merge_request(1)["notes"] if "selfheal:outcome" in n["body"]]
    assert len(notes) == 1 and "an earlier attempt" not in notes[0]["body"]


def teardown_module() -> None:
    shutil.rmtree(ROOT / ".gitlab-ci-local", ignore_errors=True)


def test_auto_merge_is_turned_off_before_an_unreviewed_bot_commit_lands(
    tmp_path: Path, server: GitLabServer
) -> None:
    repo = project(tmp_path, HEADER + UNIT)
    server.add_project(PROJECT, project_id=1, origin=repo.origin, protected=("main",))
    server.add_merge_request(repo.branch, "main", iid=1, auto_merge=True)
    result = pipeline(repo, server, [job("unit", trace=trace_of(repo, "unit"))])
    assert server.head(repo.branch) != repo.head(), result.log("selfheal-fix")
    cancelled = [r for r in server.requests if r.path.endswith("/cancel_merge_when_pipeline_succeeds")]
    assert cancelled and server.merge_request(1)["merge_when_pipeline_succeeds"] is False
    [note] = [n for n in server.merge_request(1)["notes"] if "selfheal:outcome" in n["body"]]
    assert "auto-merge was turned off" in note["body"]


def test_branch_mode_proposes_the_fix_in_one_merge_request(tmp_path: Path, server: GitLabServer) -> None:
    repo = project(tmp_path, HEADER.replace("engine: rules", "engine: rules\n      mode: branch") + UNIT)
    seed(server, repo)
    result = pipeline(repo, server, [job("unit", trace=trace_of(repo, "unit"))])
    assert server.head(repo.branch) == repo.head(), "the merge request's own branch is untouched"
    proposed = [
        mr
        for mr in server.project(PROJECT)["merge_requests"].values()
        if mr["source_branch"].startswith("selfheal/")
    ]
    assert len(proposed) == 1 and proposed[0]["target_branch"] == repo.branch, result.log("selfheal-fix")

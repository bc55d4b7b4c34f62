"""The gitlab-ci-local harness does what the end-to-end GitLab tests rely on: a failed job starts the
`.post` `when: on_failure` job, a green or allowed-to-fail pipeline does not, and earlier artifacts
(`when: always`) are in the later job's workspace."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers import gitlab_ci_local
from tests.helpers.repos import Repo, make_repo

PIPELINE = """
unit:
  script:
    - mkdir -p .selfheal && echo '{{"task":"unit"}}' > .selfheal/x.json
    - {unit}
  artifacts:
    when: always
    paths: [.selfheal/]
{extra}
fixer:
  stage: .post
  when: on_failure
  script:
    - cat .selfheal/x.json
    - echo "head=$(git rev-parse HEAD) dir=$CI_PROJECT_DIR"
"""


@pytest.fixture(autouse=True)
def _available() -> None:
    reason = gitlab_ci_local.unavailable()
    if reason:
        pytest.skip(reason)


def project(tmp_path: Path, unit: str = "exit 1", extra: str = "") -> Repo:
    return make_repo(tmp_path, {".gitlab-ci.yml": PIPELINE.format(unit=unit, extra=extra)})


@pytest.mark.slow
def test_a_failing_job_starts_the_on_failure_post_job_which_gets_its_artifacts(tmp_path: Path) -> None:
    repo = project(tmp_path)
    result = gitlab_ci_local.run(repo.path)
    assert result.exit_code != 0
    assert result.statuses == {"unit": "failed", "fixer": "passed"}, result.output
    workspace = result.workspace("fixer")
    assert (workspace / ".selfheal" / "x.json").read_text() == '{"task":"unit"}\n'
    assert '{"task":"unit"}' in result.log("fixer")
    assert f"head={repo.head()} dir={workspace}" in result.log("fixer")  # a git checkout, the real dir
    assert (result.artifacts("unit") / ".selfheal" / "x.json").is_file()
    assert not (repo.path / ".selfheal").exists()  # artifacts never land in the project itself
    assert repo.git("status", "--porcelain") == "?? .gitlab-ci-local/\n"  # gitlab-ci-local's state only


@pytest.mark.slow
def test_a_green_pipeline_skips_the_on_failure_job(tmp_path: Path) -> None:
    result = gitlab_ci_local.run(project(tmp_path, unit="echo ok").path)
    assert result.exit_code == 0
    assert result.statuses == {"unit": "passed"}, result.output
    assert result.status("fixer") == "skipped" and result.log("fixer") == ""


@pytest.mark.slow
def test_an_allowed_failure_does_not_start_the_on_failure_job(tmp_path: Path) -> None:
    extra = "lenient:\n  allow_failure: true\n  script: [exit 3]\n"
    result = gitlab_ci_local.run(project(tmp_path, unit="echo ok", extra=extra).path)
    assert result.exit_code == 0
    assert result.statuses == {"unit": "passed", "lenient": "warning"}, result.output


@pytest.mark.slow
def test_variables_reach_rules_and_jobs_env_only_jobs_and_the_callers_ci_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI_MERGE_REQUEST_IID", "666")  # as inside a real GitLab job
    monkeypatch.setenv("SELFHEAL_GITLAB_TOKEN", "glpat-not-for-tests")
    ci = """
job:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event" && $FROM_ENV == null
  script:
    - echo "iid=$CI_MERGE_REQUEST_IID env=$FROM_ENV token=${SELFHEAL_GITLAB_TOKEN:-none} dir=$CI_PROJECT_DIR"
  image: python:3.12-bookworm
"""
    repo = make_repo(tmp_path, {".gitlab-ci.yml": ci})
    assert gitlab_ci_local.jobs(repo.path)["job"]["when"] == "never"
    variables = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7"}
    result = gitlab_ci_local.run(repo.path, variables=variables, env={"FROM_ENV": "yes"})
    assert result.status("job") == "passed", result.output
    # the image is not pulled, and CI_PROJECT_DIR is where the job really ran, not the container's /builds
    assert f"iid=7 env=yes token=none dir={result.workspace('job')}" in result.log("job")


@pytest.mark.slow
def test_only_the_named_jobs_run(tmp_path: Path) -> None:
    extra = "other:\n  script: [exit 1]\n"
    result = gitlab_ci_local.run(project(tmp_path, unit="echo ok", extra=extra).path, "unit")
    assert result.statuses == {"unit": "passed"}, result.output


def test_the_closing_summary_is_read_into_statuses() -> None:
    output = "\n".join(
        [
            "unit > PASS  this is the job's own output",
            "",
            " PASS  build",
            " PASS  fixer",
            " WARN  lenient  pre_script",
            " WARN  build  after_script",
            " FAIL  unit",
            "  > the last lines of its log",
            "fixer environment: { name: selfheal }",
        ]
    )
    assert gitlab_ci_local.parse_summary(output) == {
        "build": "passed",
        "fixer": "passed",
        "lenient": "warning",
        "unit": "failed",
    }


@pytest.mark.slow
def test_a_pipeline_past_its_time_is_ended_with_every_job_process(tmp_path: Path) -> None:
    pid_file = tmp_path / "sleeper.pid"
    ci = f"hang:\n  script:\n    - sleep 120 & echo $! > {pid_file}; wait\n"
    repo = make_repo(tmp_path, {".gitlab-ci.yml": ci})
    with pytest.raises(AssertionError, match="did not finish in 5 s"):
        gitlab_ci_local.run(repo.path, timeout_s=5)
    pid = int(pid_file.read_text())
    for _ in range(50):
        if not alive(pid):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the job's sleep {pid} outlived the pipeline")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie is dead, only not yet reaped

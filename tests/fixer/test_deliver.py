"""`selfheal deliver`: the hardened two-job form. A patch job (`fix --mode patch`, no write token) leaves
fix.patch and outcome.json; the deliver job, in a fresh clone, commits and pushes them with the lease and
runs nothing from the repository. What it is handed is checked again: the guard, the ledger, the diff
guard and the judge, whatever the patch job's outcome says."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.loop_repo import fix_cli, rules_repo
from tests.helpers.repos import Repo, configure, run_git

MARKER_CHECK = "import os\nopen(os.environ.get('RAN_FILE', os.devnull), 'a').write('ran\\n')\n"


def patch_job(tmp_path: Path) -> tuple[Repo, Path]:
    """The first job: the check ran (and would write RAN_FILE whenever it runs), the fix is a patch."""
    repo = rules_repo(tmp_path, MARKER_CHECK, extra={"tests/test_app.py": "print(math.pi)\n"})
    out, done = fix_cli(repo, {"SELFHEAL_ENGINE": "rules"}, "--mode", "patch")
    assert out["outcome"] == "fixed", done.stderr
    artifacts = tmp_path / "artifacts"
    shutil.copytree(repo.path / ".selfheal", artifacts)
    return repo, artifacts


def deliver_job(
    repo: Repo, artifacts: Path, *args: str, ran: Path | None = None, at: str | None = None
) -> tuple[dict[str, Any], str]:
    """The second job: a fresh clone of the failing branch, the artifacts, and `selfheal deliver`.
    `at`: the failed commit, checked out detached as CI does, when the branch has moved on since."""
    clone = repo.tmp / f"deliver-{len(list(repo.tmp.glob('deliver-*')))}"
    run_git(repo.tmp, "clone", "--quiet", "--branch", repo.branch, str(repo.origin), str(clone))
    configure(clone, repo.tmp / "no-hooks")
    shutil.copytree(artifacts, clone / ".selfheal")
    env = {"RAN_FILE": str(ran)} if ran else {}
    if at:
        run_git(clone, "checkout", "--quiet", "--detach", at)
        env["SELFHEAL_FAILED_COMMIT"] = at
        args = (*args, "--branch", repo.branch)
    done = subprocess.run(
        [sys.executable, "-m", "fixer.cli", "deliver", "--platform", "local", *args],
        cwd=clone,
        env={**__import__("os").environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads((clone / ".selfheal" / "outcome.json").read_text()), done.stderr


def test_a_verified_patch_is_committed_and_pushed_without_running_repository_code(tmp_path: Path) -> None:
    repo, artifacts = patch_job(tmp_path)
    before = repo.origin_head()
    ran = tmp_path / "ran"
    out, err = deliver_job(repo, artifacts, ran=ran)
    assert out["outcome"] == "fixed", err
    assert repo.origin_head() == out["commit"] != before
    assert not ran.exists(), "deliver ran the repository's check"
    repo.git("fetch", "--quiet", "origin")
    message = repo.git("log", "-1", "--format=%B", out["commit"])
    assert "Selfheal-Attempt: 1" in message and "Selfheal-Engine: rules" in message
    assert "+import math" in repo.git("show", out["commit"])


def forge(artifacts: Path, old: str, new: str) -> None:
    patch = artifacts / "fix.patch"
    patch.write_text(patch.read_text().replace(old, new))


def test_a_forged_patch_touching_ci_configuration_is_refused(tmp_path: Path) -> None:
    repo, artifacts = patch_job(tmp_path)
    before = repo.origin_head()
    patch = artifacts / "fix.patch"
    patch.write_text(
        patch.read_text()
        + "diff --git a/.gitlab-ci.yml b/.gitlab-ci.yml\nnew file mode 100644\n--- /dev/null\n+++ b/.gitlab-ci.yml\n"
        '@@ -0,0 +1 @@\n+test: {script: ["true"]}\n'
    )
    out, err = deliver_job(repo, artifacts)
    assert out["outcome"] == "escalated" and repo.origin_head() == before, err
    assert any(".gitlab-ci.yml" in d for d in out["details"]), out


def test_a_patch_that_changes_a_test_is_handed_over_not_pushed(tmp_path: Path) -> None:
    repo, artifacts = patch_job(tmp_path)
    before = repo.origin_head()
    forge(artifacts, "+++ b/app.py", "+++ b/tests/test_app.py")
    forge(artifacts, "--- a/app.py", "--- a/tests/test_app.py")
    forge(artifacts, "diff --git a/app.py b/app.py", "diff --git a/tests/test_app.py b/tests/test_app.py")
    out, err = deliver_job(repo, artifacts)
    assert repo.origin_head() == before
    assert out["outcome"] == "escalated" and out["handed_over"] is True, err
    assert out["pushed_ref"].startswith("refs/heads/selfheal/")


def test_a_patch_for_another_commit_is_refused(tmp_path: Path) -> None:
    repo, artifacts = patch_job(tmp_path)
    forge(artifacts, "+import math", "+import math  # for another tree")
    forge(artifacts, " print(math.pi)", " print(math.tau)")
    out, err = deliver_job(repo, artifacts)
    assert out["outcome"] == "escalated" and "does not apply" in out["reason"], err


def test_an_unverified_patch_job_delivers_nothing(tmp_path: Path) -> None:
    repo, artifacts = patch_job(tmp_path)
    record = json.loads((artifacts / "outcome.json").read_text())
    record["verify"]["tasks"][0]["ok"] = False
    (artifacts / "outcome.json").write_text(json.dumps(record))
    before = repo.origin_head()
    out, _ = deliver_job(repo, artifacts)
    assert out["outcome"] == "skipped" and repo.origin_head() == before


def test_the_lease_still_holds_when_the_branch_moved_between_the_jobs(tmp_path: Path) -> None:
    repo, artifacts = patch_job(tmp_path)
    failed = repo.head()
    moved = repo.push_from_other_clone({"other.txt": "someone else\n"})
    out, err = deliver_job(repo, artifacts, at=failed)
    assert out["outcome"] == "skipped" and "moved on" in out["reason"], err
    assert repo.origin_head() == moved
    here, _ = deliver_job(repo, artifacts)  # a deliver job started for the newer build: not its patch
    assert here["outcome"] == "skipped" and "made for commit" in here["reason"]


@pytest.mark.parametrize("missing", ["fix.patch", "outcome.json"])
def test_missing_artifacts_are_a_clear_skip(tmp_path: Path, missing: str) -> None:
    repo, artifacts = patch_job(tmp_path)
    (artifacts / missing).unlink()
    out, _ = deliver_job(repo, artifacts)
    assert out["outcome"] == "skipped" and "nothing to deliver" in out["reason"]

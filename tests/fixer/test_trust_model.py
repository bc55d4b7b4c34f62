"""The trust model end to end: each attack class played on a real repository with a bare origin.

The branch under repair wrote the check, the reports and the configuration; here they attack the fixer:
git state planted during verify or by an earlier step, the fixer's environment read through /proc,
processes left running, the tree rewritten after the guard, an ignored file that makes verify pass, a
hostile .selfheal.yml, forged report fields, a 100,000-record report, a platform that cannot show the
outcome. Each test asserts what a user relies on: nothing unverified is pushed, no token leaks, no planted
program runs, and there is always one outcome. (Model-made weakening of tests: test_trust_model_judge.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from fixer import git, sandbox
from fixer.outcome import Outcome
from fixer.platforms.local import LocalPlatform
from fixer.start import begin
from tests.helpers.loop_repo import (
    CHECK,
    GOOD,
    TOKEN,
    Edit,
    failing_repo,
    fix,
    fix_cli,
    rules_repo,
    run_check,
)

SANDBOXES = sandbox.kinds_here()


def plant_check(marker: Path) -> str:
    """The check, plus planting a hook and an fsmonitor that would write `marker` if git ever ran them."""
    return CHECK.replace(
        "import sys\n",
        f"""import os, subprocess, sys
if "BUG" in open("app.py").read():
    pass  # the build itself plants nothing: only the rerun that verifies a fix does
else:
  evil = {str(marker)!r}
  script = "#!/bin/sh\\necho ran >> " + evil + "\\n"
  for hook in ("post-commit", "reference-transaction", "pre-push", "post-checkout"):
      try:
          with open(".git/hooks/" + hook, "w") as fh:
              fh.write(script)
          os.chmod(".git/hooks/" + hook, 0o755)
      except OSError:
          pass
  subprocess.run(["git", "config", "core.fsmonitor", evil + ".sh"], capture_output=True)
  subprocess.run(["git", "config", "filter.evil.clean", "sh -c 'echo ran >> " + evil + "'"], capture_output=True)
""",
    )


@pytest.mark.parametrize("kind", SANDBOXES)
def test_git_state_planted_by_verify_never_runs(tmp_path: Path, kind: str) -> None:
    marker = tmp_path / "planted-program-ran"
    repo = failing_repo(tmp_path, plant_check(marker))
    before = repo.origin_head()
    out = fix(repo, GOOD, sandbox=kind)
    assert not marker.exists(), "a program planted by the check ran"
    if kind == "none":  # the check could write .git: the run stops before any git command obeys it
        assert out["outcome"] == "escalated" and "changed git state" in out["reason"]
        assert repo.origin_head() == before
    else:  # inside the sandbox .git is read-only: the planting failed and the fix is fine
        assert out["outcome"] == "fixed", out
        assert out["isolation"]["read_only_git"] is True


def test_an_earlier_step_that_planted_a_filter_stops_the_run_before_any_git_command(tmp_path: Path) -> None:
    marker = tmp_path / "filter-ran"
    repo = failing_repo(tmp_path)
    repo.git("config", "filter.evil.clean", f"sh -c 'echo ran >> {marker}; cat'")
    (repo.path / ".git" / "info" / "attributes").write_text("* filter=evil\n")
    with git.session({"PATH": "/usr/bin:/bin"}, repo.path):
        begun = begin(repo.path, {"PATH": "/usr/bin:/bin"}, {})
    assert begun.unsafe and "filter.evil.clean" in begun.unsafe[0]
    assert not marker.exists()


def test_hooks_and_fsmonitor_left_by_an_earlier_step_are_switched_off(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    repo = failing_repo(tmp_path)
    evil = tmp_path / "evil.sh"
    evil.write_text(f"#!/bin/sh\necho ran >> {marker}\n")
    evil.chmod(0o755)
    repo.git("config", "core.fsmonitor", str(evil))
    repo.git("config", "core.hooksPath", str(tmp_path / "hooks"))
    (tmp_path / "hooks").mkdir()
    for hook in ("post-commit", "reference-transaction", "pre-push"):
        (tmp_path / "hooks" / hook).write_text(evil.read_text())
        (tmp_path / "hooks" / hook).chmod(0o755)
    out = fix(repo, GOOD)
    assert out["outcome"] == "fixed" and not marker.exists()


LEAK_PRELUDE = """import os
secret = open(os.environ.get("PROBE_VALUE_FILE", "/dev/null")).read().strip() or "no probe"
found = []
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            if secret.encode() in open(f"/proc/{pid}/environ", "rb").read():
                found.append(pid)
        except OSError:
            pass
with open(os.environ.get("LEAK_FILE", os.devnull), "a") as fh:
    fh.write(" ".join(found) + "\\n")
"""


@pytest.mark.parametrize("kind", SANDBOXES)
def test_the_check_cannot_read_the_fixers_tokens_through_proc(tmp_path: Path, kind: str) -> None:
    """`selfheal fix` itself, as CI runs it, with a token in its environment; the check looks in /proc."""
    probe, leaks = tmp_path / "probe", tmp_path / "leaks"
    probe.write_text(TOKEN)
    repo = rules_repo(tmp_path, LEAK_PRELUDE)
    env = {
        "GITLAB_API_TOKEN": TOKEN,
        "PROBE_VALUE_FILE": str(probe),  # not secret-looking: the check is told what to look for
        "LEAK_FILE": str(leaks),
        "SELFHEAL_SANDBOX": kind,
        "SELFHEAL_ENGINE": "rules",
    }
    out, done = fix_cli(repo, env)
    assert out["outcome"] == "fixed", done.stderr
    assert leaks.read_text().split() == [], f"the check read the token from /proc ({kind})"


DAEMON_PRELUDE = """import os, subprocess, sys
if "import math" in open("app.py").read():  # only the rerun that verifies the fix
    subprocess.Popen(
        ["setsid", sys.executable, "-c",
         "import time; time.sleep(1.5); open('app.py', 'a').write('# a daemon was here\\n')"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
"""


@pytest.mark.parametrize("kind", SANDBOXES)
def test_processes_the_check_leaves_behind_are_ended_before_the_tree_is_read(
    tmp_path: Path, kind: str
) -> None:
    repo = rules_repo(tmp_path, DAEMON_PRELUDE)
    out, done = fix_cli(repo, {"SELFHEAL_SANDBOX": kind, "SELFHEAL_ENGINE": "rules"})
    assert out["outcome"] == "fixed", done.stderr
    time.sleep(2.5)
    assert "daemon" not in (repo.path / "app.py").read_text()
    assert "daemon" not in repo.git("show", f"{out['commit']}:app.py")


def test_a_check_that_rewrites_the_tree_after_the_guard_is_not_pushed(tmp_path: Path) -> None:
    rewriting = CHECK.replace(
        'print("ok")', 'open("app.py", "a").write("import os  # added by the check\\n")\nprint("ok")'
    )
    repo = failing_repo(tmp_path, rewriting)
    before = repo.origin_head()
    out = fix(repo, GOOD)
    assert out["outcome"] == "escalated" and repo.origin_head() == before
    assert any("tree changed after it was guarded: app.py" in d for d in out["details"])
    assert (repo.path / "app.py").read_text() == "value = BUG\n", "the tree is restored"


def test_a_fix_that_passes_only_because_of_an_ignored_file_is_not_pushed(tmp_path: Path) -> None:
    check = CHECK.replace(
        'if "BUG" in src:',
        'try:\n    import local_settings\n    sys.exit(0)\nexcept ImportError:\n    pass\nif "BUG" in src:',
    )
    repo = failing_repo(tmp_path, check, extra={".gitignore": "local_*.py\n"})
    before = repo.origin_head()
    cheat = Edit("cheat", {"local_settings.py": "PASS = True\n", "app.py": "value = BUG  # tidied\n"})
    out = fix(repo, cheat)
    assert out["outcome"] == "escalated" and repo.origin_head() == before
    assert any("removed 1 ignored file" in d for d in out["details"])
    assert not (repo.path / "local_settings.py").exists()


def test_a_hostile_branch_configuration_cannot_lift_the_bounds(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    hostile = (
        "max_attempts: 1000000\nmax_commits_per_branch: 1000000\nverify: 'true'\n"
        "diff:\n  protected_paths: []\n  max_changed_lines: 1000000\ncommit:\n  author_email: human@example.com\n"
    )
    repo.commit({".selfheal.yml": hostile}, "relax")
    for n in (1, 2, 3):
        repo.selfheal_commit(n, author=("selfheal", "selfheal@localhost"))
    repo.push()
    assert run_check(repo.path, [sys.executable, "check.py"]) == 1
    done = subprocess.run(
        [sys.executable, "-m", "fixer.cli", "fix", "--platform", "local"],
        cwd=repo.path,
        env={**os.environ, "SELFHEAL_ENGINE": "rules"},
        capture_output=True,
        text=True,
        check=False,
    )
    out = json.loads((repo.path / ".selfheal" / "outcome.json").read_text())
    assert done.returncode == 3 and out["outcome"] == "escalated"
    assert "exceed max_attempts (3)" in out["reason"]
    notes = "\n".join(out["details"])
    for key in ("max_attempts", "verify", "protected_paths", "author_email"):
        assert key in notes, f"no note says the branch's {key} was ignored:\n{notes}"


def test_a_forged_report_cwd_cannot_send_verify_outside_the_repository(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    path = repo.path / ".selfheal" / "check.json"
    report = json.loads(path.read_text())
    report["cwd"] = "../../.."
    path.write_text(json.dumps(report))
    before = repo.origin_head()
    out = fix(repo, GOOD)
    assert out["outcome"] == "escalated" and repo.origin_head() == before
    assert any("outside the repository" in d for d in out["details"])


def test_a_forged_record_cannot_steer_a_rule_into_git_or_selfheal_state(tmp_path: Path) -> None:
    from fixer.engines.rules import RulesEngine

    repo = failing_repo(tmp_path)
    path = repo.path / ".selfheal" / "check.json"
    report = json.loads(path.read_text())
    edit = {"file": "", "start_line": 1, "end_line": 1, "end_column": 1, "text": "#!/bin/sh\necho pwned\n"}
    for target in (".git/config", ".selfheal/outcome.json", ".git/hooks/pre-commit"):
        report["records"].append(
            {
                "type": "lint",
                "tool": "evil",
                "file": target,
                "line": 1,
                "message": "x",
                "fingerprint": target,
                "fix": {"description": "x", "edits": [{**edit, "file": target}]},
            }
        )
    path.write_text(json.dumps(report))
    (repo.path / ".git" / "hooks" / "pre-commit").write_text("# sample\n")
    fix(repo, RulesEngine())
    assert "pwned" not in (repo.path / ".git" / "config").read_text()
    assert "pwned" not in (repo.path / ".git" / "hooks" / "pre-commit").read_text()


def test_a_100000_record_report_gives_a_small_outcome_and_commit(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path)
    path = repo.path / ".selfheal" / "check.json"
    report = json.loads(path.read_text())
    one = report["records"][0]
    report["records"] = [{**one, "line": 1 + i % 1000, "fingerprint": f"{i:016x}"} for i in range(100_000)]
    path.write_text(json.dumps(report))
    out = fix(repo, GOOD)
    assert out["outcome"] == "fixed"
    assert (repo.path / ".selfheal" / "outcome.json").stat().st_size < 64 * 1024
    assert out["records_dropped"] >= 100_000 - 2000
    assert len(repo.git("log", "-1", "--format=%B", out["commit"])) < 8 * 1024


class Unshowable(LocalPlatform):
    def show(self, outcome: Outcome, facts: Any) -> None:
        raise TimeoutError("the annotation API timed out")


def test_a_platform_that_cannot_show_the_outcome_still_ends_in_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = failing_repo(tmp_path)
    out = fix(repo, GOOD, platform=Unshowable())
    assert out["outcome"] == "fixed"
    err = capsys.readouterr().err
    assert "could not show the outcome: TimeoutError" in err and "selfheal ✔ fixed" in err


def test_secrets_never_reach_commit_or_outcome(tmp_path: Path) -> None:
    repo = failing_repo(tmp_path, CHECK.replace("is not defined", f"is not defined token={TOKEN}"))
    leaky = Edit("leaky", {"app.py": "value = 'OK'\n"}, summary=f"fixed with {TOKEN} and s3cr3t-Value-123")
    env = {"PATH": "/usr/bin:/bin", "GITLAB_TOKEN": TOKEN, "DEPLOY_PASSWORD": "s3cr3t-Value-123"}
    out = fix(repo, leaky, env=env)
    assert out["outcome"] == "fixed"
    text = json.dumps(out) + repo.git("log", "-1", "--format=%B", str(out["commit"]))
    assert TOKEN not in text and "s3cr3t-Value-123" not in text

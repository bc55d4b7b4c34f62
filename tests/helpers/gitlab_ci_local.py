"""Real GitLab pipelines on this machine: gitlab-ci-local (npm, in tests/js) running a project's
`.gitlab-ci.yml` with the shell executor, each job in its own copy of the project (`--shell-isolation`).

    result = gitlab_ci_local.run(project, variables={"CI_PIPELINE_SOURCE": "merge_request_event"})
    assert result.status("unit") == "failed" and result.ran("selfheal-fix")
    result.log("selfheal-fix"); result.workspace("selfheal-fix") / ".selfheal" / "outcome.json"
    gitlab_ci_local.jobs(project, variables)["selfheal-fix"]["when"]  # what the rules decided; runs nothing

`run` gives up after `timeout_s` with an AssertionError carrying the output so far, and ends every
process the pipeline started (gitlab-ci-local runs in a session of its own).

What to know about gitlab-ci-local 4.75 (what the tests beside this module show):
- The project must be a git repository and the files a job needs must be committed: each job's workspace
  (`.gitlab-ci-local/builds/<job>/`) is an rsync of the tracked files plus the whole `.git`.
- `variables` become `--variable K=V`: seen by `rules:` and by the jobs, and they override predefined ones
  (CI_PIPELINE_SOURCE, CI_MERGE_REQUEST_IID, … are not set unless given: a default run is a push pipeline).
  `env` is the process environment: the jobs inherit it, `rules:` never see it. The base environment is
  this process's without CI_*, GITLAB_*, SELFHEAL_*, BUILDKITE*, ANTHROPIC_* and GCL_* variables, so
  a run inside a real CI job neither leaks that job's tokens nor inherits its merge request.
- `include: local:` with `inputs:`, `spec: inputs` defaults and types, `$[[ inputs.* ]]` (in job names too),
  `extends`, `!reference`, `rules:` (`if`, `when`, `=~`/`!~`, string comparisons), `needs`,
  `allow_failure`, `when: on_failure` and `artifacts:` (`paths`, `when: always`) are honoured; the YAML
  is checked against GitLab's schema first. `resource_group`, `interruptible` and `environment` are
  accepted and change nothing (one pipeline at a time; an environment is only printed).
- Artifacts: a job's `artifacts: paths` are saved to `.gitlab-ci-local/artifacts/<job>/` (`when: always`
  keeps them from a failed job) and copied into the workspace of every later job; with
  `--no-artifacts-to-source` (passed here) they are never copied back into the project itself.
- Deviations from GitLab: a job that never starts (an `on_success` job after a failure) never counts as
  finished, so a `.post` `when: on_failure` job runs only when no `on_success` job sits in a stage between
  the failure and `.post` (keep wrapped jobs in one stage, or give later ones `needs: []`); a job with
  `needs:` also waits for the stages before the job it needs, so an `on_success` job that `needs:` the fix
  job never runs after a failure (override its `rules:` with `when: always` in the test's own YAML); a job
  with `needs:` receives the artifacts of earlier stages too, not only those of the jobs it needs.
- The server, project and URLs come from the `origin` remote (a path remote gives gitlab.com and
  `fallback.group/fallback.project`): a test against a loopback API gives CI_API_V4_URL, CI_SERVER_URL,
  CI_PROJECT_ID, CI_PROJECT_URL and CI_REPOSITORY_URL in `variables`.
- A job with an `image:` runs in the shell here (`--force-shell-executor`), but gitlab-ci-local still sets
  CI_PROJECT_DIR to the container's `/builds/…`; `run` sets it to the job's real workspace unless
  `variables` gives one (job names must then be plain: letters, digits, `_` and `-`).
- A job's status comes from the closing summary: `PASS` → passed, `FAIL` → failed, `WARN … pre_script` →
  warning (a failure with `allow_failure`); a job that did not run is not listed (`status` says skipped).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
JS = REPO / "tests" / "js" / "node_modules"
GITLAB_CI_LOCAL = JS / "gitlab-ci-local" / "dist" / "index.js"
NODE_DIR = JS / "node" / "bin"  # npm's `node@22` package: only the node binary lives here
STATE_DIR = ".gitlab-ci-local"
STRIPPED_PREFIXES = ("CI_", "GITLAB_", "SELFHEAL_", "BUILDKITE", "ANTHROPIC_", "GCL_")
STRIPPED_NAMES = frozenset({"CI", "GITLAB_CI"})
_SUMMARY = re.compile(r"^ (PASS|WARN|FAIL) +(\S(?:.*\S)?)$")
_PLAIN = re.compile(r"[\w-]+")
_STATUS = {"PASS": "passed", "FAIL": "failed", "WARN": "warning"}


@dataclass(frozen=True)
class Result:
    project: Path
    exit_code: int
    output: str  # stdout and stderr as they interleaved
    statuses: dict[str, str]  # job → passed | failed | warning, for the jobs that ran
    logs: dict[str, str] = field(repr=False)  # job → its log (.gitlab-ci-local/output/<job>.log)

    def ran(self, job: str) -> bool:
        return job in self.statuses

    def status(self, job: str) -> str:
        return self.statuses.get(job, "skipped")

    def log(self, job: str) -> str:
        return self.logs.get(job, "")

    def workspace(self, job: str) -> Path:
        """The job's copy of the project (with `--shell-isolation`), as the job left it."""
        return self.project / STATE_DIR / "builds" / _safe(job)

    def artifacts(self, job: str) -> Path:
        """What the job saved as artifacts (its `artifacts: paths`)."""
        return self.project / STATE_DIR / "artifacts" / _safe(job)


def unavailable() -> str | None:
    """Why gitlab-ci-local cannot run here (for pytest.skip), or None."""
    if not GITLAB_CI_LOCAL.is_file() or not (NODE_DIR / "node").is_file():
        return "gitlab-ci-local and node@22 are not installed in tests/js (scripts/install-tools.sh installs them)"
    if not any((Path(d) / "rsync").is_file() for d in os.environ.get("PATH", "").split(os.pathsep) if d):
        return "rsync is not installed (scripts/install-tools.sh installs it)"
    return None


def base_env() -> dict[str, str]:
    """This process's environment without anything a CI or selfheal itself would read."""
    return {
        k: v for k, v in os.environ.items() if k not in STRIPPED_NAMES and not k.startswith(STRIPPED_PREFIXES)
    }


def jobs(
    project: Path,
    variables: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 60,
) -> dict[str, dict[str, Any]]:
    """The pipeline's jobs as gitlab-ci-local plans them (`--list-json`), by name: `when` is what the
    rules decided for these `variables` (`never` when no rule let the job in), `stage`, `allow_failure`,
    `needs`. Nothing runs."""
    args, process_env = _command(Path(project).resolve(), variables, env, ["--list-json"])
    done = subprocess.run(
        args,
        cwd=project,
        env=process_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    if done.returncode != 0:
        raise AssertionError(f"gitlab-ci-local --list-json failed:\n{done.stdout}{done.stderr}")
    return {job["name"]: job for job in json.loads(done.stdout)}


def run(
    project: Path,
    *jobs: str,
    variables: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 300,
    inputs: Mapping[str, str] | None = None,
    force_shell_executor: bool = True,
    extra_args: Sequence[str] = (),
) -> Result:
    """Runs the pipeline of `project` (or only `jobs`) and returns what happened.

    `variables`: CI/CD variables (rules and jobs see them); `env`: added to the process environment
    (jobs see it, rules do not); `inputs`: `--input K=V` for the project's own `spec:` inputs."""
    project = Path(project).resolve()
    flags = ["--shell-isolation", "--no-artifacts-to-source", "--max-job-name-padding", "0"]
    if force_shell_executor:
        flags.append("--force-shell-executor")
    for name, value in (inputs or {}).items():
        flags += ["--input", f"{name}={value}"]
    args, process_env = _command(project, variables, env, [*flags, *extra_args, *jobs])
    exit_code, output = _run(args, project, process_env, timeout_s)
    statuses = parse_summary(output)
    logs = {
        job: _read(project / STATE_DIR / "output" / f"{job}.log") for job in statuses if _PLAIN.fullmatch(job)
    }
    return Result(project, exit_code, output, statuses, logs)


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout_s: float) -> tuple[int, str]:
    """Runs gitlab-ci-local in a session of its own: on a timeout every job shell it started goes too."""
    with subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            raise AssertionError(f"gitlab-ci-local did not finish in {timeout_s} s:\n{output}") from None
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # a job's stray background process, if any
            except ProcessLookupError:
                pass
    return process.returncode, output


def _command(
    project: Path, variables: Mapping[str, str] | None, env: Mapping[str, str] | None, rest: list[str]
) -> tuple[list[str], dict[str, str]]:
    given = dict(variables or {})
    given.setdefault("CI_PROJECT_DIR", f"{project}/{STATE_DIR}/builds/$CI_JOB_NAME")
    args = [str(NODE_DIR / "node"), str(GITLAB_CI_LOCAL), "--no-color"]
    args += ["--home", str(project / STATE_DIR / "home")]  # never the user's ~/.gitlab-ci-local
    for name, value in given.items():
        args += ["--variable", f"{name}={value}"]
    process_env = base_env()
    process_env.update(env or {})
    process_env["PATH"] = os.pathsep.join([str(NODE_DIR), process_env.get("PATH", os.defpath)])
    process_env["GCL_IGNORE_PREDEFINED_VARS"] = ",".join(given)  # overriding them is the point
    return [*args, *rest], process_env


def parse_summary(output: str) -> dict[str, str]:
    """Job statuses from gitlab-ci-local's closing summary (` PASS  job`, ` WARN  job  pre_script`, …)."""
    statuses: dict[str, str] = {}
    for line in output.splitlines():
        found = _SUMMARY.match(line)
        if not found:
            continue
        word, name = found.groups()
        if word == "WARN":
            name, _, part = name.rpartition("  ")
            if part != "pre_script":  # `WARN job  after_script`: the job itself passed or failed
                continue
        statuses[name.strip()] = _STATUS[word]
    return statuses


def _safe(job: str) -> str:
    """gitlab-ci-local's file name for a job: the name itself when it is plain, as tests' names are
    (other characters are encoded by gitlab-ci-local in a way not mirrored here)."""
    if not _PLAIN.fullmatch(job):
        raise ValueError(f"job name {job!r}: use letters, digits, '_' and '-' in gitlab-ci-local tests")
    return job


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""

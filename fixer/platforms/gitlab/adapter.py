"""The GitLab platform for `selfheal fix --platform gitlab` (the component's `.post` fix job).

- facts: the emitter's CI reader over CI_*; in a merged-results pipeline the failed commit is the source
  branch's head, not the merge commit;
- reports: the workspace's `.selfheal/` artifacts, and the traces of failed jobs that were not wrapped;
- deliver: through the Commits API with `last_commit_id` as the lease (or a git push, as configured); a merge
  request set to merge automatically is switched to manual first (or nothing is pushed, by policy), since
  an unreviewed bot commit must not merge on its own; in branch mode one fix merge request per branch;
- retry (flaky and infra verdicts only): the failed job;
- show: ONE note per merge request, found again by its hidden marker and edited on every attempt, and the
  `selfheal::fixing` / `selfheal::needs-human` labels.
Writes need a project access token with the api scope, read from the variable the component names:
`CI_JOB_TOKEN` cannot create commits, notes or retries, and its pushes start no pipeline — said plainly.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ... import git
from ...context import Delivery, Facts, Failure, Stop
from ...outcome import Outcome, render_text
from ...proc import Runner
from ...render import markdown, marker_for
from ...stages.push import Published, review_branch
from ..base import GitPlatform
from . import reports
from .client import GitLabAPIError
from .env import GitLabEnv

JOB_TOKEN_ONLY = (
    "no project access token: CI_JOB_TOKEN cannot create commits, notes or retries, and its pushes start no "
    "pipeline; give selfheal a project access token with the api scope (Developer role) in {name}"
)
LABELS = {"fixed": "selfheal::fixing", "escalated": "selfheal::needs-human"}


class GitLabPlatform(GitPlatform):
    name = "gitlab"

    def __init__(self, gl_env: GitLabEnv, token: str | None, job_token: bool) -> None:
        self.gl_env, self._token, self._job_token = gl_env, token, job_token
        self._gl: Any = None
        self._project: Any = None
        self.said: list[str] = []

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GitLabPlatform:
        gl_env = GitLabEnv.read(env)
        return cls(gl_env, env.get(gl_env.token_env) or None, bool(env.get("CI_JOB_TOKEN")))

    # -- the API, connected on first use -------------------------------------------------------------
    def _api(self) -> tuple[Any, Any] | None:
        if self._project is not None:
            return self._gl, self._project
        if not (self._token and self.gl_env.server_url and self.gl_env.project_id):
            return None
        from .client import connect

        self._gl = connect(self.gl_env.server_url, self._token, job_token=False)
        self._project = self._gl.projects.get(self.gl_env.project_id, lazy=True)
        return self._gl, self._project

    def _no_token(self) -> str:
        if self._job_token:
            return JOB_TOKEN_ONLY.format(name=self.gl_env.token_env)
        return f"no GitLab token: set a project access token with the api scope in {self.gl_env.token_env}"

    # -- the protocol ---------------------------------------------------------------------------------
    def facts(self, repo: Path, env: Mapping[str, str], branch: str | None, remote: str) -> Facts:
        found = super().facts(repo, env, branch, remote)
        if self.gl_env.commit and not env.get("SELFHEAL_FAILED_COMMIT"):
            from dataclasses import replace

            found = replace(found, commit=self.gl_env.commit)
        return found

    def remote_url(self, repo: Path, env: Mapping[str, str], remote: str) -> str | None:
        # the clone URL the runner used: its job token can read (the guard, the ledger); pushes go through
        # the API with the project token
        return self.gl_env.repository_url or super().remote_url(repo, env, remote)

    def fetch_reports(self, repo: Path, facts: Facts, given: list[str]) -> list[str]:
        if given:
            return given
        api = self._api()
        found, notes = reports.fetch(repo, self.gl_env, *(api or (None, None)))
        if api is None:
            notes.append(f"{self._no_token()}: only the workspace's reports were read")
        for note in notes:
            sys.stderr.write(f"selfheal: {note}\n")
        return found

    def deliver(self, repo: Path, delivery: Delivery) -> Published | Stop:
        if delivery.where == "patch":
            return super().deliver(repo, delivery)
        api = self._api()
        if api is None:
            return Stop("escalated", self._no_token())
        gl, project = api
        if delivery.where == "push":
            stop = self._hold_auto_merge(gl, project)
            if stop:
                return stop
        if self.gl_env.deliver == "git":
            return super().deliver(repo, delivery)
        return self._commit(repo, gl, project, delivery)

    def _hold_auto_merge(self, gl: Any, project: Any) -> Stop | None:
        from . import merge_requests

        if not self.gl_env.mr_iid:
            return None
        mr = merge_requests.find(gl, project, iid=int(self.gl_env.mr_iid))
        if mr is None or not merge_requests.auto_merge_on(mr):
            return None
        if self.gl_env.auto_merge == "refuse":
            return Stop(
                "escalated",
                "the merge request merges automatically when its pipeline succeeds: nothing pushed",
            )
        merge_requests.cancel_auto_merge(gl, project, int(self.gl_env.mr_iid))
        self.said.append("auto-merge was turned off: merge by hand once the fix is reviewed")
        return None

    def _commit(self, repo: Path, gl: Any, project: Any, delivery: Delivery) -> Published | Stop:
        from . import commits, merge_requests

        message = git.git(repo, "log", "-1", "--format=%B", delivery.sha)
        author = git.git(repo, "log", "-1", "--format=%an%x00%ae", delivery.sha).strip().split("\0")
        review = delivery.where == "review"
        branch = review_branch(delivery.branch, delivery.failed_sha) if review else delivery.branch
        try:
            actions = commits.actions_for(repo, delivery.failed_sha, delivery.sha)
            sha = commits.create_commit(
                gl,
                project,
                branch,
                message,
                actions,
                delivery.failed_sha,
                (author[0], author[-1]),
                start=review,
            )
        except commits.BranchMoved as exc:
            if exc.landed:  # on top of someone's push to other files: said, never undone by force
                return Stop(
                    "escalated", f"{exc}: the fix was not verified with that push; its pipeline will tell"
                )
            return Stop("skipped", f"{exc}: a newer pipeline owns it, nothing pushed")
        except (commits.UnsupportedChange, GitLabAPIError) as exc:
            return Stop("escalated", f"the fix could not be committed through the API: {exc}")
        if review and self.gl_env.source_branch:
            title = f"selfheal: fix for {delivery.branch}"
            url = merge_requests.open_or_update(gl, project, branch, delivery.branch, title, message)
            # one open proposal per branch: a later attempt's replaces the earlier ones
            prefix = review_branch(delivery.branch, "").removesuffix("-")
            closed = merge_requests.close_superseded(gl, project, prefix + "-", delivery.branch, keep=branch)
            self.said.append(
                f"proposed in {url}" + (f" (replacing !{', !'.join(map(str, closed))})" if closed else "")
            )
        return Published(pushed_ref=f"refs/heads/{branch}", commit=sha)

    def next_build(self, facts: Facts, delivery: Delivery) -> str:
        started = "the commit starts the next pipeline"
        return "; ".join([started, *self.said])

    def retry(self, repo: Path, facts: Facts, failure: Failure, runner: Runner) -> str:
        from . import jobs

        job = failure.report.ci.job_id
        api = self._api()
        if api is None or not job:
            return (
                f"the failed job was not retried: {self._no_token() if api is None else 'its id is unknown'}"
            )
        return f"retried job {job}: new job {jobs.retry(api[0], api[1], int(job))}"

    def show(self, outcome: Outcome, facts: Facts | None) -> None:
        sys.stderr.write(render_text(outcome))  # the job log first: it must show even if the note fails
        if not self.gl_env.mr_iid:
            return
        api = self._api()
        if api is None:
            sys.stderr.write(f"selfheal: the merge request is not told: {self._no_token()}\n")
            return
        from . import merge_requests, notes

        gl, project = api
        iid = int(self.gl_env.mr_iid)
        body = markdown(outcome, facts, marker_for(self.gl_env.scope), max_attempts=outcome.max_attempts)
        notes.upsert(gl, project, iid, marker_for(self.gl_env.scope), body)
        label = LABELS.get(outcome.outcome)
        others = [name for name in LABELS.values() if name != label]
        merge_requests.set_labels(gl, project, iid, add=[label] if label else [], remove=others)

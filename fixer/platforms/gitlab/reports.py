"""The pipeline's task reports, as a GitLab fix job finds them: the `.selfheal/` artifacts earlier jobs left
in the workspace, and — for a failed job that was not wrapped — its trace, read through the API and parsed
by the emitter, its script (the `$ …` lines the runner printed) becoming the command verify reruns.

Without a token only the workspace is read. Traces land in `.selfheal/gitlab/<job id>.json`, where `collect`
reads them with its usual bounds: traces are data the branch's jobs wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emitter.report import SCHEMA_ID

from ...safe_write import write_file
from ...stages.collect import MAX_REPORT_BYTES
from ..log_report import report_from_log
from . import jobs
from .env import GitLabEnv


def _reported_jobs(folder: Path) -> set[str]:
    """The CI job ids and task names the workspace's reports came from (`selfheal run` records CI_JOB_ID,
    and names its task after the job): a job they cover needs no trace."""
    found: set[str] = set()
    for path in folder.rglob("*.json") if folder.is_dir() else []:
        try:
            if path.stat().st_size > MAX_REPORT_BYTES:
                continue
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == SCHEMA_ID:
            job = (data.get("ci") or {}).get("job_id") if isinstance(data.get("ci"), dict) else None
            if data.get("records"):
                found.update(str(x) for x in (job, data.get("task")) if x)
    return found


def fetch(repo: Path, gl_env: GitLabEnv, gl: Any, project: Any) -> tuple[list[str], list[str]]:
    """(folders holding the reports, one line per job whose report could not be had)."""
    base = repo / ".selfheal"
    if gl is None or project is None or not gl_env.pipeline_id:
        return [str(base)], []
    covered = _reported_jobs(base)
    notes: list[str] = []
    for job in jobs.failed_jobs(gl, project, int(gl_env.pipeline_id)):
        if covered & {str(job.id), job.name} or str(job.id) == gl_env.job_id:
            continue
        try:
            trace = jobs.trace(gl, project, job.id)
        except Exception as exc:  # one unreadable trace must not cost the other jobs their fixes
            notes.append(f"job {job.name}: its trace could not be read ({type(exc).__name__}: {exc})")
            continue
        script = jobs.script_of(trace)
        command = ["bash", "-e", "-c", "\n".join(script)] if script else []
        write_file(base / "gitlab" / f"{job.id}.json", report_from_log(job.name, command, 1, trace, repo))
    return [str(base)], notes

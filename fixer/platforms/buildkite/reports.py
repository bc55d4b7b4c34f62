"""The build's task reports, as a Buildkite fix step finds them: every failed job of the build — its
`.selfheal/` artifacts when the plugin wrapped it, else its log, read through the REST API and parsed by the
emitter like any wrapped run. Without an API token only the job that started this fix step can be asked
for (the agent can download its artifacts; nothing lists the build's jobs).

Everything lands under `.selfheal/buildkite/<job id>/` (excluded from git by the loop), where `collect`
reads it with its usual bounds: artifacts and logs are data the branch's build wrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from emitter.report import SCHEMA_ID

from ...safe_write import write_file
from ...stages.collect import MAX_REPORT_BYTES
from ..log_report import report_from_log
from .agent_cli import AgentCLI
from .env import BuildkiteEnv
from .rest import BuildkiteAPI, Job


def _has_report(folder: Path) -> bool:
    """A report there that says what failed: one without records (a step the plugin did not wrap, with no
    report files to read) leaves the job's log as the better source."""
    for path in folder.rglob("*.json") if folder.is_dir() else []:
        try:
            if path.stat().st_size > MAX_REPORT_BYTES:
                continue
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == SCHEMA_ID and data.get("records"):
            return True
    return False


def _artifacts(agent: AgentCLI, bk: BuildkiteEnv, job_id: str, dest: Path) -> bool:
    try:
        agent.artifact_download(f"{bk.artifact_dir}/*.json", dest, step=job_id, build=bk.build_id)
    except Exception:  # no artifact for that job (an unwrapped step) is the usual reason: the log will do
        return False
    return _has_report(dest)


def log_report(job: Job, log: str, root: Path) -> str:
    command = ["bash", "-e", "-c", job.command] if job.command else []
    return report_from_log(job.step_key or job.label or job.id, command, job.exit_status, log, root)


def fetch(
    repo: Path, bk: BuildkiteEnv, agent: AgentCLI, api: BuildkiteAPI | None
) -> tuple[list[str], list[str]]:
    """(folders holding the reports, one line per job whose report could not be had)."""
    base = repo / ".selfheal" / "buildkite"
    notes: list[str] = []
    if api is None or bk.build is None:
        if bk.failed_job_id and not _artifacts(agent, bk, bk.failed_job_id, base / bk.failed_job_id):
            notes.append(f"job {bk.failed_job_id}: no selfheal report, and no API token to read its log")
        return [str(base)], notes
    for job in api.failed_jobs(*bk.build):
        if job.id == bk.job_id:
            continue
        dest = base / job.id
        if _artifacts(agent, bk, job.id, dest):
            continue
        shutil.rmtree(dest, ignore_errors=True)  # a report that names no error: the log replaces it
        try:
            write_file(dest / "log-report.json", log_report(job, api.job_log(*bk.build, job.id), repo))
        except Exception as exc:  # one unreadable log must not cost the other jobs their fixes
            notes.append(
                f"job {job.label or job.id}: its log could not be read ({type(exc).__name__}: {exc})"
            )
    return [str(base)], notes

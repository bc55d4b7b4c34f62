"""A pipeline's jobs through the Jobs API: which failed, what their logs say, what they ran, and a retry.

- `failed_jobs`: `GET /projects/:id/pipelines/:pipeline_id/jobs?scope[]=failed`. GitLab lists only the latest
  run of each job unless `include_retried` is asked for; a failed job that may fail (`allow_failure`) does
  not fail the pipeline and is left out.
- `trace`: `GET /projects/:id/jobs/:job_id/trace`, the raw log, streamed and cut to its END (the end of a
  failed log holds the error), then cleaned of what the runner adds around the job's output:
  - section markers, `\\e[0Ksection_start:<unix ts>:<name>[collapsed=true]\\r\\e[0K<header>` and
    `\\e[0Ksection_end:<unix ts>:<name>\\r\\e[0K` (GitLab's own pattern: the name is `[A-Za-z0-9_.-]+`,
    options are `[key=value, …]`, and the `\\r\\e[0K` is what makes it a marker);
  - with `FF_TIMESTAMPS` (the default since runner 18.7), a 32-character prefix on every line:
    `2024-01-01T00:00:00.000000Z 00O ` — the UTC time to the microsecond, a two-hex-digit stream number,
    `O` or `E` for stdout or stderr, then ` ` for a new line or `+` for the rest of that stream's last line
    (the runner flushes a line at a carriage return or past 8 KiB, and ends it with a `\\n` of its own);
  ANSI colour and lone carriage returns stay: the emitter's scanner reads them.
- `script_of`: the commands the job ran, from the `$ <command>` lines the runner prints (green) in the
  `step_script` section — `before_script` and `script` — for verify to rerun a job that was not wrapped.
- `retry`: `POST /projects/:id/jobs/:job_id/retry`; the new job's id.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import gitlab

from .client import GitLabAPIError, ProjectRef, calling, project_of

MAX_TRACE_BYTES = 16 * 1024 * 1024
DEADLINE_FACTOR = 10  # a whole log may take this many timeouts to arrive
_CHUNK = 64 * 1024
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z ([0-9a-f]{2}[OE])([ +])")
_SECTION = re.compile(
    r"(?:\x1b\[0K)?section_(start|end):\d+:([A-Za-z0-9_.-]+)(?:\[\w+=\w+(?:, ?\w+=\w+)*\])?\r\x1b\[0K"
)
_CLEAR = "\x1b[0K"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# a command the runner echoes: at a line start, bold green (gitlab-ci-local: plain green) "$ ", to the reset
_COMMAND = re.compile(r"^(?:\x1b\[0K)*(\x1b\[32(?:;1)?m)?\$ ", re.MULTILINE)
_RESET = re.compile(r"\x1b\[(?:0?;?m|39m)")
_COLLAPSED = "# collapsed multi-line command"
_SCRIPT_HEADER = 'Executing "step_script" stage of the job script'
# the runner's other stage headers (GetStageDescription), and its last words: a step_script section ends there
_STAGES = re.compile(
    r"^(?:\x1b\[[0-9;]*[A-Za-z])*(?:Running after_script|Saving cache for|Uploading artifacts for|Cleaning up "
    r"project directory|Executing \"|ERROR: Job failed|Job succeeded|Preparing the \"|Preparing environment|"
    r"Getting source from Git|Restoring cache|Downloading artifacts)",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Job:
    id: int
    name: str
    stage: str
    status: str
    allow_failure: bool
    web_url: str


def _job(data: Mapping[str, Any]) -> Job:
    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    job_id = data.get("id")
    return Job(
        id=job_id if isinstance(job_id, int) and not isinstance(job_id, bool) else 0,
        name=text("name"),
        stage=text("stage"),
        status=text("status"),
        allow_failure=data.get("allow_failure") is True,
        web_url=text("web_url"),
    )


def failed_jobs(gl: gitlab.Gitlab, project: ProjectRef, pipeline_id: int) -> list[Job]:
    """The pipeline's failed jobs that fail it (not `allow_failure`), one per job name: its latest run."""
    with calling(gl, f"listing the failed jobs of pipeline {pipeline_id}", write=False):
        pipeline = project_of(gl, project).pipelines.get(pipeline_id, lazy=True)
        found = [_job(j.attributes) for j in pipeline.jobs.list(scope=["failed"], iterator=True)]
    latest: dict[str, Job] = {}
    for job in found:
        newer = job.name not in latest or job.id > latest[job.name].id
        if job.id and job.status == "failed" and not job.allow_failure and newer:
            latest[job.name] = job
    return sorted(latest.values(), key=lambda j: j.id)


def trace(gl: gitlab.Gitlab, project: ProjectRef, job_id: int, max_bytes: int = MAX_TRACE_BYTES) -> str:
    """The job's log as text (`clean_trace`); past `max_bytes`, only its end."""
    doing = f"reading the log of job {job_id}"
    deadline = time.monotonic() + (gl.timeout or 30) * DEADLINE_FACTOR
    buf, truncated = bytearray(), False
    with calling(gl, doing, write=False):
        job = project_of(gl, project).jobs.get(job_id, lazy=True)
        for chunk in job.trace(streamed=True, iterator=True, chunk_size=_CHUNK):
            if time.monotonic() > deadline:
                raise GitLabAPIError(None, "the log did not arrive in time", doing)
            buf += chunk
            if len(buf) > 2 * max_bytes:  # trim now and then, not per chunk: the copy costs the cap each time
                del buf[: len(buf) - max_bytes]
                truncated = True
    if len(buf) > max_bytes:
        del buf[: len(buf) - max_bytes]
        truncated = True
    return clean_trace(buf.decode("utf-8", "replace"), truncated)


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def unstamp(text: str) -> str:
    """The log without FF_TIMESTAMPS prefixes: a `+` line joins its stream's last line (whose `\\n` was the
    runner's, not the job's). Lines without a prefix stay as they are."""
    lines: list[str] = []
    last: dict[str, int] = {}  # stream → index of its last line
    for line in _lines(text):
        stamp = _STAMP.match(line)
        if not stamp:
            lines.append(line)
            continue
        stream, body = stamp.group(1), line[stamp.end() :]
        at = last.get(stream)
        if stamp.group(2) == "+" and at is not None and lines[at].endswith("\n"):
            lines[at] = lines[at][:-1] + body
        else:
            last[stream] = len(lines)
            lines.append(body)
    return "".join(lines)


def clean_trace(text: str, truncated: bool = False) -> str:
    """A raw job log as the emitter reads logs: FF_TIMESTAMPS prefixes and section markers removed (a line
    that held only markers goes), CRLF made LF; ANSI colour and lone carriage returns kept. A log cut to its
    end loses its first, partial line."""
    if truncated:
        _, newline, rest = text.partition("\n")
        text = rest if newline else text
    kept = []
    for line in _lines(unstamp(text.replace("\r\n", "\n"))):
        bare = _SECTION.sub("", line)
        if bare != line and not bare.replace(_CLEAR, "").strip():
            continue
        kept.append(bare)
    return "".join(kept)


def _script_part(text: str) -> str | None:
    """The `step_script` part of a log: between its section markers (raw log), after its header line up to
    the next stage's (cleaned log), or all of it when the log has no runner structure at all (a
    gitlab-ci-local output file). None when the part's start was cut off."""
    markers = [
        (m.group(1), m.start(), m.end()) for m in _SECTION.finditer(text) if m.group(2) == "step_script"
    ]
    if markers:
        starts = [end for kind, _, end in markers if kind == "start"]
        if not starts:
            return None
        ends = [begin for kind, begin, _ in markers if kind == "end" and begin > starts[0]]
        return text[starts[0] : ends[0] if ends else len(text)]
    header = text.find(_SCRIPT_HEADER)
    if header >= 0:
        body = text[text.find("\n", header) + 1 :] if "\n" in text[header:] else ""
        stage = _STAGES.search(body)
        return body[: stage.start()] if stage else body
    if _STAGES.search(text) or "section_start:" in text or "section_end:" in text:
        return None  # a runner's log whose script part was cut off
    return text


def script_of(log: str) -> list[str]:
    """The commands of the job's `before_script` and `script`, in order, as the runner echoed them (raw or
    cleaned log). Empty when they cannot all be recovered: the start of the script was cut off, or a
    multi-line command was echoed only by its first line (`# collapsed multi-line command`; with
    `FF_SCRIPT_SECTIONS` the runner echoes it whole, up to its colour reset)."""
    part = _script_part(unstamp(log.replace("\r\n", "\n")))
    if part is None:
        return []
    part = _SECTION.sub("", part)  # a script step's own section starts on its command's line
    commands: list[str] = []
    starts = list(_COMMAND.finditer(part))
    for i, start in enumerate(starts):
        line_end = part.find("\n", start.end())
        line_end = len(part) if line_end < 0 else line_end
        end = line_end
        if start.group(1):  # coloured: it runs to the colour's reset (several lines with FF_SCRIPT_SECTIONS)
            bound = starts[i + 1].start() if i + 1 < len(starts) else len(part)
            reset = _RESET.search(part, start.end(), bound)
            end = reset.start() if reset else line_end
        command = _ANSI.sub("", part[start.end() : end]).rstrip()
        if command.endswith(_COLLAPSED):
            return []
        if command:
            commands.append(command)
    return commands


def retry(gl: gitlab.Gitlab, project: ProjectRef, job_id: int) -> int:
    """Retries a finished job; returns the new job's id."""
    with calling(gl, f"retrying job {job_id}", write=True):
        data = project_of(gl, project).jobs.get(job_id, lazy=True).retry()
    new = data.get("id") if isinstance(data, dict) else None
    if not isinstance(new, int) or isinstance(new, bool):
        raise GitLabAPIError(None, "the answer has no job id", f"retrying job {job_id}")
    return new

"""Buildkite's REST API v2 as selfheal needs it, through pybuildkite: a build's script jobs and which of them
failed, a job's log, retrying a job, and creating a build on a new commit.

Built with the token and base URL the caller gives, never from the process environment. pybuildkite builds
every URL, query string and body; only its transport (`Client.request`, the one method all verbs go through)
is replaced, by a subclass set on the public `Buildkite().client`, because the library's own sends without a
timeout and reads whole bodies into memory. Here every request has a timeout and a deadline, JSON answers are
capped, and a log is streamed keeping only its last `max_log_bytes`: the end of a failed log holds the error.

A build's `jobs` array is complete, not paginated (Buildkite's paginated `…/builds/{n}/jobs` is newer than
pybuildkite 1.3); without `include_retried_jobs` it holds only the latest run of each step.

Every failure is a `BuildkiteAPIError`: one line with the status, the path, Buildkite's `message`, and for
401/403 the scope the token needs. The token itself never appears in it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from pybuildkite.buildkite import Buildkite
from pybuildkite.client import Client, Response
from pybuildkite.jobs import LogFormat

DEFAULT_BASE_URL = "https://api.buildkite.com/v2/"
MAX_LOG_BYTES = 16 * 1024 * 1024
MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_ERROR_BYTES = 64 * 1024
DEADLINE_FACTOR = 10  # a whole answer may take this many timeouts (a 1 GiB log is read to its end)
HARD_FAILURES = frozenset({"failed", "timed_out"})
_CHUNK = 64 * 1024
# Application Program Commands (ESC _ … BEL or ESC \): the agent's `_bk;t=<ms>` line timestamps among them.
_APC = re.compile(r"\x1b_[^\x07\x1b]*(?:\x07|\x1b\\)")


@dataclass(frozen=True)
class Job:
    id: str
    step_key: str | None
    label: str
    state: str
    exit_status: int | None
    soft_failed: bool
    web_url: str | None
    retried: bool
    command: str | None = None

    @property
    def hard_failed(self) -> bool:
        """Finished with a non-zero exit, not soft-failed, and not superseded by a retry."""
        finished = self.state in HARD_FAILURES and self.exit_status not in (None, 0)
        return finished and not self.soft_failed and not self.retried


class BuildkiteAPIError(Exception):
    def __init__(self, status: int | None, message: str, where: str = "", scope: str | None = None) -> None:
        self.status, self.where, self.scope = status, where, scope
        self.message = " ".join(message.split())[:300] or "no message"
        super().__init__(self.message)

    def __str__(self) -> str:
        head = f"Buildkite API {self.status}" if self.status else "Buildkite API"
        where = f" on {self.where}" if self.where else ""
        need = (
            f" (the token needs the {self.scope} scope)" if self.scope and self.status in (401, 403) else ""
        )
        return f"{head}{where}: {self.message}{need}"

    def needing(self, scope: str) -> BuildkiteAPIError:
        return BuildkiteAPIError(self.status, self.message, self.where, self.scope or scope)


@dataclass(frozen=True)
class _Text:
    data: bytes
    truncated: bool  # the start was dropped to keep the end within the cap


def _reader(resp: requests.Response, limit: int, deadline: float, where: str, keep_end: bool) -> _Text:
    """The body, bounded in size (over the cap: an error, or only its end kept) and in time."""
    buf, truncated = bytearray(), False
    for chunk in resp.iter_content(_CHUNK):
        if time.monotonic() > deadline:
            raise BuildkiteAPIError(None, "the answer did not arrive in time", where)
        buf += chunk
        if len(buf) > limit:
            if not keep_end:
                raise BuildkiteAPIError(resp.status_code, f"the answer is larger than {limit} bytes", where)
            if len(buf) > 2 * limit:  # trim now and then, not per chunk: the copy costs the cap each time
                del buf[: len(buf) - limit]
            truncated = True
    return _Text(bytes(buf[-limit:]), truncated)


def _failure(resp: requests.Response, where: str, deadline: float) -> BuildkiteAPIError:
    """Buildkite's `{"message": …, "errors": […]}`, or the status text when the body says nothing."""
    try:
        data = json.loads(_reader(resp, MAX_ERROR_BYTES, deadline, where, keep_end=False).data)
    except (ValueError, BuildkiteAPIError):
        data = None
    message = data.get("message") if isinstance(data, dict) else None
    errors = data.get("errors") if isinstance(data, dict) else None
    text = str(message) if message else (resp.reason or "error")
    if isinstance(errors, list) and errors:
        text += ": " + "; ".join(
            json.dumps(e, sort_keys=True) if isinstance(e, dict) else str(e) for e in errors
        )
    return BuildkiteAPIError(resp.status_code, text, where)


class _Transport(Client):  # type: ignore[misc]  # pybuildkite ships no types
    """pybuildkite's Client with a bounded `request`; its helpers encode the query exactly as before."""

    def __init__(self, token: str, timeout_s: float, max_text_bytes: int) -> None:
        super().__init__(per_page=100)
        self.set_client_access_token(token)
        self.timeout_s = timeout_s
        self.max_text_bytes = max_text_bytes

    def request(
        self,
        method: str,
        url: str,
        query_params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        with_pagination: bool = False,
        as_stream: bool = False,
    ) -> Any:
        headers = {**(headers or {}), "Authorization": f"Bearer {self.access_token}"}
        params = {**self._clean_query_params(query_params or {}), "per_page": str(self.per_page)}
        query = self._convert_query_params_to_string_for_bytes(params).encode()
        where = f"{method} {urlsplit(url).path}"
        deadline = time.monotonic() + self.timeout_s * DEADLINE_FACTOR
        payload = self._clean_query_params(body) if body else None
        try:
            with (
                requests.Session() as session,
                session.request(
                    method,
                    url,
                    params=query,
                    json=payload,
                    headers=headers,
                    stream=True,
                    timeout=self.timeout_s,
                ) as resp,
            ):
                if resp.status_code >= 400:
                    raise _failure(resp, where, deadline)
                if headers.get("Accept", "application/json") != "application/json":
                    return _reader(resp, self.max_text_bytes, deadline, where, keep_end=True)
                if resp.status_code == 204:
                    return True
                data = json.loads(_reader(resp, MAX_JSON_BYTES, deadline, where, keep_end=False).data)
                return Response(data).append_pagination_data(resp.headers) if with_pagination else data
        except requests.RequestException as exc:
            slow = isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower()
            reason = (
                f"no answer within {self.timeout_s:g}s"
                if slow
                else f"connection failed ({type(exc).__name__})"
            )
            raise BuildkiteAPIError(None, f"{urlsplit(url).netloc}: {reason}", where) from None
        except ValueError:
            raise BuildkiteAPIError(None, "the answer is not JSON", where) from None


@contextmanager
def _needs(scope: str) -> Iterator[None]:
    """Names the scope in a 401/403 from the call inside."""
    try:
        yield
    except BuildkiteAPIError as exc:
        raise exc.needing(scope) from None


def _path(*parts: str | int) -> list[str]:
    """Path segments as given by the CI, each escaped whole: an id cannot climb to another route."""
    segments = []
    for part in parts:
        text = str(part)
        if text in ("", ".", ".."):
            raise BuildkiteAPIError(None, f"not a valid path segment: {text!r}")
        segments.append(quote(text, safe=""))
    return segments


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _job(data: Mapping[str, Any]) -> Job:
    exit_status = data.get("exit_status")
    return Job(
        id=str(data.get("id") or ""),
        step_key=_text(data.get("step_key")),
        label=_text(data.get("name")) or _text(data.get("label")) or _text(data.get("step_key")) or "",
        state=_text(data.get("state")) or "",
        exit_status=exit_status
        if isinstance(exit_status, int) and not isinstance(exit_status, bool)
        else None,
        soft_failed=data.get("soft_failed") is True,
        web_url=_text(data.get("web_url")),
        retried=data.get("retried") is True,
        command=_text(data.get("command")),
    )


def _field(data: Any, key: str, where: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise BuildkiteAPIError(None, f"the answer has no {key}", where)
    return value


def clean_log(data: bytes, truncated: bool = False) -> str:
    """A raw job log as text: Buildkite's escapes (`_bk;t=` timestamps, other APC sequences) removed, CRLF made
    LF; ANSI colour and lone carriage returns stay for the emitter's scanner. A log cut to its end loses its
    first, partial line."""
    text = data.decode("utf-8", "replace")
    if truncated:
        _, newline, rest = text.partition("\n")
        text = rest if newline else text
    return _APC.sub("", text).replace("\r\n", "\n")


class BuildkiteAPI:
    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout_s: float = 30,
        *,
        max_log_bytes: int = MAX_LOG_BYTES,
    ) -> None:
        if not token:
            raise BuildkiteAPIError(None, "no API token given")
        self._bk = Buildkite()
        self._bk.client = _Transport(token, timeout_s, max_log_bytes)
        self._bk.base_url = base_url.rstrip("/") + "/"  # pybuildkite appends paths to it

    def build(self, org: str, pipeline: str, number: str | int) -> list[Job]:
        """The build's script jobs (no wait, block or trigger steps), the latest run of each step."""
        with _needs("read_builds"):
            data = self._bk.builds().get_build_by_number(*_path(org, pipeline, number))
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            raise BuildkiteAPIError(None, "the build has no jobs list", f"build {org}/{pipeline}#{number}")
        return [_job(j) for j in jobs if isinstance(j, dict) and j.get("type") == "script"]

    def failed_jobs(self, org: str, pipeline: str, number: str | int) -> list[Job]:
        """Jobs that finished with a non-zero exit, not soft-failed; a retried step counts once, by its last run."""
        return [job for job in self.build(org, pipeline, number) if job.hard_failed]

    def job_log(self, org: str, pipeline: str, number: str | int, job_id: str) -> str:
        """The job's log as plain text with ANSI kept (`clean_log`); past `max_log_bytes`, only its end."""
        with _needs("read_build_logs"):
            got = self._bk.jobs().get_job_log(
                *_path(org, pipeline, number, job_id), log_format=LogFormat.TEXT
            )
        if not isinstance(got, _Text):
            raise BuildkiteAPIError(None, "the log came back in an unexpected form", f"job {job_id}")
        return clean_log(got.data, got.truncated)

    def retry_job(self, org: str, pipeline: str, number: str | int, job_id: str) -> str:
        """Retries a failed or timed-out job; returns the new job's id (each job id can be retried once)."""
        with _needs("write_builds"):
            data = self._bk.jobs().retry_job(*_path(org, pipeline, number, job_id))
        return _field(data, "id", f"retry of job {job_id}")

    def create_build(
        self,
        org: str,
        pipeline: str,
        commit: str,
        branch: str,
        message: str,
        env: Mapping[str, str] | None = None,
        meta_data: Mapping[str, str] | None = None,
    ) -> str:
        """Starts a build of `commit` on `branch`; returns its web URL."""
        with _needs("write_builds"):
            data = self._bk.builds().create_build(
                *_path(org, pipeline),
                commit,
                branch,
                message=message,
                env=dict(env) if env else None,
                meta_data=dict(meta_data) if meta_data else None,
            )
        return _field(data, "web_url", f"new build of {org}/{pipeline}")

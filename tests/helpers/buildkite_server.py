"""A loopback stand-in for Buildkite's REST API v2 and the agent endpoint's model-provider proxy, for the
real `pybuildkite` and `anthropic` clients to talk to.

REST (`/v2/…`, `Authorization: Bearer <API token>`; each route needs the scope Buildkite documents):
- `GET  /v2/organizations/{org}/pipelines/{p}/builds/{n}` (read_builds): the build with its `jobs`; like
  Buildkite, only the latest run of each step unless `include_retried_jobs=true`.
- `GET  …/builds/{n}/jobs/{id}/log` (read_build_logs): `{"url", "content", "size", "header_times"}`, or the
  raw text with `Accept: text/plain` or the `log.txt` path (`log.html` / `text/html`: escaped HTML).
- `PUT  …/builds/{n}/jobs/{id}/retry` (write_builds): 200 with the new job; 400 when the job is not failed,
  timed out or canceled (Buildkite's documented message) or was already retried (each job id retries once).
- `POST /v2/organizations/{org}/pipelines/{p}/builds` (write_builds): 201 with the new build; 422 when
  `commit` or `branch` is missing.
Errors are `{"message": …}` with the texts the real API uses: 401 without a known token, 403 when the
token lacks the route's scope, 404 for unknown routes, pipelines, builds and jobs.

Model proxy (`/v3/ai/anthropic/…`, Buildkite's `$BUILDKITE_AGENT_ENDPOINT/ai/anthropic`): authenticated by
the job's agent access token, then forwarded to a Messages API server (`AnthropicServer.url`) with the
organisation's own provider key in place of the job token, as the real proxy does. Buildkite documents the
token in `x-api-key` or `Authorization: Token …`; `Authorization: Bearer …` is accepted too, because it is
what the anthropic SDK sends (since 2.x even for `api_key`) — an assumption about the real proxy, not a
documented fact. Any other credential is a 401.

Every request is recorded (method, path, query, headers, body) so tests can assert on the wire. Logs are
stored raw, as the agent uploads them: `\\x1b_bk;t=<ms>\\x07` timestamps at line starts, ANSI colour, CRLF.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

TOKEN = "bkua_0123456789abcdef0123456789abcdef01234567"
AGENT_TOKEN = "bkaj_0123456789abcdef0123456789abcdef0123456789abcdef"
PROVIDER_KEY = "sk-ant-api03-BUILDKITEHOSTEDPROVIDERKEY0123456789"
SCOPES = frozenset({"read_builds", "write_builds", "read_build_logs"})
WEB = "https://buildkite.com"
UNAUTHENTICATED = (
    "Authentication required. Please supply a valid API Access Token: "
    "https://buildkite.com/docs/apis/rest-api#authentication"
)
NOT_RETRYABLE = "Only failed, timed out or canceled jobs can be retried"
ALREADY_RETRIED = "This job has already been retried"  # Buildkite documents the rule, not this wording
RETRYABLE = frozenset({"failed", "timed_out", "canceled"})
_T0 = 1700000000000  # ms, the first timestamp of a log
_numbers = itertools.count(1)

_ORG = r"/v2/organizations/([^/]+)/pipelines/([^/]+)/builds"
BUILDS = re.compile(_ORG)
BUILD = re.compile(_ORG + r"/(\d+)")
LOG = re.compile(_ORG + r"/(\d+)/jobs/([^/]+)/log(\.txt|\.html)?")
RETRY = re.compile(_ORG + r"/(\d+)/jobs/([^/]+)/retry")
PROXY = re.compile(r"/v3/ai/anthropic(/.*)")


def bk_log(*lines: str, start_ms: int = _T0, step_ms: int = 250) -> str:
    """A job log as the agent uploads it: each line stamped with `_bk;t=`, CRLF line ends."""
    return "".join(f"\x1b_bk;t={start_ms + i * step_ms}\x07{line}\r\n" for i, line in enumerate(lines))


def job(
    name: str,
    *,
    state: str = "passed",
    exit_status: int | None = None,
    step_key: str | None = None,
    soft_failed: bool = False,
    log: str = "",
    command: str = "make test",
) -> dict[str, Any]:
    """A script job; `add_build` fills in its URLs. Exit status defaults from the state (passed 0, failed 1)."""
    if exit_status is None:
        exit_status = {"passed": 0, "failed": 1, "timed_out": -1}.get(state)
    return {
        "id": str(uuid.uuid4()),
        "type": "script",
        "name": name,
        "step_key": step_key,
        "state": state,
        "command": command,
        "exit_status": exit_status,
        "soft_failed": soft_failed,
        "agent_query_rules": ["queue=default"],
        "retried": False,
        "retried_in_job_id": None,
        "retries_count": None,
        "retry_type": None,
        "_log": log,
    }


def waiter() -> dict[str, Any]:
    """A `wait` step's job: no name, state or command."""
    return {"id": str(uuid.uuid4()), "type": "waiter"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: Any
    raw: str


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def _json(status: int, payload: Any) -> Reply:
    return Reply(status, json.dumps(payload).encode())


def _error(status: int, message: str, **extra: Any) -> Reply:
    return _json(status, {"message": message, **extra})


class BuildkiteServer:
    """`with BuildkiteServer() as server:` then `Buildkite().base_url = server.api_url`.

    `tokens` maps each API token to its scopes (None: all of them); `agent_tokens` are the job tokens the
    model proxy accepts; `model_url` is the Messages API server the proxy forwards to.
    """

    def __init__(
        self,
        tokens: Mapping[str, Iterable[str] | None] | None = None,
        *,
        agent_tokens: Iterable[str] = (AGENT_TOKEN,),
        model_url: str | None = None,
        provider_key: str = PROVIDER_KEY,
    ) -> None:
        given = {TOKEN: None} if tokens is None else tokens
        self.tokens = {t: SCOPES if s is None else frozenset(s) for t, s in given.items()}
        self.agent_tokens = frozenset(agent_tokens)
        self.model_url = model_url
        self.provider_key = provider_key
        self.builds: dict[tuple[str, str, int], dict[str, Any]] = {}
        self.logs: dict[str, str] = {}  # job id → raw log
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """What pybuildkite's `base_url` must be (it appends paths to it, so the trailing slash counts)."""
        return f"{self.url}/v2/"

    @property
    def agent_endpoint(self) -> str:
        """`BUILDKITE_AGENT_ENDPOINT` (the real one is https://agent.buildkite.com/v3)."""
        return f"{self.url}/v3"

    def __enter__(self) -> BuildkiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    # -- state ---------------------------------------------------------------------------------------

    def add_build(
        self,
        org: str,
        pipeline: str,
        number: int,
        jobs: Iterable[dict[str, Any]] = (),
        *,
        commit: str = "0" * 40,
        branch: str = "feature/x",
        message: str = "Fix the thing",
        state: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Stores a build (jobs from `job()`/`waiter()`, their logs kept apart) and returns it."""
        build = self._new_build(org, pipeline, number, commit, branch, message, fields)
        for entry in jobs:
            self.logs[entry["id"]] = entry.pop("_log", "")
            build["jobs"].append(self._located(entry, org, pipeline, number))
        states = {j.get("state") for j in build["jobs"]}
        build["state"] = state or ("failed" if states & RETRYABLE else "passed")
        self.builds[(org, pipeline, number)] = build
        return build

    def find_job(self, job_id: str) -> dict[str, Any]:
        """A stored job, to change as the agent would (finish a retried job, say)."""
        found: list[dict[str, Any]] = [
            j for b in self.builds.values() for j in b["jobs"] if j["id"] == job_id
        ]
        if not found:
            raise KeyError(job_id)
        return found[0]

    def _new_build(
        self, org: str, pipeline: str, number: int, commit: str, branch: str, message: str, fields: Any
    ) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()),
            "graphql_id": f"QnVpbGQtLS0{next(_numbers):08d}",
            "url": f"{self.api_url}organizations/{org}/pipelines/{pipeline}/builds/{number}",
            "web_url": f"{WEB}/{org}/{pipeline}/builds/{number}",
            "number": number,
            "state": "scheduled",
            "blocked": False,
            "cancel_reason": None,
            "message": message,
            "commit": commit,
            "branch": branch,
            "env": {},
            "source": "webhook",
            "creator": None,
            "author": None,
            "jobs": [],
            "created_at": "2026-01-05T10:00:00.000Z",
            "scheduled_at": "2026-01-05T10:00:00.000Z",
            "started_at": None,
            "finished_at": None,
            "meta_data": {},
            "pull_request": None,
            "rebuilt_from": None,
            "pipeline": {"slug": pipeline, "name": pipeline},
            **fields,
        }

    def _located(self, entry: dict[str, Any], org: str, pipeline: str, number: int) -> dict[str, Any]:
        if entry.get("type") != "script":
            return entry
        api = f"{self.api_url}organizations/{org}/pipelines/{pipeline}/builds/{number}/jobs/{entry['id']}"
        return {
            **entry,
            "graphql_id": f"Sm9iLS0t{entry['id'][:8]}",
            "build_url": f"{self.api_url}organizations/{org}/pipelines/{pipeline}/builds/{number}",
            "web_url": f"{WEB}/{org}/{pipeline}/builds/{number}#{entry['id']}",
            "log_url": f"{api}/log",
            "raw_log_url": f"{api}/log.txt",
            "artifacts_url": f"{api}/artifacts",
        }

    # -- routes --------------------------------------------------------------------------------------

    def _answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        proxied = PROXY.fullmatch(request.path)
        if proxied:
            return self._proxy(request, proxied.group(1))
        with self._lock:
            return self._rest(request)

    def _rest(self, request: Request) -> Reply:
        auth = request.headers.get("authorization", "")
        scopes = self.tokens.get(auth[len("Bearer ") :]) if auth.startswith("Bearer ") else None
        if scopes is None:
            return _error(401, UNAUTHENTICATED)
        route = self._route(request)
        if route is None:
            return _error(404, "Not Found")
        scope, action, args = route
        if scope not in scopes:
            return _error(403, f"Your access token doesn't have the {scope} scope")
        return action(request, *args)

    def _route(self, request: Request) -> tuple[str, Callable[..., Reply], tuple[str, ...]] | None:
        method, path = request.method, request.path
        routes: tuple[tuple[str, re.Pattern[str], str, Callable[..., Reply]], ...] = (
            ("GET", BUILD, "read_builds", self._get_build),
            ("GET", LOG, "read_build_logs", self._get_log),
            ("PUT", RETRY, "write_builds", self._retry),
            ("POST", BUILDS, "write_builds", self._create_build),
        )
        for method_, pattern, scope, action in routes:
            match = pattern.fullmatch(path)
            if match and method == method_:
                return scope, action, tuple(g or "" for g in match.groups())
        return None

    def _build(self, org: str, pipeline: str, number: str) -> dict[str, Any] | None:
        return self.builds.get((org, pipeline, int(number)))

    def _get_build(self, request: Request, org: str, pipeline: str, number: str) -> Reply:
        build = self._build(org, pipeline, number)
        if build is None:
            return _error(404, "Not Found")
        if request.query.get("include_retried_jobs") != ["true"]:
            build = {**build, "jobs": [j for j in build["jobs"] if not j.get("retried")]}
        return _json(200, build)

    def _get_log(
        self, request: Request, org: str, pipeline: str, number: str, job_id: str, ext: str
    ) -> Reply:
        build = self._build(org, pipeline, number)
        if build is None or job_id not in {j["id"] for j in build["jobs"]}:
            return _error(404, "Not Found")
        content = self.logs.get(job_id, "")
        accept = request.headers.get("accept", "")
        if ext == ".txt" or (not ext and accept.startswith("text/plain")):
            return Reply(200, content.encode(), "text/plain; charset=utf-8")
        if ext == ".html" or accept.startswith("text/html"):
            return Reply(200, f"<pre>{html.escape(content)}</pre>".encode(), "text/html; charset=utf-8")
        url = f"{self.api_url}organizations/{org}/pipelines/{pipeline}/builds/{number}/jobs/{job_id}/log"
        return _json(
            200,
            {
                "url": url,
                "content": content,
                "size": len(content.encode()),
                "header_times": _headers(content),
            },
        )

    def _retry(self, request: Request, org: str, pipeline: str, number: str, job_id: str) -> Reply:
        build = self._build(org, pipeline, number)
        old = next((j for j in build["jobs"] if j["id"] == job_id), None) if build else None
        if build is None or old is None:
            return _error(404, "Not Found")
        if old.get("retried"):
            return _error(400, ALREADY_RETRIED)
        if old.get("state") not in RETRYABLE:
            return _error(400, NOT_RETRYABLE)
        new_id = str(uuid.uuid4())
        fresh = {**old, "id": new_id, "state": "scheduled", "exit_status": None, "soft_failed": False}
        fresh.update(retries_count=(old.get("retries_count") or 0) + 1, retry_type="manual")
        fresh = self._located(fresh, org, pipeline, int(number))
        old.update(retried=True, retried_in_job_id=new_id)
        build["jobs"].append(fresh)
        build["state"] = "running"
        return _json(200, fresh)

    def _create_build(self, request: Request, org: str, pipeline: str) -> Reply:
        if not any(k[:2] == (org, pipeline) for k in self.builds):
            return _error(404, "Not Found")
        body = request.body if isinstance(request.body, dict) else {}
        missing = [f for f in ("commit", "branch") if not isinstance(body.get(f), str) or not body[f]]
        if missing:
            errors = [{"field": f, "code": "missing_field"} for f in missing]
            return _error(422, "Validation Failed", errors=errors)
        number = max(n for o, p, n in self.builds if (o, p) == (org, pipeline)) + 1
        fields = {k: body[k] for k in ("env", "meta_data", "author") if body.get(k) is not None}
        build = self.add_build(
            org, pipeline, number, commit=body["commit"], branch=body["branch"],
            message=body.get("message") or "", state="scheduled", source="api", **fields,
        )  # fmt: skip
        return _json(201, build)

    # -- model proxy ---------------------------------------------------------------------------------

    def _proxy(self, request: Request, rest: str) -> Reply:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        token = request.headers.get("x-api-key") or (credential if scheme in ("Token", "Bearer") else "")
        if token not in self.agent_tokens:
            return _error(401, "Unauthorized: the job's agent access token is required")
        if self.model_url is None:
            return _error(404, "No model provider is connected to this organization")
        query = urlencode(request.query, doseq=True)
        forward = urllib.request.Request(
            self.model_url + rest + (f"?{query}" if query else ""),
            data=request.raw.encode() if request.raw else None,
            method=request.method,
        )
        for name, value in request.headers.items():
            if name.startswith("anthropic-") or name == "content-type":
                forward.add_header(name, value)
        forward.add_header("x-api-key", self.provider_key)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(forward, timeout=30) as resp:
                return _forwarded(resp.status, resp.read(), resp.headers)
        except urllib.error.HTTPError as err:
            return _forwarded(err.code, err.read(), err.headers)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                try:
                    body = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = None
                target = urlsplit(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Request(self.command, target.path, parse_qs(target.query), headers, body, raw)
                reply = server._answer(request)
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("content-length", str(len(reply.body)))
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep pytest output clean

        return Handler


def _forwarded(status: int, body: bytes, headers: Any) -> Reply:
    kept = tuple(
        (n, v) for n, v in headers.items() if n.lower() in {"request-id", "retry-after", "retry-after-ms"}
    )
    return Reply(status, body, headers.get("content-type", "application/json"), kept)


_HEADER_LINE = re.compile(r"\x1b_bk;t=(\d+)\x07(?:---|\+\+\+|~~~) ")


def _headers(content: str) -> list[int]:
    """`header_times`: the timestamps of the log's section headers (`---`, `+++`, `~~~` lines)."""
    return [int(m.group(1)) for m in _HEADER_LINE.finditer(content)]

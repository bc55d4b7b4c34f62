"""A loopback stand-in for GitLab's REST API v4, for the real `python-gitlab` client to talk to
(`gitlab.Gitlab(server.url, private_token=…)`: python-gitlab adds `/api/v4`).

Routes (`:id` is a project id or its URL-encoded path; lists are paginated the GitLab way: `page`,
`per_page` ≤ 100, and `link`, `x-page`, `x-per-page`, `x-next-page`, `x-prev-page`, `x-total`,
`x-total-pages` headers):
- `GET  /user` — the token's (bot) user.
- `GET  /projects/:id`; `GET /projects/:id/repository/branches/:branch` (the head, from the origin).
- `POST /projects/:id/repository/commits` — `branch`, `commit_message`, `actions[]` (`create`, `update`,
  `delete`, `move` with `previous_path`, `chmod` with `execute_filemode`; `content` as `text` or `base64`;
  per action `last_commit_id`), `start_branch` / `start_sha` for a new branch, `author_name`, `author_email`.
  With an origin (a bare repository) the commit is really written: a temporary index read from the branch
  head, the actions applied in order, `write-tree`, `commit-tree`, `update-ref` guarded by the old head.
  As GitLab: `last_commit_id` is checked per update/move/delete action — the last commit touching the file
  seen from the branch and from `last_commit_id` must be the same, else 400 "The file has changed since
  you started editing it: <path>"; an unknown `last_commit_id` is not checked. A top-level
  `last_commit_id` is not a GitLab parameter and is ignored, as GitLab ignores it. 201 with the commit.
- `GET  /projects/:id/merge_requests` (`source_branch`, `target_branch`, `state`, `iids[]`, `order_by`,
  `sort`), `POST` (201; 409 when an open one has the same source and target branch), `GET …/:iid`,
  `PUT …/:iid` (`title`, `description`, `target_branch`, `labels`, `add_labels`, `remove_labels`,
  `state_event`).
- `POST …/merge_requests/:iid/cancel_merge_when_pipeline_succeeds` — 201 `{"status": "success"}` (what
  GitLab really answers, not the merge request its documentation shows), 405 when auto-merge is off.
- `GET/POST …/merge_requests/:iid/notes` (`sort`, `order_by`), `PUT …/notes/:note_id` (the author only).
- `GET  /projects/:id/pipelines/:pipeline_id/jobs` (`scope[]`; retried jobs only with `include_retried`).
- `GET  /projects/:id/jobs/:job_id/trace` (text/plain; a job's trace is a string, or a file read at
  request time — gitlab-ci-local's `.gitlab-ci-local/output/<job>.log`).
- `POST /projects/:id/jobs/:job_id/retry` — 201 with the new job; 403 when the job is not retryable.

Auth as GitLab: `PRIVATE-TOKEN` or `Authorization: Bearer` with a known token, else 401
`{"message": "401 Unauthorized"}`. A CI job token (`JOB-TOKEN`, or any token in `job_tokens`) is refused
with that same 401 on every route here — GitLab accepts job tokens only on its short list of job-token
endpoints, and commits, notes, merge requests, traces and retries are not on it. Scopes: reads need
`read_api` or `api`, writes `api` (else 403 `insufficient_scope`). Roles (access levels, `roles=`): without
one the private project reads as 404; reads need Reporter, notes Reporter, other writes Developer (else 403),
a protected branch Maintainer (403 "… You are not allowed to push into this branch"). Every request is
recorded, before auth: method, raw path, query, headers, body.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import math
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from tests.helpers.repos import git_env

TOKEN = "glpat-selfhealTESTtoken0123"  # a project access token: api scope, Developer
JOB_TOKEN = "glcbt-64_selfhealTESTjobtoken01"  # a CI_JOB_TOKEN
PROJECT = "acme/app"
GUEST, REPORTER, DEVELOPER, MAINTAINER = 10, 20, 30, 40
HUMAN = {"id": 7, "username": "dev", "name": "Dev Eloper", "state": "active", "locked": False}
UNAUTHORIZED = "401 Unauthorized"
FORBIDDEN = "403 Forbidden"
INSUFFICIENT_SCOPE = {
    "error": "insufficient_scope",
    "error_description": "The request requires higher privileges than provided by the access token.",
    "scope": "api",
}
NOT_PUSHABLE = "403 Forbidden - You are not allowed to push into this branch"
NOT_RETRYABLE = "403 Forbidden - Job is not retryable"
FILE_CHANGED = "The file has changed since you started editing it: {path}"
FILE_EXISTS = "A file with this name already exists"
FILE_MISSING = "A file with this name doesn't exist"
NOT_ON_BRANCH = "You can only create or edit files when you are on a branch"
BRANCH_EXISTS = "A branch called '{branch}' already exists. Switch to that branch in order to make changes"
MR_EXISTS = "Another open merge request already exists for this source branch: !{iid}"
NOTE_LIMIT = 1_000_000
JOB_STATES = ("created", "pending", "running", "failed", "success", "canceled", "skipped", "manual")
RETRYABLE = frozenset({"failed", "canceled", "success"})
_T0 = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
_ZERO = "0" * 40
_ids = itertools.count(5001)

_P = r"/api/v4/projects/([^/]+)"
_MR = _P + r"/merge_requests/(\d+)"


def job(
    name: str,
    *,
    stage: str = "test",
    status: str = "failed",
    allow_failure: bool = False,
    trace: str | Path = "",
    retried: bool = False,
    job_id: int | None = None,
) -> dict[str, Any]:
    """A job for `add_pipeline`; `trace` is its log, or the file to read it from when it is asked for."""
    return {
        "id": job_id or next(_ids),
        "status": status,
        "stage": stage,
        "name": name,
        "allow_failure": allow_failure,
        "failure_reason": "script_failure" if status == "failed" else None,
        "_trace": trace,
        "_retried": retried,
    }


def _stamp(writes: Iterable[str], start: datetime) -> str:
    """The runner's FF_TIMESTAMPS framing of its writes: a new entry per line, and a write that ends
    without a newline flushed as its own entry, ended by a newline of the runner's, the next one `+`."""
    out, cont = [], False
    for n, write in enumerate(writes):
        when = start + timedelta(microseconds=1500 * n)
        head = f"{when:%Y-%m-%dT%H:%M:%S}.{when.microsecond:06d}Z 00O"
        *lines, rest = write.split("\n")
        for line in lines:
            out.append(f"{head}{'+' if cont else ' '}{line}\n")
            cont = False
        if rest:
            out.append(f"{head}{'+' if cont else ' '}{rest}\n")
            cont = True
    return "".join(out)


def runner_trace(
    commands: Sequence[tuple[str, str]],
    *,
    exit_code: int = 1,
    timestamps: bool = False,
    script_sections: bool = False,
    unix: int = 1767607200,
) -> str:
    """A job log as gitlab-runner writes it: ANSI headers, `section_start`/`section_end` markers (the end of
    one section and the start of the next on one line), the script's `$ command` echoes in bold green and
    each command's output; with `timestamps`, FF_TIMESTAMPS prefixes. A multi-line command is echoed by its
    first line (`# collapsed multi-line command`), or whole in its own section with `script_sections`."""
    writes: list[str] = [
        "\x1b[0KRunning with gitlab-runner 18.7.0 (abcdef12)\x1b[0;m\n",
        "\x1b[0K  on docker-runner t3_AbCdEf, system ID: s_0123456789ab\x1b[0;m\n",
    ]
    clock = itertools.count(unix)

    def section(name: str, header: str, body: Iterable[str]) -> None:
        writes.append(f"\x1b[0Ksection_start:{next(clock)}:{name}\r\x1b[0K")
        writes.append(f"\x1b[0K\x1b[36;1m{header}\x1b[0;m\x1b[0;m\n")
        writes.extend(body)
        writes.append(f"\x1b[0Ksection_end:{next(clock)}:{name}\r\x1b[0K")

    def script() -> Iterable[str]:
        for n, (command, output) in enumerate(commands):
            first, *more = command.split("\n")
            if more and script_sections:
                options = "[hide_duration=true,collapsed=true]"
                yield f"\x1b[0Ksection_start:{next(clock)}:section_script_step_{n}{options}\r\x1b[0K"
                yield f"\x1b[32;1m$ {command}\x1b[0;m\n"
            else:
                yield f"\x1b[32;1m$ {first}{' # collapsed multi-line command' if more else ''}\x1b[0;m\n"
            yield from (line + "\n" for line in output.splitlines())
            if more and script_sections:
                yield f"\x1b[0Ksection_end:{next(clock)}:section_script_step_{n}\r\x1b[0K"

    section("prepare_executor", 'Preparing the "docker" executor', ["\x1b[0KUsing docker image python:3.12\x1b[0;m\n"])  # fmt: skip
    section("get_sources", "Getting source from Git repository", [
        "\x1b[32;1mFetching changes with git depth set to 20...\x1b[0;m\n",
        "\x1b[32;1m$ eval \"$CI_PRE_CLONE_SCRIPT\"\x1b[0;m\n",
        "\x1b[32;1mChecking out 1a2b3c4d as detached HEAD (ref is feature/x)...\x1b[0;m\n",
    ])  # fmt: skip
    section("step_script", 'Executing "step_script" stage of the job script', script())
    section("cleanup_file_variables", "Cleaning up project directory and file based variables", [])
    end = (
        f"\x1b[31;1mERROR: Job failed: exit code {exit_code}\n" if exit_code else "\x1b[32;1mJob succeeded\n"
    )
    writes.append(end + "\x1b[0;m\n")
    return _stamp(writes, datetime.fromtimestamp(unix, timezone.utc)) if timestamps else "".join(writes)


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as sent, percent-encoding kept (`/api/v4/projects/acme%2Fapp`), without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: Any
    raw: str


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


class Refused(Exception):
    """A request GitLab would refuse: raised deep in a handler, answered by the dispatcher."""

    def __init__(self, status: int, payload: Any) -> None:
        super().__init__(status)
        self.status, self.payload = status, payload


def _json(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, json.dumps(payload).encode(), headers=headers)


def _message(status: int, message: Any) -> Refused:
    return Refused(status, {"message": message})


def _error(status: int, error: str) -> Refused:
    return Refused(status, {"error": error})  # Grape's parameter validation answers with "error"


@dataclass(frozen=True)
class Caller:
    token: str
    user: dict[str, Any]
    role: int
    scopes: frozenset[str]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    write: bool
    role: int  # the access level the route needs; 0: no project
    handler: Callable[..., Reply]


class GitLabServer:
    """`with GitLabServer(origin=repo.origin) as server:` then `server.add_project()` and
    `gitlab.Gitlab(server.url, private_token=TOKEN)`.

    `tokens` maps each access token to its scopes (None: `api`); `roles` gives a token's access level in
    every project (default Developer); `job_tokens` are CI job tokens, refused as GitLab refuses them here.
    """

    def __init__(
        self,
        origin: Path | None = None,
        tokens: Mapping[str, Iterable[str] | None] | None = None,
        *,
        roles: Mapping[str, int] | None = None,
        job_tokens: Iterable[str] = (JOB_TOKEN,),
    ) -> None:
        given = {TOKEN: None} if tokens is None else tokens
        self.tokens = {t: frozenset({"api"} if s is None else s) for t, s in given.items()}
        self.roles = dict(roles or {})
        self.job_tokens = frozenset(job_tokens)
        self.users = {
            t: {"id": 100 + n, "username": f"project_1_bot_{n}", "name": "selfheal", "state": "active", "bot": True}
            for n, t in enumerate(self.tokens)
        }  # fmt: skip
        self.origin = origin
        self.projects: dict[int, dict[str, Any]] = {}
        self.requests: list[Request] = []
        self._clock = itertools.count(1)
        self._notes = itertools.count(9001)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._routes = self._table()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> GitLabServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    # -- state -----------------------------------------------------------------------------------------

    def _now(self) -> str:
        return f"{_T0 + timedelta(seconds=next(self._clock)):%Y-%m-%dT%H:%M:%S}.000Z"

    def add_project(
        self,
        path: str = PROJECT,
        *,
        project_id: int = 1,
        default_branch: str = "main",
        origin: Path | None = None,
        protected: Iterable[str] = ("main",),
        developers_can_push: bool = False,
    ) -> dict[str, Any]:
        project = {
            "id": project_id, "path_with_namespace": path, "default_branch": default_branch,
            "origin": origin or self.origin, "protected": set(protected), "developers_can_push": developers_can_push,
            "branches": {},  # heads without an origin: name → sha
            "merge_requests": {}, "pipelines": {},
        }  # fmt: skip
        self.projects[project_id] = project
        return project

    def project(self, ref: int | str = PROJECT) -> dict[str, Any]:
        for project in self.projects.values():
            if ref in (project["id"], project["path_with_namespace"], str(project["id"])):
                return project
        raise KeyError(ref)

    def add_merge_request(
        self,
        source_branch: str,
        target_branch: str | None = None,
        *,
        project: int | str = PROJECT,
        iid: int | None = None,
        title: str = "Feature",
        description: str = "",
        labels: Iterable[str] = (),
        auto_merge: bool = False,
        state: str = "opened",
        author: Mapping[str, Any] = HUMAN,
        source_project_id: int | None = None,
    ) -> dict[str, Any]:
        """A merge request; its notes are its `notes` list (`add_note` adds a human's or a system note)."""
        proj = self.project(project)
        iid = iid or max(proj["merge_requests"], default=0) + 1
        now = self._now()
        mr = {
            "id": 700 + iid, "iid": iid, "project_id": proj["id"], "title": title, "description": description,
            "state": state, "created_at": now, "updated_at": now, "source_branch": source_branch,
            "target_branch": target_branch or proj["default_branch"], "target_project_id": proj["id"],
            "source_project_id": source_project_id or proj["id"], "author": dict(author), "labels": list(labels),
            "draft": False, "merge_when_pipeline_succeeds": auto_merge, "notes": [],
        }  # fmt: skip
        proj["merge_requests"][iid] = mr
        return mr

    def merge_request(self, iid: int, project: int | str = PROJECT) -> dict[str, Any]:
        return dict(self.project(project)["merge_requests"][iid])

    def add_note(
        self,
        iid: int,
        body: str,
        *,
        project: int | str = PROJECT,
        author: Mapping[str, Any] = HUMAN,
        system: bool = False,
    ) -> dict[str, Any]:
        proj = self.project(project)
        mr = proj["merge_requests"][iid]
        now = self._now()
        note = {
            "id": next(self._notes), "type": None, "body": body, "attachment": None, "author": dict(author),
            "created_at": now, "updated_at": now, "system": system, "noteable_id": mr["id"],
            "noteable_type": "MergeRequest", "noteable_iid": iid, "project_id": proj["id"], "resolvable": False,
            "confidential": False, "internal": False, "commands_changes": {},
        }  # fmt: skip
        mr["notes"].append(note)
        return note

    def add_pipeline(
        self,
        pipeline_id: int,
        jobs: Iterable[dict[str, Any]],
        *,
        project: int | str = PROJECT,
        ref: str = "feature/x",
        sha: str = _ZERO,
    ) -> dict[str, Any]:
        proj = self.project(project)
        pipeline = {"id": pipeline_id, "ref": ref, "sha": sha, "jobs": list(jobs)}
        proj["pipelines"][pipeline_id] = pipeline
        return pipeline

    def find_job(self, job_id: int) -> dict[str, Any]:
        for proj in self.projects.values():
            for pipeline in proj["pipelines"].values():
                found: list[dict[str, Any]] = [entry for entry in pipeline["jobs"] if entry["id"] == job_id]
                if found:
                    return found[0]
        raise KeyError(job_id)

    def head(self, branch: str, project: int | str = PROJECT) -> str | None:
        return self._head(self.project(project), branch)

    def set_branch(self, branch: str, sha: str, project: int | str = PROJECT) -> None:
        """A branch head for a project without an origin."""
        self.project(project)["branches"][branch] = sha

    # -- dispatch --------------------------------------------------------------------------------------

    def _table(self) -> list[Route]:
        def r(method: str, path: str, write: bool, role: int, handler: Callable[..., Reply]) -> Route:
            return Route(method, re.compile(path), write, role, handler)

        return [
            r("GET", r"/api/v4/user", False, 0, self._user),
            r("GET", _P, False, GUEST, self._get_project),
            r("GET", _P + r"/repository/branches/([^/]+)", False, REPORTER, self._get_branch),
            r("POST", _P + r"/repository/commits", True, DEVELOPER, self._commit),
            r("GET", _P + r"/merge_requests", False, REPORTER, self._list_mrs),
            r("POST", _P + r"/merge_requests", True, DEVELOPER, self._create_mr),
            r("GET", _MR, False, REPORTER, self._get_mr),
            r("PUT", _MR, True, DEVELOPER, self._update_mr),
            r(
                "POST",
                _MR + r"/cancel_merge_when_pipeline_succeeds",
                True,
                DEVELOPER,
                self._cancel_auto_merge,
            ),
            r("GET", _MR + r"/notes", False, REPORTER, self._list_notes),
            r("POST", _MR + r"/notes", True, REPORTER, self._create_note),
            r("PUT", _MR + r"/notes/(\d+)", True, REPORTER, self._update_note),
            r("GET", _P + r"/pipelines/(\d+)/jobs", False, REPORTER, self._list_jobs),
            r("GET", _P + r"/jobs/(\d+)/trace", False, REPORTER, self._trace),
            r("POST", _P + r"/jobs/(\d+)/retry", True, DEVELOPER, self._retry),
        ]

    def _answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            try:
                return self._dispatch(request)
            except Refused as refused:
                return _json(refused.status, refused.payload)

    def _dispatch(self, request: Request) -> Reply:
        for route in self._routes:
            match = route.pattern.fullmatch(request.path)
            if match and route.method == request.method:
                break
        else:
            raise _error(404, "404 Not Found")
        caller = self._caller(request, route.write)
        if not route.role:
            return route.handler(request, caller)
        project = self._find_project(match.group(1))
        if project is None or caller.role < GUEST:  # a private project a token has no role in: not there
            raise _message(404, "404 Project Not Found")
        if caller.role < route.role:
            raise _message(403, FORBIDDEN)
        return route.handler(request, caller, project, *(unquote(g) for g in match.groups()[1:]))

    def _caller(self, request: Request, write: bool) -> Caller:
        headers, query = request.headers, request.query
        auth = headers.get("authorization", "")
        token = (
            headers.get("private-token")
            or (auth[len("Bearer ") :] if auth.startswith("Bearer ") else "")
            or headers.get("job-token")
            or next((query[k][0] for k in ("private_token", "access_token", "job_token") if k in query), "")
        )
        if token in self.job_tokens or token not in self.tokens or "job-token" in headers:
            raise _message(401, UNAUTHORIZED)
        scopes = self.tokens[token]
        if not scopes & ({"api"} if write else {"api", "read_api"}):
            raise Refused(403, INSUFFICIENT_SCOPE)
        return Caller(token, self.users[token], self.roles.get(token, DEVELOPER), scopes)

    def _find_project(self, segment: str) -> dict[str, Any] | None:
        ref = unquote(segment)
        for project in self.projects.values():
            if ref == str(project["id"]) or ref == project["path_with_namespace"]:
                return project
        return None

    def _paged(self, request: Request, items: list[Any]) -> Reply:
        def number(key: str, default: int) -> int:
            value = request.query.get(key, [""])[0]
            return int(value) if value.isdigit() and int(value) > 0 else default

        per_page, page = min(number("per_page", 20), 100), number("page", 1)
        pages = max(1, math.ceil(len(items) / per_page))

        def link(n: int) -> str:
            query = {**request.query, "page": [str(n)], "per_page": [str(per_page)]}
            return f"<{self.url}{request.path}?{urlencode(query, doseq=True)}>"

        rels = [(page + 1, "next")] if page < pages else []
        rels += [(page - 1, "prev")] if page > 1 else []
        rels += [(1, "first"), (pages, "last")]
        headers = (
            ("x-page", str(page)),
            ("x-per-page", str(per_page)),
            ("x-next-page", str(page + 1) if page < pages else ""),
            ("x-prev-page", str(page - 1) if page > 1 else ""),
            ("x-total", str(len(items))),
            ("x-total-pages", str(pages)),
            ("link", ", ".join(f'{link(n)}; rel="{rel}"' for n, rel in rels)),
        )
        return _json(200, items[(page - 1) * per_page : page * per_page], headers)

    # -- users, projects, branches ---------------------------------------------------------------------

    def _user_json(self, user: Mapping[str, Any]) -> dict[str, Any]:
        return {**user, "avatar_url": None, "web_url": f"{self.url}/{user['username']}"}

    def _user(self, request: Request, caller: Caller) -> Reply:
        return _json(200, {**self._user_json(caller.user), "created_at": _T0.isoformat(), "is_admin": False})

    def _get_project(self, request: Request, caller: Caller, project: dict[str, Any]) -> Reply:
        path = project["path_with_namespace"]
        group, _, name = path.rpartition("/")
        return _json(200, {
            "id": project["id"], "name": name, "path": name, "path_with_namespace": path,
            "name_with_namespace": path.replace("/", " / "), "default_branch": project["default_branch"],
            "visibility": "private", "web_url": f"{self.url}/{path}",
            "http_url_to_repo": f"{self.url}/{path}.git", "ssh_url_to_repo": f"git@localhost:{path}.git",
            "namespace": {"id": 3, "name": group, "path": group, "kind": "group", "full_path": group},
            "permissions": {"project_access": {"access_level": caller.role, "notification_level": 3}},
        })  # fmt: skip

    def _head(self, project: Mapping[str, Any], branch: str) -> str | None:
        if project["origin"] is None:
            sha = project["branches"].get(branch)
            return str(sha) if sha else None
        out = _git(project["origin"], "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False)
        return out.decode().strip() or None

    def _commit_json(self, project: Mapping[str, Any], sha: str) -> dict[str, Any]:
        base = {
            "id": sha,
            "short_id": sha[:8],
            "web_url": f"{self.url}/{project['path_with_namespace']}/-/commit/{sha}",
        }
        if project["origin"] is None:
            return {**base, "title": "", "message": "", "parent_ids": [], "trailers": {}}
        fields = "%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B"
        out = _git(project["origin"], "log", "-1", f"--format={fields}", sha).decode("utf-8", "replace")
        parents, an, ae, ad, cn, ce, cd, message = out.split("\0", 7)
        message = message.removesuffix("\n")
        return {
            **base, "title": message.split("\n", 1)[0], "message": message, "parent_ids": parents.split(),
            "author_name": an, "author_email": ae, "authored_date": ad, "committer_name": cn,
            "committer_email": ce, "committed_date": cd, "created_at": cd, "trailers": {}, "extended_trailers": {},
        }  # fmt: skip

    def _get_branch(self, request: Request, caller: Caller, project: dict[str, Any], branch: str) -> Reply:
        sha = self._head(project, branch)
        if sha is None:
            raise _message(404, "404 Branch Not Found")
        protected = branch in project["protected"]
        return _json(200, {
            "name": branch, "merged": False, "protected": protected, "default": branch == project["default_branch"],
            "developers_can_push": not protected or project["developers_can_push"], "developers_can_merge": True,
            "can_push": self._may_push(project, branch, caller), "commit": self._commit_json(project, sha),
            "web_url": f"{self.url}/{project['path_with_namespace']}/-/tree/{branch}",
        })  # fmt: skip

    def _may_push(self, project: Mapping[str, Any], branch: str, caller: Caller) -> bool:
        if branch in project["protected"] and not project["developers_can_push"]:
            return caller.role >= MAINTAINER
        return caller.role >= DEVELOPER

    # -- commits ---------------------------------------------------------------------------------------

    def _commit(self, request: Request, caller: Caller, project: dict[str, Any]) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        for key in ("branch", "commit_message", "actions"):
            if not body.get(key):
                raise _error(400, f"{key} is missing")
        actions, branch = body["actions"], str(body["branch"])
        if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
            raise _error(400, "actions is invalid")
        for n, action in enumerate(actions):
            if action.get("action") not in ("create", "delete", "move", "update", "chmod"):
                raise _error(400, f"actions[{n}][action] does not have a valid value")
            if not action.get("file_path"):
                raise _error(400, f"actions[{n}][file_path] is missing")
            if action.get("encoding", "text") not in ("text", "base64"):
                raise _error(400, f"actions[{n}][encoding] does not have a valid value")
        if not self._may_push(project, branch, caller):
            raise _message(403, NOT_PUSHABLE)
        head = self._head(project, branch)
        start = body.get("start_sha") or (
            self._head(project, str(body["start_branch"])) if body.get("start_branch") else None
        )
        if head is not None and start and body.get("start_branch") != branch:
            raise _message(400, BRANCH_EXISTS.format(branch=branch))
        base = head or start
        if not base:
            raise _message(400, NOT_ON_BRANCH)
        author = (
            body.get("author_name") or caller.user["name"],
            body.get("author_email") or _email(caller.user),
        )
        if project["origin"] is None:
            sha = hashlib.sha1(request.raw.encode()).hexdigest()
            project["branches"][branch] = sha
            return _json(
                201, {**self._commit_json(project, sha), "parent_ids": [base], "project_id": project["id"]}
            )
        sha = _Writer(project["origin"], str(base), self._now()).commit(
            branch,
            head,
            actions,
            str(body["commit_message"]),
            author,
            (caller.user["name"], _email(caller.user)),
        )
        stats = _git(project["origin"], "diff-tree", "-r", "--shortstat", str(base), sha).decode()
        counts = [int(n) for n in re.findall(r"(\d+) (?:insertion|deletion)", stats)]
        return _json(201, {
            **self._commit_json(project, sha), "project_id": project["id"], "status": None, "last_pipeline": None,
            "stats": {"additions": counts[0] if counts else 0, "deletions": sum(counts[1:]), "total": sum(counts)},
        })  # fmt: skip

    # -- merge requests --------------------------------------------------------------------------------

    def _mr_json(self, project: Mapping[str, Any], mr: Mapping[str, Any]) -> dict[str, Any]:
        path, iid = project["path_with_namespace"], mr["iid"]
        shown = {k: v for k, v in mr.items() if k != "notes"}
        return {
            **shown,
            "author": self._user_json(mr["author"]),
            "work_in_progress": mr["draft"],
            "user_notes_count": sum(1 for n in mr["notes"] if not n["system"]),
            "merge_status": "can_be_merged",
            "detailed_merge_status": "mergeable",
            "sha": self._head(project, mr["source_branch"])
            if mr["source_project_id"] == project["id"]
            else None,
            "reference": f"!{iid}",
            "references": {"short": f"!{iid}", "relative": f"!{iid}", "full": f"{path}!{iid}"},
            "web_url": f"{self.url}/{path}/-/merge_requests/{iid}",
        }

    def _mr(self, project: Mapping[str, Any], iid: str) -> dict[str, Any]:
        mr: dict[str, Any] | None = project["merge_requests"].get(int(iid))
        if mr is None:
            raise _message(404, "404 Merge Request Not Found")
        return mr

    def _list_mrs(self, request: Request, caller: Caller, project: dict[str, Any]) -> Reply:
        q = {k: v[-1] for k, v in request.query.items()}
        state = q.get("state", "all")
        iids = {int(i) for i in request.query.get("iids[]", []) if i.isdigit()}
        found = [
            mr for mr in project["merge_requests"].values()
            if (state == "all" or mr["state"] == state)
            and all(mr[key] == q[key] for key in ("source_branch", "target_branch") if key in q)
            and (not iids or mr["iid"] in iids)
        ]  # fmt: skip
        order = q.get("order_by", "created_at")
        found.sort(key=lambda mr: (str(mr.get(order, "")), mr["iid"]), reverse=q.get("sort") != "asc")
        return self._paged(request, [self._mr_json(project, mr) for mr in found])

    def _get_mr(self, request: Request, caller: Caller, project: dict[str, Any], iid: str) -> Reply:
        return _json(200, self._mr_json(project, self._mr(project, iid)))

    def _create_mr(self, request: Request, caller: Caller, project: dict[str, Any]) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        missing = [key for key in ("source_branch", "target_branch", "title") if not body.get(key)]
        if missing:
            raise _error(400, ", ".join(missing) + (" is missing" if len(missing) == 1 else " are missing"))
        source, target = str(body["source_branch"]), str(body["target_branch"])
        if source == target:
            raise _message(400, ["You can't use same project/branch for source and target"])
        for mr in project["merge_requests"].values():
            if mr["state"] == "opened" and (mr["source_branch"], mr["target_branch"]) == (source, target):
                raise _message(409, [MR_EXISTS.format(iid=mr["iid"])])
        mr = self.add_merge_request(
            source, target, project=project["id"], title=str(body["title"]),
            description=str(body.get("description") or ""), labels=_labels(body.get("labels")), author=caller.user,
        )  # fmt: skip
        return _json(201, self._mr_json(project, mr))

    def _update_mr(self, request: Request, caller: Caller, project: dict[str, Any], iid: str) -> Reply:
        mr, body = self._mr(project, iid), request.body if isinstance(request.body, dict) else {}
        known = (
            "title",
            "description",
            "target_branch",
            "labels",
            "add_labels",
            "remove_labels",
            "state_event",
        )
        if not any(key in body for key in known):
            raise _error(400, ", ".join(known) + " are missing, at least one parameter must be provided")
        for key in ("title", "description", "target_branch"):
            if key in body:
                mr[key] = str(body[key] or "")
        labels = _labels(body["labels"]) if "labels" in body else list(mr["labels"])
        labels += [name for name in _labels(body.get("add_labels")) if name not in labels]
        mr["labels"] = [name for name in labels if name not in _labels(body.get("remove_labels"))]
        if body.get("state_event") in ("close", "reopen"):
            mr["state"] = "closed" if body["state_event"] == "close" else "opened"
        mr["updated_at"] = self._now()
        return _json(200, self._mr_json(project, mr))

    def _cancel_auto_merge(
        self, request: Request, caller: Caller, project: dict[str, Any], iid: str
    ) -> Reply:
        mr = self._mr(project, iid)
        if not mr["merge_when_pipeline_succeeds"]:
            raise _message(405, "405 Method Not Allowed")
        mr["merge_when_pipeline_succeeds"] = False
        self.add_note(
            mr["iid"], "canceled the automatic merge", project=project["id"], author=caller.user, system=True
        )
        return _json(201, {"status": "success"})

    # -- notes -----------------------------------------------------------------------------------------

    def _list_notes(self, request: Request, caller: Caller, project: dict[str, Any], iid: str) -> Reply:
        order = request.query.get("order_by", ["created_at"])[-1]
        notes = sorted(
            self._mr(project, iid)["notes"], key=lambda n: (n.get(order, n["created_at"]), n["id"])
        )
        if request.query.get("sort", ["desc"])[-1] != "asc":
            notes.reverse()
        return self._paged(request, [{**n, "author": self._user_json(n["author"])} for n in notes])

    def _note_body(self, request: Request) -> str:
        body = request.body if isinstance(request.body, dict) else {}
        if not isinstance(body.get("body"), str) or not body["body"]:
            raise _error(400, "body is missing")
        if len(body["body"]) > NOTE_LIMIT:
            raise _message(400, {"note": [f"is too long (maximum is {NOTE_LIMIT} characters)"]})
        return str(body["body"])

    def _create_note(self, request: Request, caller: Caller, project: dict[str, Any], iid: str) -> Reply:
        mr = self._mr(project, iid)
        note = self.add_note(mr["iid"], self._note_body(request), project=project["id"], author=caller.user)
        return _json(201, {**note, "author": self._user_json(note["author"])})

    def _update_note(
        self, request: Request, caller: Caller, project: dict[str, Any], iid: str, note_id: str
    ) -> Reply:
        note = next((n for n in self._mr(project, iid)["notes"] if n["id"] == int(note_id)), None)
        if note is None:
            raise _message(404, "404 Note Not Found")
        if note["author"]["id"] != caller.user["id"] or note["system"]:
            raise _message(403, FORBIDDEN)
        note.update(body=self._note_body(request), updated_at=self._now())
        return _json(200, {**note, "author": self._user_json(note["author"])})

    # -- pipelines and jobs ----------------------------------------------------------------------------

    def _job_json(
        self, project: Mapping[str, Any], pipeline: Mapping[str, Any], entry: Mapping[str, Any]
    ) -> dict[str, Any]:
        path = project["path_with_namespace"]
        return {
            **{k: v for k, v in entry.items() if not k.startswith("_")},
            "ref": pipeline["ref"], "tag": False, "coverage": None, "created_at": _T0.isoformat(),
            "user": self._user_json(HUMAN), "commit": {"id": pipeline["sha"], "short_id": pipeline["sha"][:8]},
            "pipeline": {"id": pipeline["id"], "project_id": project["id"], "ref": pipeline["ref"],
                         "sha": pipeline["sha"], "status": "failed"},
            "web_url": f"{self.url}/{path}/-/jobs/{entry['id']}", "artifacts": [], "tag_list": [], "archived": False,
        }  # fmt: skip

    def _job(self, project: Mapping[str, Any], job_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        for pipeline in project["pipelines"].values():
            for entry in pipeline["jobs"]:
                if entry["id"] == int(job_id):
                    return pipeline, entry
        raise _message(404, "404 Job Not Found")

    def _list_jobs(
        self, request: Request, caller: Caller, project: dict[str, Any], pipeline_id: str
    ) -> Reply:
        pipeline = project["pipelines"].get(int(pipeline_id))
        if pipeline is None:
            raise _message(404, "404 Not found")
        scopes = request.query.get("scope[]", []) + request.query.get("scope", [])
        if any(scope not in JOB_STATES for scope in scopes):
            raise _error(400, "scope does not have a valid value")
        retried = request.query.get("include_retried", ["false"])[-1] == "true"
        shown = [
            self._job_json(project, pipeline, entry) for entry in pipeline["jobs"]
            if (retried or not entry["_retried"]) and (not scopes or entry["status"] in scopes)
        ]  # fmt: skip
        return self._paged(request, shown)

    def _trace(self, request: Request, caller: Caller, project: dict[str, Any], job_id: str) -> Reply:
        _, entry = self._job(project, job_id)
        source = entry["_trace"]
        if isinstance(source, Path):
            data = source.read_bytes() if source.is_file() else b""
        else:
            data = str(source).encode()
        return Reply(200, data, "text/plain; charset=utf-8")

    def _retry(self, request: Request, caller: Caller, project: dict[str, Any], job_id: str) -> Reply:
        pipeline, old = self._job(project, job_id)
        if old["_retried"] or old["status"] not in RETRYABLE:
            raise _message(403, NOT_RETRYABLE)
        fresh = {**old, "id": next(_ids), "status": "pending", "failure_reason": None, "_trace": ""}
        old["_retried"] = True
        pipeline["jobs"].append(fresh)
        return _json(201, self._job_json(project, pipeline, fresh))

    # -- HTTP ------------------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                headers = {k.lower(): v for k, v in self.headers.items()}
                target = urlsplit(self.path)
                request = Request(
                    self.command, target.path, parse_qs(target.query), headers, _body(raw, headers), raw
                )
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


def _body(raw: str, headers: Mapping[str, str]) -> Any:
    if not raw:
        return None
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {k: v[-1] for k, v in parse_qs(raw).items()}
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return None


def _labels(value: Any) -> list[str]:
    """Labels as GitLab takes them: a comma-separated string or an array."""
    names = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(name).strip() for name in names if str(name).strip()]


def _email(user: Mapping[str, Any]) -> str:
    return f"{user['username']}@noreply.localhost"


def _git(
    origin: Path,
    *args: str,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> bytes:
    proc = subprocess.run(
        ["git", "--git-dir", str(origin), *args],
        input=input,
        capture_output=True,
        env={**git_env(), **(env or {})},
    )
    if check and proc.returncode != 0:
        raise _message(
            400, proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["git failed"]
        )
    return proc.stdout


class _Writer:
    """One Commits API call written into the bare origin with plumbing: the actions on a temporary index
    read from `base`, then `write-tree`, `commit-tree`, and `update-ref` guarded by the old head."""

    def __init__(self, origin: Path, base: str, when: str) -> None:
        self.origin, self.base, self.when = origin, base, when

    def _last_for(self, ref: str, path: str) -> str | None:
        out = _git(self.origin, "--literal-pathspecs", "rev-list", "-1", ref, "--", path, check=False)
        return out.decode().strip() or None

    def _changed(self, action: Mapping[str, Any]) -> bool:
        """GitLab's `file_has_changed?`: the file's last commit seen from the branch and from the given id."""
        given = action.get("last_commit_id")
        if not given or action["action"] not in ("update", "move", "delete"):
            return False
        path = str(action.get("previous_path") or action["file_path"])
        on_branch = self._last_for(self.base, path)
        at_given = self._last_for(str(given), path)
        return on_branch is not None and at_given is not None and on_branch != at_given

    def commit(
        self,
        branch: str,
        head: str | None,
        actions: list[dict[str, Any]],
        message: str,
        author: tuple[str, str],
        committer: tuple[str, str],
    ) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            _git(self.origin, "read-tree", self.base, env=env)
            for action in actions:
                if self._changed(action):
                    path = action.get("previous_path") or action["file_path"]
                    raise _message(400, FILE_CHANGED.format(path=path))
                self._apply(action, env)
            tree = _git(self.origin, "write-tree", env=env).decode().strip()
        stamp = str(int(datetime.fromisoformat(self.when.replace("Z", "+00:00")).timestamp())) + " +0000"
        people = {
            "GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1], "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1], "GIT_COMMITTER_DATE": stamp,
        }  # fmt: skip
        made = _git(
            self.origin, "commit-tree", tree, "-p", self.base, "-F", "-", input=message.encode(), env=people
        )
        sha = made.decode().strip()
        _git(self.origin, "update-ref", f"refs/heads/{branch}", sha, head or _ZERO, check=False)
        if self._ref(branch) != sha:  # the branch moved since it was read: update-ref left it alone
            raise _message(400, f"Could not update refs/heads/{branch}. Please refresh and try again.")
        return sha

    def _ref(self, branch: str) -> str:
        return (
            _git(self.origin, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False)
            .decode()
            .strip()
        )

    def _entry(self, path: str, env: Mapping[str, str]) -> tuple[str, str] | None:
        out = _git(self.origin, "--literal-pathspecs", "ls-files", "--stage", "-z", "--", path, env=env)
        for record in out.split(b"\0"):
            meta, _, name = record.partition(b"\t")
            if name.decode("utf-8", "replace") == path:
                mode, blob, _ = meta.decode().split(" ")
                return mode, blob
        return None

    def _blob(self, action: Mapping[str, Any]) -> str:
        content = str(action.get("content") or "")
        try:
            data = (
                base64.b64decode(content, validate=True)
                if action.get("encoding") == "base64"
                else content.encode()
            )
        except binascii.Error:
            raise _message(400, "Invalid base64 content") from None
        return _git(self.origin, "hash-object", "-w", "--stdin", input=data).decode().strip()

    def _put(self, mode: str, blob: str, path: str, env: Mapping[str, str]) -> None:
        """Sets (or, with mode 0, removes) an index entry: `--index-info` needs no work tree."""
        record = f"{mode} {blob}\t{path}\0".encode()
        _git(self.origin, "update-index", "-z", "--index-info", input=record, env=env)

    def _apply(self, action: Mapping[str, Any], env: Mapping[str, str]) -> None:
        kind, path = action["action"], str(action["file_path"])
        if path.startswith("/") or ".." in path.split("/") or "\0" in path:
            raise _message(
                400, f"Your changes could not be committed, because the file path {path} is invalid"
            )
        entry = self._entry(path, env)
        if kind == "create":
            if entry:
                raise _message(400, FILE_EXISTS)
            self._put("100644", self._blob(action), path, env)
        elif kind == "move":
            previous = str(action.get("previous_path") or "")
            old = self._entry(previous, env) if previous else None
            if old is None:
                raise _message(400, FILE_MISSING)
            if entry:
                raise _message(400, FILE_EXISTS)
            blob = self._blob(action) if action.get("content") is not None else old[1]
            self._put("0", _ZERO, previous, env)
            self._put(old[0], blob, path, env)
        elif entry is None:
            raise _message(400, FILE_MISSING)
        elif kind == "update":
            self._put(entry[0], self._blob(action), path, env)
        elif kind == "delete":
            self._put("0", _ZERO, path, env)
        else:  # chmod
            self._put("100755" if action.get("execute_filemode") else "100644", entry[1], path, env)

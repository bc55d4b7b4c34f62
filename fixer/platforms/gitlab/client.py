"""A python-gitlab client for selfheal, and the one error every GitLab call turns into.

`connect` builds it from what the caller gives (the server root, a token, a timeout) and nothing else:
python-gitlab reads `~/.python-gitlab.cfg` and `CI_*` variables only in `Gitlab.from_config`, never used
here, and the HTTP session is told not to trust the environment either (no proxy variables, no `~/.netrc`
credentials, no CA bundle variables): a proxy is passed in explicitly when the CI needs one.

Retries are few and only where they are safe: a 429 (GitLab did not act on the request) for every verb, a
transient 5xx or a dropped connection only for reads and idempotent writes (`GET`, `PUT`, `DELETE`) — a
`POST` that timed out may have created its commit or note, and sending it again would make a second one.

Every failure is a `GitLabAPIError`: one line with what was being done, GitLab's status and message, and
what the token lacks when that is the cause (the `api` scope, the Developer role, push rights on a
protected branch). A `CI_JOB_TOKEN` is refused by every endpoint selfheal writes through (GitLab answers
401 for job tokens outside its short list of job-token endpoints); that is said plainly, with the remedy.
The token itself never appears in an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import gitlab
import requests
from gitlab.v4.objects import Project

MAX_RETRIES = 2  # after the first try: at most three requests per call
JOB_TOKEN_PREFIX = "glcbt-"  # GitLab 16.8+ job tokens (CI build tokens)
USER_AGENT = "selfheal (python-gitlab)"
IDEMPOTENT = frozenset({"get", "head", "put", "delete"})
JOB_TOKEN_WRITES = "CI_JOB_TOKEN cannot create commits, notes or retries: give selfheal a project access token with the api scope"
JOB_TOKEN_READS = (
    "CI_JOB_TOKEN cannot read merge requests, pipelines or job logs through the API: give selfheal a project "
    "access token with the api scope"
)
ProjectRef = Project | int | str


class GitLabAPIError(Exception):
    def __init__(
        self,
        status: int | None,
        message: str,
        doing: str = "",
        hint: str | None = None,
        plain: str | None = None,
    ) -> None:
        self.status, self.doing, self.hint, self.plain = status, doing, hint, plain
        self.message = " ".join(message.split())[:300] or "no message"
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"GitLab API {self.status}" if self.status else "GitLab API"
        doing = f" while {self.doing}" if self.doing else ""
        if self.plain:  # the cause is known and has one remedy: say it first
            return f"{self.plain} ({head}{doing}: {self.message})"
        hint = f" ({self.hint})" if self.hint else ""
        return f"{head}{doing}: {self.message}{hint}"


class _Client(gitlab.Gitlab):
    """python-gitlab with bounded retries: each call's defaults are set here, the library is unchanged."""

    def http_request(self, verb: str, path: str, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("max_retries", MAX_RETRIES)
        kwargs.setdefault("retry_transient_errors", verb.lower() in IDEMPOTENT)
        return super().http_request(verb, path, *args, **kwargs)


def connect(
    url: str,
    token: str,
    timeout_s: float = 30,
    *,
    job_token: bool | None = None,
    proxies: Mapping[str, str] | None = None,
) -> gitlab.Gitlab:
    """A client for the GitLab at `url` (the server root; a trailing `/api/v4`, as in CI_API_V4_URL, is
    dropped). `token` goes in `PRIVATE-TOKEN` (personal, project and group access tokens), or in `JOB-TOKEN`
    when it is a CI job token: `job_token=True`, or None to tell by its `glcbt-` prefix."""
    if not token:
        raise GitLabAPIError(None, "no API token given", "connecting")
    root = url.strip().rstrip("/").removesuffix("/api/v4").rstrip("/")
    if not root.startswith(("https://", "http://")):
        raise GitLabAPIError(None, f"not a GitLab URL: {root[:100]!r}", "connecting")
    session = requests.Session()
    session.trust_env = False  # no proxy, CA or netrc settings from the environment
    if proxies:
        session.proxies.update(proxies)
    is_job = token.startswith(JOB_TOKEN_PREFIX) if job_token is None else job_token
    return _Client(
        root,
        private_token=None if is_job else token,
        job_token=token if is_job else None,
        timeout=timeout_s,
        per_page=100,
        user_agent=USER_AGENT,
        retry_transient_errors=False,  # per verb, in _Client
        session=session,
    )


def project_of(gl: gitlab.Gitlab, project: ProjectRef) -> Project:
    """The project object for an id or a `group/name` path, without a request (python-gitlab's lazy get)."""
    if isinstance(project, Project):
        return project
    return gl.projects.get(project, lazy=True)


def uses_job_token(gl: gitlab.Gitlab) -> bool:
    token = gl.private_token or gl.oauth_token or ""
    return gl.job_token is not None or token.startswith(JOB_TOKEN_PREFIX)


@contextmanager
def calling(gl: gitlab.Gitlab, doing: str, *, write: bool) -> Iterator[None]:
    """Turns whatever python-gitlab or the transport raises inside into one GitLabAPIError."""
    try:
        yield
    except gitlab.exceptions.GitlabError as exc:
        raise _explained(gl, exc, doing, write) from None
    except requests.RequestException as exc:
        slow = isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower()
        reason = (
            f"no answer within {gl.timeout or 0:g}s" if slow else f"connection failed ({type(exc).__name__})"
        )
        raise GitLabAPIError(None, f"{gl.url}: {reason}", doing) from None


def _text(message: Any) -> str:
    """GitLab's `message`: a string, or the validation errors as a list or a field → errors mapping."""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    if isinstance(message, dict):
        return "; ".join(
            f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in message.items()
        )
    if isinstance(message, list):
        return "; ".join(map(str, message))
    return str(message)


def _explained(
    gl: gitlab.Gitlab, exc: gitlab.exceptions.GitlabError, doing: str, write: bool
) -> GitLabAPIError:
    status, message = exc.response_code, _text(exc.error_message)
    if status in (401, 403) and uses_job_token(gl):
        return GitLabAPIError(status, message, doing, plain=JOB_TOKEN_WRITES if write else JOB_TOKEN_READS)
    return GitLabAPIError(status, message, doing, _hint(status, message, write))


def _hint(status: int | None, message: str, write: bool) -> str | None:
    if status == 401:
        return "the token is not valid: expired, revoked or mistyped"
    if status == 403 and "insufficient_scope" in message:
        return "the token needs the api scope" if write else "the token needs the read_api or api scope"
    if status == 403 and "not allowed to push" in message:
        return "the branch is protected: let Developers push to it, or give the token the Maintainer role"
    if status == 403:
        return "the token needs at least the Developer role in the project" if write else None
    if status == 404 and "Project" in message:
        return "no such project, or the token cannot see it"
    return None

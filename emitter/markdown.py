"""Markdown that stays inert whatever the build printed, and links to a repository's forge.

Shared by the step annotation (`outputs/buildkite.py`) and the fixer's outcome (`fixer/render.py`): code
spans and fenced blocks whose backtick fence is longer than any run inside, plain text with every
significant punctuation mark escaped, and links only to URLs built from validated parts — a known forge
(GitHub, GitLab: gitlab.com or a host whose name contains "gitlab", Bitbucket), a hex sha, path segments,
a percent-quoted file path — so nothing from a log can end a link's Markdown.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote

_BACKTICKS = re.compile(r"`+")
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")
_SHA = re.compile(r"[0-9a-fA-F]{7,64}")
_REMOTE_URL = re.compile(
    r"(?P<scheme>https?|ssh|git\+ssh|git)://(?:[^@/\s]*@)?(?P<host>[^:/@\s]+)(?::(?P<port>[0-9]{1,5}))?/(?P<path>\S+)"
)
_REMOTE_SCP = re.compile(r"(?:[^@/:\s]+@)?(?P<host>[^:/@\s]+):(?P<path>[^/\s]\S*)")  # git@host:org/repo.git
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,250}[a-z0-9])?")
_SEGMENT = re.compile(r"[A-Za-z0-9_.~-]{1,200}")
_URL_SAFE = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+")
_HOST_ALIASES = {  # ssh-over-443 and www hosts of the same forges
    "www.github.com": "github.com",
    "ssh.github.com": "github.com",
    "altssh.gitlab.com": "gitlab.com",
    "altssh.bitbucket.org": "bitbucket.org",
}
_PAGES = {  # kind -> (commit, file at a commit, branch)
    "github": ("commit", "blob", "tree"),
    "gitlab": ("-/commit", "-/blob", "-/tree"),
    "bitbucket": ("commits", "src", "branch"),
}


class Forge(NamedTuple):
    """A repository's web home on a known forge: `kind` (github, gitlab, bitbucket) and its base URL."""

    kind: str
    base: str

    def commit(self, sha: str | None) -> str | None:
        return f"{self.base}/{_PAGES[self.kind][0]}/{sha}" if sha and _SHA.fullmatch(sha) else None

    def blob(self, sha: str | None, path: str | None, line: int | None = None) -> str | None:
        """The file (at `line`) as of commit `sha`; None for a path that is not plainly inside the repo."""
        if not (sha and _SHA.fullmatch(sha) and path and _inside(path)):
            return None
        anchor = "" if not line or line < 1 else f"#lines-{line}" if self.kind == "bitbucket" else f"#L{line}"
        return f"{self.base}/{_PAGES[self.kind][1]}/{sha}/{quote(path, safe='/')}{anchor}"

    def tree(self, ref: str | None) -> str | None:
        branch = (ref or "").removeprefix("refs/heads/")
        if not branch or len(branch) > 255 or branch.startswith(("refs/", "/")) or ".." in branch:
            return None
        return f"{self.base}/{_PAGES[self.kind][2]}/{quote(branch, safe='/')}"


def _inside(path: str) -> bool:
    parts = path.split("/")
    return len(path) <= 1000 and "\0" not in path and all(p not in ("", ".", "..") for p in parts)


def forge(remote: str | None) -> Forge | None:
    """The forge of a git remote or project URL (https, ssh://, scp-like `git@host:org/repo.git`), or None
    for an unknown host, a local path or anything that does not parse cleanly. Credentials are dropped."""
    text = (remote or "").strip()
    found = _REMOTE_URL.fullmatch(text) or _REMOTE_SCP.fullmatch(text)
    if not found or len(text) > 2000:
        return None
    host = found["host"].lower()
    host = _HOST_ALIASES.get(host, host)
    kind = {"github.com": "github", "bitbucket.org": "bitbucket"}.get(host)
    kind = kind or ("gitlab" if "gitlab" in host else None)
    parts = found["path"].rstrip("/").removesuffix(".git").split("/")
    if kind is None or not _HOST.fullmatch(host) or len(parts) < 2 or (kind != "gitlab" and len(parts) != 2):
        return None
    if not all(_SEGMENT.fullmatch(part) and part not in (".", "..", "-") for part in parts):
        return None
    scheme = found.groupdict().get("scheme")
    port = found.groupdict().get("port") if scheme in ("http", "https") else None
    web = "http" if scheme == "http" else "https"
    return Forge(kind, f"{web}://{host}{':' + port if port else ''}/{'/'.join(parts)}")


def link(text: str, url: str | None) -> str:
    """Markdown `text` linked to `url` when the URL is one that cannot end the link early; else `text`."""
    return f"[{text}]({url})" if url and _URL_SAFE.fullmatch(url) else text


def code_span(text: str) -> str:
    """Inline code that shows `text` literally, whatever backticks it holds (whitespace collapsed)."""
    flat = " ".join(text.split())
    if not flat:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def fenced(text: str, indent: str = "") -> str:
    """A fenced code block (indented to sit inside a list item) that no line of `text` can close."""
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    lines = [fence, *text.splitlines(), fence]
    return "".join(f"{indent}{line}\n" if line else "\n" for line in lines)


def escape_inline(text: str) -> str:
    """Plain Markdown text that renders literally: every significant punctuation mark backslash-escaped."""
    return _MD_PUNCT.sub(r"\\\1", " ".join(text.split()))

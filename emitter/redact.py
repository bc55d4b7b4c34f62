"""Secrets never leave (rule 5, text side): values of secret-looking variables and known token shapes.

Every output runs its text through a `Redactor` before writing it, and so does the fixer before text goes
to a model or into a note. One compiled regex does the work: the environment's secret values (escaped,
longest first, so a value never loses to its own prefix), then the token shapes below. Where a shape has
harmless surroundings worth keeping (`Authorization: Bearer …`, `https://…@host`, `?private_token=…`),
only the secret inside is replaced, so the text still says what kind of secret was there.

Variables: a name is secret when it matches `_SECRET_NAME` (…_TOKEN, …_SECRET, …_KEY, …PASSWORD…, …_PASS,
…CREDENTIAL…, and the explicit names in `_SECRET_NAMES`) or one of the globs in Buildkite's own
`BUILDKITE_REDACTED_VARS`. Its value is ignored when it cannot be a secret or would wreck unrelated text:
shorter than 8 characters, a boolean word, a short number, or a path that exists on this machine (a key
*file* location is not the key; redacting it would only mangle file names in the records).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, TypeVar, cast
from urllib.parse import quote

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 8

T = TypeVar("T")

_SECRET_NAME = re.compile(
    r"(?:^|_)(?:TOKEN|SECRET|KEY|PASS|PASSWD|PASSPHRASE|PAT|APIKEY|DSN)$"
    r"|PASSWORD|CREDENTIAL|SECRET|PRIVATE_KEY|ACCESS_KEY|_TOKEN_|CONNECTION_STRING"
)
_SECRET_NAMES = frozenset(
    {
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "BUILDKITE_AGENT_ACCESS_TOKEN",
        "BUILDKITE_AGENT_TOKEN",
        "BUILDKITE_API_TOKEN",
        "CI_JOB_TOKEN",
        "CI_JOB_JWT",
        "CI_JOB_JWT_V2",
        "CI_REGISTRY_PASSWORD",
        "CI_DEPLOY_PASSWORD",
        "GITLAB_TOKEN",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "DOCKER_AUTH_CONFIG",
        "NPM_TOKEN",
        "NODE_AUTH_TOKEN",
        "TWINE_PASSWORD",
    }
)
# Not secrets although the name pattern could match them one day: the shell's working directories.
_NEVER_SECRET = frozenset({"PWD", "OLDPWD"})
_BOOLEAN_WORDS = frozenset(
    {"true", "false", "yes", "no", "on", "off", "null", "none", "undefined", "disabled"}
)

# Token shapes. Speed: CPython's `re` skips straight to candidate characters only when every top-level
# alternative starts with a plain character, so no shape starts with `\b`, a class, a group or `(?i:`:
# `_word_start` puts the word-boundary check after the first character, and case-insensitive words are
# spelt once per case of their first letter. Where a shape has a harmless part worth keeping
# (`Authorization: Bearer `, `://`, `?private_token=`), the secret alone is a capturing group and only it
# is replaced (each alternative has at most one group, so `match.lastindex` finds it).
_WORD = "A-Za-z0-9_"
# Token bodies stop before a trailing dot so a token at the end of a sentence keeps its full stop.
_DOTTED = r"(?=[A-Za-z0-9_.\-]{20})[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*"
_SPACE = r"[ \t]"  # never a newline: the next line is not part of the header
_HEADER_VALUE = r"([^\s\"',;]+)"
_QUERY_NAMES = (
    r"(?i:access_token|private_token|token|api_key|apikey|key|password|secret|client_secret"
    r"|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token)"
)


def _word_start(literal: str) -> str:
    """`literal` not preceded by a word character (a leading `\b`), yet beginning with a plain character."""
    head = re.escape(literal[0])
    return f"{head}(?<![{_WORD}]{head}){re.escape(literal[1:])}"


def _any_case(word: str, tail: str) -> list[str]:
    """`word` in any letter case followed by `tail`, as one alternative per case of its first letter."""
    return [
        f"{re.escape(first)}(?i:{re.escape(word[1:])}){tail}"
        for first in dict.fromkeys((word[0].upper(), word[0].lower()))
    ]


_SHAPES = [
    _word_start("gh") + r"[pousr]_[A-Za-z0-9]{20,}",  # GitHub classic, OAuth, user, server, refresh tokens
    _word_start("github_pat_") + r"[A-Za-z0-9_]{20,}",  # GitHub fine-grained personal access token
    _word_start("gl") + r"(?:pat|oas|dt|rtr|rt|cbt|ptt|ft|imt|agent|soat|ffct|wt)-" + _DOTTED,  # GitLab
    _word_start("GR1348941") + r"[A-Za-z0-9_\-]{20,}",  # GitLab legacy runner registration token
    _word_start("bk") + r"(?:ua|aa|aj|ar|ct)_" + _DOTTED,  # Buildkite API, agent, job, registration, cluster
    _word_start("sk-ant-") + r"[A-Za-z0-9_\-]{20,}",  # Anthropic
    _word_start("sk-") + r"(?=[A-Za-z0-9_\-]*[0-9])[A-Za-z0-9_\-]{20,}",  # OpenAI-style; holds a digit
    _word_start("A") + r"(?:KIA|SIA)[A-Z0-9]{16}\b",  # AWS access key ids
    _word_start("xox") + r"[abeoprs]-[A-Za-z0-9\-]{10,}",  # Slack
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)"
    r"(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",  # PEM/PGP private key, even when cut short
    _word_start("eyJ") + r"[A-Za-z0-9_\-]{4,}\.eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*",  # JWT
    r"://([^\s/?#@:]+:[^\s/?#@]+)(?=@)",  # user:password@ in URLs
    *_any_case(
        "authorization",
        rf"[\"']?{_SPACE}*[:=]{_SPACE}*[\"']?(?:(?i:bearer|basic|token|bot|digest){_SPACE}+)?{_HEADER_VALUE}",
    ),
    *_any_case(
        "proxy-authorization",
        rf"[\"']?{_SPACE}*[:=]{_SPACE}*[\"']?(?:(?i:bearer|basic|digest){_SPACE}+)?{_HEADER_VALUE}",
    ),
    *(
        alternative
        for name in (
            "private-token",
            "job-token",
            "x-api-key",
            "x-auth-token",
            "x-gitlab-token",
            "x-buildkite-token",
        )
        for alternative in _any_case(name, rf"[\"']?{_SPACE}*:{_SPACE}*[\"']?{_HEADER_VALUE}")
    ),
    _word_start("Bearer") + rf"{_SPACE}+((?=[A-Za-z0-9._~+/\-]*[0-9])[A-Za-z0-9._~+/\-]{{16,}}=*)",
    rf"\?{_QUERY_NAMES}=([^&\s#\"'<>]+)",
    rf"&{_QUERY_NAMES}=([^&\s#\"'<>]+)",
]


def is_secret_name(name: str, extra_globs: Iterable[str] = ()) -> bool:
    """True for variable names whose values must never be shown (shared with the fixer's child env)."""
    upper = name.upper()
    if upper in _NEVER_SECRET:
        return False
    if upper in _SECRET_NAMES or _SECRET_NAME.search(upper):
        return True
    return any(fnmatch.fnmatchcase(upper, glob.strip().upper()) for glob in extra_globs if glob.strip())


def _plausible_secret(value: str) -> bool:
    if len(value) < MIN_SECRET_LENGTH or value.lower() in _BOOLEAN_WORDS:
        return False
    if value.isdigit() and len(value) < 12:
        return False
    looks_like_path = value.startswith(("/", "~/", "./")) or re.match(r"[A-Za-z]:[\\/]", value) is not None
    return not (looks_like_path and os.path.exists(os.path.expanduser(value)))


def _variants(value: str) -> set[str]:
    """The value as it may appear in text: raw, per line for multi-line values, URL- and JSON-escaped."""
    if not _plausible_secret(value):
        return set()
    found = {value}
    if "\n" in value:
        found.update(line.strip() for line in value.splitlines())
    found.add(quote(value, safe=""))
    found.add(json.dumps(value)[1:-1])
    return {v for v in found if _plausible_secret(v)}


@lru_cache(maxsize=32)
def _compile(values: tuple[str, ...]) -> re.Pattern[str]:
    literal = "|".join(re.escape(v) for v in values)
    shapes = "|".join(_SHAPES)
    return re.compile(f"{literal}|{shapes}" if literal else shapes)


def _replace(match: re.Match[str]) -> str:
    group = match.lastindex
    if group is None:
        return REDACTED
    whole, offset = match.group(0), match.start()
    start, end = match.span(group)
    return whole[: start - offset] + REDACTED + whole[end - offset :]


class Redactor:
    """Replaces secret values and token shapes with `[REDACTED]`; cheap to call on every string."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        variants: set[str] = set()
        for value in values:
            variants |= _variants(value.strip())
        # Longest first: a value must not lose to a shorter value that is its prefix.
        self.values: tuple[str, ...] = tuple(sorted(variants, key=lambda v: (-len(v), v)))
        self._pattern = _compile(self.values)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Redactor:
        env = os.environ if env is None else env
        globs = env.get("BUILDKITE_REDACTED_VARS", "").split(",")
        return cls(value for name, value in env.items() if value and is_secret_name(name, globs))

    def redact(self, text: str) -> str:
        if not text:
            return text
        return self._pattern.sub(_replace, text)

    def redact_obj(self, obj: T) -> T:
        """A copy of nested dicts/lists/tuples with every string (keys included) redacted."""
        return cast(T, _walk(obj, self.redact))


def _walk(obj: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, dict):
        return {_walk(k, redact): _walk(v, redact) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_walk(v, redact) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_walk(v, redact) for v in obj)
    return obj

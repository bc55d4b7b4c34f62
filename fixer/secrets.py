"""Secrets never leave (rule 5, environment side): every child process gets an environment without them.

Verify commands, formatters and linters run code from the repository under repair, and that code may be
the very thing that is broken or hostile. So they get the caller's environment minus anything that could
authenticate: variables with secret-looking names (the emitter's list, shared with redaction, plus the
globs in Buildkite's `BUILDKITE_REDACTED_VARS`), values that carry a known token shape whatever the name
(GitLab's `CI_REPOSITORY_URL` holds the job token as `gitlab-ci-token:<token>@`), and the channels CI
systems use to hand credentials to git and ssh.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping

from emitter.redact import Redactor
from emitter.redact import is_secret_name as _emitter_is_secret_name

# Names the shared list leaves out but a child process must not inherit either.
_EXTRA_GLOBS = (
    "CI_JOB_JWT*",  # GitLab's older id tokens: CI_JOB_JWT, CI_JOB_JWT_V1, CI_JOB_JWT_V2
    "*_JWT",
    "*_ID_TOKEN",
    "SELFHEAL_*_TOKEN*",
    "SELFHEAL_*_KEY*",
)
# Not secrets by name, but each one lets a child authenticate as the pipeline: an ssh agent socket, an
# askpass program that prints a password, git configuration injected through the environment (the usual
# way to set an `http.extraheader: Authorization …`), and netrc-style credential files.
_CREDENTIAL_CHANNELS = frozenset(
    {"SSH_AUTH_SOCK", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "NETRC"}
)
_GIT_CONFIG_PAIR = re.compile(r"GIT_CONFIG_(?:KEY|VALUE)_\d+")

# Shapes only (no values): a value is dropped when any known token shape occurs in it.
_SHAPES = Redactor()


def is_secret_name(name: str, extra_globs: tuple[str, ...] = ()) -> bool:
    """True for names such as *_TOKEN, *_SECRET, *_KEY, *PASSWORD*, *_PASS, *CREDENTIALS*, the CI's tokens."""
    return _emitter_is_secret_name(name, _EXTRA_GLOBS + extra_globs)


def _is_credential_channel(name: str) -> bool:
    upper = name.upper()
    return upper in _CREDENTIAL_CHANNELS or _GIT_CONFIG_PAIR.fullmatch(upper) is not None


def child_env(env: Mapping[str, str]) -> dict[str, str]:
    """A copy of `env` without secrets: what every process the fixer starts for the repository gets."""
    globs = tuple(g for g in env.get("BUILDKITE_REDACTED_VARS", "").split(",") if g.strip())
    kept = {}
    for name, value in env.items():
        if is_secret_name(name, globs) or _is_credential_channel(name):
            continue
        if value and _SHAPES.redact(value) != value:
            continue
        kept[name] = value
    return kept


def scrub(environ: MutableMapping[str, str]) -> None:
    """Removes secrets from the process environment once the run has its own copy: a library that starts
    a process without an explicit environment (or reads os.environ) finds nothing to leak. The run's copy
    still reaches the API clients and network git commands that need it, and nothing else."""
    kept = child_env(environ)
    for name in [n for n in environ if n not in kept]:
        del environ[name]

"""Secret-bearing files are never read (DESIGN, trust model): one real conversation per kind of secret file.

For each file of the default secret list, a record points at it and the scripted model asks to view it,
through its own name and through an innocent-looking symlink, and lists the repository. Every view is an
error, the listing does not name it, the first message shows no code of it, and its content reaches no
request body. Redaction cannot be what hides it: the planted content has no token shape. The control
runs the same conversation with an empty secret list and sees the content leak, so the test can fail.
"""

from __future__ import annotations

import os
import re

import pytest

from fixer.engines.anthropic.agent import AnthropicEngine
from tests.helpers.anthropic_server import AnthropicServer, edit, message, text
from tests.helpers.repos import Repo

from .conftest import base_env, make_ctx, policy, record, status

SECRET_FILES = [
    ".env",
    ".env.production",
    "config/credentials.yml",
    "app/secrets.py",  # `*secret*` covers it: a module named so is assumed to hold secrets, on purpose
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".git-credentials",
    ".aws/credentials",
    ".docker/config.json",
    "deploy/id_rsa",
    "certs/server.key",
    "keystore.jks",
    "prod.tfvars",
    "terraform.tfstate",
    "kubeconfig",
    ".kube/config",
    ".vault-token",
    ".envrc",
]


def planted(path: str) -> str:
    """Content unique to the file, shaped like no token, so only the file policy can keep it out."""
    return f"planted content of {re.sub(r'[^a-z]', ' ', path.lower())} line one\nsecond planted line\n"


def converse(repo: Repo, path: str, secret: bool = True) -> AnthropicServer:
    repo.commit({path: planted(path)}, f"add {path}")
    os.symlink(repo.path / path, repo.path / "notes.txt")  # an innocent name for the same file
    script = [
        message(edit("view", path), edit("view", "notes.txt"), edit("view", ".")),
        message(text("I cannot read it.")),
    ]
    with AnthropicServer(script) as server:
        files = policy(repo.path) if secret else policy(repo.path, secret=())
        ctx = make_ctx(repo.path, base_env(server.url), records=[record(file=path, line=1)], files=files)
        attempt = AnthropicEngine().fix(ctx)
    assert attempt.patch is None and attempt.reason == "the model made no change: I cannot read it."
    assert status(repo) == ""  # the untracked symlink went with the clean-up of the attempt
    return server


@pytest.mark.parametrize("path", SECRET_FILES)
def test_a_secret_file_is_never_read_and_never_sent(repo: Repo, path: str) -> None:
    assert policy(repo.path).read_refusal(path), f"{path} is not covered by the default secret globs"
    server = converse(repo, path)

    view, alias, listing = server.requests[1].tool_results()
    for result in (view, alias):
        assert result["is_error"] is True
        assert "may hold secrets" in result["content"] or "off limits" in result["content"]
    assert listing["is_error"] is False
    assert path not in listing["content"].splitlines()
    first = server.requests[0].body["messages"][0]["content"]
    assert "<source_code>" not in first  # the record points at it, yet no code is shown
    assert f"{path}:1" in first  # (the record itself is there: the test does exercise the code context)
    for body in server.bodies:
        assert "planted content" not in body and "second planted line" not in body


@pytest.mark.parametrize("path", SECRET_FILES)
def test_without_the_secret_globs_the_same_conversation_leaks(repo: Repo, path: str) -> None:
    """Control: the check above fails when the defence is removed."""
    server = converse(repo, path, secret=False)
    view, alias, _ = server.requests[1].tool_results()
    assert view["is_error"] is False and "second planted line" in view["content"]
    assert alias["is_error"] is False and "second planted line" in alias["content"]
    assert "second planted line" in server.requests[0].body["messages"][0]["content"]

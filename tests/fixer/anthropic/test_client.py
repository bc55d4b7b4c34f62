"""Which client the engine builds, from ctx.env only: API key or bearer token, Bedrock and Vertex settings."""

from __future__ import annotations

import pytest

from fixer.engines.anthropic.agent import AnthropicEngine
from tests.helpers.anthropic_server import AnthropicServer, edit, message, text
from tests.helpers.repos import Repo

from .conftest import FAKE_KEY, base_env, config_with, make_ctx

FIX = edit("str_replace", "calc.py", old_str="return a + c", new_str="return a + b")


def test_without_an_api_key_the_engine_is_unavailable_even_when_the_process_has_one(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)  # ctx.env is the source of truth, not os.environ
    engine = AnthropicEngine()
    with AnthropicServer([message(text("should never be asked"))]) as server:
        ctx = make_ctx(repo.path, base_env(None, ANTHROPIC_BASE_URL=server.url))
        assert engine.available(ctx) == "ANTHROPIC_API_KEY is not set"
        attempt = engine.fix(ctx)
    assert attempt.patch is None and attempt.tokens == 0
    assert attempt.reason == "ANTHROPIC_API_KEY is not set"
    assert server.requests == []


def test_an_auth_token_alone_is_enough_and_is_sent_as_a_bearer_token(repo: Repo) -> None:
    with AnthropicServer([message(text("nothing"))]) as server:
        ctx = make_ctx(
            repo.path, base_env(None, ANTHROPIC_BASE_URL=server.url, ANTHROPIC_AUTH_TOKEN=FAKE_KEY)
        )
        assert AnthropicEngine().available(ctx) is None
        AnthropicEngine().fix(ctx)
    assert server.requests[0].headers["authorization"] == f"Bearer {FAKE_KEY}"


@pytest.mark.parametrize(
    ("provider", "env", "reason"),
    [
        ("bedrock", {}, "AWS_REGION is not set (provider bedrock)"),
        ("bedrock", {"AWS_REGION": "us-east-1", "AWS_BEARER_TOKEN_BEDROCK": "bedrock-token-123"}, None),
        ("vertex", {"CLOUD_ML_REGION": "us-east5"}, "ANTHROPIC_VERTEX_PROJECT_ID not set (provider vertex)"),
        ("vertex", {}, "CLOUD_ML_REGION and ANTHROPIC_VERTEX_PROJECT_ID not set (provider vertex)"),
    ],
)
def test_bedrock_and_vertex_need_their_own_settings(
    repo: Repo, provider: str, env: dict[str, str], reason: str | None
) -> None:
    ctx = make_ctx(repo.path, base_env(None, **env), config=config_with(provider=provider))
    assert AnthropicEngine().available(ctx) == reason


def test_bedrock_goes_through_the_sdks_bedrock_client(repo: Repo) -> None:
    with AnthropicServer([message(FIX), message(text("Fixed."))]) as server:
        env = base_env(
            None,
            AWS_REGION="us-east-1",
            AWS_BEARER_TOKEN_BEDROCK="bedrock-token-123",
            ANTHROPIC_BEDROCK_BASE_URL=server.url,
        )
        model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
        attempt = AnthropicEngine().fix(
            make_ctx(repo.path, env, config=config_with(provider="bedrock", model=model))
        )

    assert attempt.patch is not None and attempt.patch.files == ["calc.py"]
    first = server.requests[0]
    assert first.path == f"/model/{model}/invoke"
    assert first.headers["authorization"] == "Bearer bedrock-token-123"
    assert first.body["anthropic_version"]  # Bedrock carries the API version in the body
    assert attempt.dollars == pytest.approx(2 * (100 * 3.0 + 50 * 15.0) / 1e6)  # priced as Sonnet 4.5

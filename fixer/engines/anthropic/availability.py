"""Whether the model engine can run here: read from the run's environment, without importing the SDK
(importing `anthropic` costs over a second, and most runs end before the model is needed)."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

from ...config import AnthropicConfig


def get(env: Mapping[str, str], *names: str) -> str | None:
    """The first of `names` set (non-empty) in `env`."""
    return next((env[n] for n in names if env.get(n)), None)


def unavailable(config: AnthropicConfig, env: Mapping[str, str]) -> str | None:
    """Why no client can be built from `env` for the configured provider; None when one can."""
    if config.provider == "bedrock":
        if not get(env, "AWS_REGION", "AWS_DEFAULT_REGION"):
            return "AWS_REGION is not set (provider bedrock)"
        if not get(env, "AWS_BEARER_TOKEN_BEDROCK") and importlib.util.find_spec("boto3") is None:
            return "boto3 is not installed (provider bedrock: pip install 'anthropic[bedrock]')"
        return None
    if config.provider == "vertex":
        missing = [n for n in ("CLOUD_ML_REGION", "ANTHROPIC_VERTEX_PROJECT_ID") if not env.get(n)]
        if missing:
            return f"{' and '.join(missing)} not set (provider vertex)"
        if importlib.util.find_spec("google.auth") is None:
            return "google-auth is not installed (provider vertex: pip install 'anthropic[vertex]')"
        return None
    if not get(env, "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"):
        return "ANTHROPIC_API_KEY is not set"
    return None

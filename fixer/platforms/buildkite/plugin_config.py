"""The plugin's configuration: plugin.yml's `configuration` schema as a model (tests check they agree).

The agent hands our hooks their configuration as JSON in BUILDKITE_PLUGIN_CONFIGURATION, and every
plugin of the step in BUILDKITE_PLUGINS (`[{"<source>#<ref>": {config}}, …]`). The second is where the
plugin's own source reference comes from: the fix step uses the very same plugin version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .command import NAME, plugin_entries, plugin_name

__all__ = ["NAME", "ConfigError", "FixOptions", "Plugin", "PluginConfig", "load", "plugin_name"]


Globs = Annotated[list[str], Field(min_length=1)]


class _Model(BaseModel):
    # aliases only: the agent hands over kebab-case, and `max_attempts` is not an option
    model_config = ConfigDict(extra="forbid", frozen=True)


class FixOptions(_Model):
    enabled: bool = False
    engine: Literal["auto", "rules", "anthropic"] | None = None
    mode: Literal["push", "branch", "patch"] | None = None
    max_attempts: int | None = Field(None, alias="max-attempts", ge=1, le=10)
    verify: str | None = None
    agents: dict[str, str] = Field(default_factory=dict)
    label: str | None = None
    branches: str | None = None
    retry: Literal["webhook", "create-build"] = "webhook"
    model_proxy: bool = Field(False, alias="model-proxy")
    split: bool = False


class PluginConfig(_Model):
    wrap: bool = True
    task: str | None = None
    junit: str | Globs | None = None
    sarif: str | Globs | None = None
    annotate: bool = True
    artifact_dir: str = Field(".selfheal", alias="artifact-dir")
    install: str | None = None
    fix: FixOptions = Field(default_factory=FixOptions)
    api_token_env: str | None = Field(None, alias="api-token-env", pattern=r"^[A-Z_][A-Z0-9_]*$")

    @property
    def junit_globs(self) -> list[str]:
        return _globs(self.junit)

    @property
    def sarif_globs(self) -> list[str]:
        return _globs(self.sarif)


def _globs(value: str | Globs | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class Plugin:
    config: PluginConfig
    source: str | None  # as the step names it, e.g. "github.com/org/selfheal-buildkite-plugin#v1.0.0"


class ConfigError(Exception):
    """The configuration cannot be read; one line."""


def _own_entry(env: Mapping[str, str], current: dict[str, Any] | None) -> tuple[str, dict[str, Any]] | None:
    ours = [(src, cfg) for src, cfg in plugin_entries(env) if plugin_name(src) == NAME]
    # a step could name the plugin twice; the hook's own configuration says which one is running
    exact = [entry for entry in ours if current is not None and entry[1] == current]
    found = exact or ours
    return found[0] if found else None


def load(env: Mapping[str, str]) -> Plugin:
    """This plugin's configuration (validated) and source reference, from the agent's variables."""
    raw = env.get("BUILDKITE_PLUGIN_CONFIGURATION")
    current: dict[str, Any] | None = None
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError as exc:
            raise ConfigError(f"BUILDKITE_PLUGIN_CONFIGURATION is not JSON: {exc}") from exc
        current = parsed if isinstance(parsed, dict) else {}
    entry = _own_entry(env, current)
    data = current if current is not None else (entry[1] if entry else {})
    try:
        config = PluginConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'configuration'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid plugin configuration: {problems}") from exc
    return Plugin(config=config, source=entry[0] if entry else None)

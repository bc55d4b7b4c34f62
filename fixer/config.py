"""`.selfheal.yml` merged with SELFHEAL_* environment variables and command-line flags: every default lives here.

Precedence, lowest first: these defaults, the file at the repository root, the environment, the flags.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from emitter.errors import UsageError

CONFIG_FILE = ".selfheal.yml"

DEFAULT_PROTECTED_PATHS = [
    # CI configuration: a fixer that edits its own pipeline can switch off the checks it is judged by
    ".gitlab-ci.yml",
    ".gitlab/**",
    ".buildkite/**",
    ".github/workflows/**",
    ".selfheal.yml",
    # secrets
    ".env",
    ".env.*",
    "**/*.pem",
    "**/*.key",
    "**/id_rsa*",
    "**/secrets/**",
    # lockfiles and dependency manifests: dependency changes need a human
    "**/package-lock.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/poetry.lock",
    "**/uv.lock",
    "**/Pipfile.lock",
    "**/Cargo.lock",
    "**/go.sum",
    "**/Gemfile.lock",
    "**/composer.lock",
    "**/package.json",
    "**/pyproject.toml",
    "**/requirements*.txt",
    "**/setup.py",
    "**/setup.cfg",
    "**/Cargo.toml",
    "**/go.mod",
    "**/Gemfile",
    "**/pom.xml",
    "**/build.gradle",
    "**/build.gradle.kts",
]

FIXABLE_DEFAULT = ["format", "lint", "syntax_error", "import_error", "type_error", "compile_error"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiffGuardConfig(_Model):
    protected_paths: list[str] = Field(default_factory=lambda: list(DEFAULT_PROTECTED_PATHS))
    extra_protected_paths: list[str] = Field(default_factory=list)
    max_changed_lines: int = Field(100, ge=1)
    max_changed_files: int = Field(10, ge=1)


class CommitConfig(_Model):
    author_name: str = "selfheal"
    author_email: str = "selfheal@localhost"
    message_prefix: str = "selfheal: "


class Price(_Model):
    """US dollars per million tokens."""

    input: float
    output: float
    cache_write: float | None = None
    cache_read: float | None = None


DEFAULT_PRICES = {
    "claude-sonnet-4-6": Price(input=3.0, output=15.0, cache_write=3.75, cache_read=0.30),
    "claude-sonnet-4-5": Price(input=3.0, output=15.0, cache_write=3.75, cache_read=0.30),
    "claude-opus-4-5": Price(input=5.0, output=25.0, cache_write=6.25, cache_read=0.50),
    "claude-sonnet-4": Price(input=3.0, output=15.0, cache_write=3.75, cache_read=0.30),
    "claude-opus-4-1": Price(input=15.0, output=75.0, cache_write=18.75, cache_read=1.50),
    "claude-haiku-4-5": Price(input=1.0, output=5.0, cache_write=1.25, cache_read=0.10),
}


class AnthropicConfig(_Model):
    model: str = "claude-sonnet-4-6"
    provider: Literal["anthropic", "bedrock", "vertex"] = "anthropic"
    max_turns: int = Field(25, ge=1)
    max_tokens: int = Field(400_000, ge=1000, description="input + output tokens per attempt")
    max_dollars: float = Field(3.0, gt=0)
    max_wall_s: float = Field(900, gt=0)
    max_output_tokens: int = Field(8192, ge=256, description="per model response")
    prices: dict[str, Price] = Field(default_factory=lambda: dict(DEFAULT_PRICES))


class Config(_Model):
    mode: Literal["push", "branch", "patch"] = "push"
    engine: Literal["auto", "rules", "anthropic"] = "auto"
    platform: Literal["auto", "local", "buildkite", "gitlab"] = "auto"
    remote: str = "origin"
    branch: str | None = None
    protected_branches: list[str] = Field(default_factory=lambda: ["main", "master", "release/*"])
    max_attempts: int = Field(3, ge=1)
    max_commits_per_branch: int = Field(10, ge=1, description="selfheal commits since the merge base")
    fixable: list[str] = Field(default_factory=lambda: list(FIXABLE_DEFAULT))
    fix_tests: bool = Field(False, description="also try to fix test failures (opt-in)")
    flaky_rerun: bool = Field(False, description="rerun the failed command once before fixing")
    verify: str | None = Field(None, description="verify command; default: the failed task's command")
    verify_timeout_s: float = Field(1800, gt=0)
    diff: DiffGuardConfig = Field(default_factory=lambda: DiffGuardConfig())
    commit: CommitConfig = Field(default_factory=lambda: CommitConfig())
    anthropic: AnthropicConfig = Field(default_factory=lambda: AnthropicConfig())

    @property
    def fixable_types(self) -> set[str]:
        return set(self.fixable) | ({"test_failure"} if self.fix_tests else set())


# SELFHEAL_* variables, each a dotted path into Config
ENV_KEYS = {
    "SELFHEAL_MODE": "mode",
    "SELFHEAL_ENGINE": "engine",
    "SELFHEAL_PLATFORM": "platform",
    "SELFHEAL_REMOTE": "remote",
    "SELFHEAL_BRANCH": "branch",
    "SELFHEAL_PROTECTED_BRANCHES": "protected_branches",
    "SELFHEAL_MAX_ATTEMPTS": "max_attempts",
    "SELFHEAL_MAX_COMMITS_PER_BRANCH": "max_commits_per_branch",
    "SELFHEAL_FIX_TESTS": "fix_tests",
    "SELFHEAL_FLAKY_RERUN": "flaky_rerun",
    "SELFHEAL_VERIFY": "verify",
    "SELFHEAL_MODEL": "anthropic.model",
    "SELFHEAL_MAX_TURNS": "anthropic.max_turns",
    "SELFHEAL_MAX_DOLLARS": "anthropic.max_dollars",
    "SELFHEAL_AUTHOR_NAME": "commit.author_name",
    "SELFHEAL_AUTHOR_EMAIL": "commit.author_email",
}
LIST_KEYS = {"protected_branches", "fixable"}


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[leaf] = value


def load(
    root: str | Path,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    path: str | Path | None = None,
) -> Config:
    """Builds the Config; a bad file or value raises UsageError with one readable line."""
    import yaml

    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    file = Path(path) if path else Path(root) / CONFIG_FILE
    if path and not file.is_file():
        raise UsageError(f"config file not found: {file}")
    if file.is_file():
        try:
            loaded = yaml.safe_load(file.read_text()) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            raise UsageError(f"{file}: not valid YAML{where}") from exc
        if not isinstance(loaded, dict):
            raise UsageError(f"{file}: expected a mapping of settings")
        data = loaded
    for var, dotted in ENV_KEYS.items():
        if env.get(var):
            value: Any = env[var]
            if dotted in LIST_KEYS:
                value = [v.strip() for v in value.split(",") if v.strip()]
            _set(data, dotted, value)
    for dotted, value in (overrides or {}).items():
        if value is not None:
            _set(data, dotted, value)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"configuration: {where}: {first['msg']}") from exc

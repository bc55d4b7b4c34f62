"""The one configuration model: its settings, defaults, hard ceilings and SELFHEAL_* names (every default).

Reading and combining the layers (files, the SELFHEAL_* environment, flags, the branch's own file) into this
model, and saying where each value came from, is `fixer/config_layers.py`; its public names (Loaded, resolve,
describe, load) are importable from here as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field

CONFIG_FILE = ".selfheal.yml"
ENV_PREFIX = "SELFHEAL_"
ENV_NESTED = "__"
# Short names users already have; each is the same setting as its long SELFHEAL_A__B name (which wins).
ENV_ALIASES = {
    "SELFHEAL_MODEL": "anthropic.model",
    "SELFHEAL_MAX_TURNS": "anthropic.max_turns",
    "SELFHEAL_MAX_DOLLARS": "anthropic.max_dollars",
    "SELFHEAL_AUTHOR_NAME": "commit.author_name",
    "SELFHEAL_AUTHOR_EMAIL": "commit.author_email",
}
MAX_CONFIG_BYTES = 256 * 1024  # a settings file is a few lines; more is a mistake or a YAML bomb
MAX_PROBLEMS_SHOWN = 50

# Hard ceilings: whatever the source (flag, variable, file), a setting cannot go past these, so a typo or a
# hostile value costs at most this much. They bound damage; they are not meant to be reached.
MAX_ATTEMPTS_CEILING = 10
MAX_COMMITS_PER_BRANCH_CEILING = 50
MAX_CHANGED_LINES_CEILING = 2000
MAX_CHANGED_FILES_CEILING = 100
MAX_CHANGED_BYTES_CEILING = 1_000_000
MAX_TURNS_CEILING = 100
MAX_TOKENS_CEILING = 5_000_000
MAX_DOLLARS_CEILING = 50.0
MAX_WALL_S_CEILING = 3600.0
MAX_OUTPUT_TOKENS_CEILING = 64_000
VERIFY_TIMEOUT_S_CEILING = 14_400.0

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
    *("**/package-lock.json", "**/yarn.lock", "**/pnpm-lock.yaml", "**/poetry.lock", "**/uv.lock"),
    *("**/Pipfile.lock", "**/Cargo.lock", "**/go.sum", "**/Gemfile.lock", "**/composer.lock"),
    *("**/package.json", "**/pyproject.toml", "**/requirements*.txt", "**/setup.py", "**/setup.cfg"),
    *("**/Cargo.toml", "**/go.mod", "**/Gemfile", "**/pom.xml", "**/build.gradle", "**/build.gradle.kts"),
]
# Files never read (their text would reach the model's API); `fixer/paths.py` globs, no slash = any depth.
DEFAULT_SECRET_PATHS = [
    *(".env", ".env.*", ".envrc", "*credential*", "*secret*", ".npmrc", ".pypirc", ".netrc", "_netrc"),
    *(".git-credentials", ".pgpass", ".vault-token", "**/.aws/**", "**/.docker/config.json", "**/.kube/**"),
    *("kubeconfig", "*.kubeconfig", "**/.ssh/**", "**/.gnupg/**", "id_rsa*", "id_dsa*", "id_ecdsa*"),
    *("id_ed25519*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.tfvars", "*.tfvars.json"),
    *("*.tfstate", "*.tfstate.*", "config/master.key", "*.ovpn", ".htpasswd"),
]
FIXABLE_DEFAULT = ["format", "lint", "syntax_error", "import_error", "type_error", "compile_error"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiffGuardConfig(_Model):
    protected_paths: list[str] = Field(default_factory=lambda: list(DEFAULT_PROTECTED_PATHS))
    extra_protected_paths: list[str] = Field(default_factory=list)
    max_changed_lines: int = Field(100, ge=1, le=MAX_CHANGED_LINES_CEILING)
    max_changed_files: int = Field(10, ge=1, le=MAX_CHANGED_FILES_CEILING)
    max_changed_bytes: int = Field(
        20_000, ge=1, le=MAX_CHANGED_BYTES_CEILING, description="bytes of added + removed lines"
    )


class CommitConfig(_Model):
    author_name: str = "selfheal"
    author_email: str = "selfheal@localhost"
    message_prefix: str = "selfheal: "


class Price(_Model):
    """US dollars per million tokens."""

    input: float = Field(ge=0, allow_inf_nan=False)
    output: float = Field(ge=0, allow_inf_nan=False)
    cache_write: float | None = Field(None, ge=0, allow_inf_nan=False)
    cache_read: float | None = Field(None, ge=0, allow_inf_nan=False)


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
    max_turns: int = Field(25, ge=1, le=MAX_TURNS_CEILING)
    max_tokens: int = Field(
        400_000, ge=1000, le=MAX_TOKENS_CEILING, description="input + output tokens per attempt"
    )
    max_dollars: float = Field(3.0, gt=0, le=MAX_DOLLARS_CEILING, allow_inf_nan=False)
    max_wall_s: float = Field(900, gt=0, le=MAX_WALL_S_CEILING, allow_inf_nan=False)
    max_output_tokens: int = Field(
        8192, ge=256, le=MAX_OUTPUT_TOKENS_CEILING, description="per model response"
    )
    prices: dict[str, Price] = Field(default_factory=lambda: dict(DEFAULT_PRICES))


class Config(_Model):
    mode: Literal["push", "branch", "patch"] = "push"
    engine: Literal["auto", "rules", "anthropic"] = "auto"
    platform: Literal["auto", "local", "buildkite", "gitlab"] = "auto"
    remote: str = "origin"
    branch: str | None = None
    protected_branches: list[str] = Field(default_factory=lambda: ["main", "master", "release/*"])
    max_attempts: int = Field(3, ge=1, le=MAX_ATTEMPTS_CEILING)
    max_commits_per_branch: int = Field(
        10, ge=1, le=MAX_COMMITS_PER_BRANCH_CEILING, description="selfheal commits since the merge base"
    )
    fixable: list[str] = Field(default_factory=lambda: list(FIXABLE_DEFAULT))
    fix_tests: bool = Field(False, description="also try to fix test failures (opt-in)")
    flaky_rerun: bool = Field(False, description="rerun the failed command once before fixing")
    verify: str | None = Field(
        None,
        min_length=1,
        description='shell command; "all": every task of the build; None: the failed tasks',
    )
    verify_timeout_s: float = Field(1800, gt=0, le=VERIFY_TIMEOUT_S_CEILING, allow_inf_nan=False)
    secret_paths: list[str] = Field(default_factory=lambda: list(DEFAULT_SECRET_PATHS))
    sandbox: Literal["auto", "bwrap", "unshare", "none"] = "auto"
    handover: Literal["branch", "none"] = Field(
        "branch",
        description="a verified fix that may not be pushed (it touches tests…): review branch or escalate",
    )
    diff: DiffGuardConfig = Field(default_factory=lambda: DiffGuardConfig())
    commit: CommitConfig = Field(default_factory=lambda: CommitConfig())
    anthropic: AnthropicConfig = Field(default_factory=lambda: AnthropicConfig())

    @property
    def fixable_types(self) -> set[str]:
        return set(self.fixable) | ({"test_failure"} if self.fix_tests else set())


Path_ = tuple[str, ...]
Leaves = dict[Path_, Any]
PRICES: Path_ = ("anthropic", "prices")


def _leaf_types(model: type[BaseModel], prefix: Path_ = ()) -> dict[Path_, Any]:
    out: dict[Path_, Any] = {}
    for name, info in model.model_fields.items():
        sub, path = info.annotation, (*prefix, name)
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            out.update(_leaf_types(sub, path))
        else:
            out[path] = sub
    return out


LEAVES = {".".join(path): path for path in _leaf_types(Config)}  # every setting, by dotted name
SCALARS = {path for path, kind in _leaf_types(Config).items() if get_origin(kind) not in (list, dict)}


def _flatten(data: Mapping[str, Any], prefix: Path_ = ()) -> Leaves:
    out: Leaves = {}
    for key, value in data.items():
        path = (*prefix, key)
        if path in LEAVES.values():
            out[path] = value
        else:  # a section (diff, commit, anthropic)
            out.update(_flatten(value, path))
    return out


def _unflatten(leaves: Leaves) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in leaves.items():
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return out


# config_layers imports this module, so its names cannot be imported here at load time without a cycle that
# breaks whichever module is imported first. Type checkers see a plain re-export; at run time the first use
# fetches them (`from fixer.config import resolve` works: PEP 562).
if TYPE_CHECKING:
    from .config_layers import Loaded as Loaded
    from .config_layers import describe as describe
    from .config_layers import load as load
    from .config_layers import resolve as resolve
else:
    _FROM_LAYERS = frozenset({"Loaded", "describe", "load", "resolve"})

    def __getattr__(name: str) -> Any:
        if name not in _FROM_LAYERS:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from . import config_layers

        return getattr(config_layers, name)

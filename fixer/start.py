"""Everything a fix run settles before repository code can have a say, in this order:

1. the checkout's own git configuration is audited (`gitstate.audit`): nothing else runs git in a checkout
   whose configuration names programs the overrides cannot switch off;
2. the platform's facts, with the remote URL every later push and fetch goes to;
3. from that URL, the default branch, its head and its `.selfheal.yml` (trusted: it passed review);
4. the configuration: trusted layers (defaults, the default branch's file, `--config`, SELFHEAL_*, flags),
   then the failed commit's own `.selfheal.yml`, which may only tighten them (`policy.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import config as config_mod
from . import git, gitstate, platforms
from .context import Facts
from .platforms import Platform
from .stages import upstream


@dataclass(frozen=True)
class Start:
    loaded: config_mod.Loaded
    platform: Platform
    facts: Facts
    upstream: upstream.Upstream
    unsafe: list[str] = field(default_factory=list)  # why git must not run in this checkout

    @property
    def config(self) -> config_mod.Config:
        return self.loaded.config


def _choice(flags: Mapping[str, Any], env: Mapping[str, str], key: str, default: str) -> str:
    """A setting needed before the configuration can be read: from a flag or the environment only."""
    return str(flags.get(key) or env.get(f"SELFHEAL_{key.upper()}") or default)


def begin(
    repo: Path, env: Mapping[str, str], flags: Mapping[str, Any], config_file: Path | None = None
) -> Start:
    unsafe = gitstate.audit(repo)
    platform = platforms.get(platforms.detect(_choice(flags, env, "platform", "auto"), env), env)
    remote = _choice(flags, env, "remote", "origin")
    facts = platform.facts(repo, env, flags.get("branch") or env.get("SELFHEAL_BRANCH"), remote)
    found = (
        upstream.Upstream(problem="not read: the checkout is unsafe")
        if unsafe
        else upstream.read(repo, facts.remote_url, facts.default_branch)
    )
    facts = replace(facts, default_branch=facts.default_branch or found.default_branch)
    branch_text = None if unsafe or not facts.commit else upstream.branch_config(repo, facts.commit)
    loaded = config_mod.resolve(
        repo,
        env,
        flags,
        config_file=config_file,
        default_branch_text=found.config_text,
        branch_text=branch_text or "",
        default_branch_label=f"{found.default_branch or 'default branch'}:.selfheal.yml",
    )
    if loaded.config.platform not in ("auto", platform.name):
        platform = platforms.get(loaded.config.platform, env)
    return Start(loaded, platform, facts, found, unsafe)


def head_blob(repo: Path, rev: str, path: str) -> bytes | None:
    """A file's content at `rev`, or None (for the judge, which reads the failed commit's tree)."""
    out = git.run(repo, "cat-file", "-e", f"{rev}:{path}")
    return git.output_bytes(repo, "cat-file", "blob", f"{rev}:{path}") if out.code == 0 else None

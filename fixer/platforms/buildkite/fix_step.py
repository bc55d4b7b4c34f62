"""The fix step the plugin uploads when a step fails: its pipeline YAML, built from names and plain facts.

One step runs `selfheal fix --platform buildkite` with the same plugin version (`wrap: false`, no
annotation, no fix step of its own: the plugin only gives it the CLI). `soft_fail`, so a fix that cannot
be made never fails the build twice; `depends_on` the failed step with `allow_failure` when it has a key,
so every parallel job and automatic retry of it has finished; one `concurrency_group` per pipeline and
branch, so two fixers never work on one branch at once. With `fix.split`, the hardened form: a patch step
that holds no write credentials, then a deliver step that alone gets them and runs no repository code.

The YAML carries no value of this job's environment but names and plain facts (ids, commit, labels), and
`render` refuses text in which a secret value of the environment appears all the same.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from emitter.redact import Redactor, is_secret_name

from .plugin_config import FixOptions, Plugin

KEY_DISALLOWED = re.compile(r"[^a-zA-Z0-9_\-:.,]")  # outside Buildkite's key pattern, or interpolation's ${}
MAX_KEY = 100
MAX_SUFFIX = 80
DEFAULT_LABEL = ":adhesive_bandage: selfheal fix: {label}"
SPLIT_NOTE = """\
# selfheal fix, split: the patch step runs the fix loop with the model's access and no write credentials;
# the deliver step applies its verified fix.patch and pushes. Only the deliver step may hold the write
# credentials: give them to it alone, through `buildkite-agent secret get` in an agent hook (or its own
# queue) scoped to the `selfheal-deliver-*` step keys, never through the pipeline's env. It runs no
# repository code; run it on agents started with `--no-local-hooks`, so the checkout's hooks do not either.
"""


class LeakError(Exception):
    """The rendered YAML holds a secret value of this job's environment."""


@dataclass(frozen=True)
class FailedStep:
    job_id: str
    step_key: str | None
    step_id: str | None
    label: str
    commit: str | None
    pipeline: str
    branch: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FailedStep:
        key = env.get("BUILDKITE_STEP_KEY") or None
        return cls(
            job_id=env.get("BUILDKITE_JOB_ID", ""),
            step_key=key,
            step_id=env.get("BUILDKITE_STEP_ID") or None,
            label=env.get("BUILDKITE_LABEL") or key or "step",
            commit=env.get("BUILDKITE_COMMIT") or None,
            pipeline=env.get("BUILDKITE_PIPELINE_SLUG", ""),
            branch=env.get("BUILDKITE_BRANCH", ""),
        )

    @property
    def identity(self) -> str:
        """What stays the same when an automatic retry runs the step again under a new job id."""
        return self.step_key or self.step_id or self.label or self.job_id


def _digest(text: str, size: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def key_suffix(failed: FailedStep) -> str:
    """The failed step's key when it makes a valid, short key; else a readable part plus a hash."""
    if not failed.step_key:
        return _digest(failed.identity, 12)
    clean = KEY_DISALLOWED.sub("-", failed.step_key)
    if clean == failed.step_key and len(clean) <= MAX_SUFFIX:
        return clean
    return f"{clean[: MAX_SUFFIX - 9].rstrip('-')}-{_digest(failed.step_key, 8)}"


def fix_key(failed: FailedStep) -> str:
    return f"selfheal-fix-{key_suffix(failed)}"[:MAX_KEY]


def deliver_key(failed: FailedStep) -> str:
    return f"selfheal-deliver-{key_suffix(failed)}"[:MAX_KEY]


def ledger_key(failed: FailedStep) -> str:
    """The build meta-data key that records the fix step was uploaded for this step."""
    return f"selfheal:fix-step:{failed.identity}"


def fix_command(fix: FixOptions, mode: str | None = None) -> str:
    parts = ["selfheal", "fix", "--platform", "buildkite"]
    for flag, value in (
        ("--engine", fix.engine),
        ("--mode", mode or fix.mode),
        ("--max-attempts", fix.max_attempts),
        ("--verify", fix.verify),
    ):
        if value is not None:
            parts += [flag, str(value)]
    return shlex.join(parts)


def deliver_command(plugin: Plugin, failed: FailedStep) -> list[str]:
    folder = plugin.config.artifact_dir.rstrip("/") or "."
    deliver = ["selfheal", "deliver", "--platform", "buildkite"]
    if plugin.config.fix.mode == "branch":
        deliver += ["--mode", "branch"]
    if folder != ".selfheal":
        deliver += ["--patch", f"{folder}/fix.patch", "--from", f"{folder}/outcome.json"]
    download = ["buildkite-agent", "artifact", "download", f"{folder}/*", ".", "--step", fix_key(failed)]
    return [shlex.join(download), shlex.join(deliver)]


def step_env(plugin: Plugin, failed: FailedStep) -> dict[str, str]:
    """What the fix step must know about the failure: names and facts, never a credential."""
    config, fix = plugin.config, plugin.config.fix
    env = {
        "SELFHEAL_FAILED_JOB_ID": failed.job_id,
        "SELFHEAL_FAILED_STEP_KEY": failed.step_key,
        "SELFHEAL_FAILED_COMMIT": failed.commit,
        "SELFHEAL_BUILDKITE_RETRY": fix.retry,
        "SELFHEAL_BUILDKITE_MODEL_PROXY": "true" if fix.model_proxy else "false",
        "SELFHEAL_BUILDKITE_ARTIFACT_DIR": config.artifact_dir,
        "SELFHEAL_BUILDKITE_API_TOKEN_ENV": config.api_token_env,
    }
    return {name: value for name, value in env.items() if value}


def _plugins(plugin: Plugin) -> list[dict[str, Any]]:
    assert plugin.source, "the plugin's source reference is needed to give the fix step the same CLI"
    options: dict[str, Any] = {"wrap": False, "annotate": False, "fix": {"enabled": False}}
    if plugin.config.artifact_dir != ".selfheal":
        options["artifact-dir"] = plugin.config.artifact_dir
    if plugin.config.install:
        options["install"] = plugin.config.install
    return [{plugin.source: options}]


def _common(plugin: Plugin, failed: FailedStep) -> dict[str, Any]:
    fix = plugin.config.fix
    step: dict[str, Any] = {"soft_fail": True}
    if fix.agents:
        step["agents"] = dict(fix.agents)
    step["concurrency"] = 1
    step["concurrency_group"] = f"selfheal/{failed.pipeline}/{failed.branch}"
    step["env"] = step_env(plugin, failed)
    if fix.branches:
        step["branches"] = fix.branches
    step["plugins"] = _plugins(plugin)
    return step


def steps(plugin: Plugin, failed: FailedStep) -> list[dict[str, Any]]:
    fix = plugin.config.fix
    label = fix.label or DEFAULT_LABEL.format(label=failed.label)
    first: dict[str, Any] = {
        "label": f"{label} (patch)" if fix.split else label,
        "key": fix_key(failed),
        "command": fix_command(fix, "patch" if fix.split else None),
    }
    if failed.step_key:
        first["depends_on"] = [{"step": failed.step_key, "allow_failure": True}]
    first.update(_common(plugin, failed))
    if not fix.split:
        return [first]
    deliver: dict[str, Any] = {
        "label": f"{label} (deliver)",
        "key": deliver_key(failed),
        "command": deliver_command(plugin, failed),
        # only after a patch step that succeeded: anything else left no verified patch to deliver
        "depends_on": [fix_key(failed)],
    }
    deliver.update(_common(plugin, failed))
    return [first, deliver]


def _secret_values(env: Mapping[str, str], plugin: Plugin) -> list[str]:
    globs = env.get("BUILDKITE_REDACTED_VARS", "").split(",")
    values = [value for name, value in env.items() if value and is_secret_name(name, globs)]
    token_var = plugin.config.api_token_env
    if token_var and env.get(token_var):
        values.append(env[token_var])  # whatever its name looks like, the option says it holds a token
    return values


def render(plugin: Plugin, failed: FailedStep, env: Mapping[str, str]) -> str:
    """The pipeline YAML to upload; LeakError when a secret of `env` would be in it."""
    text = yaml.safe_dump({"steps": steps(plugin, failed)}, sort_keys=False, allow_unicode=True, width=1000)
    if plugin.config.fix.split:
        text = SPLIT_NOTE + text
    redactor = Redactor(_secret_values(env, plugin))
    if redactor.redact(text) != text:
        raise LeakError("the fix step's YAML would contain a secret value of this job's environment")
    return text

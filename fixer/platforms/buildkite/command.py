"""`selfheal buildkite command`: the plugin's command hook.

It runs in front of the build step, so it imports only the standard library and the emitter's light
modules (`selfheal run`'s start-up budget): `hook.py` loads it without the fixer's packages, and the
configuration is read with `json`, not the pydantic model.

The step's command is run exactly as the agent's default command phase runs it (agent
`internal/job/executor.go`, defaultCommandPhase): BUILDKITE_COMMAND is a script when it names a file in
the checkout (made executable and run as `./path`), else it is evaluated, both through BUILDKITE_SHELL
(default `/bin/bash -e -c`); an agent started with `--no-command-eval` runs only scripts in the checkout.

- `wrap: true`: that command runs under `selfheal run` (output byte for byte, exit code kept, SIGTERM
  forwarded to its process group) with the configured task, junit, sarif and artifact-dir.
- `wrap: false`: the hook stands aside as if it did not exist. The agent runs only one plugin command hook
  with strict single hooks, but every one of them without (a long-standing agent bug): so when another
  plugin of the step has a command hook (docker, docker-compose), that hook runs the command and this one
  does nothing; otherwise this one replaces itself with the default command phase.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
import sys
from collections.abc import Mapping
from typing import Any

from emitter.ci_env import default_task, slug

NAME = "selfheal"
DEFAULT_SHELL = "/bin/bash -e -c"
_NON_ID = re.compile(r"[^a-zA-Z0-9]+")


class CommandError(Exception):
    """The command cannot be run, as the agent would refuse it; one line."""


def raw_config(env: Mapping[str, str]) -> dict[str, Any]:
    try:
        data = json.loads(env.get("BUILDKITE_PLUGIN_CONFIGURATION") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def globs(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def task_name(config: Mapping[str, Any], env: Mapping[str, str]) -> str:
    task = config.get("task")
    return task if isinstance(task, str) and task else default_task(env, [env.get("BUILDKITE_COMMAND", "")])


def report_path(artifact_dir: str, task: str, env: Mapping[str, str]) -> str:
    """Where this job's report goes; parallel jobs of one step share a task, not a report."""
    index = env.get("BUILDKITE_PARALLEL_JOB")
    return os.path.join(artifact_dir, f"{slug(task)}{'-' + index if index else ''}.json")


def command_argv(env: Mapping[str, str], cwd: str) -> list[str]:
    """The argv the agent's default command phase would run for BUILDKITE_COMMAND in `cwd`."""
    command = env.get("BUILDKITE_COMMAND", "")
    if not command.strip():
        raise CommandError("the command phase has no `command` to execute")
    shell = shlex.split(env.get("BUILDKITE_SHELL") or DEFAULT_SHELL)
    if not shell:
        raise CommandError("no shell set for job")
    may_eval = env.get("BUILDKITE_COMMAND_EVAL", "true").lower() != "false"
    # Go's filepath.Join: an absolute command is still looked for inside the checkout
    path = os.path.normpath(cwd + os.sep + command.replace("\n", ""))
    if os.path.exists(path):
        if not may_eval and not path.startswith(cwd.rstrip(os.sep) + os.sep):
            raise CommandError("this agent is only allowed to run scripts within your repository")
        if may_eval:
            mode = os.stat(path).st_mode
            os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return [*shell, "." + os.sep + os.path.relpath(path, cwd)]
    if not may_eval:
        raise CommandError("this agent is not allowed to evaluate console commands (--no-command-eval)")
    return [*shell, command]


def plugin_name(source: str) -> str:
    """The agent's name for a plugin source: its last path part, cleaned, without `-buildkite-plugin`."""
    location = source.split("#", 1)[0].replace("\\", "/").rstrip("/")
    name = re.sub(r"[^a-z0-9]", "-", location.rsplit("/", 1)[-1].lower().removesuffix(".git"))
    return name.replace("-buildkite-plugin", "")


def plugin_entries(env: Mapping[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """BUILDKITE_PLUGINS as (source, configuration) pairs, in the step's order; [] when unreadable."""
    try:
        data = json.loads(env.get("BUILDKITE_PLUGINS") or "[]")
    except ValueError:
        return []
    entries: list[tuple[str, dict[str, Any]]] = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, str):
            entries.append((item, {}))
        elif isinstance(item, dict):
            entries += [(src, cfg if isinstance(cfg, dict) else {}) for src, cfg in item.items()]
    return entries


def _checkout(source: str, env: Mapping[str, str]) -> str | None:
    """Where the agent checked the plugin out (agent/plugin/plugin.go: Identifier, vendored paths)."""
    location, _, version = source.partition("#")
    location = re.sub(r"^[a-z][a-z0-9+.-]*://([^@/]*@)?", "", location)  # url.Parse: Host + Path
    if location.startswith("."):
        root = env.get("BUILDKITE_BUILD_CHECKOUT_PATH")
        return os.path.join(root, location) if root else None
    plugins = env.get("BUILDKITE_PLUGINS_PATH")
    label = f"{location}#{version}" if version else location
    return os.path.join(plugins, _NON_ID.sub("-", label).strip("-")) if plugins else None


def _has_command_hook(folder: str | None) -> bool:
    hooks = os.path.join(folder, "hooks") if folder else None
    if not hooks or not os.path.isdir(hooks):
        return False
    return any(name == "command" or name.startswith("command.") for name in os.listdir(hooks))


def command_hooks_around(env: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The other plugins of this step that have a command hook: (before ours, after ours)."""
    before: list[str] = []
    after: list[str] = []
    ours = False
    for source, _ in plugin_entries(env):
        if not ours and plugin_name(source) == NAME:
            ours = True
        elif _has_command_hook(_checkout(source, env)):
            (after if ours else before).append(plugin_name(source))
    return before, after


def stand_aside(env: Mapping[str, str]) -> int | None:
    """`wrap: false` beside another plugin's command hook: the exit code of this hook, or None when no
    other hook runs the command and this one must (as the default command phase)."""
    before, after = command_hooks_around(env)
    if before:
        return 0  # it ran first and succeeded (the agent stops at a failing one), so the command ran
    if not after:
        return None
    if env.get("BUILDKITE_STRICT_SINGLE_HOOKS", "false").lower() != "true":
        return 0  # the agent runs theirs after this one: the command runs there
    sys.stderr.write(
        f"selfheal: with wrap: false, list the selfheal plugin after {after[0]}: with strict single hooks "
        "the agent runs only the first command hook, and the command would not run at all\n"
    )
    return 1


def main(env: Mapping[str, str]) -> int:
    config = raw_config(env)
    cwd = os.getcwd()
    try:
        argv = command_argv(env, cwd)
    except CommandError as exc:
        sys.stderr.write(f"selfheal: {exc}\n")
        return 1
    if config.get("wrap", True) in (False, "false"):
        code = stand_aside(env)
        if code is not None:
            return code
        sys.stdout.flush()
        os.execvpe(argv[0], argv, dict(env))  # nothing of ours stays between the agent and the command
    from emitter.run import RunOptions, run

    task = task_name(config, env)
    artifact_dir = config.get("artifact-dir")
    opts = RunOptions(
        command=argv,
        task=task,
        report=report_path(artifact_dir if isinstance(artifact_dir, str) else ".selfheal", task, env),
        junit=globs(config.get("junit")),
        sarif=globs(config.get("sarif")),
        # the annotation shows the errors; a summary group would also change which log group the agent
        # expands after a failure
        summary=config.get("annotate", True) in (False, "false"),
    )
    return run(opts)

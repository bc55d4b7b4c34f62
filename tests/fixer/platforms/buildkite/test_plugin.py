"""The plugin as Buildkite's plugin linter checks it, and as the agent runs its command hook.

- plugin.yml has the keys the linter requires; its `configuration` is a valid JSON Schema, strict at
  every level; every README example of the plugin validates against it; it and `plugin_config.py` agree;
- the fix step the plugin uploads (both forms) validates against Buildkite's pipeline schema
  (`buildkite_sdk/schema.json`);
- `command.py` runs BUILDKITE_COMMAND as the agent's default command phase does, stands aside for
  another plugin's command hook when `wrap: false`, and imports nothing heavy before the command starts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from fixer.platforms.buildkite import command, fix_step
from fixer.platforms.buildkite.plugin_config import ConfigError, Plugin, PluginConfig, load

ROOT = Path(__file__).resolve().parents[4]
PLUGIN_YML = yaml.safe_load((ROOT / "plugin.yml").read_text())
SCHEMA = PLUGIN_YML["configuration"]
EXAMPLE_SOURCE = "org/selfheal#v"


def test_plugin_yml_has_the_keys_the_linter_requires() -> None:
    for key in ("name", "description", "author", "requirements", "configuration"):
        assert PLUGIN_YML.get(key), key
    assert PLUGIN_YML["name"] == "selfheal"
    assert PLUGIN_YML["requirements"] == ["python3", "git"]


def test_configuration_is_a_json_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def _objects(node: Any, where: str = "configuration") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{where}[{i}]")


def test_every_level_is_strict_and_kebab_case() -> None:
    found = list(_objects(SCHEMA))
    assert len(found) >= 3  # the configuration, fix, fix.agents
    for where, node in found:
        if "properties" in node:
            assert node.get("additionalProperties") is False, where
            assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in node["properties"]), where
        else:  # a map (fix.agents): any key, values of one type only
            assert node.get("additionalProperties") == {"type": "string"}, where


def validate(config: Any) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(config)


@pytest.mark.parametrize(
    "config",
    [
        {"wrapp": False},
        {"fix": {"enable": True}},
        {"fix": {"engine": "gpt"}},
        {"fix": {"max-attempts": 11}},
        {"fix": {"max_attempts": 2}},  # kebab-case only
        {"fix": {"agents": {"queue": 1}}},
        {"junit": []},
        {"junit": [3]},
        {"api-token-env": "bkua_0123456789abcdef"},  # the token itself, not a variable name
        {"artifact-dir": 3},
    ],
)
def test_the_schema_and_the_model_reject_the_same_mistakes(config: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate(config)
    with pytest.raises(ConfigError):
        load({"BUILDKITE_PLUGIN_CONFIGURATION": json.dumps(config)})


def _normal(node: Any, defs: dict[str, Any]) -> Any:
    """A schema without what does not constrain (titles, descriptions, null branches, null defaults)."""
    if isinstance(node, list):
        return [_normal(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _normal(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("title", "description", "$defs") or (key == "default" and value is None):
            continue
        if key in ("anyOf", "oneOf"):
            branches = [_normal(b, defs) for b in value if b != {"type": "null"}]
            if len(branches) == 1:
                out.update(branches[0])
            else:
                out["anyOf"] = branches
            continue
        out[key] = _normal(value, defs)
    return out


def test_plugin_yml_and_the_model_agree_on_every_property_default_and_enum() -> None:
    model = PluginConfig.model_json_schema(by_alias=True)
    assert _normal(SCHEMA, {}) == _normal(model, model.get("$defs", {}))


def test_the_model_reads_the_agents_variables() -> None:
    source = "github.com/org/selfheal-buildkite-plugin#v1.0.0"
    config = {"junit": "reports/*.xml", "fix": {"enabled": True, "max-attempts": 2}}
    env = {
        "BUILDKITE_PLUGINS": json.dumps([{"docker-compose#v5.0.0": {"run": "app"}}, {source: config}]),
        "BUILDKITE_PLUGIN_CONFIGURATION": json.dumps(config),
    }
    plugin = load(env)
    assert plugin.source == source
    assert plugin.config.junit_globs == ["reports/*.xml"] and plugin.config.fix.max_attempts == 2
    assert load({**env, "BUILDKITE_PLUGIN_CONFIGURATION": "{}"}).config.fix.enabled is False
    only_list = load({"BUILDKITE_PLUGINS": env["BUILDKITE_PLUGINS"]})
    assert only_list.config.fix.enabled and only_list.source == source
    for name in (
        "org/selfheal#v1",
        "ssh://git@github.com/org/selfheal.git#v1",
        "./.buildkite/plugins/selfheal",
    ):
        assert command.plugin_name(name) == "selfheal", name


def _readme_examples() -> list[dict[str, Any]]:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"^```ya?ml\n(.*?)^```", text, flags=re.M | re.S)
    return [yaml.safe_load(block) for block in blocks if EXAMPLE_SOURCE in block]


def _plugin_configs(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.startswith(EXAMPLE_SOURCE):
                yield key, value
            else:
                yield from _plugin_configs(value)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, str) and item.startswith(EXAMPLE_SOURCE):
                yield item, None
            else:
                yield from _plugin_configs(item)


def test_every_readme_example_validates() -> None:
    readme = (ROOT / "README.md").read_text()
    examples = _readme_examples()
    if re.search(r"^#+ .*Buildkite", readme, flags=re.M) and "org/selfheal#" in readme:
        assert examples, "the README names the plugin but has no ```yaml example of it"
    for example in examples:
        configs = list(_plugin_configs(example))
        assert configs, example
        for source, config in configs:
            assert re.fullmatch(r"org/selfheal#v\d+\.\d+\.\d+", source), source
            validate(config or {})
            PluginConfig.model_validate(config or {})


def pipeline_schema() -> dict[str, Any]:
    data = json.loads(resources.files("buildkite_sdk").joinpath("schema.json").read_text())
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("key", ["unit", ""])
def test_the_uploaded_fix_step_is_a_valid_pipeline(split: bool, key: str) -> None:
    config = {
        "fix": {
            "enabled": True,
            "split": split,
            "agents": {"queue": "fixers"},
            "branches": "!main",
            "verify": "make test",
            "engine": "rules",
            "max-attempts": 2,
            "retry": "create-build",
        },
        "api-token-env": "BK_TOKEN",
        "install": "ci-selfheal==1.0.0",
    }
    env = {
        "BUILDKITE_JOB_ID": "0190d6a4-aaaa-4c1b-9a55-000000000001",
        "BUILDKITE_STEP_ID": "0190d6a4-1f2e-4c1b-9a55-6f0e2d7c1a11",
        "BUILDKITE_STEP_KEY": key,
        "BUILDKITE_LABEL": ":pytest: Unit",
        "BUILDKITE_COMMIT": "a" * 40,
        "BUILDKITE_PIPELINE_SLUG": "shop",
        "BUILDKITE_BRANCH": "feature/geo",
    }
    plugin = Plugin(PluginConfig.model_validate(config), "github.com/org/selfheal-buildkite-plugin#v1.0.0")
    pipeline = yaml.safe_load(fix_step.render(plugin, fix_step.FailedStep.from_env(env), env))
    jsonschema.Draft7Validator(pipeline_schema()).validate(pipeline)
    assert len(pipeline["steps"]) == (2 if split else 1)


# command.py: the agent's default command phase, and standing aside


def test_a_command_is_evaluated_by_the_jobs_shell(tmp_path: Path) -> None:
    env = {"BUILDKITE_COMMAND": "make test\nmake lint"}
    assert command.command_argv(env, str(tmp_path)) == ["/bin/bash", "-e", "-c", "make test\nmake lint"]
    custom = {**env, "BUILDKITE_SHELL": "/usr/bin/env bash -eo pipefail -c"}
    assert command.command_argv(custom, str(tmp_path))[:-1] == [
        "/usr/bin/env",
        "bash",
        "-eo",
        "pipefail",
        "-c",
    ]


def test_a_command_naming_a_file_of_the_checkout_runs_as_a_script(tmp_path: Path) -> None:
    script = tmp_path / "ci" / "test.sh"
    script.parent.mkdir()
    script.write_text("echo hi\n")
    assert command.command_argv({"BUILDKITE_COMMAND": "ci/test.sh"}, str(tmp_path)) == [
        "/bin/bash",
        "-e",
        "-c",
        "./ci/test.sh",
    ]
    assert os.access(script, os.X_OK)  # the agent makes it executable too


def test_no_command_eval_runs_only_scripts(tmp_path: Path) -> None:
    env = {"BUILDKITE_COMMAND": "rm -rf /", "BUILDKITE_COMMAND_EVAL": "false"}
    with pytest.raises(command.CommandError, match="not allowed to evaluate"):
        command.command_argv(env, str(tmp_path))
    with pytest.raises(command.CommandError, match="no `command`"):
        command.command_argv({"BUILDKITE_COMMAND": "  "}, str(tmp_path))


def _plugins_path(tmp_path: Path, *plugins: tuple[str, bool]) -> dict[str, str]:
    """BUILDKITE_PLUGINS and a plugins folder as the agent checks them out (agent/plugin/plugin.go)."""
    folder = tmp_path / "plugins"
    entries: list[dict[str, dict[str, str]]] = []
    for source, has_command in plugins:
        checkout = folder / re.sub(r"[^a-zA-Z0-9]+", "-", source).strip("-")
        (checkout / "hooks").mkdir(parents=True)
        if has_command:
            (checkout / "hooks" / "command").write_text("#!/bin/bash\n")
        entries.append({source: {}})
    return {"BUILDKITE_PLUGINS": json.dumps(entries), "BUILDKITE_PLUGINS_PATH": str(folder)}


OURS = ("github.com/org/selfheal-buildkite-plugin#v1.0.0", True)
COMPOSE = ("github.com/buildkite-plugins/docker-compose-buildkite-plugin#v5.0.0", True)
CACHE = ("github.com/buildkite-plugins/cache-buildkite-plugin#v1.0.0", False)


def test_wrap_false_runs_the_command_when_no_other_plugin_does(tmp_path: Path) -> None:
    assert command.stand_aside(_plugins_path(tmp_path, CACHE, OURS)) is None


def test_wrap_false_stands_aside_for_an_earlier_command_hook(tmp_path: Path) -> None:
    env = _plugins_path(tmp_path, COMPOSE, OURS)
    assert command.command_hooks_around(env) == (["docker-compose"], [])
    assert command.stand_aside(env) == 0


def test_wrap_false_before_a_command_hook_depends_on_strict_single_hooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = _plugins_path(tmp_path, OURS, COMPOSE)
    assert command.stand_aside(env) == 0  # the agent runs theirs after ours
    assert command.stand_aside({**env, "BUILDKITE_STRICT_SINGLE_HOOKS": "true"}) == 1  # it would not
    assert "list the selfheal plugin after docker-compose" in capsys.readouterr().err


def _hook(env: dict[str, str], cwd: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True
    )


def test_the_command_starts_before_anything_heavy_is_imported(tmp_path: Path) -> None:
    spy = (
        "import sys, emitter.wrap as w\n"
        "real = w.run\n"
        "def run(argv, on_chunk, use_pty=False):\n"
        "    heavy = [m for m in ('pydantic', 'yaml', 'junitparser', 'anthropic') if m in sys.modules]\n"
        "    sys.stderr.write('heavy=%s\\n' % ','.join(heavy))\n"
        "    return real(argv, on_chunk, use_pty)\n"
        "w.run = run\n"
        "from fixer.cli import main\n"
        "sys.exit(main(['buildkite', 'command']))\n"
    )
    done = _hook({"BUILDKITE_COMMAND": "echo out; exit 4", "PYTHONPATH": str(ROOT)}, tmp_path, spy)
    assert (done.returncode, done.stdout) == (4, "out\n")
    assert "heavy=\n" in done.stderr


def test_wrap_false_replaces_itself_with_the_command(tmp_path: Path) -> None:
    config = json.dumps({"wrap": False})
    code = "import sys; from fixer.cli import main; sys.exit(main(['buildkite', 'command']))"
    env = {"BUILDKITE_COMMAND": "echo $$ > pid; echo out; exit 5", "BUILDKITE_PLUGIN_CONFIGURATION": config}
    done = _hook({**env, "PYTHONPATH": str(ROOT)}, tmp_path, code)
    assert (done.returncode, done.stdout, done.stderr) == (5, "out\n", "")
    assert not (tmp_path / ".selfheal").exists()

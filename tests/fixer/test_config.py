"""Configuration: defaults < default branch's file < --config < SELFHEAL_* < flags, ceilings over all of them,
provenance per setting, and bad input as one error listing every problem with its origin.

The branch's own `.selfheal.yml` (tightening only) is `fixer/policy.py`'s rule: see test_policy.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emitter.errors import UsageError
from fixer import config as cfg
from fixer.config import LEAVES, Config, describe, load, resolve


def test_defaults_are_the_documented_ones(tmp_path: Path) -> None:
    config = resolve(tmp_path, {}).config
    assert config == Config()
    assert (config.mode, config.engine, config.max_attempts) == ("push", "auto", 3)
    assert config.protected_branches == ["main", "master", "release/*"]
    assert (config.diff.max_changed_lines, config.diff.max_changed_files) == (100, 10)
    assert config.diff.max_changed_bytes == 20_000
    assert (
        ".gitlab-ci.yml" in config.diff.protected_paths
        and "**/package-lock.json" in config.diff.protected_paths
    )
    assert (
        ".env" in config.secret_paths
        and "**/.ssh/**" in config.secret_paths
        and len(config.secret_paths) == 36
    )
    assert (config.verify, config.sandbox, config.handover) == (None, "auto", "branch")
    assert config.anthropic.max_turns == 25
    assert "test_failure" not in config.fixable_types


def test_the_model_never_reads_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELFHEAL_MODE", "patch")
    monkeypatch.setenv("SELFHEAL_ANTHROPIC__MAX_TURNS", "2")
    assert Config().mode == "push"
    loaded = resolve(tmp_path, {})
    assert (loaded.config.mode, loaded.config.anthropic.max_turns) == ("push", 25)
    assert load(tmp_path).mode == "push"
    assert resolve(tmp_path, {"SELFHEAL_MODE": "branch"}).config.mode == "branch"


def test_config_is_frozen_and_strict() -> None:
    with pytest.raises(Exception, match="frozen"):
        Config().mode = "patch"  # type: ignore[misc]
    with pytest.raises(Exception, match="Extra inputs"):
        Config.model_validate({"no_such_setting": 1})


def test_fix_tests_opts_test_failures_in() -> None:
    assert "test_failure" in Config(fix_tests=True).fixable_types


def test_trusted_layers_in_order_with_provenance(tmp_path: Path) -> None:
    operator = tmp_path.parent / f"{tmp_path.name}-operator.yml"  # outside the checkout: trusted
    operator.write_text("mode: branch\nmax_commits_per_branch: 20\nanthropic:\n  max_turns: 40\n")
    loaded = resolve(
        tmp_path,
        {"SELFHEAL_MODE": "patch", "SELFHEAL_ANTHROPIC__MAX_TURNS": "50"},
        flags={"mode": "push", "max_attempts": None, "remote": "upstream"},
        config_file=operator,
        default_branch_text="max_attempts: 7\nmode: patch\nverify: make check\n",
    )
    c = loaded.config
    assert (c.max_attempts, c.max_commits_per_branch, c.anthropic.max_turns) == (7, 20, 50)
    assert (c.mode, c.remote, c.verify) == ("push", "upstream", "make check")
    assert loaded.sources["max_attempts"] == "default branch .selfheal.yml"
    assert loaded.sources["max_commits_per_branch"] == f"--config {operator}"
    assert loaded.sources["anthropic.max_turns"] == "env SELFHEAL_ANTHROPIC__MAX_TURNS"
    assert loaded.sources["mode"] == "flag --mode"
    assert loaded.sources["engine"] == "default"
    assert loaded.sources["anthropic.prices.claude-haiku-4-5"] == "default"


@pytest.mark.parametrize(
    "how",
    ["env", "default branch", "flag", "config"],
)
def test_trusted_layers_can_loosen(tmp_path: Path, how: str) -> None:
    operator = tmp_path.parent / f"{tmp_path.name}.yml"
    operator.write_text("max_attempts: 8\nfix_tests: true\ndiff:\n  protected_paths: []\n")
    layers: dict[str, dict[str, Any]] = {
        "env": {
            "env": {
                "SELFHEAL_MAX_ATTEMPTS": "8",
                "SELFHEAL_FIX_TESTS": "1",
                "SELFHEAL_DIFF__PROTECTED_PATHS": "[]",
            }
        },
        "default branch": {"default_branch_text": operator.read_text()},
        "flag": {"flags": {"max_attempts": 8, "fix_tests": True, "diff.protected_paths": []}},
        "config": {"config_file": operator},
    }
    given = layers[how]
    loaded = resolve(tmp_path, given.pop("env", {}), **given)
    assert (loaded.config.max_attempts, loaded.config.fix_tests, loaded.config.diff.protected_paths) == (
        8,
        True,
        [],
    )
    assert loaded.notes == []


def test_default_branch_text_labels_its_origin(tmp_path: Path) -> None:
    loaded = resolve(
        tmp_path,
        {},
        default_branch_text="max_attempts: 5\n",
        default_branch_label="origin/main:.selfheal.yml",
    )
    assert loaded.sources["max_attempts"] == "origin/main:.selfheal.yml"


def test_every_setting_has_a_derived_variable(tmp_path: Path) -> None:
    env: dict[str, str] = {}
    for dotted, path in LEAVES.items():
        value = _get(Config().model_dump(), path)
        if value is None:
            value = "make check" if dotted == "verify" else "feature/x"
        env["SELFHEAL_" + "__".join(path).upper()] = value if isinstance(value, str) else json.dumps(value)
    loaded = resolve(tmp_path, env)
    for dotted, path in LEAVES.items():
        if dotted == "anthropic.prices":
            assert loaded.sources["anthropic.prices.claude-sonnet-4-6"] == "env SELFHEAL_ANTHROPIC__PRICES"
        else:
            assert loaded.sources[dotted] == "env SELFHEAL_" + "__".join(path).upper()


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def test_nested_names_short_aliases_and_the_long_name_wins(tmp_path: Path) -> None:
    env = {
        "SELFHEAL_MODEL": "claude-haiku-4-5",
        "SELFHEAL_MAX_TURNS": "7",
        "SELFHEAL_MAX_DOLLARS": "1.5",
        "SELFHEAL_AUTHOR_NAME": "bot",
        "SELFHEAL_AUTHOR_EMAIL": "bot@example.com",
        "SELFHEAL_ANTHROPIC__MAX_WALL_S": "60",
        "SELFHEAL_COMMIT__MESSAGE_PREFIX": "fix: ",
    }
    loaded = resolve(tmp_path, env)
    a, c = loaded.config.anthropic, loaded.config.commit
    assert (a.model, a.max_turns, a.max_dollars, a.max_wall_s) == ("claude-haiku-4-5", 7, 1.5, 60)
    assert (c.author_name, c.author_email, c.message_prefix) == ("bot", "bot@example.com", "fix: ")
    assert loaded.sources["anthropic.model"] == "env SELFHEAL_MODEL"
    both = resolve(tmp_path, {"SELFHEAL_MODEL": "short", "SELFHEAL_ANTHROPIC__MODEL": "long"})
    assert both.config.anthropic.model == "long"
    assert both.sources["anthropic.model"] == "env SELFHEAL_ANTHROPIC__MODEL"


def test_aliases_do_not_shadow_a_setting() -> None:
    for alias, dotted in cfg.ENV_ALIASES.items():
        assert dotted in LEAVES
        assert alias[len("SELFHEAL_") :].lower() not in Config.model_fields


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("main, release/*", ["main", "release/*"]),
        ("prod", ["prod"]),
        ('["main", "a,b"]', ["main", "a,b"]),
        ("[]", []),
    ],
)
def test_lists_accept_commas_or_json(tmp_path: Path, value: str, expected: list[str]) -> None:
    loaded = resolve(
        tmp_path, {"SELFHEAL_PROTECTED_BRANCHES": value, "SELFHEAL_DIFF__EXTRA_PROTECTED_PATHS": value}
    )
    assert loaded.config.protected_branches == expected
    assert loaded.config.diff.extra_protected_paths == expected


def test_a_scalar_that_looks_like_json_stays_text(tmp_path: Path) -> None:
    assert resolve(tmp_path, {"SELFHEAL_VERIFY": "[ -f x ] && make"}).config.verify == "[ -f x ] && make"


def test_unrelated_and_empty_variables_are_ignored(tmp_path: Path) -> None:
    env = {
        "SELFHEAL_FAILED_COMMIT": "abc123",
        "SELFHEAL_DEMO_KEEP": "1",
        "SELFHEAL_GITLAB_TOKEN": "glpat-x",
        "SELFHEAL_BUILDKITE_API_TOKEN": "bkua_x",
        "SELFHEAL_MODE": "",
        "MODE": "patch",
    }
    loaded = resolve(tmp_path, env)
    assert loaded.config == Config() and set(loaded.sources.values()) == {"default"}


def test_ceiling_values_are_the_documented_ones() -> None:
    Config.model_validate({"max_attempts": 10, "max_commits_per_branch": 50, "verify_timeout_s": 14400})
    ceilings = {
        "max_attempts": 10,
        "max_commits_per_branch": 50,
        "verify_timeout_s": 14400,
        "diff.max_changed_lines": 2000,
        "diff.max_changed_files": 100,
        "diff.max_changed_bytes": 1_000_000,
        "anthropic.max_turns": 100,
        "anthropic.max_tokens": 5_000_000,
        "anthropic.max_dollars": 50,
        "anthropic.max_wall_s": 3600,
        "anthropic.max_output_tokens": 64000,
    }
    for dotted, ceiling in ceilings.items():
        path = LEAVES[dotted]
        Config.model_validate(cfg._unflatten({path: ceiling}))
        with pytest.raises(Exception, match="less than or equal"):
            Config.model_validate(cfg._unflatten({path: ceiling + 1}))


@pytest.mark.parametrize(
    ("kwargs", "origin"),
    [
        ({"flags": {"max_attempts": 1000}}, "flag --max-attempts"),
        ({"env": {"SELFHEAL_MAX_ATTEMPTS": "1000"}}, "env SELFHEAL_MAX_ATTEMPTS"),
        ({"env": {"SELFHEAL_MAX_DOLLARS": "51"}}, "env SELFHEAL_MAX_DOLLARS"),
        ({"default_branch_text": "anthropic:\n  max_tokens: 9000000\n"}, "default branch .selfheal.yml"),
        ({"config_file": True}, "--config"),
    ],
)
def test_ceilings_hold_against_every_trusted_source(
    tmp_path: Path, kwargs: dict[str, Any], origin: str
) -> None:
    if kwargs.get("config_file"):
        kwargs["config_file"] = tmp_path.parent / f"{tmp_path.name}.yml"
        kwargs["config_file"].write_text("diff:\n  max_changed_files: 101\n")
    with pytest.raises(UsageError) as err:
        resolve(tmp_path, kwargs.pop("env", {}), **kwargs)
    assert str(err.value).startswith(origin) and "less than or equal" in str(err.value)


def test_every_problem_at_once_naming_its_source(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        resolve(
            tmp_path,
            {
                "SELFHEAL_MODE": "yolo",
                "SELFHEAL_DIFF__MAX_CHANGED_LINES": "many",
                "SELFHEAL_FIXABLE": "[oops",
            },
            flags={"max_attempts": 0},
            default_branch_text="engine: magic\n",
            branch_text="max_attempts: 0\nno_such_setting: 1\n",
        )
    lines = str(err.value).splitlines()
    assert lines[0] == "configuration has 7 problems:"
    assert set(lines[1:]) == {
        "  default branch .selfheal.yml: engine: Input should be 'auto', 'rules' or 'anthropic'",
        "  env SELFHEAL_FIXABLE: not valid JSON (Expecting value, column 2)",
        "  env SELFHEAL_MODE: Input should be 'push', 'branch' or 'patch'",
        "  env SELFHEAL_DIFF__MAX_CHANGED_LINES: Input should be a valid integer, unable to parse string as an integer",
        "  flag --max-attempts: Input should be greater than or equal to 1",
        "  .selfheal.yml (branch): max_attempts: Input should be greater than or equal to 1",
        "  .selfheal.yml (branch): no_such_setting: Extra inputs are not permitted",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mode: [unclosed\n", ".selfheal.yml (branch): not valid YAML (line 2)"),
        ("- a list\n", ".selfheal.yml (branch): expected a mapping of settings, not a list"),
        ("mode: yolo\n", ".selfheal.yml (branch): mode: Input should be 'push', 'branch' or 'patch'"),
        ("diff:\n  nope: 1\n", ".selfheal.yml (branch): diff.nope: Extra inputs are not permitted"),
        ("[" * 100_000, ".selfheal.yml (branch): not valid YAML (nested too deeply)"),
        ("x: " + "a" * 300_000, ".selfheal.yml (branch): larger than 256 KiB, refused"),
    ],
)
def test_bad_files_are_named(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / ".selfheal.yml").write_text(text)
    with pytest.raises(UsageError) as err:
        load(tmp_path, env={})
    assert str(err.value) == message


def test_unknown_nested_variables_and_flags_are_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        resolve(tmp_path, {"SELFHEAL_DIFF__MAX_LINES": "5"}, flags={"max_attemptz": 2})
    assert "env SELFHEAL_DIFF__MAX_LINES: Extra inputs are not permitted" in str(err.value)
    assert "flag --max-attemptz: Extra inputs are not permitted" in str(err.value)


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        load(tmp_path, env={}, path=tmp_path / "nope.yml")
    assert str(err.value) == f"config file not found: {tmp_path / 'nope.yml'}"


def test_a_symlinked_branch_file_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / ".selfheal.yml").symlink_to("/dev/zero")
    with pytest.raises(UsageError, match="symbolic link"):
        resolve(tmp_path, {})


def test_describe_shows_every_leaf_with_its_source(tmp_path: Path) -> None:
    loaded = resolve(tmp_path, {"SELFHEAL_MODE": "patch"}, branch_text="max_attempts: 1000\n")
    text = describe(loaded)
    keys = {line.split(":")[0] for line in text.splitlines() if not line.startswith("#")}
    assert keys == (set(LEAVES) - {"anthropic.prices"}) | {
        f"anthropic.prices.{m}" for m in cfg.DEFAULT_PRICES
    }
    assert 'mode: "patch"  # env SELFHEAL_MODE' in text
    assert "max_attempts: 3  # default" in text
    assert "# .selfheal.yml (branch): max_attempts 1000 ignored" in text


def test_load_keeps_its_old_signature(tmp_path: Path) -> None:
    config = load(tmp_path, {"SELFHEAL_MODE": "patch"}, {"engine": "rules", "max_attempts": None})
    assert (config.mode, config.engine, config.max_attempts) == ("patch", "rules", 3)

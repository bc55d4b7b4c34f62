"""Configuration: defaults < .selfheal.yml < SELFHEAL_* < flags, and bad input as one readable line."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.errors import UsageError
from fixer.config import Config, load


def test_defaults_are_the_documented_ones(tmp_path: Path) -> None:
    cfg = load(tmp_path, env={})
    assert (cfg.mode, cfg.engine, cfg.max_attempts) == ("push", "auto", 3)
    assert cfg.protected_branches == ["main", "master", "release/*"]
    assert (cfg.diff.max_changed_lines, cfg.diff.max_changed_files) == (100, 10)
    assert ".gitlab-ci.yml" in cfg.diff.protected_paths and "**/package-lock.json" in cfg.diff.protected_paths
    assert cfg.anthropic.max_turns == 25
    assert "test_failure" not in cfg.fixable_types


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    (tmp_path / ".selfheal.yml").write_text(
        "mode: branch\nmax_attempts: 5\nanthropic:\n  model: claude-haiku-4-5\n"
    )
    cfg = load(tmp_path, env={})
    assert (cfg.mode, cfg.max_attempts, cfg.anthropic.model) == ("branch", 5, "claude-haiku-4-5")
    cfg = load(tmp_path, env={"SELFHEAL_MODE": "patch", "SELFHEAL_PROTECTED_BRANCHES": "main, prod/*"})
    assert cfg.mode == "patch" and cfg.protected_branches == ["main", "prod/*"]
    cfg = load(tmp_path, env={"SELFHEAL_MODE": "patch"}, overrides={"mode": "push", "max_attempts": None})
    assert cfg.mode == "push" and cfg.max_attempts == 5


def test_fix_tests_opts_test_failures_in(tmp_path: Path) -> None:
    assert "test_failure" in Config(fix_tests=True).fixable_types


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("mode: [unclosed\n", "not valid YAML"),
        ("- a list\n", "mapping"),
        ("mode: yolo\n", "mode"),
        ("max_attempts: 0\n", "max_attempts"),
        ("no_such_setting: 1\n", "no_such_setting"),
    ],
)
def test_bad_configuration_is_one_line(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / ".selfheal.yml").write_text(text)
    with pytest.raises(UsageError) as err:
        load(tmp_path, env={})
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        load(tmp_path, env={}, path=tmp_path / "nope.yml")

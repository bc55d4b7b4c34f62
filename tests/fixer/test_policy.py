"""The branch cannot loosen its own policy: a hostile `.selfheal.yml` is clamped item by item, with notes.

Each case names the rule it proves; replacing that rule in `policy.RULES` (by `allowed`, or dropping it so
the trusted-only fallback answers) makes its case fail: either the hostile value gets through, or the note
gives another reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fixer import policy
from fixer.config import DEFAULT_PRICES, LEAVES, Config, Loaded, resolve

BRANCH = ".selfheal.yml (branch)"


def branch(tmp_path: Path, text: str, env: dict[str, str] | None = None, **kw: Any) -> Loaded:
    return resolve(tmp_path, env or {}, branch_text=text, **kw)


def note_for(loaded: Loaded, key: str) -> str:
    found = [note for note in loaded.notes if note.startswith(f"{BRANCH}: {key} ")]
    assert len(found) == 1, loaded.notes
    return found[0]


HOSTILE = """\
max_attempts: 1000000
max_commits_per_branch: 1000
verify_timeout_s: 99999
protected_branches: []
secret_paths: []
fixable: [format, test_failure, dependency]
fix_tests: true
flaky_rerun: true
mode: push
engine: auto
handover: branch
verify: "true"
sandbox: none
platform: gitlab
remote: evil
branch: main
diff:
  protected_paths: []
  extra_protected_paths: []
  max_changed_lines: 100000
  max_changed_files: 1000
  max_changed_bytes: 100000000
commit:
  author_name: not the bot
  author_email: human@example.com
  message_prefix: "fix: "
anthropic:
  provider: bedrock
  max_turns: 10000
  max_tokens: 1000000000
  max_dollars: 1000
  max_wall_s: 86400
  max_output_tokens: 1000000
  prices:
    claude-sonnet-4-6: {input: 0, output: 0, cache_write: 0, cache_read: 0}
    free-model: {input: 0, output: 0}
"""
# the operator's (trusted) stricter choices the branch tries to undo
TRUSTED_ENV = {
    "SELFHEAL_MODE": "patch",
    "SELFHEAL_ENGINE": "rules",
    "SELFHEAL_FLAKY_RERUN": "false",
    "SELFHEAL_DIFF__EXTRA_PROTECTED_PATHS": "deploy/**",
    "SELFHEAL_HANDOVER": "none",
}

# (setting, effective value, words of the note's reason)
CLAMPED = [
    ("max_attempts", 3, "may only lower it"),
    ("max_commits_per_branch", 10, "may only lower it"),
    ("verify_timeout_s", 1800, "may only lower it"),
    ("diff.max_changed_lines", 100, "may only lower it"),
    ("diff.max_changed_files", 10, "may only lower it"),
    ("diff.max_changed_bytes", 20000, "may only lower it"),
    ("anthropic.max_turns", 25, "may only lower it"),
    ("anthropic.max_tokens", 400_000, "may only lower it"),
    ("anthropic.max_dollars", 3.0, "may only lower it"),
    ("anthropic.max_wall_s", 900, "may only lower it"),
    ("anthropic.max_output_tokens", 8192, "may only lower it"),
    ("protected_branches", ["main", "master", "release/*"], "never remove them"),
    ("secret_paths", Config().secret_paths, "never remove them"),
    ("diff.protected_paths", Config().diff.protected_paths, "never remove them"),
    ("diff.extra_protected_paths", ["deploy/**"], "never remove them"),
    ("fixable", ["format"], "may only narrow it"),
    ("fix_tests", False, "may only turn it off"),
    ("flaky_rerun", False, "may only turn it off"),
    ("mode", "patch", "may only move toward patch"),
    ("engine", "rules", "may only narrow auto"),
    ("handover", "none", 'may only set it to "none"'),
    ("verify", None, "the defendant must not choose the judge"),
    ("sandbox", "auto", "only trusted sources"),
    ("platform", "auto", "only trusted sources"),
    ("remote", "origin", "only trusted sources"),
    ("branch", None, "only trusted sources"),
    ("commit.author_name", "selfheal", "only trusted sources"),
    ("commit.author_email", "selfheal@localhost", "only trusted sources"),
    ("commit.message_prefix", "selfheal: ", "only trusted sources"),
    ("anthropic.provider", "anthropic", "only trusted sources"),
]


def value_of(config: Config, key: str) -> Any:
    value: Any = config
    for part in key.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize(("key", "expected", "why"), CLAMPED, ids=[c[0] for c in CLAMPED])
def test_hostile_branch_is_clamped_item_by_item(tmp_path: Path, key: str, expected: Any, why: str) -> None:
    loaded = branch(tmp_path, HOSTILE, TRUSTED_ENV)
    assert value_of(loaded.config, key) == expected
    assert why in note_for(loaded, key)
    if key != "fixable":  # narrowed in part (format stays): the branch shares that one
        assert loaded.sources[key] in ("default", f"env SELFHEAL_{key.upper().replace('.', '__')}")


def test_hostile_flaky_rerun_is_refused_when_the_operator_left_it_off(tmp_path: Path) -> None:
    # TRUSTED_ENV turns it off explicitly; the default is off too: both must hold against the branch
    loaded = branch(tmp_path, "flaky_rerun: true\n")
    assert loaded.config.flaky_rerun is False
    assert "may only turn it off" in note_for(loaded, "flaky_rerun")


def test_hostile_prices_neither_drop_nor_add_a_model(tmp_path: Path) -> None:
    loaded = branch(tmp_path, HOSTILE, TRUSTED_ENV)
    prices = loaded.config.anthropic.prices
    assert prices["claude-sonnet-4-6"] == DEFAULT_PRICES["claude-sonnet-4-6"]
    assert "free-model" not in prices
    assert "may only raise a price" in note_for(loaded, "anthropic.prices.claude-sonnet-4-6")
    assert "may not add a model" in note_for(loaded, "anthropic.prices.free-model")


def test_a_looser_branch_is_not_an_error_and_the_note_says_what_stands(tmp_path: Path) -> None:
    loaded = branch(tmp_path, "max_attempts: 1000000\n")
    assert loaded.notes == [f"{BRANCH}: max_attempts 1000000 ignored: a branch may only lower it (now 3)"]


def test_an_invalid_branch_value_is_still_an_error(tmp_path: Path) -> None:
    from emitter.errors import UsageError

    with pytest.raises(
        UsageError, match=r"\(branch\): max_attempts: Input should be greater than or equal to 1"
    ):
        branch(tmp_path, "max_attempts: 0\n")


MAIN = ["main", "master", "release/*"]
SECRETS = Config().secret_paths
# (branch text, setting, tightened value): the branch CAN tighten, and provenance names it
TIGHTENED = [
    ("max_attempts: 1\n", "max_attempts", 1),
    ("anthropic:\n  max_dollars: 0.5\n", "anthropic.max_dollars", 0.5),
    ("diff:\n  max_changed_bytes: 500\n", "diff.max_changed_bytes", 500),
    ("protected_branches: [main, master, release/*, prod]\n", "protected_branches", [*MAIN, "prod"]),
    ("diff:\n  extra_protected_paths: [docs/**]\n", "diff.extra_protected_paths", ["docs/**"]),
    (f"secret_paths: {json.dumps([*SECRETS, '*.age'])}\n", "secret_paths", [*SECRETS, "*.age"]),
    ("fixable: [format, lint]\n", "fixable", ["format", "lint"]),
    ("mode: branch\n", "mode", "branch"),
    ("engine: rules\n", "engine", "rules"),
    ("handover: none\n", "handover", "none"),
    ("verify: all\n", "verify", "all"),
    ("anthropic:\n  model: claude-haiku-4-5\n", "anthropic.model", "claude-haiku-4-5"),
]


@pytest.mark.parametrize(("text", "key", "expected"), TIGHTENED, ids=[t[1] for t in TIGHTENED])
def test_the_branch_may_tighten(tmp_path: Path, text: str, key: str, expected: Any) -> None:
    loaded = branch(tmp_path, text)
    assert value_of(loaded.config, key) == expected
    assert BRANCH in loaded.sources[key]
    assert loaded.notes == []


def test_opt_ins_stay_on_unless_the_branch_turns_them_off(tmp_path: Path) -> None:
    env = {"SELFHEAL_FIX_TESTS": "true", "SELFHEAL_FLAKY_RERUN": "true"}
    loaded = branch(tmp_path, "fix_tests: false\n", env)
    assert (loaded.config.fix_tests, loaded.config.flaky_rerun) == (False, True)
    assert loaded.sources["fix_tests"] == BRANCH and loaded.notes == []


def test_a_branch_may_raise_a_known_price(tmp_path: Path) -> None:
    text = "anthropic:\n  prices:\n    claude-haiku-4-5: {input: 2.0, output: 1.0}\n"
    loaded = branch(tmp_path, text)
    price = loaded.config.anthropic.prices["claude-haiku-4-5"]
    assert (price.input, price.output, price.cache_read) == (2.0, 5.0, 0.10)  # output kept: only raised
    assert loaded.sources["anthropic.prices.claude-haiku-4-5"] == f"default + {BRANCH}"
    assert "output kept" in note_for(loaded, "anthropic.prices.claude-haiku-4-5")


def test_verify_all_only_when_no_command_is_configured(tmp_path: Path) -> None:
    loaded = branch(tmp_path, "verify: all\n", {"SELFHEAL_VERIFY": "make check"})
    assert loaded.config.verify == "make check"
    assert 'only ask for "all"' in note_for(loaded, "verify")


def test_a_narrowed_engine_stays_narrow(tmp_path: Path) -> None:
    loaded = branch(tmp_path, "engine: anthropic\n", {"SELFHEAL_ENGINE": "rules"})
    assert loaded.config.engine == "rules"


def test_a_config_file_inside_the_checkout_only_tightens(tmp_path: Path) -> None:
    # the branch writes every file in the checkout, whoever passes it as --config
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "selfheal.yml").write_text("max_attempts: 9\nmax_commits_per_branch: 2\n")
    loaded = resolve(tmp_path, {}, config_file=tmp_path / "ci" / "selfheal.yml")
    assert (loaded.config.max_attempts, loaded.config.max_commits_per_branch) == (3, 2)
    assert any("in the checkout: tightening only" in note for note in loaded.notes)


def test_the_branch_file_at_the_root_is_read_as_the_branchs(tmp_path: Path) -> None:
    (tmp_path / ".selfheal.yml").write_text("max_attempts: 9\nmode: patch\n")
    loaded = resolve(tmp_path, {})
    assert (loaded.config.max_attempts, loaded.config.mode) == (3, "patch")
    assert loaded.sources["mode"] == BRANCH


def test_every_setting_has_an_explicit_rule() -> None:
    # a new setting falls back to trusted-only (safe), but its author should decide: this test asks them to
    assert set(policy.RULES) == set(LEAVES)


def test_an_unknown_setting_is_trusted_only() -> None:
    result = policy.tighten({"new_limit": 1}, {"new_limit": 2}, "b")
    assert result.changes == {} and "only trusted sources" in result.notes[0]

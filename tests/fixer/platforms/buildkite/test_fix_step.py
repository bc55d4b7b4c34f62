"""The fix step's YAML: what it runs, where, after what, with which facts — and never a secret."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from fixer.platforms.buildkite import fix_step
from fixer.platforms.buildkite.fix_step import FailedStep, LeakError
from fixer.platforms.buildkite.plugin_config import Plugin, PluginConfig

SOURCE = "github.com/org/selfheal-buildkite-plugin#v1.0.0"
STEP_ID = "0190d6a4-1f2e-4c1b-9a55-6f0e2d7c1a11"


def job_env(**extra: str) -> dict[str, str]:
    env = {
        "BUILDKITE": "true",
        "BUILDKITE_JOB_ID": "0190d6a4-aaaa-4c1b-9a55-000000000001",
        "BUILDKITE_STEP_ID": STEP_ID,
        "BUILDKITE_STEP_KEY": "unit",
        "BUILDKITE_LABEL": ":pytest: Unit tests",
        "BUILDKITE_COMMIT": "1" * 40,
        "BUILDKITE_PIPELINE_SLUG": "shop",
        "BUILDKITE_BRANCH": "feature/geo",
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v}


def plugin(**config: Any) -> Plugin:
    return Plugin(config=PluginConfig.model_validate(config), source=SOURCE)


def uploaded(p: Plugin, env: dict[str, str]) -> list[dict[str, Any]]:
    steps = yaml.safe_load(fix_step.render(p, FailedStep.from_env(env), env))["steps"]
    assert isinstance(steps, list)
    return steps


def test_one_fix_step_for_a_failed_step_with_a_key() -> None:
    (step,) = uploaded(plugin(fix={"enabled": True}), job_env())
    assert step == {
        "label": ":adhesive_bandage: selfheal fix: :pytest: Unit tests",
        "key": "selfheal-fix-unit",
        "command": "selfheal fix --platform buildkite",
        "depends_on": [{"step": "unit", "allow_failure": True}],
        "soft_fail": True,
        "concurrency": 1,
        "concurrency_group": "selfheal/shop/feature/geo",
        "env": {
            "SELFHEAL_FAILED_JOB_ID": "0190d6a4-aaaa-4c1b-9a55-000000000001",
            "SELFHEAL_FAILED_STEP_KEY": "unit",
            "SELFHEAL_FAILED_COMMIT": "1" * 40,
            "SELFHEAL_BUILDKITE_RETRY": "webhook",
            "SELFHEAL_BUILDKITE_MODEL_PROXY": "false",
            "SELFHEAL_BUILDKITE_ARTIFACT_DIR": ".selfheal",
        },
        "plugins": [{SOURCE: {"wrap": False, "annotate": False, "fix": {"enabled": False}}}],
    }


def test_options_reach_the_command_agents_branches_and_env() -> None:
    p = plugin(
        fix={
            "enabled": True,
            "engine": "rules",
            "mode": "branch",
            "max-attempts": 2,
            "verify": "make test PART='a b'",
            "agents": {"queue": "fixers"},
            "label": "heal it",
            "branches": "!main !release/*",
            "retry": "create-build",
            "model-proxy": True,
        },
        **{"api-token-env": "BK_API_TOKEN", "artifact-dir": "out/reports", "install": "ci-selfheal==1.0.0"},
    )
    (step,) = uploaded(p, job_env())
    assert step["label"] == "heal it"
    assert step["command"] == (
        "selfheal fix --platform buildkite --engine rules --mode branch --max-attempts 2 "
        "--verify 'make test PART='\"'\"'a b'\"'\"''"
    )
    assert step["agents"] == {"queue": "fixers"}
    assert step["branches"] == "!main !release/*"
    assert step["env"]["SELFHEAL_BUILDKITE_RETRY"] == "create-build"
    assert step["env"]["SELFHEAL_BUILDKITE_MODEL_PROXY"] == "true"
    assert step["env"]["SELFHEAL_BUILDKITE_API_TOKEN_ENV"] == "BK_API_TOKEN"
    assert step["env"]["SELFHEAL_BUILDKITE_ARTIFACT_DIR"] == "out/reports"
    # the fix step gets the same CLI from the same place, and never adds a fixer of its own
    assert step["plugins"] == [
        {
            SOURCE: {
                "wrap": False,
                "annotate": False,
                "fix": {"enabled": False},
                "artifact-dir": "out/reports",
                "install": "ci-selfheal==1.0.0",
            }
        }
    ]


def test_a_step_without_a_key_gets_no_depends_on_and_a_stable_key_from_its_step_id() -> None:
    env = job_env(BUILDKITE_STEP_KEY="")
    (step,) = uploaded(plugin(fix={"enabled": True}), env)
    assert "depends_on" not in step
    assert "SELFHEAL_FAILED_STEP_KEY" not in step["env"]
    retried = job_env(BUILDKITE_STEP_KEY="", BUILDKITE_JOB_ID="0190d6a4-bbbb-4c1b-9a55-000000000002")
    (again,) = uploaded(plugin(fix={"enabled": True}), retried)
    assert step["key"] == again["key"]  # an automatic retry is the same step
    other = job_env(BUILDKITE_STEP_KEY="", BUILDKITE_STEP_ID="0190d6a4-cccc-4c1b-9a55-000000000003")
    assert uploaded(plugin(fix={"enabled": True}), other)[0]["key"] != step["key"]
    assert fix_step.ledger_key(FailedStep.from_env(env)) == fix_step.ledger_key(FailedStep.from_env(retried))


@pytest.mark.parametrize(
    "key", ["lint/py", "a" * 120, "x${HOME}", "lint:py", "lint/py-" + "b" * 95, "lint-py"]
)
def test_fix_keys_are_valid_buildkite_keys_and_tell_steps_apart(key: str) -> None:
    made = fix_step.fix_key(FailedStep.from_env(job_env(BUILDKITE_STEP_KEY=key)))
    assert len(made) <= 100
    assert all(c.isalnum() or c in "_-:.," for c in made), made
    assert made.startswith("selfheal-fix-")
    assert made != fix_step.fix_key(FailedStep.from_env(job_env(BUILDKITE_STEP_KEY=key + "2")))


def test_split_makes_a_patch_step_without_credentials_then_a_deliver_step() -> None:
    env = job_env()
    text = fix_step.render(plugin(fix={"enabled": True, "split": True}), FailedStep.from_env(env), env)
    assert text.startswith("# selfheal fix, split:")
    assert "buildkite-agent secret get" in text
    patch, deliver = yaml.safe_load(text)["steps"]
    assert patch["key"] == "selfheal-fix-unit"
    assert patch["command"] == "selfheal fix --platform buildkite --mode patch"
    assert patch["depends_on"] == [{"step": "unit", "allow_failure": True}]
    assert deliver["key"] == "selfheal-deliver-unit"
    assert deliver["depends_on"] == ["selfheal-fix-unit"]
    assert deliver["command"] == [
        "buildkite-agent artifact download '.selfheal/*' . --step selfheal-fix-unit",
        "selfheal deliver --platform buildkite",
    ]
    for step in (patch, deliver):
        assert step["soft_fail"] is True
        assert step["concurrency_group"] == "selfheal/shop/feature/geo"
        assert step["plugins"] == [{SOURCE: {"wrap": False, "annotate": False, "fix": {"enabled": False}}}]


def test_split_deliver_keeps_branch_mode_and_a_custom_artifact_dir() -> None:
    p = plugin(fix={"enabled": True, "split": True, "mode": "branch"}, **{"artifact-dir": "out"})
    (_, deliver) = uploaded(p, job_env())
    assert deliver["command"] == [
        "buildkite-agent artifact download 'out/*' . --step selfheal-fix-unit",
        "selfheal deliver --platform buildkite --mode branch --patch out/fix.patch --from out/outcome.json",
    ]


SECRETS = {
    "BUILDKITE_AGENT_ACCESS_TOKEN": "bkagent_0123456789abcdef0123456789abcdef",
    "BK_API_TOKEN": "bkua_feedfacefeedfacefeedfacefeedfacefeedface",
    "ANTHROPIC_API_KEY": "sk-ant-api03-planted-secret-value-0123456789",
    "GITHUB_TOKEN": "ghp_plantedplantedplantedplantedplanted12",
    "DEPLOY_PASSWORD": "correct-horse-battery-staple",
    "SOMETHING_THE_OPTION_NAMES": "n0t-a-secret-looking-name-but-named-by-api-token-env",
}


@pytest.mark.parametrize("split", [False, True])
def test_no_value_of_the_jobs_environment_reaches_the_yaml_but_names_and_facts(split: bool) -> None:
    env = job_env(**SECRETS)
    p = plugin(
        fix={"enabled": True, "split": split, "model-proxy": True, "retry": "create-build"},
        **{"api-token-env": "SOMETHING_THE_OPTION_NAMES"},
    )
    text = fix_step.render(p, FailedStep.from_env(env), env)
    for name, value in SECRETS.items():
        assert value not in text, name
    assert "SOMETHING_THE_OPTION_NAMES" in text  # the name travels, the token does not


def test_a_secret_that_would_reach_the_yaml_stops_the_upload() -> None:
    env = job_env(**SECRETS, BUILDKITE_LABEL=f"deploy {SECRETS['DEPLOY_PASSWORD']}")
    with pytest.raises(LeakError):
        fix_step.render(plugin(fix={"enabled": True}), FailedStep.from_env(env), env)
    named = job_env(BK_API_TOKEN="plain-value-0123", BUILDKITE_BRANCH="plain-value-0123")
    p = plugin(fix={"enabled": True}, **{"api-token-env": "BK_API_TOKEN"})
    with pytest.raises(LeakError):
        fix_step.render(p, FailedStep.from_env(named), named)


def test_dollar_signs_stay_literal_for_an_upload_without_interpolation() -> None:
    (step,) = uploaded(plugin(fix={"enabled": True, "verify": "make test ARGS=$EXTRA"}), job_env())
    assert step["command"].endswith("--verify 'make test ARGS=$EXTRA'")

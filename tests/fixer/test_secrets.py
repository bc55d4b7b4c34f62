"""Rule 5, environment side: children of the fixer never inherit anything that authenticates."""

from __future__ import annotations

import pytest

from fixer.proc import run
from fixer.secrets import child_env, is_secret_name

PLANTED = {
    "GITHUB_TOKEN": "ghp_" + "a" * 36,
    "GITLAB_TOKEN": "glpat-plantedgitlabtoken01",
    "CI_JOB_TOKEN": "planted-ci-job-token-01",
    "CI_JOB_JWT": "planted.jwt.value01",
    "CI_JOB_JWT_V1": "planted.jwt.value02",
    "CI_JOB_JWT_V2": "planted.jwt.value03",
    "ANTHROPIC_API_KEY": "sk-ant-planted0000000000000000000",
    "BUILDKITE_AGENT_ACCESS_TOKEN": "bkaj_planted000000000000000000",
    "AWS_SECRET_ACCESS_KEY": "planted/aws/secret/access/key01",
    "AWS_SESSION_TOKEN": "planted-aws-session-token-01",
    "SELFHEAL_GITLAB_TOKEN": "planted-selfheal-gitlab-01",
    "SELFHEAL_BUILDKITE_API_TOKEN": "planted-selfheal-bk-01",
    "DATABASE_PASSWORD": "planted-db-password-01",
    "PGPASSWORD": "planted-pg-password-01",
    "SMTP_PASS": "planted-smtp-pass-01",
    "GOOGLE_APPLICATION_CREDENTIALS_JSON": "planted-gcp-credentials-01",
    "STRIPE_SECRET": "planted-stripe-secret-01",
    "DEPLOY_KEY": "planted-deploy-key-01",
    "VAULT_ID_TOKEN": "planted-vault-id-token-01",
    # secret by value, not by name: GitLab puts the job token into the clone URL
    "CI_REPOSITORY_URL": "https://gitlab-ci-token:planted-url-token-01@gitlab.example.com/g/p.git",
    "HTTPS_PROXY": "http://proxyuser:planted-proxy-pass-01@proxy.example:3128",
    "INNOCENT_LOOKING": "ghp_" + "b" * 36,
    # channels that let a child authenticate as the pipeline
    "SSH_AUTH_SOCK": "/tmp/planted-agent.sock",
    "GIT_ASKPASS": "/usr/local/bin/planted-askpass",
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "http.extraheader",
    "GIT_CONFIG_VALUE_0": "AUTHORIZATION: basic planted-extraheader-01",
    # named by the pipeline's own BUILDKITE_REDACTED_VARS globs
    "ACME_LICENCE": "planted-acme-licence-01",
}
KEPT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/home/ci",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "TERM": "dumb",
    "TMPDIR": "/tmp",
    "PWD": "/builds/g/p",
    "CI": "true",
    "BUILDKITE_BRANCH": "feature/x",
    "BUILDKITE_REDACTED_VARS": "*_LICENCE",
    "KEYBOARD_LAYOUT": "us",
    "PYTHONPATH": "/builds/g/p/src",
    "CI_COMMIT_SHA": "0123456789abcdef0123456789abcdef01234567",
}


def test_child_env_strips_every_planted_secret_and_keeps_the_rest() -> None:
    env = child_env({**PLANTED, **KEPT})
    assert env == KEPT, f"leaked: {sorted(set(env) - set(KEPT))}, lost: {sorted(set(KEPT) - set(env))}"


def test_no_planted_value_reaches_a_child_process() -> None:
    env = child_env({**PLANTED, **KEPT, "PATH": "/usr/bin:/bin"})
    done = run(["env"], cwd="/", env=env, timeout_s=60)
    assert done.exit_code == 0
    seen = done.output.decode()
    assert "feature/x" in seen  # the child did print its environment
    for name, value in PLANTED.items():
        assert f"{name}=" not in seen, f"{name} reached the child"
        if len(value) >= 8:
            assert value not in seen, f"the value of {name} reached the child"


@pytest.mark.parametrize(
    "name",
    [
        "MY_TOKEN",
        "my_api_key",
        "X_SECRET",
        "ADMIN_PASSWORD",
        "PASSWORD",
        "FTP_PASS",
        "AZURE_CREDENTIALS",
        "ANTHROPIC_API_KEY",
        "BUILDKITE_AGENT_ACCESS_TOKEN",
        "CI_JOB_TOKEN",
        "CI_JOB_JWT",
        "CI_JOB_JWT_V2",
        "GITLAB_TOKEN",
        "GITHUB_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "SELFHEAL_GITLAB_TOKEN",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name", ["PATH", "HOME", "LANG", "PWD", "KEYBOARD", "CI", "BUILDKITE_BRANCH", "TOKENIZERS"]
)
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


def test_scrub_leaves_the_process_environment_without_secrets() -> None:
    from fixer.secrets import scrub

    environ = {**PLANTED, **KEPT}
    scrub(environ)
    assert environ == child_env({**PLANTED, **KEPT})
    assert not set(PLANTED) & set(environ)

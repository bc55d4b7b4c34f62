from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emitter.redact import REDACTED, Redactor, is_secret_name
from tests.emitter.outputs.sample import ENV, ENV_SECRET, SECRETS


@pytest.mark.parametrize("kind", list(SECRETS))
def test_every_planted_kind_is_redacted(kind: str) -> None:
    text, canary = SECRETS[kind]
    out = Redactor.from_env(ENV).redact(f"before {text} after")
    assert canary not in out
    assert REDACTED in out
    assert out.startswith("before ") and out.endswith(" after")


def test_kept_prefixes_say_what_was_there() -> None:
    redactor = Redactor()
    token = "Zq8Xv3Lm7Pw2Rt9Yk4Hn6Bd1"
    assert redactor.redact(f"Authorization: Bearer {token}") == f"Authorization: Bearer {REDACTED}"
    assert redactor.redact(f"authorization=Basic {token}==") == f"authorization=Basic {REDACTED}"
    assert redactor.redact("clone https://ci:s3cretpass@example.test/a.git") == (
        f"clone https://{REDACTED}@example.test/a.git"
    )
    assert (
        redactor.redact(f"GET /x?page=1&private_token={token}&y=2")
        == f"GET /x?page=1&private_token={REDACTED}&y=2"
    )
    assert redactor.redact(f"PRIVATE-TOKEN: {token}") == f"PRIVATE-TOKEN: {REDACTED}"
    assert redactor.redact(f"{{'private-token': '{token}'}}") == f"{{'private-token': '{REDACTED}'}}"
    assert (
        redactor.redact(f'{{"Authorization": "token {token}"}}') == f'{{"Authorization": "token {REDACTED}"}}'
    )
    # A header cut at the end of its line must not swallow the next line.
    assert (
        redactor.redact("Authorization: Bearer\nsrc/a.py:1: error")
        == f"Authorization: {REDACTED}\nsrc/a.py:1: error"
    )


def test_token_at_end_of_sentence_keeps_the_full_stop() -> None:
    token = "glpat-" + "Zq8Xv3Lm7Pw2Rt9Yk4Hn6"
    assert Redactor().redact(f"revoked {token}.") == f"revoked {REDACTED}."


def test_pem_block_cut_short_is_redacted_to_the_end() -> None:
    text = "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"
    assert Redactor().redact(text) == f"key:\n{REDACTED}"


def test_pem_redaction_stops_at_its_end_marker() -> None:
    text = "-----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY-----\nsrc/a.py:1: error"
    assert Redactor().redact(text) == f"{REDACTED}\nsrc/a.py:1: error"


@pytest.mark.parametrize(
    "text",
    [
        "src/app.py:3:8: F401 [*] `os` imported but unused",
        "error TS2322: Type 'string' is not assignable to type 'number'.",
        "E   AssertionError: assert 'disk-usage-monitoring-threshold' == 'x'",
        "See https://docs.example.test/rules/no-unused-vars?page=2 for details",
        "http://localhost:8080/api/v1/items returned 503",
        "Authorization header is missing",
        "the Bearer token was rejected",
        "task-runner-configuration-sk-learning",
        "sha256:3f5c2a1b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b",
        "warning: unused variable `ghost_value` [-Wunused-variable]",
    ],
)
def test_ordinary_build_output_is_left_alone(text: str) -> None:
    assert Redactor.from_env(ENV).redact(text) == text


def test_values_of_secret_looking_variables_are_collected() -> None:
    env = {
        "DEPLOY_TOKEN": "tok-1234567890",
        "DB_PASSWORD": "pa55-w0rd-xyz",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "GOOGLE_CREDENTIALS": "cred-json-blob-1",
        "SMTP_PASS": "mail-pass-99",
        "ANTHROPIC_API_KEY": "anthropic-value-1",
        "CI_JOB_TOKEN": "job-token-value-1",
        "PATH": "/usr/local/bin:/usr/bin",
        "BUILDKITE_BRANCH": "feature/some-branch",
    }
    redactor = Redactor.from_env(env)
    for name in ("DEPLOY_TOKEN", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "GOOGLE_CREDENTIALS", "SMTP_PASS"):
        assert redactor.redact(f"x {env[name]} y") == f"x {REDACTED} y", name
    assert redactor.redact("anthropic-value-1 job-token-value-1") == f"{REDACTED} {REDACTED}"
    assert redactor.redact("on feature/some-branch via /usr/local/bin:/usr/bin") == (
        "on feature/some-branch via /usr/local/bin:/usr/bin"
    )


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("GITLAB_TOKEN", True),
        ("BUILDKITE_AGENT_ACCESS_TOKEN", True),
        ("MY_API_KEY", True),
        ("SSH_PRIVATE_KEY", True),
        ("REGISTRY_PASSWORD_FILE", True),
        ("client_secret", True),
        ("GH_PAT", True),
        ("MONKEY", False),
        ("BYPASS_CACHE", False),
        ("PWD", False),
        ("BUILDKITE_BRANCH", False),
        ("KEYBOARD_LAYOUT", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_buildkite_redacted_vars_globs_are_honoured() -> None:
    env = {"BUILDKITE_REDACTED_VARS": "*_PASSWORD,MY_WEIRD_*", "MY_WEIRD_THING": "weird-value-123"}
    assert Redactor.from_env(env).redact("weird-value-123") == REDACTED


def test_values_that_cannot_be_secrets_are_ignored(tmp_path: Path) -> None:
    key_file = tmp_path / "id_ed25519"
    key_file.write_text("not read")
    env = {
        "SHORT_TOKEN": "abc1234",  # 7 characters
        "FEATURE_KEY": "disabled",
        "RETRY_SECRET": "12345678",
        "SSH_KEY": str(key_file),
    }
    redactor = Redactor.from_env(env)
    assert redactor.values == ()
    text = f"abc1234 disabled 12345678 {key_file}"
    assert redactor.redact(text) == text


def test_a_path_that_does_not_exist_is_still_treated_as_a_secret() -> None:
    # A base64 secret may start with "/" too; only a path present on disk is known to be a path.
    redactor = Redactor.from_env({"SIGNING_KEY": "/Jk2xYz9Qw8Er7Ty6Ui5"})
    assert redactor.redact("key=/Jk2xYz9Qw8Er7Ty6Ui5") == f"key={REDACTED}"


def test_longest_value_wins_over_its_prefix() -> None:
    redactor = Redactor(["abcdefgh", "abcdefgh-and-more"])
    assert redactor.redact("abcdefgh-and-more!") == f"{REDACTED}!"


def test_encoded_and_multi_line_values() -> None:
    pem_like = "line-one-secret-aaaa\nline-two-secret-bbbb"
    redactor = Redactor(["p@ss word/with+chars", pem_like])
    assert redactor.redact("u=p%40ss%20word%2Fwith%2Bchars") == f"u={REDACTED}"
    assert redactor.redact('{"pw": "p@ss word/with+chars"}') == f'{{"pw": "{REDACTED}"}}'
    assert redactor.redact("got line-two-secret-bbbb only") == f"got {REDACTED} only"


def test_redact_obj_walks_nested_structures_without_touching_other_types() -> None:
    data: Any = {"a": [ENV_SECRET, 3, None, {"b": (ENV_SECRET, True)}], ENV_SECRET: 1.5}
    out = Redactor.from_env(ENV).redact_obj(data)
    assert out == {"a": [REDACTED, 3, None, {"b": (REDACTED, True)}], REDACTED: 1.5}
    assert data["a"][0] == ENV_SECRET  # the input is not modified


def test_from_env_defaults_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFHEAL_TEST_TOKEN", "process-env-value-42")
    assert Redactor.from_env().redact("process-env-value-42") == REDACTED


def test_shapes_match_at_the_start_of_text_and_of_a_line_but_not_inside_words() -> None:
    body = "Zq8Xv3Lm7Pw2Rt9Yk4Hn6Bd1Fs5Gc0Ja"
    redactor = Redactor()
    assert redactor.redact("ghp_" + body) == REDACTED
    assert redactor.redact("ok\nsk-proj-" + body) == f"ok\n{REDACTED}"
    assert redactor.redact("mask-proj-" + body) == "mask-proj-" + body

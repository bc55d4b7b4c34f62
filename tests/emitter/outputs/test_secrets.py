"""Rule 5, text side: no planted secret survives in anything an output writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.outputs import OUTPUTS, summary
from emitter.redact import REDACTED, Redactor
from tests.emitter.outputs.sample import ENV, SECRETS, secret_report


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_no_secret_survives(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / f"out.{name}"
    OUTPUTS[name].write(secret_report(), str(dest), Redactor.from_env(ENV))
    text = dest.read_text(encoding="utf-8")
    assert REDACTED in text
    survivors = [kind for kind, (_, canary) in SECRETS.items() if canary in text]
    assert survivors == []
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("env", [{"BUILDKITE": "true"}, {"GITLAB_CI": "true"}])
def test_no_secret_survives_in_ci_summaries(env: dict[str, str]) -> None:
    text = summary.render(secret_report(), Redactor.from_env(ENV), env=env)
    assert [kind for kind, (_, canary) in SECRETS.items() if canary in text] == []


def test_outputs_redact_with_the_process_environment_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    for name, output in OUTPUTS.items():
        dest = tmp_path / name
        output.write(secret_report(), str(dest))
        assert ENV["MY_SERVICE_TOKEN"] not in dest.read_text(encoding="utf-8"), name


class _NoRedaction(Redactor):
    def redact(self, text: str) -> str:
        return text


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_control_without_redaction_every_planted_secret_reaches_the_output(name: str, tmp_path: Path) -> None:
    # Proves the test above is not vacuous: each output really shows the fields the secrets were planted in.
    dest = tmp_path / f"out.{name}"
    OUTPUTS[name].write(secret_report(), str(dest), _NoRedaction())
    text = dest.read_text(encoding="utf-8")
    assert [kind for kind, (_, canary) in SECRETS.items() if canary not in text] == []

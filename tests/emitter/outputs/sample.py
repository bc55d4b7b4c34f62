"""Builders for small reports, and planted secrets of every kind the redactor must catch.

Tokens are assembled at run time so no token-shaped literal sits in the source for secret scanners.
"""

from __future__ import annotations

from typing import Any

from emitter.fingerprint import fingerprint
from emitter.report import CI, Record, Report


def record(**fields: Any) -> Record:
    fields.setdefault("tool", "ruff")
    fields.setdefault("message", "something is wrong")
    fields.setdefault("severity", "error")
    fields.setdefault("type", "lint")
    fields.setdefault(
        "fingerprint",
        fingerprint(
            fields["tool"], fields.get("rule"), fields.get("file"), fields["message"], fields.get("test")
        ),
    )
    return Record(**fields)


def report(*records: Record, **fields: Any) -> Report:
    fields.setdefault("task", "lint")
    fields.setdefault("command", ["ruff", "check", "."])
    fields.setdefault("exit_code", 1)
    fields.setdefault("status", "failed")
    fields.setdefault("ci", CI(provider="buildkite", job_url="https://ci.example.test/org/p/builds/7#job-1"))
    return Report(records=list(records), **fields)


_BODY = "Zq8Xv3Lm7Pw2Rt9Yk4Hn6Bd1Fs5Gc0Ja"  # 34 characters of token alphabet

ENV_SECRET = "Vb7-Qm2-Xz9-Lp4-Tr8"
PASSWORD = "hunter2-Correct-Horse"
PEM_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" + _BODY
JWT = "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "dBjftJeZ4CVP" + _BODY[:12]

# kind -> (text planted in the output, a part of it that must not survive)
SECRETS: dict[str, tuple[str, str]] = {
    "env value": (f"login with {ENV_SECRET} failed", ENV_SECRET),
    "github classic": ("ghp_" + _BODY + "ab", _BODY),
    "github server": ("ghs_" + _BODY + "cd", _BODY),
    "github fine-grained": ("github_pat_11AB" + _BODY + "_" + _BODY, _BODY),
    "gitlab personal": ("glpat-" + _BODY[:20], _BODY[:20]),
    "gitlab job": ("glcbt-64_" + _BODY[:24], _BODY[:24]),
    "gitlab deploy": ("gldt-" + _BODY[:22], _BODY[:22]),
    "gitlab runner": ("glrt-" + _BODY[:22], _BODY[:22]),
    "gitlab trigger": ("glptt-" + _BODY[:26], _BODY[:26]),
    "buildkite api": ("bkua_" + _BODY + "0a1b2c3d", _BODY),
    "buildkite dotted": ("bkua_MTA." + _BODY, _BODY),
    "buildkite cluster": ("bkct_" + _BODY, _BODY),
    "anthropic": ("sk-ant-api03-" + _BODY + "-" + _BODY, _BODY),
    "openai": ("sk-proj-" + _BODY, _BODY),
    "aws key id": ("AKIA" + "Q7XR2M4KZ8W3N6PA", "Q7XR2M4KZ8W3N6PA"),
    "aws session key id": ("ASIA" + "J5T8R2W6Q3Z9M4KB", "J5T8R2W6Q3Z9M4KB"),
    "slack": ("xoxb-1234567890-" + _BODY[:24], _BODY[:24]),
    "pem": (
        "-----BEGIN RSA PRIVATE KEY-----\n"
        + PEM_LINE
        + "\n"
        + PEM_LINE[::-1]
        + "\n-----END RSA PRIVATE KEY-----",
        PEM_LINE[10:40],
    ),
    "jwt": (JWT, JWT[25:60]),
    "url credentials": (
        f"fatal: unable to access 'https://deploy:{PASSWORD}@git.example.test/r.git/'",
        PASSWORD,
    ),
    "authorization header": ("Authorization: Bearer " + _BODY[::-1], _BODY[::-1]),
    "private token header": ("PRIVATE-TOKEN: " + _BODY[3:27], _BODY[3:27]),
    "bearer": ("curl -H 'Bearer " + _BODY[5:30] + "' api", _BODY[5:30]),
    "query token": ("GET /api/v4/projects?private_token=" + _BODY[2:22] + "&page=2", _BODY[2:22]),
}

ENV = {
    "MY_SERVICE_TOKEN": ENV_SECRET,
    "HOME": "/root",
    "CI": "true",
    "SOME_FLAG_KEY": "true",
}


def secret_report() -> Report:
    """A report with every planted secret in every free-text field an output may show."""
    records = []
    for index, (kind, (text, _)) in enumerate(SECRETS.items()):
        records.append(
            record(
                tool="pytest" if index % 2 else "ruff",
                file=f"src/mod{index}.py",
                line=index + 1,
                column=2,
                rule=f"R{index}",
                message=f"{kind}: {text}\nsecond line {text}",
                type="test_failure" if index % 2 else "lint",
                test=f"tests/test_x.py::test_{index}[{text}]" if index % 2 else None,
                suggestion=f"rotate {text}",
                fix={"description": f"drop {text}", "command": ["fixit", text]}
                if index % 3 == 0
                else {
                    "description": "replace",
                    "edits": [{"file": f"src/mod{index}.py", "start_line": 1, "end_line": 1, "text": text}],
                },
            )
        )
    leaky = [text for text, _ in SECRETS.values()]
    return report(
        *records,
        command=["deploy", "--token", leaky[1], "--url", f"https://u:{PASSWORD}@host.example.test/"],
        ci=CI(job_url=f"https://ci.example.test/job?access_token={ENV_SECRET}&x=1"),
        log_tail=leaky,
    )

"""outcome.json (`selfheal.outcome/v1`) and the exit-code table: every run ends in exactly one of these.

| outcome      | meaning                                                        | exit |
|--------------|----------------------------------------------------------------|------|
| fixed        | a verified fix was committed (and pushed, in push/branch mode)  | 0    |
| flaky        | the failed command passed when rerun untouched; retried        | 0    |
| infra_retry  | an infrastructure failure; the job is retried, no code edited  | 0    |
| escalated    | a human must look now (diagnosis attached)                      | 3    |
| skipped      | not ours to fix here (protected branch, fork, moved head, …)   | 4    |
| (usage)      | bad flags or configuration (no outcome.json)                   | 2    |
| escalated    | selfheal itself failed: `internal_error` is true               | 1    |
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "selfheal.outcome/v1"
OutcomeName = Literal["fixed", "flaky", "infra_retry", "escalated", "skipped"]
EXIT_CODES: dict[str, int] = {"fixed": 0, "flaky": 0, "infra_retry": 0, "escalated": 3, "skipped": 4}
EXIT_USAGE = 2
EXIT_INTERNAL = 1


class VerifyInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ok: bool
    command: list[str]
    exit_code: int | None = None
    remaining: int = 0
    duration_s: float = 0.0


class Outcome(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_id: str = Field(SCHEMA_ID, alias="schema")
    outcome: OutcomeName
    reason: str
    attempt: int = 0
    records_in: int = 0
    records_fixed: int = 0
    fingerprints: list[str] = Field(default_factory=list)
    engine: str | None = None
    commit: str | None = None
    pushed_ref: str | None = None
    patch_file: str | None = None
    verify: VerifyInfo | None = None
    tokens: int = 0
    dollars: float = 0.0
    duration_s: float = 0.0
    details: list[str] = Field(default_factory=list)
    internal_error: bool = False

    @property
    def exit_code(self) -> int:
        return EXIT_INTERNAL if self.internal_error else EXIT_CODES[self.outcome]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(by_alias=True, exclude_none=True, mode="json"), indent=2) + "\n"

    def write(self, path: str) -> None:
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".outcome-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(self.to_json())
        os.replace(tmp, path)

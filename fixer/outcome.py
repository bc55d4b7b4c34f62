"""outcome.json (`selfheal.outcome/v1`), the exit-code table, and rule 6: every run ends in exactly one
visible outcome. `finish` writes the file and shows the outcome on the platform; if the platform fails, the
outcome is printed to stderr instead and the failure is one warning line — never a lost outcome.

| outcome      | meaning                                                        | exit |
|--------------|----------------------------------------------------------------|------|
| fixed        | a verified fix was committed (and pushed, in push/branch mode)  | 0    |
| flaky        | the failed command passed when rerun untouched; retried        | 0    |
| infra_retry  | an infrastructure failure; the job is retried, no code edited  | 0    |
| escalated    | a human must look now (diagnosis attached)                      | 3    |
| skipped      | not ours to fix here (protected branch, fork, moved head, …)   | 4    |
| (usage)      | bad flags or configuration (no outcome.json)                   | 2    |
| escalated    | selfheal itself failed: `internal_error` is true               | 1    |

Bounded whatever the reports held: at most MAX_DETAILS detail lines of MAX_LINE characters and
MAX_FINGERPRINTS fingerprints, with counts of what was left out.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .safe_write import write_file

SCHEMA_ID = "selfheal.outcome/v1"
OutcomeName = Literal["fixed", "flaky", "infra_retry", "escalated", "skipped"]
EXIT_CODES: dict[str, int] = {"fixed": 0, "flaky": 0, "infra_retry": 0, "escalated": 3, "skipped": 4}
EXIT_USAGE = 2
EXIT_INTERNAL = 1
MAX_DETAILS = 60
MAX_LINE = 500
MAX_FINGERPRINTS = 100
MAX_REASON = 2000
MAX_DIFF = 20_000
ICONS = {"fixed": "✔", "flaky": "↻", "infra_retry": "↻", "escalated": "✖", "skipped": "–"}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TaskInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    task: str
    command: list[str] = Field(default_factory=list)
    ok: bool
    exit_code: int | None = None
    tests: dict[str, Any] | None = None


class VerifyInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ok: bool
    command: list[str]
    exit_code: int | None = None
    remaining: int = 0
    duration_s: float = 0.0
    tasks: list[TaskInfo] = Field(default_factory=list)


class Outcome(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_id: str = Field(SCHEMA_ID, alias="schema")
    outcome: OutcomeName
    reason: str
    attempt: int = 0
    max_attempts: int | None = None
    records_in: int = 0
    records_dropped: int = 0
    records_fixed: int = 0
    fingerprints: list[str] = Field(default_factory=list)
    fingerprints_dropped: int = 0
    engine: str | None = None
    failed_commit: str | None = None  # the commit the run worked on (a patch applies to it, and only to it)
    commit: str | None = None
    pushed_ref: str | None = None
    patch_file: str | None = None
    handed_over: bool = (
        False  # delivered for review (a selfheal/ branch or a patch), not to the failing branch
    )
    files: list[str] = Field(default_factory=list)  # what the fix changes
    summary: list[str] = Field(default_factory=list)  # one line per thing fixed
    preserving: list[str] = Field(default_factory=list)  # files only formatters changed
    diff: str | None = None  # the fix as a unified diff (capped), for the annotation or merge request note
    verify: VerifyInfo | None = None
    isolation: dict[str, Any] | None = None
    tokens: int = 0
    dollars: float = 0.0
    duration_s: float = 0.0
    details: list[str] = Field(default_factory=list)
    details_dropped: int = 0
    internal_error: bool = False

    @model_validator(mode="after")
    def _bounded(self) -> Outcome:
        # assignment after construction does not re-run this: callers go through `bounded()` before writing
        return self.bounded()

    def bounded(self) -> Outcome:
        if len(self.fingerprints) > MAX_FINGERPRINTS:
            self.fingerprints_dropped += len(self.fingerprints) - MAX_FINGERPRINTS
            self.fingerprints = self.fingerprints[:MAX_FINGERPRINTS]
        if len(self.details) > MAX_DETAILS:
            self.details_dropped += len(self.details) - MAX_DETAILS
            self.details = self.details[:MAX_DETAILS]
        self.details = [_cut(d, MAX_LINE) for d in self.details]
        self.summary = [_cut(s, MAX_LINE) for s in self.summary[:MAX_DETAILS]]
        self.files = self.files[:1000]
        self.reason = _cut(self.reason, MAX_REASON)
        if self.diff and len(self.diff) > MAX_DIFF:
            self.diff = self.diff[:MAX_DIFF].rsplit("\n", 1)[0] + "\n… (cut: the whole diff is the commit)\n"
        return self

    @property
    def exit_code(self) -> int:
        return EXIT_INTERNAL if self.internal_error else EXIT_CODES[self.outcome]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(by_alias=True, exclude_none=True, mode="json"), indent=2) + "\n"

    def write(self, path: str) -> None:
        write_file(path, self.to_json())


def render_text(outcome: Outcome) -> str:
    """The outcome as a human reads it in a terminal or a job log."""
    lines = [f"selfheal {ICONS[outcome.outcome]} {outcome.outcome}: {outcome.reason}"]
    if outcome.commit:
        lines.append(
            f"  commit   {outcome.commit[:12]}" + (f" → {outcome.pushed_ref}" if outcome.pushed_ref else "")
        )
    if outcome.patch_file:
        lines.append(f"  patch    {outcome.patch_file}")
    lines.extend(f"  fix      {item}" for item in outcome.summary[:10])
    if outcome.verify:
        state = "passed" if outcome.verify.ok else "failed"
        lines.append(f"  verify   {' '.join(outcome.verify.command)[:200]} — {state}")
    if outcome.tokens:
        lines.append(f"  model    {outcome.tokens:,} tokens, ${outcome.dollars:.4f}")
    lines.extend(f"  · {detail}" for detail in outcome.details[:20])
    if len(outcome.details) > 20 or outcome.details_dropped:
        lines.append(f"  · … {len(outcome.details) - 20 + outcome.details_dropped} more in outcome.json")
    return "\n".join(lines) + "\n"


def finish(
    outcome: Outcome, path: str | None, show: Callable[[Outcome], None], stderr: TextIO | None = None
) -> Outcome:
    """Writes outcome.json and shows the outcome; neither failing can cost the run its outcome."""
    err = stderr or sys.stderr
    outcome.bounded()
    if path:
        try:
            outcome.write(path)
        except OSError as exc:
            err.write(f"selfheal: warning: could not write {path}: {exc.strerror or exc}\n")
    try:
        show(outcome)
    except Exception as exc:  # a platform's API down must not swallow the outcome
        err.write(
            f"selfheal: warning: could not show the outcome: {type(exc).__name__}: {_cut(str(exc), 300)}\n"
        )
        err.write(render_text(outcome))
    return outcome

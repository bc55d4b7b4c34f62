"""Frozen records passed between the stages of the fix loop. Stages are functions from these to verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field

from emitter.report import Record, Report


@dataclass(frozen=True)
class Facts:
    """What the platform says about the failed build (Buildkite/GitLab env, or the local checkout)."""

    platform: str
    branch: str | None
    commit: str | None  # the failed build's commit
    tag: str | None = None
    default_branch: str | None = None
    pull_request: str | None = None
    is_fork: bool = False
    build_url: str | None = None
    job_url: str | None = None


@dataclass(frozen=True)
class Failure:
    """One failed task: its report and the records the loop works on."""

    report: Report
    path: str

    @property
    def records(self) -> list[Record]:
        return self.report.records

    @property
    def command(self) -> list[str]:
        return self.report.command


@dataclass(frozen=True)
class Stop:
    """A stage's decision to end the run: `outcome` is skipped or escalated, `reason` is for humans."""

    outcome: str
    reason: str


@dataclass(frozen=True)
class Verdict:
    """classify: what to do with each record."""

    fixable: list[Record] = field(default_factory=list)
    infra: list[Record] = field(default_factory=list)
    out_of_policy: list[Record] = field(default_factory=list)


@dataclass(frozen=True)
class Patch:
    """What an engine changed in the working tree (already applied), as a unified diff."""

    engine: str
    diff: str
    files: list[str]
    summary: list[str] = field(default_factory=list)  # one line per thing fixed
    fixed_fingerprints: list[str] = field(default_factory=list)
    tokens: int = 0
    dollars: float = 0.0


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    exit_code: int | None
    command: list[str]
    remaining: list[Record] = field(default_factory=list)
    duration_s: float = 0.0
    detail: str = ""

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
    # Where fixes go, resolved before any repository code ran: later pushes use this URL, never the
    # checkout's remote configuration, which repository code can rewrite.
    remote_url: str | None = None


@dataclass(frozen=True)
class Failure:
    """One task of the build, as its report says: a failed one, or (for `verify: all`) one that passed."""

    report: Report
    path: str

    @property
    def records(self) -> list[Record]:
        return self.report.records

    @property
    def command(self) -> list[str]:
        return self.report.command

    @property
    def failed(self) -> bool:
        return self.report.exit_code not in (0, None) or any(r.severity == "error" for r in self.records)


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
    """What an engine changed in the working tree (already applied)."""

    engine: str
    files: list[str]
    summary: list[str] = field(default_factory=list)  # one line per thing fixed
    fixed_fingerprints: list[str] = field(default_factory=list)
    # Files changed only by deterministic, semantics-preserving fixers (formatters): these may touch tests.
    preserving: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Attempt:
    """What one engine's try came to: a patch or none, why, and what it cost."""

    engine: str
    patch: Patch | None
    reason: str = ""  # why there is no patch, or how the attempt ended
    notes: tuple[str, ...] = ()
    tokens: int = 0
    dollars: float = 0.0


@dataclass(frozen=True)
class TestCounts:
    """How many tests a run collected, and what became of them (from the report or the rerun's output)."""

    total: int
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    source: str = ""


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    exit_code: int | None
    command: list[str]
    remaining: list[Record] = field(default_factory=list)
    duration_s: float = 0.0
    detail: str = ""
    task: str = ""
    tests: TestCounts | None = None


@dataclass(frozen=True)
class Change:
    """One file a candidate fix changes, from git's tree-to-tree diff (never from an engine's own account)."""

    path: str  # the new path (the old one for a deletion)
    status: str  # A, M, D, R (renamed), T (type changed)
    old_path: str | None = None  # the source of a rename
    added: tuple[str, ...] = ()  # added lines, without the leading "+"
    removed: tuple[str, ...] = ()
    binary: bool = False
    added_bytes: int = 0
    removed_bytes: int = 0


@dataclass(frozen=True)
class Delivery:
    """A committed fix on its way out: decided by the loop, carried out by the platform."""

    where: str  # push: the failing branch; review: a selfheal/ branch; patch: a file, no push
    sha: str  # the fix commit
    failed_sha: str  # the lease: the remote branch must still be here
    branch: str  # the failing branch
    url: str | None  # the remote, resolved before any repository code ran
    patch_path: str  # where patch mode writes

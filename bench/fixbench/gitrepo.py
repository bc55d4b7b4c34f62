"""Real repositories for the cases, as CI has them: a bare origin, `main` green, a feature branch whose tip is
the breaking commit, pushed; and the environment every process of a case runs in.

The environment is the caller's minus anything that would make a case depend on where the benchmark runs:
CI variables and selfheal settings (the case's own `selfheal fix` would read them), the model key (only the
model tier gets it), and the machine's git configuration. The tools this checkout installs (the venv's
linters, tests/js's node tools) come first on PATH.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from spec import Case, Tree

ROOT = Path(__file__).resolve().parents[2]
SELFHEAL = [sys.executable, "-m", "fixer.cli"]
IDENTITY = {
    "GIT_AUTHOR_NAME": "Casey Coder",
    "GIT_AUTHOR_EMAIL": "casey@example.com",
    "GIT_COMMITTER_NAME": "Casey Coder",
    "GIT_COMMITTER_EMAIL": "casey@example.com",
}
_DROP = ("BUILDKITE", "GITLAB", "GITHUB", "CI_", "SELFHEAL_", "ANTHROPIC_", "CLAUDE_", "AWS_", "GIT_", "TF_")
CHECK_TIMEOUT_S = 300.0


def tool_env(model_keys: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROP) and k != "CI"}
    if model_keys:  # the model tier: the caller's key and endpoint, nothing else of theirs
        env.update({k: v for k, v in os.environ.items() if k.startswith("ANTHROPIC_")})
    tools = [
        Path(sys.executable).parent,
        ROOT / ".venv" / "bin",
        ROOT / "tests" / "js" / "node_modules" / ".bin",
    ]
    path = [str(p) for p in tools if p.is_dir()] + env.get("PATH", os.defpath).split(os.pathsep)
    env.update(IDENTITY)
    env.update(
        PATH=os.pathsep.join(dict.fromkeys(path)),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        PYTHONDONTWRITEBYTECODE="1",
        GOTOOLCHAIN="local",  # go.mod must never make go download a toolchain
        GOPROXY="off",  # and never fetch a module: the Go cases use the standard library only
        NO_COLOR="1",
    )
    return env


def git(cwd: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=dict(env or tool_env()), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} in {cwd}: {proc.stderr.strip()}")
    return proc.stdout


def write(root: Path, changes: Mapping[str, bytes | None]) -> None:
    for rel, data in changes.items():
        path = root / rel
        if data is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def init(work: Path, tree: Tree) -> None:
    """A git repository at `work` with `tree` committed on `main`. No line-ending conversion happens: the
    machine's git configuration is switched off (tool_env), and a CRLF case must reach the tools as CRLF."""
    git(work.parent, "init", "--quiet", "-b", "main", str(work))
    write(work, tree)
    git(work, "add", "-A")
    git(work, "commit", "--quiet", "--no-verify", "-m", "green base")


@dataclass(frozen=True)
class CaseRepo:
    work: Path  # the CI checkout, on `branch` at the breaking commit
    origin: Path  # bare
    branch: str
    broken_commit: str


def build(base: Path, case: Case) -> CaseRepo:
    origin, work = base / "origin.git", base / "work"
    git(base, "init", "--quiet", "--bare", "-b", "main", str(origin))
    init(work, case.base())
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "--quiet", "origin", "main")
    branch = f"feature/{case.name}"
    git(work, "checkout", "--quiet", "-b", branch)
    write(work, case.changes())
    git(work, "add", "-A")
    git(work, "commit", "--quiet", "--no-verify", "-m", case.what)
    git(work, "push", "--quiet", "origin", branch)
    return CaseRepo(work, origin, branch, git(work, "rev-parse", "HEAD").strip())


def origin_head(origin: Path, branch: str) -> str | None:
    proc = subprocess.run(
        ["git", "--git-dir", str(origin), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
        env=tool_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or None


def clone(origin: Path, branch: str, dest: Path) -> Path:
    git(dest.parent, "clone", "--quiet", "--branch", branch, str(origin), str(dest))
    return dest


@dataclass(frozen=True)
class Ran:
    code: int
    output: str  # stdout and stderr, interleaved as the tool wrote them
    seconds: float


def run(cwd: Path, argv: Sequence[str], env: Mapping[str, str], timeout: float = CHECK_TIMEOUT_S) -> Ran:
    import time

    start = time.monotonic()
    try:
        proc = subprocess.run(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Ran(124, f"timed out after {timeout:.0f} s", time.monotonic() - start)
    except OSError as exc:  # the tool is not installed
        return Ran(127, str(exc), time.monotonic() - start)
    return Ran(proc.returncode, proc.stdout, time.monotonic() - start)


def wrapped(case: Case) -> list[str]:
    """The check as a CI step runs it: under `selfheal run`, which writes `.selfheal/<task>.json`."""
    return [*SELFHEAL, "run", "--no-summary", "--task", case.task, "--", *case.check]


def files_equal(root: Path, tree: Tree) -> bool:
    """Whether every file of `tree` is in `root` with exactly these bytes, and nothing of it is missing."""
    return all((root / rel).is_file() and (root / rel).read_bytes() == data for rel, data in tree.items())

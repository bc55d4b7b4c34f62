"""Runs the repository's own commands (verify, formatters) as children the fixer fully controls.

Each child leads its own process group, so a timeout, or a command that leaves background jobs behind,
ends every process it started, not just the shell at the top. Output is stdout and stderr merged in
order, as a human would have seen it, and capped: only the last `max_output` bytes are kept, because the
end of a log is where the failure is. Commands given as one string come from configuration (`verify:`)
and are shell syntax, so they run through `bash -c`.

`run` is for the fixer's own tools (git); `Runner` is for repository code: it adds the sandbox of
`sandbox.wrap`, ends every process the command started (`reaper`), reports heartbeats and calls the
caller's check once the tree is quiet.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

from . import reaper, sandbox
from .sandbox import Isolation
from .secrets import child_env

MAX_OUTPUT = 4 * 1024 * 1024
TERM_GRACE_S = 3.0
# After the command itself exits, how long to keep reading from processes that escaped the group kill
# (setsid daemons still holding the pipe) before giving up on them.
DRAIN_AFTER_EXIT_S = 2.0
_POLL_S = 0.1
HEARTBEAT_S = 30.0  # how often Runner.run reports that a long command is still running


@dataclass(frozen=True)
class Completed:
    exit_code: int | None  # None when the command was killed for running out of time
    output: bytes
    duration_s: float
    timed_out: bool
    dropped: int = 0  # bytes of output cut from the front to respect the cap

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


def shell_argv(command: str) -> list[str]:
    shell = shutil.which("bash") or "/bin/sh"  # Alpine-style images may have no bash
    return [shell, "-c", command]


class _Tail:
    """Keeps the last `cap` bytes without copying on every chunk."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.buf = bytearray()
        self.dropped = 0

    def add(self, chunk: bytes) -> None:
        self.buf += chunk
        if len(self.buf) > 2 * self.cap:
            self._trim()

    def _trim(self) -> None:
        extra = len(self.buf) - self.cap
        if extra > 0:
            del self.buf[:extra]
            self.dropped += extra

    def result(self) -> bytes:
        self._trim()
        return bytes(self.buf)


def _kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass  # the group is already gone


def run(
    cmd: Sequence[str] | str,
    cwd: Path | str,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 1800,
    max_output: int = MAX_OUTPUT,
) -> Completed:
    """Runs `cmd` to completion or timeout. `env=None` means this process's environment minus secrets."""
    argv = shell_argv(cmd) if isinstance(cmd, str) else list(cmd)
    child = child_env(os.environ) if env is None else dict(env)
    started = time.monotonic()
    proc = _start(argv, cwd, child, started)
    if isinstance(proc, Completed):
        return proc
    pgid = proc.pid  # start_new_session made the child the leader of a group with its own pid as id
    tail = _Tail(max_output)
    timed_out = _pump(
        proc,
        tail,
        started + timeout_s,
        on_exit=lambda: _kill_group(pgid, signal.SIGKILL),  # background jobs would hold the pipe open
        on_timeout=lambda: _stop_group(proc.pid, pgid),
    )
    proc.wait()
    exit_code = None if timed_out else proc.returncode
    return Completed(exit_code, tail.result(), time.monotonic() - started, timed_out, tail.dropped)


def _start(argv: list[str], cwd: Path | str, env: dict[str, str], started: float) -> Popen[bytes] | Completed:
    try:
        return subprocess.Popen(
            argv,
            cwd=str(cwd),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        # Shells answer 127 for "not found" and 126 for "cannot run"; keep to that instead of raising.
        code = 127 if isinstance(exc, FileNotFoundError) else 126
        message = f"selfheal: cannot run {argv[0]}: {exc.strerror or exc}\n".encode()
        return Completed(code, message, time.monotonic() - started, False)


def _exited(pid: int) -> bool:
    """Has the child exited? Leaves it unreaped, so its pid (the group's id) cannot be reused meanwhile."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _pump(
    proc: Popen[bytes],
    tail: _Tail,
    deadline: float,
    on_exit: Callable[[], None],
    on_timeout: Callable[[], None],
    heartbeat: Callable[[float], None] | None = None,
) -> bool:
    """Reads output until the command has exited and the pipe is drained; enforces the deadline.

    `on_exit` ends what the command left behind once its leader has exited; `on_timeout` ends everything
    at the deadline. Returns True when the command timed out. The leader is left for the caller to reap:
    until then its zombie keeps the process group id reserved, so signalling the group can never hit an
    unrelated process.
    """
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    started = last_beat = time.monotonic()
    timed_out = False
    eof = False
    nap = 0.001  # after EOF the leader is normally exiting right now: look again soon, then back off
    drain_until: float | None = None  # set once the leader has exited (or was killed)
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            now = time.monotonic()
            if heartbeat is not None and drain_until is None and now >= last_beat + HEARTBEAT_S:
                last_beat = now
                heartbeat(now - started)
            if drain_until is None:
                if _exited(proc.pid):
                    on_exit()
                    drain_until = time.monotonic() + DRAIN_AFTER_EXIT_S
                elif now >= deadline:
                    timed_out = True
                    on_timeout()
                    drain_until = time.monotonic() + DRAIN_AFTER_EXIT_S
            if drain_until is not None and (eof or time.monotonic() >= drain_until):
                break
            limit = deadline if drain_until is None else drain_until
            wait = max(0.0, min(_POLL_S, limit - time.monotonic()))
            if eof:
                time.sleep(min(wait, nap))  # output is done; only waiting for the leader to exit
                nap = min(nap * 2, _POLL_S)
                continue
            if sel.select(wait):
                chunk = os.read(fd, 65536)
                if chunk:
                    tail.add(chunk)
                else:
                    eof = True
                    sel.unregister(fd)
    proc.stdout.close()
    return timed_out


def _stop_group(pid: int, pgid: int) -> None:
    """SIGTERM first so tools can clean up, then SIGKILL for whatever ignored it."""
    _kill_group(pgid, signal.SIGTERM)
    grace_end = time.monotonic() + TERM_GRACE_S
    while not _exited(pid) and time.monotonic() < grace_end:
        time.sleep(_POLL_S)
    _kill_group(pgid, signal.SIGKILL)
    try:
        os.kill(pid, signal.SIGKILL)  # the leader may have moved itself to another group
    except ProcessLookupError:
        pass
    while not _exited(pid):
        time.sleep(0.01)  # SIGKILL cannot be ignored: this ends at once


@dataclass(frozen=True)
class Runner:
    """Runs repository code for the fix loop: stripped environment, isolation, nothing left behind.

    Every process the command started is gone before `run` returns: the namespace's end takes them
    when there is one; otherwise the group, the session and, with the fixer a subreaper, the orphans it
    adopted are killed and reaped (see `reaper`). Then `after` runs, on a quiet tree.
    """

    env: Mapping[str, str]  # already stripped of secrets by the caller; the fixer's own is never passed
    isolation: Isolation = field(default_factory=Isolation)
    read_only: tuple[Path, ...] = ()  # made read-only inside the sandbox (the .git directory)
    hidden: tuple[Path, ...] = ()  # made invisible inside the sandbox (the fixer's private files)
    after: Callable[[], None] | None = None  # runs once every process of a run is gone; may raise

    def run(
        self,
        cmd: Sequence[str] | str,
        cwd: Path | str,
        timeout_s: float,
        max_output: int = MAX_OUTPUT,
        heartbeat: Callable[[float], None] | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> Completed:
        argv = shell_argv(cmd) if isinstance(cmd, str) else list(cmd)
        env = {**self.env, **(extra_env or {})}
        started = time.monotonic()
        # A sandbox would report a missing program in its own words and exit codes: look first, as exec would.
        done = _unrunnable(argv[0], env, cwd, started)
        if done is None:
            done = self._run(argv, cwd, env, started, timeout_s, max_output, heartbeat)
        if self.after is not None:
            self.after()
        return done

    def _run(
        self,
        argv: list[str],
        cwd: Path | str,
        env: dict[str, str],
        started: float,
        timeout_s: float,
        max_output: int,
        heartbeat: Callable[[float], None] | None,
    ) -> Completed:
        before = reaper.children()
        wrapped = sandbox.wrap(argv, self.isolation, self.read_only, self.hidden, cwd)
        proc = _start(wrapped, cwd, env, started)
        if isinstance(proc, Completed):
            return proc
        tail = _Tail(max_output)
        timed_out = _pump(
            proc,
            tail,
            started + timeout_s,
            on_exit=lambda: reaper.end_all(proc.pid, before),
            on_timeout=lambda: self._stop(proc.pid, before),
            heartbeat=heartbeat,
        )
        proc.wait()  # end_all above left nothing that could start anything since
        exit_code = None if timed_out else proc.returncode
        return Completed(exit_code, tail.result(), time.monotonic() - started, timed_out, tail.dropped)

    def _stop(self, leader: int, before: frozenset[int]) -> None:
        """SIGTERM first so tools can clean up, then SIGKILL for whatever ignored it."""
        # A sandbox's monitor is spared the SIGTERM: its death would SIGKILL the namespace at once.
        seen = reaper.signal_all(leader, before, signal.SIGTERM, spare_leader=self.isolation.pid_namespace)
        grace_end = time.monotonic() + TERM_GRACE_S
        while not _exited(leader) and time.monotonic() < grace_end:
            time.sleep(_POLL_S)
        reaper.end_all(leader, before, seen)
        while not _exited(leader):
            time.sleep(0.01)  # SIGKILL cannot be ignored: this ends at once


def _unrunnable(program: str, env: Mapping[str, str], cwd: Path | str, started: float) -> Completed | None:
    """127 when `program` cannot be found, 126 when it is found but cannot be run; None when it can."""
    if os.sep in program:
        path = Path(cwd, program)
        if path.is_file() and os.access(path, os.X_OK):
            return None
        code, why = (126, "Permission denied") if path.exists() else (127, "No such file or directory")
    else:
        dirs = env.get("PATH", os.defpath).split(os.pathsep)
        if shutil.which(program, path=os.pathsep.join(os.path.join(cwd, d or ".") for d in dirs)):
            return None
        code, why = 127, "command not found"
    return Completed(
        code, f"selfheal: cannot run {program}: {why}\n".encode(), time.monotonic() - started, False
    )

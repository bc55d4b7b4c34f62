"""Runs the repository's own commands (verify, formatters) as children the fixer fully controls.

Each child leads its own process group, so a timeout, or a command that leaves background jobs behind,
ends every process it started, not just the shell at the top. Output is stdout and stderr merged in
order, as a human would have seen it, and capped: only the last `max_output` bytes are kept, because the
end of a log is where the failure is. Commands given as one string come from configuration (`verify:`)
and are shell syntax, so they run through `bash -c`.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .secrets import child_env

MAX_OUTPUT = 4 * 1024 * 1024
TERM_GRACE_S = 3.0
# After the command itself exits, how long to keep reading from processes that escaped the group kill
# (setsid daemons still holding the pipe) before giving up on them.
DRAIN_AFTER_EXIT_S = 2.0
_POLL_S = 0.1


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
    try:
        proc = subprocess.Popen(
            argv,
            cwd=str(cwd),
            env=child,
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
    assert proc.stdout is not None
    tail = _Tail(max_output)
    timed_out = _pump(proc, proc.stdout.fileno(), tail, started + timeout_s)
    proc.stdout.close()
    exit_code = None if timed_out else proc.returncode
    return Completed(exit_code, tail.result(), time.monotonic() - started, timed_out, tail.dropped)


def _exited(pid: int) -> bool:
    """Has the child exited? Leaves it unreaped, so its pid (the group's id) cannot be reused meanwhile."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _pump(proc: subprocess.Popen[bytes], fd: int, tail: _Tail, deadline: float) -> bool:
    """Reads output until the command has exited and the pipe is drained; enforces the deadline.

    Returns True when the command timed out. The leader is reaped only at the very end: until then its
    zombie keeps the process group id reserved, so signalling the group can never hit an unrelated process.
    """
    pgid = proc.pid  # start_new_session made the child the leader of a group with its own pid as id
    timed_out = False
    eof = False
    nap = 0.001  # after EOF the leader is normally exiting right now: look again soon, then back off
    drain_until: float | None = None  # set once the leader has exited (or was killed)
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            now = time.monotonic()
            if drain_until is None:
                if _exited(proc.pid):
                    # Background jobs left behind would hold the pipe open and keep running unobserved.
                    _kill_group(pgid, signal.SIGKILL)
                    drain_until = now + DRAIN_AFTER_EXIT_S
                elif now >= deadline:
                    timed_out = True
                    _stop_group(proc.pid, pgid)
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
    proc.wait()
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

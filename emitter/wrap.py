"""Runs the wrapped command: byte-exact pass-through, shell-like exit codes, signals to the whole group.

- stdout and stderr stay separate streams and reach ours unchanged, chunk by chunk as they arrive;
  every chunk is also handed to `on_chunk` (the scanner) after it has been written, so parsing never
  holds output back.
- The child gets its own process group; SIGINT/SIGTERM/SIGHUP sent to us go to that whole group, so a
  cancelled CI job stops the build and everything it started.
- A grandchild that outlives the command and keeps the pipe open (a daemon started by a test) cannot
  hold us: once the command has exited we drain for a short grace period, then stop reading.
- 127 when the command cannot be found, 126 when it cannot be executed, 128+N when killed by signal N.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import select
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable

DRAIN_IDLE_S = 0.3  # after the command exits: stop once output has been quiet this long…
DRAIN_MAX_S = 3.0  # …or after this long in any case
READ_SIZE = 1 << 20
PIPE_SIZE = 1 << 20
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

OnChunk = Callable[[int, bytes], None]


class Result:
    __slots__ = ("exit_code", "signal")

    def __init__(self, exit_code: int, sig: int | None) -> None:
        self.exit_code = exit_code
        self.signal = sig  # the signal we forwarded, when a cancellation ended the run


def _spawn_error(argv: list[str], exc: OSError) -> int:
    if isinstance(exc, FileNotFoundError) or exc.errno == errno.ENOENT:
        reason, code = "command not found", 127
    else:
        reason, code = exc.strerror or str(exc), 126
    sys.stderr.write(f"selfheal: {argv[0]}: {reason}\n")
    sys.stderr.flush()
    return code


def _write_all(fd: int, data: bytes) -> bool:
    """Writes everything; False once the reader has gone (EPIPE): we keep draining the child anyway."""
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:  # our stdout was left non-blocking by whoever started us
            select.select([], [fd], [], 1.0)
            continue
        except OSError:
            return False
        view = view[n:]
    return True


def _grow_pipe(fd: int) -> None:
    # Fewer, larger reads: a 1 MiB pipe lets a fast producer run ahead while we scan.
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setpipe is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setpipe, PIPE_SIZE)


def run(argv: list[str], on_chunk: OnChunk, use_pty: bool = False) -> Result:
    """Runs argv to completion. `on_chunk(stream, data)`: stream 1 is stdout, 2 is stderr."""
    group: dict[str, object] = {}
    if sys.version_info >= (3, 11):
        group["process_group"] = 0
    else:  # pragma: no cover - 3.10
        group["preexec_fn"] = os.setpgrp
    master = slave = -1
    try:
        if use_pty:
            import pty

            master, slave = pty.openpty()
            proc = subprocess.Popen(argv, stdout=slave, stderr=slave, close_fds=True, **group)  # type: ignore[call-overload]
            os.close(slave)
            sources = {master: 1}
        else:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **group)  # type: ignore[call-overload]
            assert proc.stdout is not None and proc.stderr is not None
            sources = {proc.stdout.fileno(): 1, proc.stderr.fileno(): 2}
    except OSError as exc:
        for fd in (master, slave):
            if fd >= 0:
                os.close(fd)
        return Result(_spawn_error(argv, exc), None)

    forwarded: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        forwarded.append(signum)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        _pump(proc, sources, on_chunk)
        code = proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for fd in sources:
            with contextlib.suppress(OSError):
                os.close(fd)
    exit_code = 128 - code if code < 0 else code
    return Result(exit_code, forwarded[0] if forwarded else None)


def _pump(proc: subprocess.Popen[bytes], sources: dict[int, int], on_chunk: OnChunk) -> None:
    sel = selectors.DefaultSelector()
    alive = {1: True, 2: True}
    for fd in sources:
        _grow_pipe(fd)
        sel.register(fd, selectors.EVENT_READ)
    exited_at: float | None = None
    last_data = last_poll = time.monotonic()
    while sel.get_map():
        events = sel.select(timeout=0.1)
        now = time.monotonic()
        if exited_at is None and now - last_poll >= 0.1:
            last_poll = now
            if proc.poll() is not None:
                exited_at = now
        idle = not events and now - last_data >= DRAIN_IDLE_S
        if exited_at is not None and (idle or now - exited_at >= DRAIN_MAX_S):
            break  # the command is gone; a grandchild holding the pipe open must not hold us
        for key, _ in events:
            fd = key.fd
            try:
                data = os.read(fd, READ_SIZE)
            except OSError:  # EIO: the pty's other side is closed
                data = b""
            if not data:
                sel.unregister(fd)
                continue
            last_data = time.monotonic()
            stream = sources[fd]
            if alive[stream]:
                alive[stream] = _write_all(stream, data)
            on_chunk(stream, data)
    sel.close()

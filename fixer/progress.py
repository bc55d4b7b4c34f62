"""What `selfheal fix` tells a human as it goes: one stderr line per stage with its duration, and
heartbeats from long ones (verify, the model), so a ten-minute attempt is never silent in a job log."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock

    def line(self, text: str) -> None:
        try:
            self.stream.write(f"selfheal: {text}\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stderr must not end the run

    @contextmanager
    def stage(self, name: str, start: str | None = None) -> Iterator[Callable[[str], None]]:
        """Times a stage; `start` is printed first for slow stages. The yielded callable sets the result."""
        if start:
            self.line(f"{name}: {start}")
        result: list[str] = []
        began = self.clock()
        try:
            yield result.append
        finally:
            took = self.clock() - began
            said = f": {result[-1]}" if result else ""
            self.line(f"{name}{said} ({_duration(took)})")

    def heartbeat(self, what: str) -> Callable[[float], None]:
        return lambda elapsed: self.line(f"{what}: still running ({_duration(elapsed)})")


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min"

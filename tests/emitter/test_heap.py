"""heap.keep_freed_memory: the scanner's per-chunk buffers are reused, not faulted in again each chunk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DRIVER = """
import resource, sys
from emitter.heap import keep_freed_memory
from emitter.parsers import make_parsers
from emitter.scan import Scanner
if sys.argv[2] == "keep":
    keep_freed_memory()
scanner = Scanner(make_parsers(), lambda hit: None)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
with open(sys.argv[1], "rb") as fh:
    while chunk := fh.read(1 << 20):
        scanner.feed(chunk)
scanner.finish()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults(log: Path, mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", DRIVER, str(log), mode], capture_output=True, check=True)
    return int(out.stdout)


def test_scanning_reuses_its_buffers_instead_of_faulting_in_fresh_pages(tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    line = b"[INFO] Compiling module 42 of 977: src/engine/scheduler.cpp -> build/engine/scheduler.o\n"
    log.write_bytes(line * (24_000_000 // len(line)))
    kept, plain = faults(log, "keep"), faults(log, "plain")
    # ~3 MiB of fresh pages a chunk (768 faults) without it; with it, the buffers of the first chunk serve all
    assert kept * 4 < plain, (kept, plain)

"""Emitter throughput, memory and start-up on generated, realistic logs. Prints one markdown table.

    .venv/bin/python bench/throughput.py [--mb 200] [--memory-sizes 50,200,800] [--quick] [--keep]

Two logs of the same size are generated (bench/loggen.py, seeded): the "build" log, mostly noise (package
installs, compiler invocations, passing tests, timestamps) with errors of many tools scattered through it,
and a "noisy" log that also holds Node stack frames and `npm WARN deprecated` lines (about 40% of its
lines). Measured in one run, for each log of --mb MB:
  - `cat LOG > /dev/null` and `selfheal run -- cat LOG > /dev/null` (end-to-end MB/s, best of 3)
  - parse-only MB/s (the scanner fed 1 MiB chunks in-process, best of 2)
  - records reported against distinct errors planted
then:
  - peak RSS of `selfheal run -- cat LOG` at each --memory-sizes size and at --mb, both logs: one run each
    (at --mb the highest of the three above). Every run is reaped with os.wait4, whose ru_maxrss is that
    run's own peak (the wrapper's, or its cat's if larger), so runs do not mask each other
  - start-up, median of 10: `selfheal run -- true` against `true`, and a failing command (one error on
    stderr, exit 1) wrapped against plain
  - a command writing the noisy log's first lines at a steady 20 and 80 MB/s for 10 s, plain and wrapped
    (median of 3; start-up included). Plain, its output goes to /dev/null, so a time near 10 s shows the writer holds the rate.
selfheal runs as `python -m fixer.cli run` in bench/out; the log-reading and writer runs pass
`--no-summary --report bench/out/NAME.json`. --quick skips the memory points above 200 MB and the
steady writers. Generated logs are deleted at the end unless --keep. Others may share the machine: the
figures are measurements, never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from loggen import Log, generate  # noqa: E402

OUT = ROOT / "bench" / "out"
SELFHEAL = [sys.executable, "-m", "fixer.cli"]
FAILING = 'echo "app/x.py:1:1: error: boom" >&2; exit 1'


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_kib: int  # ru_maxrss of this child (KiB on Linux)
    code: int


def run(cmd: list[str], cwd: Path | None = None) -> Run:
    """Runs `cmd` with output to /dev/null and reaps it with wait4, for its own peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return Run(seconds, usage.ru_maxrss, proc.returncode)


def wrapped(report: Path, *cmd: str) -> list[str]:
    return [*SELFHEAL, "run", "--no-summary", "--report", str(report), "--", *cmd]


def parse_only(path: Path) -> float:
    from emitter.parsers import make_parsers
    from emitter.scan import Scanner

    hits: list[object] = []
    scanner = Scanner(make_parsers(), hits.append)
    start = time.perf_counter()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            scanner.feed(chunk)
    scanner.finish()
    return time.perf_counter() - start


def records(report: Path) -> str:
    data = json.loads(report.read_text())
    dropped = data.get("records_dropped", 0)
    return f"{len(data['records'])}" + (f" (+{dropped} over the cap)" if dropped else "")


def steady_writer(seconds: float, mb_per_s: float, sample: Path) -> list[str]:
    """A Python writer of the noisy log's first lines (what the scanner really meets: frames, warnings,
    errors), a block every 10 ms, sleeping to hold the rate."""
    code = (
        "import sys,time\n"
        f"size=int({mb_per_s}*1e6/100)\n"
        f"data=open({str(sample)!r},'rb').read(size)\n"
        "block=data[:data.rfind(b'\\n')+1]\n"
        "out=sys.stdout.buffer\n"
        "start=time.perf_counter()\n"
        f"for tick in range(int({seconds}*100)):\n"
        "    out.write(block); out.flush()\n"
        "    delay=start+(tick+1)/100-time.perf_counter()\n"
        "    if delay>0: time.sleep(delay)\n"
    )
    return [sys.executable, "-c", code]


class Logs:
    """Generated logs by (kind, MB), made on first use and deleted by `remove`."""

    def __init__(self) -> None:
        self.made: dict[tuple[str, int], Log] = {}

    def get(self, kind: str, mb: int) -> Log:
        if (kind, mb) not in self.made:
            self.made[kind, mb] = generate(OUT / f"{kind}-{mb}mb.log", mb, noisy=kind == "noisy")
        return self.made[kind, mb]

    def remove(self, kind: str, mb: int) -> None:
        self.made[kind, mb].path.unlink(missing_ok=True)

    def remove_all(self) -> None:
        for log in self.made.values():
            log.path.unlink(missing_ok=True)


def throughput(log: Log, kind: str) -> tuple[dict[str, str], int]:
    """The throughput rows of one log, and the highest peak RSS (KiB) of its wrapped runs."""
    mb = log.size / 1e6
    report = OUT / f"{kind}.json"
    cat = min(run(["cat", str(log.path)]).seconds for _ in range(3))
    runs = [run(wrapped(report, "cat", str(log.path)), cwd=OUT) for _ in range(3)]
    best = min(r.seconds for r in runs)
    parse = min(parse_only(log.path) for _ in range(2))
    share = f", {log.node_lines / log.lines:.0%} Node frames / npm WARN" if log.node_lines else ""
    rows = {
        "log": f"{mb:.0f} MB, {log.lines / 1e6:.2f} M lines{share}",
        "distinct errors planted / records reported": f"{log.planted} / {records(report)}",
        "`cat LOG > /dev/null`": f"{mb / cat:,.0f} MB/s ({cat:.2f} s)",
        "`selfheal run -- cat LOG > /dev/null`, best of 3": f"{mb / best:.0f} MB/s ({best:.2f} s)",
        "parse only (scanner, 1 MiB chunks, in-process), best of 2": f"{mb / parse:.0f} MB/s ({parse:.2f} s)",
    }
    return rows, max(r.peak_kib for r in runs)


def startup() -> dict[str, str]:
    rows = {}
    report = OUT / "startup.json"
    for name, cmd in (
        ("clean: `selfheal run -- true` vs `true`", ["true"]),
        ("failing: `selfheal run -- sh -c '…error…; exit 1'` vs plain", ["sh", "-c", FAILING]),
    ):
        plain = [run(cmd) for _ in range(10)]
        # no --no-summary here: the summary on stderr is part of what a wrapped run costs
        wrapped_runs = [
            run([*SELFHEAL, "run", "--report", str(report), "--", *cmd], cwd=OUT) for _ in range(10)
        ]
        p = statistics.median(r.seconds for r in plain) * 1000
        w = statistics.median(r.seconds for r in wrapped_runs) * 1000
        codes = "/".join(str(c) for c in sorted({r.code for r in wrapped_runs}))
        rows[f"start-up, {name}, median of 10"] = (
            f"{w:.0f} ms vs {p:.0f} ms (+{w - p:.0f} ms; wrapped exit {codes}, records: {records(report)})"
        )
    return rows


def writers(sample: Path) -> dict[str, str]:
    rows = {}
    for rate in (20, 80):
        script = steady_writer(seconds=10, mb_per_s=rate, sample=sample)
        report = OUT / f"steady-{rate}.json"
        plain = statistics.median(run(script).seconds for _ in range(3))
        wrap = statistics.median(run(wrapped(report, *script), cwd=OUT).seconds for _ in range(3))
        rows[f"steady {rate} MB/s writer for 10 s, wrapped vs plain, median of 3"] = (
            f"{wrap:.2f} s vs {plain:.2f} s ({(wrap / plain - 1) * 100:+.1f}%, start-up included)"
        )
    return rows


def table(rows: list[tuple[str, str, str]]) -> str:
    head = ("measure", "build log", "noisy log")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in [head, *rows]
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--mb", type=int, default=200, help="size of the throughput logs (default 200)")
    parser.add_argument(
        "--memory-sizes", default="50,200,800", help="MB sizes for the peak-memory runs (default 50,200,800)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="no memory point above 200 MB, no steady writers"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated logs in bench/out")
    args = parser.parse_args()
    sizes = [int(s) for s in args.memory_sizes.split(",") if s.strip()]
    if args.quick:
        sizes = [s for s in sizes if s <= 200]
    OUT.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    logs = Logs()
    rows: list[tuple[str, str, str]] = []
    try:
        build, build_peak = throughput(logs.get("build", args.mb), "build")
        noisy, noisy_peak = throughput(logs.get("noisy", args.mb), "noisy")
        rows += [(name, build[name], noisy[name]) for name in build]
        for mb in sorted({*sizes, args.mb}):
            cells = []
            for kind, peak in (("build", build_peak), ("noisy", noisy_peak)):
                log = logs.get(kind, mb)
                if mb != args.mb:  # the throughput runs measured that size already (max of 3)
                    peak = run(wrapped(OUT / "memory.json", "cat", str(log.path)), cwd=OUT).peak_kib
                    if not args.keep:
                        logs.remove(kind, mb)
                cells.append(f"{peak / 1024:.0f} MB ({log.planted} errors planted)")
            rows.append((f"peak RSS of `selfheal run -- cat`, {mb} MB log", cells[0], cells[1]))
        other = startup() | ({} if args.quick else writers(logs.get("noisy", args.mb).path))
        rows += [(name, value, "") for name, value in other.items()]
    finally:
        if not args.keep:
            logs.remove_all()
    print(
        f"machine: {os.cpu_count()} cores (os.cpu_count()), Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; load average {load:.2f} at start, "
        f"{os.getloadavg()[0]:.2f} at end"
    )
    print()
    print(table(rows))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()

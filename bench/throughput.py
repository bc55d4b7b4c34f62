"""Emitter throughput, memory and start-up on a generated, realistic build log. Prints a table.

    .venv/bin/python bench/throughput.py [--mb 200] [--keep]

The log is mostly noise (package installs, compiler invocations, passing tests, timestamps, stack frames)
with errors from many tools scattered through it. Measured in one run:
  - `cat LOG > /dev/null` and `selfheal run -- cat LOG > /dev/null` (end-to-end MB/s)
  - parse-only MB/s (the scanner fed 1 MiB chunks in-process)
  - peak RSS of `selfheal run` (from the kernel's accounting of our children)
  - start-up: `selfheal run -- true` against plain `true`
  - a command writing log at a steady rate, wrapped and not (the slowdown should be ~0)
Figures are measurements, never asserts.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
SELFHEAL = [sys.executable, "-m", "fixer.cli"]

NOISE = [
    "Collecting requests>=2.31 (from -r requirements.txt (line 4))",
    "  Downloading urllib3-2.2.1-py3-none-any.whl.metadata (6.4 kB)",
    "Requirement already satisfied: idna<4,>=2.5 in ./.venv/lib/python3.11/site-packages (3.6)",
    "Get:12 http://deb.example.org/debian bookworm/main amd64 libssl3 amd64 3.0.11-1~deb12u2 [2026 kB]",
    "Setting up libssl3:amd64 (3.0.11-1~deb12u2) ...",
    "#8 [build 4/9] RUN npm ci --omit=dev",
    "#8 12.34 added 812 packages, and audited 813 packages in 11s",
    "Step 6/14 : COPY . /app",
    " ---> Using cache",
    "gcc -O2 -g -Wall -Iinclude -c src/parser/lexer.c -o build/parser/lexer.o",
    "g++ -std=c++17 -O2 -Wall -Iinclude -c src/engine/scheduler.cpp -o build/engine/scheduler.o",
    "make[2]: Nothing to be done for 'all'.",
    "   Compiling serde_json v1.0.114",
    "    Finished `release` profile [optimized] target(s) in 41.27s",
    "ok  \tgithub.com/acme/service/internal/store\t0.412s",
    "=== RUN   TestHandlerRoutes/GET_/healthz",
    "--- PASS: TestHandlerRoutes (0.00s)",
    "[INFO] Building jar: /workspace/service/target/service-2.3.1.jar",
    "[INFO] Tests run: 48, Failures: 0, Errors: 0, Skipped: 2, Time elapsed: 3.127 s - in com.acme.OrderServiceTest",
    "> Task :core:compileJava UP-TO-DATE",
    "tests/unit/test_models.py::test_order_total[discount-10] PASSED                 [ 37%]",
    "tests/unit/test_models.py::TestInvoice::test_rounding PASSED                     [ 38%]",
    " PASS  src/components/Button.test.tsx (2.41 s)",
    "(node:2817) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.",
    "2026-11-21T13:35:46.123456Z INFO worker{id=3}: jobs::queue: processed batch size=128 elapsed=42ms",
    '[2026-11-21 13:35:47,812] DEBUG urllib3.connectionpool: https://api.example.org:443 "GET /v1/items HTTP/1.1" 200 1532',
    "webpack 5.90.1 compiled successfully in 8123 ms",
    "Cloning into '/builds/acme/service'...",
    "Receiving objects: 100% (12817/12817), 8.41 MiB | 21.07 MiB/s, done.",
    "$ terraform plan -out=tfplan -input=false",
    "  # aws_s3_bucket.assets will be updated in-place",
    "\x1b[32m✓\x1b[0m builds the router table \x1b[2m(3 ms)\x1b[0m",
    "Linting 214 files with 12 rules",
    "Successfully installed anyio-4.3.0 httpx-0.27.0 sniffio-1.3.1",
]

ERRORS = [
    "src/parser/lexer.c:214:9: error: 'tok' undeclared (first use in this function)",
    "src/engine/scheduler.cpp:88:17: warning: unused variable 'slot' [-Wunused-variable]",
    'app/models.py:41: error: Incompatible return value type (got "int", expected "str")  [return-value]',
    "app/views.py:3:8: F401 [*] `json` imported but unused",
    "app/api.py:12:80: E501 line too long (96 > 79 characters)",
    "src/index.ts(14,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    "FAILED tests/unit/test_models.py::test_order_total[discount-20] - AssertionError: assert 18.0 == 16.0",
    "error[E0425]: cannot find value `cfg` in this scope\n  --> src/main.rs:22:13\n   |\n22 |     let x = cfg.port;\n   |             ^^^ not found in this scope",
    "./internal/store/db.go:57:2: undefined: sqlConn",
    "deploy/app.yaml:7:3: [error] wrong indentation: expected 2 but found 4 (indentation)",
    "scripts/release.sh:12:8: note: Double quote to prevent globbing and word splitting. [SC2086]",
    'Traceback (most recent call last):\n  File "tools/gen.py", line 9, in <module>\n    main()\n  File "tools/gen.py", line 5, in main\n    print(undefined_name)\nNameError: name \'undefined_name\' is not defined',
    "curl: (6) Could not resolve host: artifacts.internal.example",
    "would reformat app/serializers.py",
    "::error file=app/main.py,line=10,col=4::Something broke",
]


LINE_NUMBER = re.compile(r"(?<=:)\d+|(?<=line )\d+")


def generate(path: Path, megabytes: int) -> tuple[int, int]:
    """Writes the log; returns (bytes written, distinct errors planted)."""
    rng = random.Random(7)
    target = megabytes * 1_000_000
    written = 0
    planted: set[str] = set()
    with path.open("w", encoding="utf-8") as fh:
        while written < target:
            block = []
            for _ in range(2000):
                if rng.random() < 0.00012:
                    # a different line number each time, so the merge step cannot fold them together
                    error = LINE_NUMBER.sub(
                        lambda _: str(rng.randint(1, 99_999)), rng.choice(ERRORS), count=1
                    )
                    block.append(error)
                    planted.add(error)
                else:
                    block.append(rng.choice(NOISE))
            text = "\n".join(block) + "\n"
            fh.write(text)
            written += len(text.encode())
    return written, len(planted)


def timed(cmd: list[str], stdout: int | None = subprocess.DEVNULL, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=stdout, stderr=subprocess.DEVNULL, cwd=cwd, check=False)
    return time.perf_counter() - start


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


def steady_writer(seconds: float, mb_per_s: float) -> list[str]:
    code = (
        "import sys,time\n"
        f"line=b'INFO step progress: compiled module and linked objects into the bundle ' * 1 + b'\\n'\n"
        f"per_tick=int({mb_per_s}*1e6/100/len(line))\n"
        "start=time.perf_counter()\n"
        f"for tick in range(int({seconds}*100)):\n"
        "    sys.stdout.buffer.write(line*per_tick); sys.stdout.buffer.flush()\n"
        "    delay=start+(tick+1)/100-time.perf_counter()\n"
        "    if delay>0: time.sleep(delay)\n"
    )
    return [sys.executable, "-c", code]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the generated log")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / "build.log"
    size, errors = generate(log, args.mb)
    mb = size / 1e6
    report = OUT / "report.json"

    cat_s = min(timed(["cat", str(log)]) for _ in range(3))
    wrapped = [*SELFHEAL, "run", "--no-summary", "--report", str(report), "--", "cat", str(log)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run_s = min(timed(wrapped, cwd=OUT) for _ in range(3))
    peak_kb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    parse_s = min(parse_only(log) for _ in range(2))

    true_s = statistics.median(timed(["true"]) for _ in range(10))
    start_s = statistics.median(
        timed([*SELFHEAL, "run", "--report", str(OUT / "t.json"), "--", "true"], cwd=OUT) for _ in range(10)
    )
    script = steady_writer(seconds=10, mb_per_s=20)
    plain_rate = statistics.median(timed(script) for _ in range(3))
    wrapped_rate = statistics.median(
        timed([*SELFHEAL, "run", "--no-summary", "--report", str(OUT / "s.json"), "--", *script], cwd=OUT)
        for _ in range(3)
    )
    import json

    records = len(json.loads(report.read_text())["records"])
    rows = [
        ("log size", f"{mb:.0f} MB, {errors} distinct errors planted, {records} records reported"),
        ("cat > /dev/null", f"{cat_s:.2f} s  ({mb / cat_s:.0f} MB/s)"),
        ("selfheal run -- cat > /dev/null", f"{run_s:.2f} s  ({mb / run_s:.0f} MB/s end to end)"),
        ("parse only (scanner, in-process)", f"{parse_s:.2f} s  ({mb / parse_s:.0f} MB/s)"),
        ("peak memory of selfheal run", f"{peak_kb / 1024:.0f} MB"),
        ("start-up: selfheal run -- true", f"{start_s * 1000:.0f} ms  (true alone: {true_s * 1000:.0f} ms)"),
        (
            "steady 20 MB/s writer for 10 s",
            f"plain {plain_rate:.2f} s, wrapped {wrapped_rate:.2f} s "
            f"({(wrapped_rate / plain_rate - 1) * 100:+.1f}%)",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | result |")
    print(f"|{'-' * (width + 2)}|--------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    if not args.keep:
        log.unlink()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()

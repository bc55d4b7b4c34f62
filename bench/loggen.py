"""The generated logs of bench/throughput.py: a build log and a noisy one, both seeded, both fast to write.

The "build" log is ordinary noise (package installs, compiler invocations, passing tests, timestamps) with
errors of many tools scattered through it. The "noisy" log is the same, with Node stack frames
(`    at callAsyncCircusFn (node_modules/jest-circus/build/utils.js:231:10)`, in runs of a few frames) and
`npm WARN deprecated` lines making up about 40% of its lines.

Speed: the noise is a pool of a few thousand items built once and sampled a block at a time; only the
errors are made fresh, each with a new number (mostly a line number) so the merge step cannot fold them
together. Errors are planted at one per BYTES_PER_ERROR bytes on average in both logs, so a log four times
longer holds about four times as many distinct errors.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

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

# `{n}` is a fresh number in every planted copy (a line number mostly), so no two copies are the same error
ERRORS = [
    "src/parser/lexer.c:{n}:9: error: 'tok' undeclared (first use in this function)",
    "src/engine/scheduler.cpp:{n}:17: warning: unused variable 'slot' [-Wunused-variable]",
    'app/models.py:{n}: error: Incompatible return value type (got "int", expected "str")  [return-value]',
    "app/views.py:{n}:8: F401 [*] `json` imported but unused",
    "app/api.py:{n}:80: E501 line too long (96 > 79 characters)",
    "src/index.ts({n},7): error TS2322: Type 'string' is not assignable to type 'number'.",
    "FAILED tests/unit/test_models.py::test_order_total[discount-{n}] - AssertionError: assert 18.0 == 16.0",
    "error[E0425]: cannot find value `cfg` in this scope\n  --> src/main.rs:{n}:13\n   |\n22 |     let x = cfg.port;\n   |             ^^^ not found in this scope",
    "./internal/store/db.go:{n}:2: undefined: sqlConn",
    "deploy/app.yaml:{n}:3: [error] wrong indentation: expected 2 but found 4 (indentation)",
    "scripts/release.sh:{n}:8: note: Double quote to prevent globbing and word splitting. [SC2086]",
    'Traceback (most recent call last):\n  File "tools/gen.py", line 9, in <module>\n    main()\n  File "tools/gen.py", line {n}, in main\n    print(undefined_name)\nNameError: name \'undefined_name\' is not defined',
    "curl: (6) Could not resolve host: artifacts-{n}.internal.example",
    "would reformat app/serializers_{n}.py",
    "::error file=app/main.py,line={n},col=4::Something broke",
]

# Node frames: (function, where), `{}` standing for a fresh line:col
FRAMES = [
    ("Object.<anonymous>", "node_modules/jest-circus/build/utils.js:{}"),
    ("Object.<anonymous>", "src/components/Button.test.tsx:{}"),
    ("new Promise", "<anonymous>"),
    ("callAsyncCircusFn", "node_modules/jest-circus/build/utils.js:{}"),
    ("_callCircusTest", "node_modules/jest-circus/build/run.js:{}"),
    ("_runTest", "node_modules/jest-circus/build/run.js:{}"),
    ("runTest", "node_modules/jest-runner/build/runTest.js:{}"),
    ("TestScheduler.scheduleTests", "node_modules/@jest/core/build/TestScheduler.js:{}"),
    ("processTicksAndRejections", "node:internal/process/task_queues:{}"),
    ("Module._compile", "node:internal/modules/cjs/loader:{}"),
    ("Module._extensions..js", "node:internal/modules/cjs/loader:{}"),
    ("Module.load", "node:internal/modules/cjs/loader:{}"),
    ("Module._load", "node:internal/modules/cjs/loader:{}"),
    ("require", "node:internal/modules/cjs/helpers:{}"),
    ("Array.forEach", "<anonymous>"),
    ("Context.<anonymous>", "test/api.spec.js:{}"),
    ("Layer.handle [as handle_request]", "node_modules/express/lib/router/layer.js:{}"),
    ("async Promise.all", "index 0"),
    ("", "node_modules/webpack/lib/Compiler.js:{}"),  # an anonymous frame: `at FILE:L:C`, no parentheses
]

DEPRECATED = [
    ("inflight", 1, "This module is not supported, and leaks memory. Do not use it."),
    ("glob", 7, "Glob versions prior to v9 are no longer supported"),
    ("rimraf", 3, "Rimraf versions prior to v4 are no longer supported"),
    ("@humanwhocodes/config-array", 0, "Use @eslint/config-array instead"),
    ("@humanwhocodes/object-schema", 2, "Use @eslint/object-schema instead"),
    ("abab", 2, "Use your platform's native atob() and btoa() methods instead"),
    ("domexception", 4, "Use your platform's native DOMException instead"),
    ("sourcemap-codec", 1, "Please use @jridgewell/sourcemap-codec instead"),
    (
        "stable",
        0,
        "Modern JS already guarantees Array#sort() is a stable sort, so this library is deprecated.",
    ),
    (
        "eslint",
        8,
        "This version is no longer supported. Please see https://eslint.org/version-support for other options.",
    ),
]

BYTES_PER_ERROR = 800_000
NOISY_SHARE = 0.4  # of the noisy log's lines: Node frames and npm warnings
BLOCK = 2000  # pool items per write


@dataclass(frozen=True)
class Log:
    path: Path
    size: int  # bytes
    lines: int
    node_lines: int  # Node stack frames and npm warnings
    planted: int  # distinct errors


def _frame(rng: random.Random) -> str:
    function, where = rng.choice(FRAMES)
    where = where.replace("{}", f"{rng.randint(5, 1400)}:{rng.randint(3, 40)}")
    return f"    at {function} ({where})" if function else f"    at {where}"


def _warning(rng: random.Random) -> str:
    name, major, why = rng.choice(DEPRECATED)
    return f"npm WARN deprecated {name}@{major}.{rng.randint(0, 12)}.{rng.randint(0, 9)}: {why}"


def pool(noisy: bool) -> list[str]:
    """The noise items, each one or more whole lines ending in a newline; in the noisy pool about
    NOISY_SHARE of the lines are Node frames (runs of 3-10) and npm warnings (runs of 1-4)."""
    rng = random.Random(11)
    items = [line + "\n" for line in NOISE] * 60
    if not noisy:
        return items
    wanted = len(items) * NOISY_SHARE / (1 - NOISY_SHARE)
    node_lines = 0
    while node_lines < wanted:
        if rng.random() < 0.5:
            run = [_frame(rng) for _ in range(rng.randint(3, 10))]
        else:
            run = [_warning(rng) for _ in range(rng.randint(1, 4))]
        items.append("\n".join(run) + "\n")
        node_lines += len(run)
    return items


def generate(path: Path, megabytes: int, noisy: bool) -> Log:
    """Writes about `megabytes` MB (10^6 bytes); a shorter log is a prefix of a longer one of its kind."""
    rng = random.Random(7)
    items = pool(noisy)
    per_item = sum(len(item.encode()) for item in items) / len(items)
    log_keep = math.log(1 - per_item / BYTES_PER_ERROR)  # errors are a Bernoulli draw per item

    def gap() -> int:
        return int(math.log(1.0 - rng.random()) / log_keep)

    target = megabytes * 1_000_000
    written = lines = node_lines = 0
    planted: set[str] = set()
    next_error = gap()
    with path.open("wb") as fh:
        while written < target:
            block = rng.choices(items, k=BLOCK)
            while next_error < BLOCK:
                # a different line number each time, so the merge step cannot fold them together
                error = rng.choice(ERRORS).replace("{n}", str(rng.randint(1, 99_999)))
                block[next_error] = error + "\n"
                planted.add(error)
                next_error += 1 + gap()
            next_error -= BLOCK
            data = "".join(block).encode()
            fh.write(data)
            written += len(data)
            lines += data.count(b"\n")
            node_lines += data.count(b"    at ") + data.count(b"npm WARN ")
    return Log(path, written, lines, node_lines, len(planted))

"""The generic fallback: the GNU assembler (no parser of its own), and proof that it does not flood."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.parsers.generic import looks_like_file
from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log


def test_generic_recorded(tmp_path: Path) -> None:
    check_recorded("generic", tmp_path)


def test_generic_live(tmp_path: Path) -> None:
    check_live("generic", tmp_path)


def test_file_line_col_severity_message(tmp_path: Path) -> None:
    log = (
        "docs/guide.adoc:12:5: warning: section title out of sequence\n"
        "C:\\ci\\proto\\api.proto:3: error: unknown type Foo\n"
        "Makefile.am/../build/gen:7: Error: generator failed\n"
    )
    (tmp_path / "proto").mkdir()  # the Windows agent's checkout is C:\ci: its tail maps onto the repository
    (tmp_path / "proto" / "api.proto").write_text('syntax = "proto3";\n')
    records = parse_log(log, tmp_path)
    assert [r.raw_file for r in records] == [None, "C:\\ci\\proto\\api.proto", "Makefile.am/../build/gen"]
    assert essentials(records) == [
        {
            "tool": "generic",
            "type": "unknown",
            "file": "docs/guide.adoc",
            "line": 12,
            "column": 5,
            "severity": "warning",
            "message": "section title out of sequence",
        },
        {
            "tool": "generic",
            "type": "unknown",
            "file": "proto/api.proto",
            "line": 3,
            "severity": "error",
            "message": "unknown type Foo",
        },
        {
            "tool": "generic",
            "type": "unknown",
            "file": "build/gen",
            "line": 7,
            "severity": "error",
            "message": "generator failed",
        },
    ]


@pytest.mark.parametrize(
    ("path", "is_file"),
    [
        ("src/a", True),
        ("main.c", True),
        ("x.tar.gz", True),
        ("Dockerfile", False),
        ("12", False),
        ("10.0.0.1", False),
        ("cache.example.com", False),
        ("registry.internal", False),
    ],
)
def test_what_counts_as_a_file(path: str, is_file: bool) -> None:
    assert looks_like_file(path) is is_file


# Lines a build prints when nothing is wrong (plus some that merely look like locations).
NOISE = """\
Collecting requests>=2.31 (from -r requirements.txt (line 4))
  Downloading urllib3-2.2.1-py3-none-any.whl.metadata (6.4 kB)
Requirement already satisfied: idna<4,>=2.5 in ./.venv/lib/python3.11/site-packages (3.6)
Successfully installed certifi-2024.2.2 requests-2.31.0
npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.
added 812 packages, and audited 813 packages in 11s
npm notice New minor version of npm available! 10.2.4 -> 10.5.0
Get:12 http://deb.example.org/debian bookworm/main amd64 libssl3 amd64 3.0.11-1~deb12u2 [2026 kB]
Fetched 9348 kB in 2s (4613 kB/s)
Setting up libssl3:amd64 (3.0.11-1~deb12u2) ...
Processing triggers for libc-bin (2.36-9+deb12u4) ...
Step 3/12 : RUN pip install -r requirements.txt
 ---> Running in 4f3c2a1b9d8e
#8 [build 4/9] RUN npm ci --omit=dev
#8 12.34 added 812 packages, and audited 813 packages in 11s
#12 DONE 0.4s
Successfully tagged registry.example.org:5000/acme/api:1.2.3
Cloning into '/builds/acme/service'...
remote: Enumerating objects: 1234, done.
Receiving objects: 100% (1234/1234), 2.10 MiB | 10.00 MiB/s, done.
HEAD is now at 3f2a1b9 Merge branch 'feature/x'
12:34:56 INFO  Starting build
12:34:57: error: not a file, a timestamp
[12:34:58] warning: watch mode enabled
2026-11-21T13:35:46.123456Z INFO worker{id=3}: jobs::queue: processed batch size=128 elapsed=42ms
2026-11-21 13:35:47,812 ERROR urllib3.connectionpool: retrying
Connecting to http://localhost:8080/health: error: connection refused
http://cache.example.com:3128: warning: proxy slow
cache.example.com:443: error: certificate expired
10.0.0.12:5432: error: password authentication failed
user: admin
timeout: 30s
error: could not lock config file .git/config: File exists
warning: adding embedded git repository: vendor/lib
    at Object.<anonymous> (/app/src/index.js:3:9)
    at Module._compile (node:internal/modules/cjs/loader:1256:14)
  File "/app/main.py", line 3, in <module>
ok  \tgithub.com/acme/service/internal/store\t0.412s
=== RUN   TestHandlerRoutes/GET_/healthz
--- PASS: TestHandlerRoutes (0.00s)
PASS
[INFO] Tests run: 48, Failures: 0, Errors: 0, Skipped: 2, Time elapsed: 3.127 s
> Task :core:compileJava UP-TO-DATE
tests/unit/test_models.py::test_order_total[discount-10] PASSED                 [ 37%]
 PASS  src/components/Button.test.tsx (2.41 s)
webpack 5.90.1 compiled successfully in 8123 ms
   Compiling serde_json v1.0.114
    Finished `release` profile [optimized] target(s) in 41.27s
Error: Process completed with exit code 1.
error Command failed with exit code 1.
"""


def test_fifty_lines_of_noise_give_no_generic_record(tmp_path: Path) -> None:
    assert len(NOISE.splitlines()) >= 50
    assert [r for r in parse_log(NOISE, tmp_path) if r.tool == "generic"] == []

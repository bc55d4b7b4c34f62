"""Infrastructure failures: what real programs print here, each phrase family, and what must not match."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.parsers.infra import classify
from tests.helpers.fixtures import check_live, check_recorded, parse_log


def test_infra_recorded(tmp_path: Path) -> None:
    check_recorded("infra", tmp_path)


def test_infra_live(tmp_path: Path) -> None:
    check_live("infra", tmp_path)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Temporary failure in name resolution", "dns"),
        (
            "npm error network request to http://r.invalid/x failed, reason: getaddrinfo EAI_AGAIN r.invalid",
            "dns",
        ),
        (
            'go: github.com/a/b@v1.2.3: Get "https://p.invalid/x": dial tcp: lookup p.invalid: no such host',
            "dns",
        ),
        ("ssh: Could not resolve hostname git.invalid: Name or service not known", "dns"),
        (
            "error: RPC failed; curl 56 OpenSSL SSL_read: Connection reset by peer, errno 104",
            "connection-reset",
        ),
        ("npm error code ECONNRESET", "connection-reset"),
        (
            "fatal: unable to access 'https://g.invalid/r/': Failed to connect to g.invalid port 443: "
            "Connection timed out",
            "timeout",
        ),
        ("Error: connect ETIMEDOUT 10.0.0.1:443", "timeout"),
        ('Get "https://registry.invalid/v2/": dial tcp 10.1.1.1:443: i/o timeout', "timeout"),
        ("net/http: request canceled (Client.Timeout exceeded while awaiting headers)", "timeout"),
        ('Get "https://registry.invalid/v2/": net/http: TLS handshake timeout', "tls"),
        ("write /var/lib/docker/tmp/x: no space left on device", "disk-full"),  # Go's errno text
        ("ERROR: failed to solve: write /var/lib/docker/x: No space left on device", "disk-full"),
        ("npm error code ENOSPC", "disk-full"),
        ("Killed", "oom-killed"),
        ("./test.sh: line 4:  8123 Killed                  ./bin/integration", "oom-killed"),
        ("Error: Process completed with exit code 137.", "oom-killed"),
        ("ERROR: Job failed: exit code 137", "oom-killed"),
        ("    State: Terminated  Reason: OOMKilled", "oom-killed"),
        ("[12345.678901] Out of memory: Killed process 4242 (java) total-vm:8000000kB", "oom-killed"),
        ("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "oom-killed"),
        ("cc1plus: out of memory allocating 65536 bytes after a total of 1048576 bytes", "oom-killed"),
        ("bash: fork: Cannot allocate memory", "oom-killed"),
        ("error pulling image: toomanyrequests: You have reached your pull rate limit.", "rate-limited"),
        ("HTTP/1.1 429 Too Many Requests", "rate-limited"),
        ("gh: API rate limit exceeded for installation ID 123", "rate-limited"),
        ("curl: (22) The requested URL returned error: 429", "rate-limited"),
        ("Agent Lost", "agent-lost"),
        ("The agent was lost while running this job", "agent-lost"),
        ("ERROR: Job failed (system failure): prepare environment: exit status 1", "agent-lost"),
        ("Runner system failure: error creating container", "agent-lost"),
        ("received unexpected HTTP status: 502 Bad Gateway", "registry-unavailable"),
        ("ERROR: HTTP error 503 while getting x: 503 Service Unavailable", "registry-unavailable"),
        ("error: 504 Gateway Time-out", "registry-unavailable"),
        ("curl: (22) The requested URL returned error: 503", "registry-unavailable"),
    ],
)
def test_each_phrase_family_gets_its_rule(tmp_path: Path, line: str, rule: str) -> None:
    records = [r for r in parse_log(line + "\n", tmp_path) if r.tool == "infra"]
    assert [(r.type, r.rule, r.message) for r in records] == [("infra", rule, line.strip())]


@pytest.mark.parametrize(
    "line",
    ["c++: fatal error: Killed signal terminated program cc1plus", "make: *** [Makefile:12: all] Error 137"],
)
def test_lines_the_gcc_family_owns_are_still_classified_as_oom(line: str) -> None:
    """The gcc parser runs first and takes these lines; `classify` lets it mark its record as infra."""
    assert classify(line) == "oom-killed"


NOT_INFRA = [
    "tests/test_client.py::test_retry_after_timeout PASSED                        [ 12%]",
    "--- FAIL: TestTimeout (0.00s)",
    "    client_test.go:42: expected timeout error, got nil",
    "src/net.rs:10:5: error: cannot find value `timeout` in this scope",
    'Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure "done()" is called',
    "E       AssertionError: connection was not killed",
    "Killed 3 stale processes before starting",
    "skilled workers: 4",
    "Collecting rate-limiter==1.2 (from -r requirements.txt (line 3))",
    "test_out_of_memory_handling ... ok",
    "status: 1370 records imported",
    "Gateway configured on port 8080",
    "Service available at http://localhost:3000",
    "  RateLimit settings: 100 req/s",
    "warning: unused variable `resolve_host` [-Wunused-variable]",
]


def test_ordinary_lines_with_infra_words_are_not_infra(tmp_path: Path) -> None:
    log = "\n".join(NOT_INFRA) + "\n"
    assert [r for r in parse_log(log, tmp_path) if r.tool == "infra"] == []
    assert all(classify(line) is None for line in NOT_INFRA)


def test_one_record_per_distinct_line_and_warnings_stay_warnings(tmp_path: Path) -> None:
    log = (
        "WARNING: Retrying (Retry(total=1)) after connection broken by 'NewConnectionError(\"Failed to "
        "establish a new connection: [Errno -3] Temporary failure in name resolution\")': /simple/x/\n"
    ) * 2 + "curl: (6) Could not resolve host: files.invalid\n" * 3
    records = parse_log(log, tmp_path)
    assert [(r.rule, r.severity) for r in records] == [("dns", "warning"), ("dns", "error")]


def test_classify_reads_wrapped_text_for_other_parsers() -> None:
    detail = "could not connect to x.invalid: dial tcp: lookup x.invalid on 10.0.0.53:53: no such host"
    assert classify(detail) == "dns"
    assert classify("Unsupported argument: an argument named foo is not expected here") is None


FILLER = "compiling module without problems\n" * 10_000  # 340 KB holding no anchor
MIDDLE = (
    "curl: (6) Could not resolve host: files.invalid\n"  # neither "error" nor "fail"
    "Killed\n"  # neither
    "curl: (56) Recv failure: Connection reset by peer\n"  # "fail"
    "npm error code ENOSPC\n"  # "error"
)


def test_away_from_the_end_only_lines_saying_error_or_fail_are_read(tmp_path: Path) -> None:
    """The documented gap: an infra line without "error"/"fail" is found only in the last 256 KiB."""
    log = FILLER + MIDDLE + FILLER + "HTTP/1.1 429 Too Many Requests\n"
    records = [r for r in parse_log(log, tmp_path) if r.tool == "infra"]
    assert [(r.rule, r.message) for r in records] == [
        ("connection-reset", "curl: (56) Recv failure: Connection reset by peer"),
        ("disk-full", "npm error code ENOSPC"),
        ("rate-limited", "HTTP/1.1 429 Too Many Requests"),
    ]


def test_at_the_end_of_a_long_log_every_infra_line_is_read_once(tmp_path: Path) -> None:
    """The same lines where a failed job stops: all found, the anchored ones first (the tail is read
    at the end of the stream) and each once although the tail reads them again."""
    records = [r for r in parse_log(FILLER + MIDDLE, tmp_path) if r.tool == "infra"]
    assert [(r.rule, r.message) for r in records] == [
        ("connection-reset", "curl: (56) Recv failure: Connection reset by peer"),
        ("disk-full", "npm error code ENOSPC"),
        ("dns", "curl: (6) Could not resolve host: files.invalid"),
        ("oom-killed", "Killed"),
    ]

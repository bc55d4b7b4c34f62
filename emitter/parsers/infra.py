"""Infrastructure failures: DNS, dropped connections, full disks, OOM kills, rate limits, lost agents, 5xx.

None of these is the code's fault: the fixer retries or escalates instead of editing code. That makes a
false positive expensive, so every pattern is a phrase a network stack, kernel, shell, package manager or
CI runner prints, never a bare word ("timeout", "killed", "memory") that a test name or compiler message
might contain. Each distinct line becomes one record: retry loops print the same failure many times.

| rule                 | phrases                                                                       |
|----------------------|-------------------------------------------------------------------------------|
| dns                  | Could not resolve host, Temporary failure in name resolution, getaddrinfo     |
|                      | ENOTFOUND/EAI_AGAIN, no such host, Name or service not known                  |
| connection-reset     | Connection reset by peer, ECONNRESET                                          |
| timeout              | Connection/Operation timed out, ETIMEDOUT, i/o timeout, Client.Timeout        |
| tls                  | TLS handshake timeout                                                         |
| disk-full            | No space left on device, ENOSPC, Disk quota exceeded                          |
| oom-killed           | a shell's `Killed` line, OOMKilled, exit code/status 137, make's Error 137,   |
|                      | Out of memory, JavaScript heap out of memory, cc1's Killed signal, fork ENOMEM |
| rate-limited         | Too Many Requests, rate limit exceeded, toomanyrequests, returned error: 429  |
| agent-lost           | Buildkite agent lost, GitLab Job failed (system failure), runner system failure |
| registry-unavailable | 502 Bad Gateway, 503 Service Unavailable, 504 Gateway Timeout, returned error: 50x |

Where the parser looks: at every line holding "error" or "fail" in any case (the scanner's ERROR and FAIL
anchors: `npm error code ECONNRESET`, `Recv failure: Connection reset by peer`, `Temporary failure in
name resolution`, `returned error: 429`), and, as a `tail` parser, at every line of the stream's last
256 KiB. Most infra messages say neither word (`Killed`, `curl: (6) Could not resolve host`, `No space
left on device`, `429 Too Many Requests`, `Agent Lost`), but they come where a failed job stops, at the
end of its log. Known gap: such a line in the middle of a long log, followed by more than 256 KiB of
output, is missed.
"""

from __future__ import annotations

import re

from .base import ERROR, FAIL, Context, Hit, Parser

_RULES: tuple[tuple[str, str], ...] = (
    (
        "dns",
        r"Could not resolve host(?:name)?\b|Temporary failure in name resolution"
        r"|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)\b|\bno such host\b|Name or service not known",
    ),
    ("connection-reset", r"[Cc]onnection reset by peer|\bECONNRESET\b"),
    ("tls", r"\bTLS handshake timeout\b"),
    (
        "timeout",
        r"\b[Cc]onnection timed out\b|\bOperation timed out\b|\bETIMEDOUT\b|\bi/o timeout\b"
        r"|\bClient\.Timeout exceeded\b",
    ),
    ("disk-full", r"[Nn]o space left on device|\bENOSPC\b|\bDisk quota exceeded\b"),
    (
        "oom-killed",
        # a shell reports a SIGKILLed child as "Killed" (dash) or "x.sh: line N: <pid> Killed  <cmd>" (bash)
        r"^\s*Killed\s*$|^(?:[^:\s][^:]*: (?:line \d+: )?)? *\d+ Killed {2,}\S"
        r"|\bOOMKilled\b|Killed signal terminated program|\*\*\* \[[^\]]*\] (?:Error 137|Killed)$"
        r"|\bexit(?:ed with)? (?:code|status):? 137\b"
        r"|(?:^|: |\] )Out of memory\b|JavaScript heap out of memory|\bout of memory allocating\b"
        r"|fatal error: out of memory|(?:fork|virtual memory exhausted): Cannot allocate memory",
    ),
    (
        "rate-limited",
        r"\bToo Many Requests\b|\b[Rr]ate limit exceeded\b|\btoomanyrequests\b|\bpull rate limit\b"
        r"|returned error: 429\b",
    ),
    (
        "agent-lost",
        r"\b[Aa]gent (?:was )?[Ll]ost\b|Job failed \(system failure\)|\b[Rr]unner system failure\b",
    ),
    (
        "registry-unavailable",
        r"\b50[234] (?:Bad Gateway|Service (?:Temporarily )?Unavailable|Gateway Time-?out)\b"
        r"|returned error: 50[234]\b",
    ),
)

# Group names are the rules with "-" made legal; `lastgroup` then says which rule matched.
_GROUPS = {rule.replace("-", "_"): rule for rule, _ in _RULES}
PATTERN = re.compile("|".join(f"(?P<{rule.replace('-', '_')}>{rx})" for rule, rx in _RULES))
_WARNING = re.compile(r"^(?:WARNING|Warning|warning|npm WARN|npm warn)\b")
MAX_MESSAGE = 300


def classify(text: str) -> str | None:
    """The infra rule a piece of text shows, if any: other parsers use it to mark their own records."""
    m = PATTERN.search(text)
    return _GROUPS[m.lastgroup] if m and m.lastgroup else None


# Literal fragments that cover every phrase of PATTERN: the trigger, a cheap first test of a line (PATTERN's
# word boundaries and line anchors keep `re` from skipping ahead, which makes it ~20 times slower), then
# PATTERN decides in `start`. Each fragment is as specific as its phrases allow, so that ordinary lines
# ("Collecting requests", "leaks memory", "skilled") rarely reach PATTERN.
_FRAGMENTS = (
    "resol",  # Could not resolve host, name resolution
    "getaddrinfo",
    "such host",
    "service not known",
    "by peer",
    "ECONNRESET",
    "timed out",
    "TIMEDOUT",
    "imeout",  # i/o timeout, TLS handshake timeout, Client.Timeout
    "on device",
    "ENOSPC",
    "quota exceeded",
    "Killed",  # Killed, OOMKilled, Killed signal
    " 137",
    "ut of memory",
    "allocate memory",
    "any Requests",
    "manyrequests",
    "ate limit",
    "returned error: ",
    "gent (?:was )?[Ll]ost",
    "system failure",
    "Gateway",
    "Unavailable",
)


class Infra(Parser):
    name = "infra"
    tools = ("infra",)
    anchors = (ERROR, FAIL)
    tail = True  # the phrases without an anchor, where a failed job's log ends
    trigger = re.compile("|".join(f"(?:{fragment})" for fragment in _FRAGMENTS))

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        match = PATTERN.search(line)
        if match is None:
            return None
        message = line.strip()[:MAX_MESSAGE]
        if message in self._seen:
            return False
        self._seen.add(message)
        rule = _GROUPS[match.lastgroup or ""]
        severity = "warning" if _WARNING.match(message) else "error"
        ctx.hit(Hit(tool="infra", message=message, type="infra", severity=severity, rule=rule))
        return False


PARSERS: tuple[type[Parser], ...] = (Infra,)

"""What stands between a line of output and the tool's own text: terminal escapes, carriage-return
redraws, and the prefixes CI runners and build tools put in front of every line.

A raw line is read in two steps:
- `display`: what a terminal showed. Every ECMA-48 sequence goes (CSI with private parameters and
  intermediates, OSC such as hyperlinks and titles, DCS/SOS/PM/APC strings such as Buildkite's
  `ESC _bk;t=<ms> BEL` timestamps, charset designations such as mypy's `ESC ( B`, two-byte escapes, a
  stray ESC) and Jenkins' hidden console notes with them; a line redrawn with carriage returns shows its
  last segment. The report's log tail is made of these lines: the user's own, prefixes and all.
- `unprefix`: what the parsers read. The known prefixes are removed from the start of the displayed line,
  stacked in any order (`[2024-01-01T10:00:00.123Z]     [javac] src/A.java:3: error: …`); see PREFIX.

Prefixes are cut with one `match` at the line start. Only lines that reach a parser pay for it: the
scanner's anchors are searched anywhere in a line, so a prefix never hides one (see scan.py for colour).
A line that merely starts with digits and colons keeps them: `12:34: error` is a location in a file
named `12`, and a clock time is two-digit fields followed by a blank (a line number is never zero-padded).
"""

from __future__ import annotations

import re

# ECMA-48: ESC then an intermediate/final byte. Strings (OSC `]`, DCS `P`, SOS `X`, PM `^`, APC `_`) run
# to BEL or ST (`ESC \`); cut at the end of the line when unterminated, as a terminal would swallow them.
ESCAPE = re.compile(
    r"\x1b\[8mha:[A-Za-z0-9+/=]*\x1b\[0m"  # Jenkins' console notes in raw logs: hidden, base64 payload
    r"|\x1b(?:"
    r"\[[0-?]*[ -/]*[@-~]?"  # CSI: parameters (incl. private `?`, `<`, `=`, `>`), intermediates, final
    r"|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (incl. OSC 8 hyperlinks), DCS, SOS, PM, APC
    r"|[ -/]+[0-~]?"  # nF: charset designations `ESC ( B`, `ESC ) 0`, `ESC # 8`, `ESC % G`
    r"|[0-~]"  # Fp, Fe, Fs: `ESC 7`, `ESC =`, `ESC M`, `ESC c`, a lone ST
    r")?"  # a stray ESC
)

_CLOCK = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:[.,][0-9]{1,9})?"
_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_ZONE = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?"
_ISO = _DATE + "T" + _CLOCK + _ZONE
# Ant's DefaultLogger right-aligns `[task] ` in 12 columns: the exact padding tells a task label from an
# indented line that starts with a bracket (`    [a] = f()` in a traceback stays as it is).
_ANT = "|".join(rf" {{{9 - n}}}\[[a-z][A-Za-z0-9_.:-]{{{n - 1}}}\] " for n in range(1, 9))
# a compiler diagnostic (file:line:col: severity:), which cmake, ninja and Xcode indent
_DIAGNOSTIC = r"(?:[A-Za-z]:)?[^: \t][^:]*:[0-9]+:[0-9]+: (?:fatal error|error|warning|note): "

PREFIX_SOURCE = (
    r"(?:"
    + _ISO
    + r" [0-9a-f]{2}[OE][ +]"  # GitLab runner FF_TIMESTAMPS: stream number, O/E, ` ` new line or `+` more
    + r"|"
    + _ISO
    + r"[ \t]"  # ISO 8601: GitHub Actions, Azure Pipelines, `docker logs -t`, `kubectl logs --timestamps`
    + r"|\[(?:"
    + _DATE
    + r"[T ])?"
    + _CLOCK
    + _ZONE
    + r"\] ?"  # Jenkins pipeline `timestamps {}`: `[2024-01-01T10:00:00.123Z] `; gulp `[11:02:14] `
    + r"|"
    + _CLOCK
    + r"(?:  | (?! ))"  # Jenkins timestamper `11:02:14  `, moreutils `ts` (one blank)
    + r"|section_(?:start|end):[0-9]+:[A-Za-z0-9_.-]+(?:\[[^\]\r\n]*\])?(?:\r|$)"  # GitLab section marker
    + r"|"
    + _ANT  # Ant task labels: `    [javac] `, `       [cc] `
    + r"|\[[a-z][A-Za-z0-9_.:-]{8,40}\] "  # Ant, a task name too long to pad: `[checkstyle] `
    + r"|C/C\+\+: "  # Android Gradle Plugin's CMake and ndk-build output
    + r"|#[0-9]+ [0-9]+\.[0-9]+ "  # docker buildx plain progress: `#8 12.34 `
    + r"|[ \t]+(?="  # blanks before a compiler diagnostic (cmake, ninja, Xcode)
    + _DIAGNOSTIC
    + r"))+"
)
PREFIX = re.compile(PREFIX_SOURCE)
PREFIX_BYTES = re.compile(PREFIX_SOURCE.encode("ascii"))


def display(text: str) -> str:
    """The line as a terminal showed it: escapes removed, a redrawn line's last segment, no CR at the end."""
    if "\x1b" in text:
        text = ESCAPE.sub("", text)
    if "\r" in text:
        text = text.rstrip("\r")
        if "\r" in text:  # progress bars redraw the line; what a terminal shows is the last segment
            text = text.rsplit("\r", 1)[-1]
    return text


def unprefix(text: str) -> str:
    """The displayed line without the CI and build-tool prefixes in front of it."""
    m = PREFIX.match(text)
    return text[m.end() :] if m else text


def clean(text: str) -> str:
    """What the parsers read of one line of output."""
    return unprefix(display(text))


def body_bytes(raw: bytes) -> bytes:
    """An ASCII line without escapes or carriage returns, its prefixes removed (the scanner's pre-check)."""
    m = PREFIX_BYTES.match(raw)
    return raw[m.end() :] if m else raw

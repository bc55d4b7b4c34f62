"""Fingerprints that survive line shifts: tool + rule + file + the message with its volatile parts folded.

Numbers, hex addresses, durations and temp paths change from run to run or when code moves; names in
quotes do not, and they are what tells two errors of the same rule apart.
"""

from __future__ import annotations

import hashlib
import re

_VOLATILE = re.compile(r"0x[0-9a-fA-F]+|\b\d+(?:\.\d+)?(?:ms|s)?\b|/tmp/[^\s'\"]+")
_SPACE = re.compile(r"\s+")


def normalise_message(message: str) -> str:
    return _SPACE.sub(" ", _VOLATILE.sub("#", message)).strip().lower()


def fingerprint(tool: str, rule: str | None, file: str | None, message: str, test: str | None = None) -> str:
    parts = (tool, rule or "", file or "", test or "", normalise_message(message))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:16]

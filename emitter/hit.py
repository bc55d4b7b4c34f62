"""The raw hit every input produces (log parsers, JUnit, SARIF), before normalisation.

A module of its own so that readers and the merge step can use it without importing the parser registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Hit:
    """One error as a parser saw it, before normalisation (paths, 1-based positions, severity table).

    `severity` is the tool's own word ("E", "convention", "HIGH", "warning"…): emitter/severity.py maps it.
    `base` says whether the tool counts columns from 0 or 1.
    """

    tool: str
    message: str
    type: str = "unknown"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    severity: str = "error"
    rule: str | None = None
    suggestion: str | None = None
    test: str | None = None
    fix: dict[str, Any] | None = None
    base: int = 1
    cwd: str | None = None
    source: str = "log"

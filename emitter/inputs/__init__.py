"""Machine-readable inputs: report files given with `--input KIND=GLOB` (and `--junit`/`--sarif`), and a
wrapped command whose whole stdout is one such document.

| kind          | what                                                     | module                     |
|---------------|----------------------------------------------------------|----------------------------|
| `junit`       | JUnit XML; linters' JUnit (file = suite, rule = test)    | emitter/junit.py, lint_junit |
| `sarif`       | SARIF 2.1.0                                              | emitter/sarif.py           |
| `checkstyle`  | checkstyle XML (eslint, ktlint, detekt, golangci-lint, phpcs, hadolint, shellcheck, Checkstyle) | checkstyle |
| `codequality` | GitLab Code Quality / Code Climate JSON                  | codequality                |
| `rdjson`      | reviewdog rdjson, and rdjsonl (one diagnostic a line)    | rdjson                     |
| `json`        | a tool's own JSON, recognised by its shape: eslint, ruff, cargo (lines), shellcheck, hadolint, pyright, golangci-lint; rdjson and Code Quality too | tool_json, cargo_json |

Every reader takes a path and returns `(hits, warning)`: a file that cannot be read is one warning line,
never an exception. Hits go through tools.py so that a finding read from a tool's JSON or XML carries the
same tool, type, severity, rule and message as the text parsers give it: seen both ways, it merges into
one record.

This module is light (the CLI checks kinds against KINDS before the command starts); the readers are
imported only when a report is built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..hit import Hit

    Reader = Callable[[str], tuple[list[Hit], str | None]]

KINDS = ("junit", "sarif", "checkstyle", "codequality", "rdjson", "json")
EXTRA_KINDS = KINDS[2:]  # kinds with no option of their own (`--junit`, `--sarif` predate `--input`)
# what each kind reads, as `--help` says it (tests/emitter/test_inputs_cli.py holds it to the readers)
KIND_HELP = {
    "junit": "JUnit XML, a linter's too",
    "sarif": "SARIF 2.1.0",
    "checkstyle": "checkstyle XML",
    "codequality": "GitLab Code Quality JSON",
    "rdjson": "reviewdog rdjson or rdjsonl",
    "json": "the JSON of eslint, ruff, cargo, shellcheck, hadolint, pyright or golangci-lint",
}


def reader(kind: str) -> Reader:
    """The reader of a kind named in KINDS (not `junit`: assemble reads JUnit with its counts)."""
    if kind == "sarif":
        from ..sarif import read_sarif

        return read_sarif
    if kind == "checkstyle":
        from .checkstyle import read_checkstyle

        return read_checkstyle
    if kind == "codequality":
        from .codequality import read_codequality

        return read_codequality
    if kind == "rdjson":
        from .rdjson import read_rdjson

        return read_rdjson
    if kind == "json":
        from .detect import read_json

        return read_json
    raise ValueError(f"no reader for {kind!r}")

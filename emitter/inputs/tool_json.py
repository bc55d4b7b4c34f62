"""The JSON that linters write of their own accord, each told by its shape (see `FORMATS`).

| tool             | command                                  | shape                                         |
|------------------|------------------------------------------|-----------------------------------------------|
| eslint           | `eslint -f json` (or `json-with-metadata`) | `[{filePath, messages: [{ruleId, severity 1/2, line, column, endLine, endColumn, fix}]}]` |
| ruff             | `ruff check --output-format json` (`json-lines`: detect.py) | `[{code, filename, location {row, column}, end_location, fix {applicability, edits}}]` |
| shellcheck       | `-f json1` (and the older `-f json`)     | `{comments: [{file, line, column, endLine, endColumn, level, code, fix}]}` (json: the bare array) |
| hadolint         | `hadolint -f json`                       | `[{code, file, line, column, level, message}]` |
| pyright          | `pyright --outputjson`                   | `{generalDiagnostics: [{file, severity, message, range (0-based), rule}]}` |
| golangci-lint    | v1 `--out-format json`, v2 `--output.json.path stdout` | `{Issues: [{FromLinter, Text, Severity, Pos {Filename, Line, Column}, Replacement}]}` |

Positions become the report's (1-based, end exclusive). A tool's own fix becomes the record's `fix` with
concrete edits when the tool says it is safe to apply (ruff's "safe" applicability, shellcheck's and
eslint's `fix`, golangci-lint's inline replacement); eslint's fix is given as offsets into the file,
turned into lines and columns by reading that file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..hit import Hit
from .base import lst, number, obj, text
from .eslint_json import eslint, is_eslint
from .tools import finish

MAX_SOURCE = 16 * 1024 * 1024


def is_ruff(doc: Any) -> bool:
    return _records(doc, {"code", "filename", "location", "message"})


def ruff(doc: list[Any], source: str) -> list[Hit]:
    hits = []
    for item in map(obj, doc):
        start, end = obj(item.get("location")), obj(item.get("end_location"))
        hit = Hit("ruff", text(item.get("message")), rule=text(item.get("code")) or None, source=source)
        hit.file = text(item.get("filename")) or None
        hit.line, hit.column = number(start.get("row")), number(start.get("column"))
        hit.end_line, hit.end_column = number(end.get("row")), number(end.get("column"))
        fix = obj(item.get("fix"))
        if fix.get("applicability") == "safe" and hit.file and hit.rule:
            edits = [_ruff_edit(hit.file, obj(e)) for e in lst(fix.get("edits"))]
            if edits and all(edits):
                hit.fix = {
                    "description": text(fix.get("message")) or "ruff check --fix",
                    "edits": edits,
                    "command": ["ruff", "check", "--fix", "--select", hit.rule, hit.file],
                }
        elif fix:
            hit.suggestion = text(fix.get("message")) or None
        hits.append(finish(hit))
    return hits


def _ruff_edit(file: str, edit: dict[str, Any]) -> dict[str, Any] | None:
    start, end = obj(edit.get("location")), obj(edit.get("end_location"))
    line, column = number(start.get("row")), number(start.get("column"))
    end_line, end_column = number(end.get("row")), number(end.get("column"))
    if None in (line, column, end_line, end_column):
        return None
    return {
        "file": file,
        "start_line": line,
        "start_column": column,
        "end_line": end_line,
        "end_column": end_column,
        "text": text(edit.get("content")),
    }


def is_shellcheck(doc: Any) -> bool:
    if isinstance(doc, dict) and set(doc) == {"comments"}:
        return isinstance(doc["comments"], list)
    return _records(doc, {"file", "line", "column", "level", "code", "message"}) and all(
        isinstance(obj(item).get("code"), int) for item in doc
    )


def shellcheck(doc: Any, source: str) -> list[Hit]:
    hits = []
    lines = _Lines() if isinstance(doc, list) else None  # `-f json` counts a tab as 8 columns, json1 as 1
    for item in map(obj, lst(doc.get("comments")) if isinstance(doc, dict) else doc):
        hit = _located(item, "shellcheck", source, "file", "line", "column")
        hit.rule = f"SC{item.get('code')}" if isinstance(item.get("code"), int) else None
        hit.severity = text(item.get("level")) or "error"
        hit.end_line, hit.end_column = number(item.get("endLine")), number(item.get("endColumn"))
        if hit.end_line == hit.line and hit.end_column == hit.column:
            hit.end_line = hit.end_column = None  # a point, not a range (the text formats show no end)
        replacements = lst(obj(item.get("fix")).get("replacements"))
        edits = [_shellcheck_edit(hit.file, obj(r)) for r in replacements]
        if lines is not None and not lines.untabbed(hit):
            edits = []  # a fix's columns on a line with tabs: not worth the risk
        if edits and all(edits):
            hit.fix = {"description": "shellcheck's fix", "edits": edits}
        hits.append(finish(hit))
    return hits


class _Lines:
    """Source lines of the files a report names, read once each, to turn tab-expanded columns into
    character columns (shellcheck's `-f json`, as its tty format does; see parsers/shell.py)."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def untabbed(self, hit: Hit) -> bool:
        """Make the hit's columns count characters; False when its line has tabs and could not be read."""
        from ..parsers.shell import char_column

        if hit.file is None or hit.line is None or hit.column is None:
            return True
        if hit.file not in self._files:
            try:
                with open(hit.file, encoding="utf-8", errors="replace") as fh:
                    self._files[hit.file] = fh.read(MAX_SOURCE).splitlines()
            except OSError:
                self._files[hit.file] = None
        lines = self._files[hit.file]
        if lines is None or hit.line > len(lines):
            return False
        line = lines[hit.line - 1]
        if "\t" not in line:
            return True
        hit.column = char_column(line, hit.column - 1)
        if hit.end_column is not None and hit.end_line == hit.line:
            hit.end_column = char_column(line, hit.end_column - 1)
        return False


def _shellcheck_edit(file: str | None, replacement: dict[str, Any]) -> dict[str, Any] | None:
    line, column = number(replacement.get("line")), number(replacement.get("column"))
    end_line, end_column = number(replacement.get("endLine")), number(replacement.get("endColumn"))
    if file is None or None in (line, column, end_line, end_column):
        return None
    return {
        "file": file,
        "start_line": line,
        "start_column": column,
        "end_line": end_line,
        "end_column": end_column,
        "text": text(replacement.get("replacement")),
    }


_HADOLINT_CODE = re.compile(r"^(?:DL|SC)\d{4}$")


def is_hadolint(doc: Any) -> bool:
    return _records(doc, {"code", "file", "line", "level", "message"}) and all(
        _HADOLINT_CODE.match(text(obj(item).get("code"))) for item in doc
    )


def hadolint(doc: list[Any], source: str) -> list[Hit]:
    hits = []
    for item in map(obj, doc):
        hit = _located(item, "hadolint", source, "file", "line", "column")
        hit.rule, hit.severity = text(item.get("code")) or None, text(item.get("level")) or "error"
        hits.append(finish(hit))
    return hits


def is_pyright(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("generalDiagnostics"), list)


def pyright(doc: dict[str, Any], source: str) -> list[Hit]:
    hits = []
    for item in map(obj, doc["generalDiagnostics"]):
        rng = obj(item.get("range"))
        start, end = obj(rng.get("start")), obj(rng.get("end"))
        hit = Hit("pyright", text(item.get("message")), severity=text(item.get("severity")) or "error")
        hit.source, hit.file, hit.base = source, text(item.get("file")) or None, 0
        hit.rule = text(item.get("rule")) or None
        line, end_line = number(start.get("line"), 0), number(end.get("line"), 0)
        hit.line = line + 1 if line is not None else None  # pyright's lines and characters count from 0
        hit.end_line = end_line + 1 if end_line is not None else None
        hit.column, hit.end_column = number(start.get("character"), 0), number(end.get("character"), 0)
        hits.append(finish(hit))
    return hits


def is_golangci(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and "Issues" in doc
        and (doc["Issues"] is None or isinstance(doc["Issues"], list))
    )


def golangci(doc: dict[str, Any], source: str) -> list[Hit]:
    hits = []
    for item in map(obj, lst(doc.get("Issues"))):
        pos = obj(item.get("Pos"))
        hit = _located(pos, "go-vet", source, "Filename", "Line", "Column")
        hit.message, hit.rule = text(item.get("Text")), text(item.get("FromLinter")) or None
        hit.severity = text(item.get("Severity")) or "error"  # empty unless severities are configured
        inline = obj(obj(item.get("Replacement")).get("Inline"))
        start, length = number(inline.get("StartCol"), 0), number(inline.get("Length"), 0)
        if hit.file and hit.line and start is not None and length is not None:
            edit = {
                "file": hit.file,
                "start_line": hit.line,
                "start_column": start + 1,
                "end_line": hit.line,
                "end_column": start + 1 + length,
                "text": text(inline.get("NewString")),
            }
            hit.fix = {"description": f"{hit.rule or 'golangci-lint'}'s fix", "edits": [edit]}
        hits.append(finish(hit))
    return hits


def _located(item: dict[str, Any], tool: str, source: str, file: str, line: str, column: str) -> Hit:
    hit = Hit(tool, text(item.get("message")), source=source)
    hit.file = text(item.get(file)) or None
    hit.line = number(item.get(line))
    hit.column = number(item.get(column)) if hit.line else None
    return hit


def _records(doc: Any, keys: set[str]) -> bool:
    """A non-empty array of objects that all have these keys."""
    return isinstance(doc, list) and bool(doc) and all(isinstance(i, dict) and keys <= set(i) for i in doc)


# (name, shape test, reader): tried in order, the first whose shape fits reads the document
FORMATS: tuple[tuple[str, Callable[[Any], bool], Callable[[Any, str], list[Hit]]], ...] = (
    ("eslint", is_eslint, eslint),
    ("ruff", is_ruff, ruff),
    ("shellcheck", is_shellcheck, shellcheck),
    ("hadolint", is_hadolint, hadolint),
    ("pyright", is_pyright, pyright),
    ("golangci-lint", is_golangci, golangci),
)

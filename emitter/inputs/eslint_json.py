"""`eslint -f json`: one result per file, `{filePath, messages, source?}`; severity 2 is an error, 1 a warning.
`-f json-with-metadata` wraps the same results as `{results, metadata}`.

A message's `fix` is a replacement of `[start, end)` offsets (UTF-16 code units, JavaScript's string
indices) in the file's text: the result's `source` when eslint included it, else the file as it is on
disk. Offsets past the end of that text, or a file that cannot be read, leave the finding without edits.
Its `suggestions` are not fixes (they change behaviour): the first one's description is the suggestion.
"""

from __future__ import annotations

import os
from typing import Any

from ..hit import Hit
from .base import lst, number, obj, text
from .tools import finish

MAX_SOURCE = 16 * 1024 * 1024
_SEVERITY = {2: "error", 1: "warning"}


def _results(doc: Any) -> list[Any]:
    """The results: the document itself (`-f json`), or its `results` (`-f json-with-metadata`)."""
    if isinstance(doc, dict) and set(doc) == {"results", "metadata"}:
        return lst(doc["results"])
    return lst(doc)


def is_eslint(doc: Any) -> bool:
    results = _results(doc)
    return bool(results) and all(
        isinstance(r, dict) and "filePath" in r and isinstance(r.get("messages"), list) for r in results
    )


def eslint(doc: Any, source: str) -> list[Hit]:
    hits = []
    for result in map(obj, _results(doc)):
        file = text(result.get("filePath")) or None
        offsets = _Offsets(result, file)
        for message in map(obj, lst(result.get("messages"))):
            hits.append(_hit(message, file, offsets, source))
    return hits


def _hit(message: dict[str, Any], file: str | None, offsets: _Offsets, source: str) -> Hit:
    severity = message.get("severity")
    hit = Hit("eslint", text(message.get("message")), rule=text(message.get("ruleId")) or None, source=source)
    hit.severity = _SEVERITY.get(severity, "error") if isinstance(severity, int) else "error"
    hit.file = file
    hit.line = number(message.get("line"))  # 0: about the whole file ("File ignored…")
    if hit.line is not None:
        hit.column = number(message.get("column"))
        hit.end_line, hit.end_column = number(message.get("endLine")), number(message.get("endColumn"))
    fix = obj(message.get("fix"))
    edit = offsets.edit(fix) if fix else None
    if edit is not None:
        hit.fix = {"description": "eslint --fix", "edits": [edit], "command": ["eslint", "--fix", file or ""]}
    suggestions = lst(message.get("suggestions"))
    if suggestions:
        hit.suggestion = text(obj(suggestions[0]).get("desc")) or None
    return finish(hit)


class _Offsets:
    """Offsets into one file's text → 1-based (line, column) in characters; the text is read once, lazily."""

    def __init__(self, result: dict[str, Any], file: str | None) -> None:
        self._text: str | None = text(result.get("source")) or None
        self._file = file
        self._tried = self._text is not None

    def edit(self, fix: dict[str, Any]) -> dict[str, Any] | None:
        rng = lst(fix.get("range"))
        if self._file is None or len(rng) != 2 or not isinstance(fix.get("text"), str):
            return None
        start, end = number(rng[0], 0), number(rng[1], 0)
        if start is None or end is None or end < start:
            return None
        first, last = self._position(start), self._position(end)
        if first is None or last is None:
            return None
        return {
            "file": self._file,
            "start_line": first[0],
            "start_column": first[1],
            "end_line": last[0],
            "end_column": last[1],
            "text": fix["text"],
        }

    def _position(self, offset: int) -> tuple[int, int] | None:
        source = self._source()
        if source is None:
            return None
        index = _index(source, offset)
        if index is None:
            return None
        line_start = source.rfind("\n", 0, index) + 1
        return source.count("\n", 0, index) + 1, index - line_start + 1

    def _source(self) -> str | None:
        if not self._tried:
            self._tried = True
            try:
                if self._file and os.path.getsize(self._file) <= MAX_SOURCE:
                    with open(self._file, encoding="utf-8", errors="replace", newline="") as fh:
                        self._text = fh.read()
            except OSError:
                self._text = None
        return self._text


def _index(source: str, offset: int) -> int | None:
    """A UTF-16 offset as an index into the Python string (they differ only past astral characters)."""
    if offset > len(source) * 2:
        return None
    if source.isascii() or all(ord(c) <= 0xFFFF for c in source):
        return offset if offset <= len(source) else None
    units = 0
    for index, char in enumerate(source):
        if units >= offset:
            return index if units == offset else None
        units += 2 if ord(char) > 0xFFFF else 1
    return len(source) if units == offset else None

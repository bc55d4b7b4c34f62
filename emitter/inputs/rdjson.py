"""reviewdog's Diagnostic Format → hits: rdjson (one DiagnosticResult) and rdjsonl (one Diagnostic a line).

A diagnostic: `message`, `location {path, range {start {line, column}, end}}`, `severity` (ERROR, WARNING,
INFO; else the result's), `source {name}` (else the result's), `code {value, url}`, `suggestions [{range,
text}]`. Positions are 1-based and the end is exclusive, as in the report; a range without a start column
covers whole lines. The suggestions become the record's `fix`: one edit each, replacing its range with its
text; a suggestion whose range cannot be expressed drops the whole fix (half a fix is worse than none).
"""

from __future__ import annotations

from typing import Any

from ..hit import Hit
from ..junit import anchor
from .base import Unreadable, guarded, lst, number, obj, parse_json, read_bytes, source_of, text
from .tools import finish, tool_name

_SEVERITY = {
    "error": "error",
    "warning": "warning",
    "info": "note",
    "1": "error",
    "2": "warning",
    "3": "note",
}


def read_rdjson(path: str) -> tuple[list[Hit], str | None]:
    """Hits for every diagnostic in `path` (rdjson or rdjsonl), and a warning when it could not be read."""
    hits, warning = guarded(path, "rdjson", _read)
    return anchor(hits, path), warning


def _read(path: str) -> list[Hit]:
    data = read_bytes(path, "rdjson")
    try:
        doc = parse_json(data, path, "rdjson")
    except Unreadable:
        if not _several_lines(data):
            raise
        doc = parse_lines(data, path)  # rdjsonl
    if not is_rdjson(doc):
        raise Unreadable(
            f"{path}: not reviewdog rdjson (a result with diagnostics, or one diagnostic a line)"
        )
    return from_document(doc, source_of("rdjson"))


def _several_lines(data: bytes) -> bool:
    lines = [line for line in data.strip().splitlines() if line.strip()]
    return len(lines) > 1 and all(line.lstrip().startswith(b"{") for line in lines[:2])


def parse_lines(data: bytes, where: str) -> list[Any]:
    """rdjsonl: every non-blank line one JSON object."""
    docs = []
    for number_, line in enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), 1):
        if line.strip():
            docs.append(parse_json(line, f"{where}:{number_}", "rdjsonl"))
    return docs


def is_rdjson(doc: Any) -> bool:
    if isinstance(doc, dict):
        return isinstance(doc.get("diagnostics"), list) or (
            set(doc) <= {"source", "severity", "diagnostics"} and isinstance(doc.get("source"), dict)
        )
    return isinstance(doc, list) and bool(doc) and all(_is_diagnostic(d) for d in doc)


def _is_diagnostic(doc: Any) -> bool:
    # a location with a `path`: ruff's json-lines objects also have a message and a location (`row`s)
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("message"), str)
        and isinstance(obj(doc.get("location")).get("path"), str)
    )


def from_document(doc: Any, source: str) -> list[Hit]:
    if isinstance(doc, list):
        result: dict[str, Any] = {}
        diagnostics = doc
    else:
        result, diagnostics = doc, lst(doc.get("diagnostics"))
    hits = []
    for diagnostic in diagnostics:
        hit = _hit(obj(diagnostic), result, source)
        if hit is not None:
            hits.append(hit)
    return hits


def _hit(diagnostic: dict[str, Any], result: dict[str, Any], source: str) -> Hit | None:
    message = text(diagnostic.get("message")).strip()
    if not message:
        return None
    name = text(obj(diagnostic.get("source")).get("name")) or text(obj(result.get("source")).get("name"))
    word = str(diagnostic.get("severity") or result.get("severity") or "").lower()
    code = diagnostic.get("code")
    rule = text(obj(code).get("value")) if isinstance(code, dict) else text(code)
    hit = Hit(tool_name(name) or "reviewdog", message, source=source, rule=rule or None)
    hit.severity = _SEVERITY.get(word, "error")
    location = obj(diagnostic.get("location"))
    hit.file = text(location.get("path")).strip() or None
    start, end = _range(obj(location.get("range")))
    hit.line, hit.column = start
    if end[0] is not None and (end[0] != start[0] or end[1] is not None):
        hit.end_line, hit.end_column = end
    finish(hit)
    hit.fix = _fix(hit.file, lst(diagnostic.get("suggestions")))
    return hit


def _range(rng: dict[str, Any]) -> tuple[tuple[int | None, int | None], tuple[int | None, int | None]]:
    start, end = obj(rng.get("start")), obj(rng.get("end"))
    return (number(start.get("line")), number(start.get("column"))), (
        number(end.get("line")),
        number(end.get("column")),
    )


def _fix(file: str | None, suggestions: list[Any]) -> dict[str, Any] | None:
    edits = []
    for suggestion in suggestions:
        suggestion = obj(suggestion)
        (line, column), (end_line, end_column) = _range(obj(suggestion.get("range")))
        if file is None or line is None:
            return None
        if column is None:  # whole lines: from the start of the first to the start of the line after
            column, end_line, end_column = 1, (end_line or line) + 1, 1
        elif end_line is None:  # an insertion at the start
            end_line, end_column = line, column
        elif end_column is None:
            return None
        edits.append(
            {
                "file": file,
                "start_line": line,
                "start_column": column,
                "end_line": end_line,
                "end_column": end_column,
                "text": text(suggestion.get("text")),
            }
        )
    return {"description": "suggested by the tool", "edits": edits} if edits else None

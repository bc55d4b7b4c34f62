"""`cargo build|check|clippy|test --message-format=json`: one JSON object a line, each with a `reason`.

Only `compiler-message` lines carry findings; their `message` is rustc's diagnostic: `level`, `message`,
`code.code`, `spans` (the primary one is the location; lines and columns 1-based, end exclusive) and
`children` (`help` and `note` sub-diagnostics, whose spans may carry a `suggested_replacement`).

Read as parsers/rust.py reads the same diagnostic on the terminal: tool `clippy` for `clippy::` lints, else
`rustc` (`cargo` for a Cargo.toml); type import_error for unresolved imports, syntax_error for a parse error
without a code, else compile_error (clippy: lint); the rule is the error code or the lint's name; the
suggestion is the help lines (each with the line it proposes, as the terminal's diff shows it). Cargo's
closing messages ("aborting due to…", "N warnings emitted") are no findings. A help whose replacement
rustc marks MachineApplicable becomes the record's fix.

Paths are relative to the workspace root: one that does not exist from here is looked for above the
package's manifest.
"""

from __future__ import annotations

import os
from typing import Any

from ..hit import Hit
from .base import lst, number, obj, parse_json, text

_LEVELS = ("error", "warning")


def parse_lines(data: str, where: str) -> list[Any] | None:
    """The objects of a JSON-lines stream, or None when a line is not one (so it is not cargo's)."""
    docs = []
    for line in data.splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("{"):
            return None
        try:
            docs.append(parse_json(line, where, "JSON line"))
        except Exception:
            return None
    return docs


def is_cargo(docs: Any) -> bool:
    return (
        isinstance(docs, list)
        and bool(docs)
        and all(isinstance(d, dict) and isinstance(d.get("reason"), str) for d in docs)
    )


def cargo(docs: list[Any], source: str) -> list[Hit]:
    from ..parsers.rust import IMPORT_CODES, NOISE, SYNTAX

    hits = []
    for doc in docs:
        message = obj(doc.get("message"))
        level = text(message.get("level"))
        if doc.get("reason") != "compiler-message" or level not in _LEVELS:
            continue
        spans = [obj(s) for s in lst(message.get("spans"))]
        primary = next((s for s in spans if s.get("is_primary")), spans[0] if spans else {})
        words = text(message.get("message")).strip()
        if not words or (not primary and NOISE.match(words)):
            continue
        code = text(obj(message.get("code")).get("code")) or None
        hit = Hit("rustc", words, severity=level, rule=code, source=source)
        hit.file = text(primary.get("file_name")) or None
        hit.line, hit.column = number(primary.get("line_start")), number(primary.get("column_start"))
        hit.cwd = _workspace(hit.file, text(doc.get("manifest_path")))
        if (code or "").startswith("clippy::"):
            hit.tool, hit.type = "clippy", "lint"
        elif (hit.file or "").rsplit("/", 1)[-1] == "Cargo.toml":
            hit.tool, hit.type = "cargo", "compile_error"
        elif code in IMPORT_CODES:
            hit.type = "import_error"
        elif code is None and level == "error" and SYNTAX.match(words):
            hit.type = "syntax_error"
        else:
            hit.type = "compile_error"
        children = [obj(c) for c in lst(message.get("children"))]
        helps = [h for h in map(_help, children) if h]
        hit.suggestion = "\n".join(helps[:5]) or None
        hit.fix = _fix(children, hit.file)
        hits.append(hit)
    return hits


def _help(child: dict[str, Any]) -> str:
    if child.get("level") != "help":
        return ""
    words = text(child.get("message")).strip()
    if "for further information visit" in words or "to override" in words:
        return ""
    for span in map(obj, lst(child.get("spans"))):
        line = _replaced_line(span)
        if line:
            return f"{words}\n{line}"
    return words


def _replaced_line(span: dict[str, Any]) -> str:
    """The source line with the suggested replacement in it, as the terminal's `+` line shows it."""
    replacement = span.get("suggested_replacement")
    lines = lst(span.get("text"))
    if not isinstance(replacement, str) or len(lines) != 1:
        return ""
    line = obj(lines[0])
    source, start, end = (
        text(line.get("text")),
        number(line.get("highlight_start")),
        number(line.get("highlight_end")),
    )
    if start is None or end is None:
        return ""
    return (source[: start - 1] + replacement + source[end - 1 :]).strip()


def _fix(children: list[dict[str, Any]], file: str | None) -> dict[str, Any] | None:
    for child in children:
        spans = [
            obj(s) for s in lst(child.get("spans")) if isinstance(obj(s).get("suggested_replacement"), str)
        ]
        if not spans or any(s.get("suggestion_applicability") != "MachineApplicable" for s in spans):
            continue
        edits = []
        for span in spans:
            positions = [
                number(span.get(k)) for k in ("line_start", "column_start", "line_end", "column_end")
            ]
            if None in positions or text(span.get("file_name")) != file:
                break
            start_line, start_column, end_line, end_column = positions
            edits.append(
                {
                    "file": file,
                    "start_line": start_line,
                    "start_column": start_column,
                    "end_line": end_line,
                    "end_column": end_column,
                    "text": span["suggested_replacement"],
                }
            )
        else:
            return {"description": text(child.get("message")) or "rustc's suggestion", "edits": edits}
    return None


def _workspace(file: str | None, manifest: str) -> str | None:
    """The directory a relative path is relative to: here when it exists from here, else the nearest
    directory above the manifest that holds it."""
    if not file or os.path.isabs(file) or os.path.exists(file) or not manifest:
        return None
    where = os.path.dirname(manifest)
    while True:
        if os.path.exists(os.path.join(where, file)):
            return where
        parent = os.path.dirname(where)
        if parent == where:
            return None
        where = parent

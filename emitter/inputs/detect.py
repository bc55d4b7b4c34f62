"""Which JSON document this is: the `json` input kind, and a wrapped command whose whole stdout is one.

A document is recognised by its shape alone (tool_json.FORMATS, then rdjson and Code Quality); cargo's,
ruff's json-lines and rdjsonl streams by every line being such an object. Detection runs once, on the whole text, after
the command has finished — never per line: a stdout that is not entirely one document (a log with some
JSON in it) is left to the text parsers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..hit import Hit
from ..junit import anchor
from .base import Unreadable, guarded, parse_json, read_bytes, source_of
from .cargo_json import cargo, is_cargo, parse_lines
from .codequality import from_document as codequality
from .codequality import is_codequality
from .rdjson import from_document as rdjson
from .rdjson import is_rdjson
from .tool_json import FORMATS, is_ruff, ruff

MAX_OUTPUT = 64 * 1024 * 1024  # a wrapped command's stdout kept for detection; past that it is a log

Format = tuple[str, Callable[[Any], bool], Callable[[Any, str], list[Hit]]]
DOCUMENTS: tuple[Format, ...] = (
    *FORMATS,
    ("rdjson", is_rdjson, rdjson),
    ("codequality", is_codequality, codequality),
)
STREAMS: tuple[Format, ...] = (
    ("cargo", is_cargo, cargo),
    ("ruff", is_ruff, ruff),  # `--output-format json-lines`: the objects of its `json`, one a line
    ("rdjsonl", is_rdjson, rdjson),
)


def read_json(path: str) -> tuple[list[Hit], str | None]:
    """Hits from a JSON file in any format of DOCUMENTS or STREAMS, and a warning when it is none of them."""
    hits, warning = guarded(path, "JSON", _read)
    return anchor(hits, path), warning


def _read(path: str) -> list[Hit]:
    data = read_bytes(path, "JSON").decode("utf-8-sig", errors="replace")
    found = identify(data, source_of("json"))
    if found is None:
        try:
            parse_json(data, path, "JSON")  # says where the JSON broke, when it did
        except Unreadable:
            if parse_lines(data, path) is None:
                raise
        raise Unreadable(f"{path}: not a JSON report selfheal knows ({', '.join(known())})")
    return found[1]


def whole_output(data: bytes) -> tuple[str, list[Hit]] | None:
    """(format, hits) when the wrapped command's whole stdout is one known JSON document, else None."""
    if len(data) > MAX_OUTPUT:
        return None
    head = data.lstrip()[:1]
    if head not in (b"{", b"["):
        return None
    return identify(data.decode("utf-8-sig", errors="replace"), "log")


def identify(data: str, source: str) -> tuple[str, list[Hit]] | None:
    try:
        doc: Any = parse_json(data, "output", "JSON")
        formats = DOCUMENTS
    except Unreadable:
        doc, formats = parse_lines(data, "output"), STREAMS
        if doc is None:
            return None
    for name, fits, read in formats:
        if fits(doc):
            return name, read(doc, source)
    return None


def known() -> list[str]:
    return [name for name, _, _ in (*DOCUMENTS, *STREAMS)]

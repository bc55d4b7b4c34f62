"""What the readers share: bounded file loading, lenient field access, and the record source of a kind."""

from __future__ import annotations

import json
import os
from typing import Any

# A parsed document takes several times the file: refuse rather than swap. Streamed JUnit keeps only its
# failing tests and has its own cap (safe_xml.MAX_STREAM_BYTES).
MAX_BYTES = 256 * 1024 * 1024


class Unreadable(Exception):
    """A file that is not the document it was said to be: its message is the one warning line."""


def one_line(text: str) -> str:
    return " ".join(text.split())


def read_bytes(path: str, what: str) -> bytes:
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise Unreadable(f"{path}: {what} not read (larger than {MAX_BYTES // 2**20} MiB)")
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise Unreadable(f"{path}: {what} not read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise Unreadable(f"{path}: {what} file is empty")
    return data


def parse_json(data: bytes | str, where: str, what: str) -> Any:
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise Unreadable(f"{where}: {what} not read (JSON nested too deeply)") from exc
    except ValueError as exc:
        raise Unreadable(f"{where}: {what} is not valid JSON ({str(exc)[:200]})") from exc


def guarded(path: str, what: str, read: Any) -> tuple[list[Any], str | None]:
    """`read(path)`'s hits, or none and one warning line: a report file never breaks the step it describes."""
    try:
        return read(path), None
    except Unreadable as exc:
        return [], one_line(str(exc))
    except Exception as exc:
        return [], one_line(f"{path}: {what} not read ({type(exc).__name__}: {str(exc)[:200]})")


def source_of(kind: str) -> str:
    """The record `source` for a report file of this kind.

    The report's Source enum names log, junit and sarif today; until it also names checkstyle,
    codequality, rdjson and json, records read from those files say "sarif" (the other
    machine-readable report file), so that a report is always valid. One place to change."""
    from ..light import SOURCES  # the schema's values, without importing pydantic

    return kind if kind in SOURCES else "sarif"


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def lst(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def number(value: Any, least: int = 1) -> int | None:
    """An int (or a digit string, as XML attributes are) at least `least`, else None."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= least else None

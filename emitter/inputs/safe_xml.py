"""XML report files, hardened as the JUnit reader is: defusedxml refuses any entity declaration before
expanding it (XXE, billion laughs), no DTD or external resource is ever fetched, and a file over the size
cap is refused before it is parsed.

`load` builds the whole tree, so its cap is the shared MAX_BYTES; `stream` hands out elements as they end,
and its reader decides what it keeps, so its cap is MAX_STREAM_BYTES.

`stream` reads a document without a DOCTYPE with Python's C parser, twice as fast as defusedxml's (whose
checks run in Python for every element): every attack defusedxml guards against — entity expansion,
external entities, a DTD to fetch — needs a DOCTYPE before the root element, and expat itself says whether
there is one (`_declares`). A document with a DOCTYPE goes through defusedxml as `load` does."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from typing import Any, Literal

from .base import MAX_BYTES, Unreadable

# A streamed file is never held whole: the JUnit reader keeps 8 bytes a passing test and only the failing ones
# whole (~3x their size, where a tree takes ~11x the file). So this cap bounds time and odd files, not usual
# memory: 1 GiB is ~10M real tests and ~30 s of reading, ~350 MiB at most if all are terse passes
# (`<testcase name="t1"/>`, 27 bytes), ~3 GiB only if the whole file is failures.
MAX_STREAM_BYTES = 1024**3
_EVENTS: tuple[Literal["start"], Literal["end"]] = ("start", "end")


def load(path: str, what: str) -> Any:
    """The root element; Unreadable (one warning line) when it is not a well-formed, harmless document."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    _check_size(path, what, MAX_BYTES)
    try:
        tree = safe_et.parse(path, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, OSError) as exc:
        raise _unreadable(exc, path, what) from exc
    return tree.getroot()


def stream(path: str, what: str) -> Generator[tuple[str, Any], None, None]:
    """("start" | "end", element) in document order, with `load`'s hardening; Unreadable (one warning line)
    from wherever the file turns out not to be a well-formed, harmless document, however far in.

    An element is whole at its "end"; the caller drops what it does not keep (clear it and take it out of
    its parent), else the tree grows as `load`'s would."""
    from xml.etree.ElementTree import ParseError, iterparse

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    _check_size(path, what, MAX_STREAM_BYTES)
    try:
        if _declares(path):
            yield from safe_et.iterparse(
                path, events=_EVENTS, forbid_dtd=False, forbid_entities=True, forbid_external=True
            )
        else:
            yield from iterparse(path, events=_EVENTS)
    except (DefusedXmlException, ParseError, OSError) as exc:
        raise _unreadable(exc, path, what) from exc


class _Root(Exception):
    """The root element has started: the prolog is over."""


def _declares(path: str) -> bool:
    """Whether the prolog holds a DOCTYPE (or cannot be read: then defusedxml says why), read by expat up to
    the root element's start tag. A DOCTYPE after it is a well-formedness error both parsers refuse."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    seen: list[bool] = []

    def doctype(*_: object) -> None:
        seen.append(True)
        raise _Root

    def root(*_: object) -> None:
        raise _Root

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Root:
        return bool(seen)
    except (expat.ExpatError, OSError):
        return True
    return True  # no root element at all: defusedxml's error message


def _unreadable(exc: Exception, path: str, what: str) -> Unreadable:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    if isinstance(exc, DefusedXmlException):
        return Unreadable(f"{path}: {what} refused: it declares XML entities, which are not expanded ({exc})")
    if isinstance(exc, ParseError):
        return Unreadable(f"{path}: {what} is not well-formed ({exc})")
    strerror = exc.strerror if isinstance(exc, OSError) else None
    return Unreadable(f"{path}: {what} not read ({strerror or exc})")


def head(path: str, limit: int = 200) -> Iterator[Any]:
    """The first `limit` elements of the document, in the order their start tags come, without reading the
    rest: enough to tell a file's shape. Malformed or hostile files simply end the iteration."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        _check_size(path, "XML", MAX_BYTES)
        events = safe_et.iterparse(path, events=("start",), forbid_entities=True, forbid_external=True)
        for count, (_, elem) in enumerate(events):
            if count >= limit:
                return
            yield elem
    except (Unreadable, DefusedXmlException, ParseError, OSError):
        return


def _check_size(path: str, what: str, limit: int) -> None:
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise Unreadable(f"{path}: {what} not read ({exc.strerror or exc})") from exc
    if size == 0:
        raise Unreadable(f"{path}: {what} file is empty")
    if size > limit:
        raise Unreadable(f"{path}: {what} not read (larger than {limit // 2**20} MiB)")

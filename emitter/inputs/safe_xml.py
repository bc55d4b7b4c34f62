"""XML report files, hardened as the JUnit reader is: defusedxml refuses any entity declaration before
expanding it (XXE, billion laughs), no DTD or external resource is ever fetched, and a file over the size
cap is refused before it is parsed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from .base import MAX_BYTES, Unreadable


def load(path: str, what: str) -> Any:
    """The root element; Unreadable (one warning line) when it is not a well-formed, harmless document."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    _check_size(path, what)
    try:
        tree = safe_et.parse(path, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Unreadable(
            f"{path}: {what} refused: it declares XML entities, which are not expanded ({exc})"
        ) from exc
    except ParseError as exc:
        raise Unreadable(f"{path}: {what} is not well-formed ({exc})") from exc
    except OSError as exc:
        raise Unreadable(f"{path}: {what} not read ({exc.strerror or exc})") from exc
    return tree.getroot()


def head(path: str, limit: int = 200) -> Iterator[Any]:
    """The first `limit` elements of the document, in the order their start tags come, without reading the
    rest: enough to tell a file's shape. Malformed or hostile files simply end the iteration."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        _check_size(path, "XML")
        events = safe_et.iterparse(path, events=("start",), forbid_entities=True, forbid_external=True)
        for count, (_, elem) in enumerate(events):
            if count >= limit:
                return
            yield elem
    except (Unreadable, DefusedXmlException, ParseError, OSError):
        return


def _check_size(path: str, what: str) -> None:
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise Unreadable(f"{path}: {what} not read ({exc.strerror or exc})") from exc
    if size == 0:
        raise Unreadable(f"{path}: {what} file is empty")
    if size > MAX_BYTES:
        raise Unreadable(f"{path}: {what} not read (larger than {MAX_BYTES // 2**20} MiB)")

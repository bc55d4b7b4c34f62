"""(being written)"""

from __future__ import annotations

from .base import Parser

PARSERS: tuple[type[Parser], ...] = ()

"""The fallback for tools nobody wrote a parser for: `path:line[:col]: error|warning: message`, nothing else.

It runs after every other parser, over every line with a location in it (`name:12`, the LOCATION anchor),
so it must not flood a report with noise, and its `^`-anchored trigger turns most such lines away within
a few characters. The line must start with the path and the severity word must follow the position
directly, which rules out stack frames (`at f (x.js:3:4)`), log lines with a timestamp in front and
`key: value` lines; the path must then look like a file (a directory part, or an extension that starts
with a letter), which rules out bare timestamps (`12:34:56: error:`) and host:port pairs
(`cache.example.com:443: error:`).
"""

from __future__ import annotations

import re

from .base import LOCATION, Context, Parser, RegexLineParser

_EXTENSION = re.compile(r"\.([A-Za-z][\w+-]{0,9})$")
# Top-level domains that would otherwise pass for file extensions.
_DOMAINS = frozenset(
    ("com", "org", "net", "io", "dev", "app", "cloud", "local", "internal", "invalid", "test", "localhost")
)


def looks_like_file(path: str) -> bool:
    if "/" in path or "\\" in path:
        return True
    m = _EXTENSION.search(path)
    return m is not None and m.group(1).lower() not in _DOMAINS


class Generic(RegexLineParser):
    name = tool = "generic"
    tools = ("generic",)
    anchors = (LOCATION,)
    trigger = re.compile(
        r"^(?P<file>(?:[A-Za-z]:[\\/])?[^\s:()\[\]<>\"'=,;]+):(?P<line>\d+)(?::(?P<col>\d+))?: "
        r"(?P<severity>[Ee]rror|[Ww]arning): (?P<message>\S.*)$"
    )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        if not looks_like_file(m.group("file")):
            return None
        return super().start(m, line, ctx)


PARSERS: tuple[type[Parser], ...] = (Generic,)

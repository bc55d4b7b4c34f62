"""standard (JavaScript Standard Style, standard-engine): one indented line per problem, on stdout.

    standard: Use JavaScript Standard Style (https://standardjs.com)          (stderr)
      /repo/src/a.js:1:1: Unexpected var, use let or const instead. (no-var) (warning)
      /repo/src/a.js:2:22: Strings must use singlequote. (quotes)

The header goes to stderr and the problems to stdout, so a wrapped run sees them in different streams and
a problem line is recognised on its own: exactly two spaces, then the absolute path eslint reports (a
relative path, a deeper indent or a missing column is some other tool's: pytest's warnings summary
indents `/abs/x.py:12: Warning`, go test `    x_test.go:12: msg`). standard before 14 printed no rule;
since 16 a rule that is only a warning so far ends in `(warning)`. Everything else is an error, and a
`Parsing error:` is the file's syntax error (its rule prints as `(null)`: it has none).
"""

from __future__ import annotations

import re

from .base import LOCATION, Context, Hit, Parser, to_int

PROBLEM = re.compile(
    r"^  (?P<file>(?:/|[A-Za-z]:[\\/])[^:]*(?::(?!\d)[^:]*)*):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<message>\S.*?)(?: \((?P<rule>[@\w][\w@/.-]*)\))?(?P<warning> \(warning\))?$"
)


class Standard(Parser):
    name = "standard"
    tools = ("standard",)
    anchors = (LOCATION,)
    trigger = PROBLEM

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        message = m["message"]
        ctx.hit(
            Hit(
                tool="standard",
                message=message,
                type="syntax_error" if message.startswith("Parsing error") else "lint",
                file=m["file"],
                line=to_int(m["line"]),
                column=to_int(m["col"]),
                severity="warning" if m["warning"] else "error",
                rule=None if m["rule"] == "null" else m["rule"],
            )
        )
        return False


PARSERS: tuple[type[Parser], ...] = (Standard,)

"""pydocstyle: a location line naming the definition, then the code and message indented below it.

    pkg/mod.py:2 in public function `get_user`:
            D300: Use \"\"\"triple double quotes\"\"\" (found '''-quotes)

The location line (`at module level:` for the module's docstring, `in <public|private> [nested] <kind>
`name``: otherwise) is the trigger; the block takes the code line after it. `--explain` and `--source`
print a paragraph and the source under it: they are left to the ordinary scan, where they hold nothing a
parser takes. A file that does not parse is one warning line: `WARNING: Error in file x.py: Cannot parse
file.`, kept as that file's syntax error (pydocstyle exits 1 on it). pydocstyle has no severities: it
fails on every finding, so each is an error.
"""

from __future__ import annotations

import re

from .base import LOCATION, WARN, Context, Hit, Parser, Status, one_trigger, to_int

WHERE = re.compile(  # the look-ahead turns other location lines away cheaply (see rubocop.py)
    r"^(?=.*:$)(?P<file>[^:\s][^:]*(?::(?!\d)[^:]*)*):(?P<line>\d+) "
    r"(?P<where>at module level|in (?:public|private) (?:nested )?\w+ `[^`]+`):$"
)
CODE = re.compile(r"^\s+(?P<rule>D\d{3}): (?P<message>.+?)\s*$")
UNPARSED = re.compile(r"^WARNING: Error in file (?P<file>.+?): (?P<message>.+?)\s*$")


class Pydocstyle(Parser):
    name = "pydocstyle"
    tools = ("pydocstyle",)
    anchors = (LOCATION, WARN)
    trigger = one_trigger(WHERE, UNPARSED)

    def __init__(self) -> None:
        self._where: re.Match[str] | None = None

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        unparsed = UNPARSED.match(line)
        if unparsed is not None:
            message = unparsed["message"]
            kind = "syntax_error" if message.startswith("Cannot parse") else "unknown"
            ctx.hit(Hit(tool="pydocstyle", message=message, type=kind, file=unparsed["file"]))
            return False
        self._where = WHERE.match(line)
        return self._where is not None or None

    def more(self, line: str, ctx: Context) -> Status:
        where, self._where = self._where, None
        code = CODE.match(line)
        if where is None or code is None:
            return Status.REJECT  # a location with no code under it is not pydocstyle's
        ctx.hit(
            Hit(
                tool="pydocstyle",
                message=code["message"],
                type="lint",
                file=where["file"],
                line=to_int(where["line"]),
                rule=code["rule"],
            )
        )
        return Status.DONE


PARSERS: tuple[type[Parser], ...] = (Pydocstyle,)

"""GitHub Actions workflow commands: `::error file=a.js,line=10,col=15,endLine=12,endColumn=3,title=T::msg`.

Any step can print them (many linters have a `github` output format), so they arrive in logs from
everywhere. Properties come in any order; values escape `%`, CR, LF, `:` and `,` as %25 %0D %0A %3A %2C,
the message escapes `%`, CR and LF. The title is the rule: it names the check, not the tool that printed
it. A `path:line:col: ` at the head of the message that repeats the properties (ruff) is dropped.
yamllint's own `-f github` format is recognised by its message (`3:7 [commas] too few spaces…`) and keeps
its tool and rule.

`::error` and `::warning` hold the scanner's ERROR and WARN anchors; `::notice` holds none, so the parser
also reads the stream's tail (`tail = True`): a notice is found only in the last 256 KiB of its stream,
after the records of the rest of the log. Lines seen both ways give the same hit, which the merge folds.
"""

from __future__ import annotations

import re

from .base import ERROR, WARN, Context, Hit, Parser, to_int

_UNESCAPE = re.compile(r"%(25|0D|0A|3A|2C)", re.IGNORECASE)
_CHARS = {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}
_LOCATION_PREFIX = re.compile(r"^\S+?:(?P<line>\d+)(?::\d+)?: ")  # as in "::error …::app.py:1:8: F401 …"
_YAMLLINT = re.compile(
    r"^\d+:\d+ (?:\[(?P<rule>[\w-]+)\] (?P<message>.+)|(?P<syntax>syntax error: .+) \(syntax\))$"
)


def unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: _CHARS[m.group(1).upper()], text)


def properties(text: str) -> dict[str, str]:
    props: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if sep:
            props[key.strip()] = unescape(value.strip())
    return props


class WorkflowCommand(Parser):
    name = "github"
    tools = ("github", "yamllint")
    anchors = (ERROR, WARN)
    tail = True
    trigger = re.compile(
        r"^::(?P<gh_level>error|warning|notice)(?: (?P<gh_props>[^:]*))?::(?P<gh_message>.*)$"
    )

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool | None:
        message = unescape(m.group("gh_message")).strip()
        if not message:
            return None
        props = properties(m.group("gh_props") or "")
        hit = Hit(
            tool="github",
            message=message,
            file=props.get("file") or None,
            line=to_int(props.get("line")),
            column=to_int(props.get("col")),
            end_line=to_int(props.get("endLine")),
            end_column=to_int(props.get("endColumn")),
            severity=m.group("gh_level"),
            rule=props.get("title") or None,
        )
        prefix = _LOCATION_PREFIX.match(message)
        if prefix is not None and hit.line is not None and int(prefix.group("line")) == hit.line:
            hit.message = message[prefix.end() :]
        yl = _YAMLLINT.match(message)
        if yl is not None and hit.file:
            hit.tool = "yamllint"
            hit.rule = yl.group("rule") or "syntax"
            hit.message = yl.group("message") or yl.group("syntax")
            hit.type = "syntax_error" if yl.group("syntax") else "lint"
        ctx.hit(hit)
        return False


PARSERS: tuple[type[Parser], ...] = (WorkflowCommand,)

"""GitLab Code Quality (Code Climate) JSON → hits: an array of issues.

GitLab reads `description`, `check_name`, `fingerprint`, `severity` and `location.path` with
`location.lines.begin` or `location.positions.begin.line`; so do we, plus the column and end where the
writer gave them (`positions`).

The tool: Code Climate's `engine_name` when present; else the first part of a `tool/rule` check name when
it is a tool we know (that is how selfheal's own `--format codequality` writes it, so a report read back
keeps its tools); else the rule's shape (`DL3008` hadolint, `SC2086` shellcheck); else "codequality".
A description that repeats the check name in front (`F401: …`, as ruff and golangci-lint write it) loses it.

Severity: info → note, minor → warning, major, critical and blocker → error (hadolint's file: its own
mapping read back, major → warning). Categories "Security" make the type security; otherwise the tool's
own conventions (inputs/tools.py) decide.
"""

from __future__ import annotations

import re
from typing import Any

from ..hit import Hit
from ..junit import anchor
from .base import Unreadable, guarded, lst, number, obj, parse_json, read_bytes, source_of, text
from .tools import finish, tool_name

_SEVERITY = {"info": "note", "minor": "warning", "major": "error", "critical": "error", "blocker": "error"}
# hadolint's own mapping (error → blocker, warning → major, info → info, style → minor), read back
_TOOL_SEVERITY = {"hadolint": {"blocker": "error", "major": "warning", "minor": "style", "info": "info"}}
_HADOLINT = re.compile(r"^DL\d{4}$")
_SHELLCHECK = re.compile(r"^SC\d{4}$")


def read_codequality(path: str) -> tuple[list[Hit], str | None]:
    """Hits for every issue in `path`, and a warning when the file could not be read."""
    hits, warning = guarded(path, "Code Quality JSON", _read)
    return anchor(hits, path), warning


def _read(path: str) -> list[Hit]:
    doc = parse_json(read_bytes(path, "Code Quality JSON"), path, "Code Quality JSON")
    if not is_codequality(doc):
        raise Unreadable(f"{path}: not a Code Quality report (an array of issues with a location)")
    return from_document(doc, source_of("codequality"))


def is_codequality(doc: Any) -> bool:
    """An array whose objects all look like Code Climate issues (an empty array is a clean report)."""
    if not isinstance(doc, list) or not all(isinstance(item, dict) for item in doc):
        return False
    return all("location" in item and ("description" in item or "check_name" in item) for item in doc)


def from_document(doc: list[Any], source: str) -> list[Hit]:
    known = _known_tools()
    # hadolint names its own rules DL…, and the shellcheck rules it runs on RUN lines SC…
    hadolint = any(_HADOLINT.match(text(obj(issue).get("check_name"))) for issue in doc)
    hits = []
    for issue in doc:
        hit = _hit(obj(issue), known, source, hadolint)
        if hit is not None:
            hits.append(hit)
    return hits


def _hit(issue: dict[str, Any], known: frozenset[str], source: str, hadolint: bool) -> Hit | None:
    if text(issue.get("type")).lower() not in ("", "issue"):
        return None  # Code Climate's "measurement" entries are no findings
    check = text(issue.get("check_name")).strip()
    tool, rule = _tool_and_rule(check, text(issue.get("engine_name")), known)
    if hadolint and _SHELLCHECK.match(check):
        tool = "hadolint"
    message = text(issue.get("description")).strip()
    if check and message.startswith(check + ": "):
        message = message[len(check) + 2 :]
    if not message:
        return None
    word = text(issue.get("severity")).lower()
    severity = _TOOL_SEVERITY.get(tool, _SEVERITY).get(word) or _SEVERITY.get(word, "error")
    hit = Hit(tool, message, severity=severity, rule=rule or None, source=source)
    categories = {text(c).lower() for c in lst(issue.get("categories"))}
    if "security" in categories:
        hit.type = "security"
    _place(hit, obj(issue.get("location")))
    return finish(hit) if hit.type != "security" else hit


def _tool_and_rule(check: str, engine: str, known: frozenset[str]) -> tuple[str, str]:
    if engine:
        return tool_name(engine), check
    head, sep, rest = check.partition("/")
    if sep and rest and head in known:
        return head, rest
    if _HADOLINT.match(check):
        return "hadolint", check
    if _SHELLCHECK.match(check):
        return "shellcheck", check
    return "codequality", check


def _place(hit: Hit, location: dict[str, Any]) -> None:
    hit.file = text(location.get("path")).strip() or None
    lines, positions = location.get("lines"), obj(location.get("positions"))
    if isinstance(lines, dict):
        hit.line, hit.end_line = number(lines.get("begin")), number(lines.get("end"))
    elif positions:
        begin, end = obj(positions.get("begin")), obj(positions.get("end"))
        hit.line, hit.column = number(begin.get("line")), number(begin.get("column"))
        hit.end_line, hit.end_column = number(end.get("line")), number(end.get("column"))
    if hit.end_line is not None and hit.line is not None and hit.end_line <= hit.line and not hit.end_column:
        hit.end_line = None  # `lines: {begin: 3, end: 3}` says no more than `begin`


def _known_tools() -> frozenset[str]:
    from ..parsers import parser_classes

    names = {tool for cls in parser_classes() for tool in cls.tools}
    return frozenset(names | {"ktlint", "detekt", "phpcs", "checkstyle", "codequality", "junit", "sarif"})

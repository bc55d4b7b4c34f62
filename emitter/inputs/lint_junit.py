"""JUnit XML written by linters: each checked file a `<testsuite>`, each finding a `<testcase>` named by its rule.

Such a file is no test report: its findings are lint records in their files, not test failures, and its
"tests" are not counted (a fix that removes findings would look like lost tests). assemble asks `read`
first for every JUnit file; None means "a test report", which emitter/junit.py then reads.

Shapes recognised, from their first elements only (a test report is not read twice):
- eslint's junit formatter: `<testsuite package="org.eslint" name="/abs/file.js">`, testcases
  `org.eslint.<rule>` with `line 3, col 5, Error - message (rule)` as text; `org.eslint.unknown` is a parse error;
- ruff `--output-format junit`: `<testsuites name="ruff">`, testcases `org.ruff.<code>` with `line` and
  `column` attributes; the same `org.<tool>.<rule>` convention is read for any other tool that follows it;
- golangci-lint `junit-xml`: testcases named by the linter with classname `file:line:col`.
"""

from __future__ import annotations

import re
from typing import Any

from ..hit import Hit
from ..junit import anchor
from . import safe_xml
from .base import Unreadable, number
from .tools import finish, tool_name

_ORG_RULE = re.compile(r"^org\.(?P<tool>[a-z][\w-]*)\.(?P<rule>.+)$")
_GOLANGCI = re.compile(r"^(?P<file>.+?\.go):(?P<line>\d+)(?::(?P<col>\d+))?$")
_BODY = re.compile(r"^line (?P<line>\d+), col (?P<col>\d+), (?P<severity>Error|Warning) - ")


def read(path: str) -> tuple[list[Hit], str | None] | None:
    """The file's findings when a linter wrote it, else None; a warning when it could not be read."""
    shape = _shape(path)
    if shape is None:
        return None
    try:
        root = safe_xml.load(path, "JUnit XML")
        hits = [hit for case, suite in _cases(root) if (hit := _hit(case, suite, shape)) is not None]
    except Unreadable as exc:
        return [], " ".join(str(exc).split())
    return anchor(hits, path), None


def _shape(path: str) -> str | None:
    """ "org" or "golangci" when the first testcases say a linter wrote the file."""
    cases = 0
    for elem in safe_xml.head(path):
        if elem.tag == "testsuite" and (elem.get("package") or "").startswith("org.") and _file_like(elem):
            return "org"
        if elem.tag == "testcase":
            cases += 1
            name, classname = elem.get("name") or "", elem.get("classname") or ""
            if _ORG_RULE.match(name) and not _GOLANGCI.match(classname):
                return "org"
            if _GOLANGCI.match(classname) and re.fullmatch(r"[a-z][\w-]*", name):
                return "golangci"
            if cases >= 3:
                return None
    return None


def _file_like(suite: Any) -> bool:
    name = suite.get("name") or ""
    return "/" in name or "\\" in name or bool(re.search(r"\.\w+$", name))


def _cases(root: Any) -> list[tuple[Any, Any]]:
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return [(case, suite) for suite in suites for case in suite.findall("testcase")]


def _hit(case: Any, suite: Any, shape: str) -> Hit | None:
    result = next((c for c in case if c.tag in ("failure", "error")), None)
    if result is None:
        return None  # a file without findings
    body = (result.text or "").strip()
    message = (result.get("message") or "").strip() or body.split("\n", 1)[0]
    if shape == "golangci":
        where = _GOLANGCI.match(case.get("classname") or "")
        assert where is not None
        prefix = f"{where['file']}:{where['line']}"
        message = re.sub(rf"^{re.escape(prefix)}(?::\d+)?: ", "", message)
        hit = Hit("go-vet", message, rule=case.get("name"), source="junit")
        hit.file, hit.line, hit.column = where["file"], number(where["line"]), number(where["col"])
        return finish(hit)
    org = _ORG_RULE.match(case.get("name") or "")
    tool, rule = (tool_name(org["tool"]), org["rule"]) if org else ("junit", case.get("name"))
    hit = Hit(tool, message, rule=rule, source="junit")
    hit.file = (suite.get("name") or "").strip() or None
    located = _BODY.match(body)
    hit.line = number(case.get("line")) or (number(located["line"]) if located else None)
    hit.column = number(case.get("column")) or (number(located["col"]) if located else None)
    if located is not None:
        hit.severity = located["severity"].lower()
    else:
        severity = case.find("properties/property[@name='severity']")
        hit.severity = (severity.get("value") if severity is not None else None) or "error"
    return finish(hit)

"""SARIF 2.1.0 logs → hits: one per result that is a live problem, with the tool's own fix when it gave one.

Read leniently, by walking plain dicts (no schema library: this runs at the end of every build step): a
field of the wrong shape counts as absent, a broken result is skipped, and only a file that is not a SARIF
log at all becomes a warning.

- Several runs per file. tool = run.tool.driver.name, lower-cased, first word ("Semgrep OSS" → "semgrep").
- Level, as SARIF defines it: result.level, else the rule's defaultConfiguration.level (found through
  result.rule / ruleIndex / ruleId, in the driver or its extensions), else "warning"; a result whose kind is
  not "fail" is a note, and kinds "pass" and "notApplicable" are no problem at all (skipped).
- Skipped: suppressed results (suppressions present, every one accepted or without a status) and
  baselineState "absent" (fixed since the baseline).
- Message: message.text, else message.id looked up in the rule's messageStrings (then the driver's
  globalMessageStrings), {0}-style arguments substituted.
- Location: the first physicalLocation; uriBaseId resolved through run.originalUriBaseIds (chains allowed),
  file:// URIs made paths; region columns are 1-based and endColumn is exclusive, as in the report.
- Type: security when the rule or result is tagged "security" (or carries a security-severity), or the tool
  is a security scanner only; format for formatters; syntax_error for parse errors; lint otherwise.
- Tool notifications of level error (ESLint reports parse errors there) are hits too.
- fixes: the first fix whose every replacement has a complete line/column deletedRegion becomes
  fix = {"description", "edits": [{file, start_line, start_column, end_line, end_column, text}]}
  (end exclusive, as emitter.report.Edit); a region given by character offsets or reaching the end of a
  line cannot be expressed without reading the file, so such a fix is left out rather than applied wrongly.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any
from urllib.parse import unquote, urlparse

from .hit import Hit
from .junit import anchor, one_line

MAX_BYTES = 256 * 1024 * 1024  # a parsed tree takes several times the file: refuse rather than swap
# tools that find nothing but security problems, and formatters
SECURITY_ONLY = frozenset(
    ("bandit", "gosec", "trivy", "grype", "snyk", "checkov", "tfsec", "kics", "gitleaks")
)
FORMATTERS = frozenset(("prettier", "black", "rustfmt", "gofmt", "goimports", "clang-format", "shfmt"))
_SYNTAX_RULES = ("syntax-error", "invalid-syntax")
_SYNTAX = re.compile(r"pars(?:e|ing) error|syntax ?error|invalid syntax", re.I)
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\d+)\}")
_LEVELS = {"error", "warning", "note", "none"}


def read_sarif(path: str) -> tuple[list[Hit], str | None]:
    """Hits for every live result in `path`, and a warning when the file could not be read."""
    try:
        log = _load(path)
        if isinstance(log, str):
            return [], one_line(log)
        hits: list[Hit] = []
        for run in _list(log.get("runs")):
            if isinstance(run, dict):
                hits.extend(_Run(run).hits())
        return anchor(hits, path), None
    except Exception as exc:  # a report file must never break the build step it describes
        return [], one_line(f"{path}: SARIF not read ({type(exc).__name__}: {str(exc)[:200]})")


def _load(path: str) -> dict[str, Any] | str:
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            return f"{path}: SARIF not read (larger than {MAX_BYTES // 2**20} MiB)"
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return f"{path}: SARIF not read ({exc.strerror or exc})"
    if not data.strip():
        return f"{path}: SARIF file is empty"
    try:
        log = json.loads(data.decode("utf-8-sig", errors="replace"))
    except RecursionError:
        return f"{path}: SARIF not read (JSON nested too deeply)"
    except ValueError as exc:
        return f"{path}: SARIF is not valid JSON ({exc})"
    if not isinstance(log, dict) or not isinstance(log.get("runs"), list):
        return f"{path}: not a SARIF log (no runs array)"
    return log


class _Run:
    def __init__(self, run: dict[str, Any]) -> None:
        tool = _obj(run.get("tool"))
        self.driver = _obj(tool.get("driver"))
        self.extensions = [_obj(e) for e in _list(tool.get("extensions"))]
        name = _str(self.driver.get("name")).strip().lower()
        self.tool = name.split()[0] if name else "sarif"
        self.bases = _obj(run.get("originalUriBaseIds"))
        self.artifacts = _list(run.get("artifacts"))
        self.by_id: dict[str, dict[str, Any]] = {}
        for component in (*self.extensions[::-1], self.driver):  # the driver's own rule wins
            for rule in _list(component.get("rules")):
                if isinstance(rule, dict) and isinstance(rule.get("id"), str):
                    self.by_id[rule["id"]] = rule
        self.run = run

    def hits(self) -> list[Hit]:
        hits = []
        for result in _list(self.run.get("results")):
            if isinstance(result, dict) and (hit := self._result(result)) is not None:
                hits.append(hit)
        for invocation in _list(self.run.get("invocations")):
            invocation = _obj(invocation)
            for key in ("toolExecutionNotifications", "toolConfigurationNotifications"):
                for note in _list(invocation.get(key)):
                    if isinstance(note, dict) and (hit := self._notification(note)) is not None:
                        hits.append(hit)
        return hits

    def _result(self, result: dict[str, Any]) -> Hit | None:
        kind = _str(result.get("kind")) or "fail"
        if (
            kind in ("pass", "notApplicable")
            or _suppressed(result)
            or result.get("baselineState") == "absent"
        ):
            return None  # not a problem, accepted as one, or gone since the baseline
        rule = self._rule(result)
        rule_id = (
            _str(result.get("ruleId")) or _str(_obj(result.get("rule")).get("id")) or _str(rule.get("id"))
        )
        default = _str(_obj(rule.get("defaultConfiguration")).get("level"))
        level = _str(result.get("level")) or default or "warning"
        if level not in _LEVELS:
            level = "warning"
        if kind != "fail":
            level = "note"
        message = self._message(_obj(result.get("message")), rule)
        if not message:
            return None
        hit = Hit(self.tool, message, self._type(rule, result, message), severity=level, source="sarif")
        hit.rule = rule_id or None
        self._place(hit, _list(result.get("locations")))
        hit.fix = self._fix(_list(result.get("fixes")))
        return hit

    def _notification(self, note: dict[str, Any]) -> Hit | None:
        if (_str(note.get("level")) or "warning") != "error":
            return None
        message = self._message(_obj(note.get("message")), {})
        if not message:
            return None
        kind = "syntax_error" if _SYNTAX.search(message) else "unknown"
        hit = Hit(self.tool, message, kind, severity="error", source="sarif")
        hit.rule = _str(_obj(note.get("descriptor")).get("id")) or None
        self._place(hit, _list(note.get("locations")))
        return hit

    def _rule(self, result: dict[str, Any]) -> dict[str, Any]:
        ref = _obj(result.get("rule"))
        index = _int(ref.get("index"), 0)
        if index is None:
            index = _int(result.get("ruleIndex"), 0)
        component = self.driver
        extension = _int(_obj(ref.get("toolComponent")).get("index"), 0)
        if extension is not None and extension < len(self.extensions):
            component = self.extensions[extension]
        rules = _list(component.get("rules"))
        if index is not None and index < len(rules) and isinstance(rules[index], dict):
            return rules[index]  # type: ignore[no-any-return]
        return self.by_id.get(_str(result.get("ruleId")) or _str(ref.get("id")), {})

    def _message(self, message: dict[str, Any], rule: dict[str, Any]) -> str:
        text = _str(message.get("text")) or _str(message.get("markdown"))
        if not text and (mid := _str(message.get("id"))):
            strings = _obj(_obj(rule.get("messageStrings")).get(mid)) or _obj(
                _obj(self.driver.get("globalMessageStrings")).get(mid)
            )
            text = _str(strings.get("text")) or _str(strings.get("markdown"))
        args = [str(a) for a in _list(message.get("arguments"))]
        if args and text:
            text = _PLACEHOLDER.sub(lambda m: _argument(m, args), text)
        return text.strip()

    def _type(self, rule: dict[str, Any], result: dict[str, Any], message: str) -> str:
        props = [_obj(rule.get("properties")), _obj(result.get("properties"))]
        tags = {_str(t).lower() for p in props for t in _list(p.get("tags"))}
        if "security" in tags or any("security-severity" in p for p in props) or self.tool in SECURITY_ONLY:
            return "security"
        if self.tool in FORMATTERS:
            return "format"
        if _SYNTAX.search(message) or _str(result.get("ruleId")).lower() in _SYNTAX_RULES:
            return "syntax_error"
        return "lint"

    def _place(self, hit: Hit, locations: list[Any]) -> None:
        physical = _obj(next((_obj(loc).get("physicalLocation") for loc in locations), None))
        hit.file = self._uri(_obj(physical.get("artifactLocation")))
        region = _obj(physical.get("region"))
        hit.line = _int(region.get("startLine"))
        if hit.line is not None:
            hit.column = _int(region.get("startColumn"))
            hit.end_column = _int(region.get("endColumn"))
            hit.end_line = _int(region.get("endLine")) or (hit.line if hit.end_column else None)

    def _uri(self, location: dict[str, Any]) -> str | None:
        """An artifactLocation as a path: relative when the log leaves it relative to an unknown base."""
        uri = self._full_uri(location, ())
        return _path(uri) if uri else None

    def _full_uri(self, location: dict[str, Any], seen: tuple[str, ...]) -> str:
        uri = _str(location.get("uri"))
        base_id = _str(location.get("uriBaseId"))
        index = _int(location.get("index"), 0)
        if not uri and index is not None and index < len(self.artifacts):
            artifact = _obj(_obj(self.artifacts[index]).get("location"))
            uri, base_id = _str(artifact.get("uri")), base_id or _str(artifact.get("uriBaseId"))
        if uri and base_id and base_id not in seen and not _absolute(uri):
            base = self._full_uri(_obj(self.bases.get(base_id)), (*seen, base_id))  # bases may chain
            if base:
                uri = base.rstrip("/") + "/" + uri
        return uri

    def _fix(self, fixes: list[Any]) -> dict[str, Any] | None:
        for fix in fixes:
            fix = _obj(fix)
            edits = self._edits(fix)
            if edits:
                return {"description": self._message(_obj(fix.get("description")), {}), "edits": edits}
        return None

    def _edits(self, fix: dict[str, Any]) -> list[dict[str, Any]] | None:
        """Every replacement of the fix, or None when one of them cannot be expressed: half a fix is worse."""
        edits = []
        for change in _list(fix.get("artifactChanges")):
            change = _obj(change)
            file = self._uri(_obj(change.get("artifactLocation")))
            for replacement in _list(change.get("replacements")):
                edit = _edit(file, _obj(replacement))
                if edit is None:
                    return None
                edits.append(edit)
        return edits


def _edit(file: str | None, replacement: dict[str, Any]) -> dict[str, Any] | None:
    region = _obj(replacement.get("deletedRegion"))
    start_line = _int(region.get("startLine"))
    end_column = _int(region.get("endColumn"))
    if file is None or start_line is None or end_column is None:
        return None  # offsets, or "to the end of the line": not expressible without the file
    end_line = _int(region.get("endLine")) or start_line
    return {
        "file": file,
        "start_line": start_line,
        "start_column": _int(region.get("startColumn")) or 1,
        "end_line": end_line,
        "end_column": end_column,
        "text": _str(_obj(replacement.get("insertedContent")).get("text")),
    }


def _suppressed(result: dict[str, Any]) -> bool:
    suppressions = [_obj(s) for s in _list(result.get("suppressions"))]
    return bool(suppressions) and all(_str(s.get("status")) in ("", "accepted") for s in suppressions)


def _argument(m: re.Match[str], args: list[str]) -> str:
    if m.group(1) is None:
        return m.group(0)[0]  # "{{" and "}}" stand for one brace
    n = int(m.group(1))
    return args[n] if n < len(args) else m.group(0)


def _absolute(uri: str) -> bool:
    return uri.startswith("/") or bool(re.match(r"^[A-Za-z][\w+.-]*:", uri))


def _path(uri: str) -> str:
    """file:///x/y → /x/y; `src/a%20b.py` → src/a b.py; other schemes are kept as they are."""
    if uri.startswith("file:"):
        parsed = urlparse(uri)
        path = unquote(parsed.path)
        if re.match(r"^/[A-Za-z]:/", path):  # file:///C:/x
            path = path[1:]
        return f"//{parsed.netloc}{path}" if parsed.netloc not in ("", "localhost") else path
    if re.match(r"^[A-Za-z][\w+.-]+:", uri):
        return uri
    return unquote(uri)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any, least: int = 1) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= least else None

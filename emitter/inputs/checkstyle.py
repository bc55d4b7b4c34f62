"""checkstyle XML → hits: `<checkstyle><file name><error line column severity message source/></file>`.

Many linters write it (it is what Jenkins' warnings plugin and reviewdog read); each fills `source` its own
way, and that is how the tool of each finding is told:

| source                                  | tool        | rule                         |
|-----------------------------------------|-------------|------------------------------|
| `eslint.rules.no-undef` (empty: a parse error in a .js/.ts file) | eslint | no-undef         |
| `ShellCheck.SC2086`                     | shellcheck  | SC2086                       |
| `DL3008`, `SC2086`; empty for a Dockerfile (a parse error) | hadolint | as is           |
| `detekt.MagicNumber`                    | detekt      | MagicNumber                  |
| `standard:no-semi` in a .kt/.kts file   | ktlint      | as is                        |
| `Generic.Files.LineLength.TooLong` in a .php file | phpcs | as is                       |
| `com.puppycrawl.tools.checkstyle.checks….WhitespaceAroundCheck` | checkstyle | WhitespaceAround |
| a linter name in a .go file (`errcheck`)| go-vet (golangci-lint, as parsers/go.py names it) | the linter |
| anything else                           | checkstyle  | as is                        |

Severity `ignore` means "not reported" to Checkstyle: such errors are skipped. Line 0 is a finding about the
whole file (no line). Columns are 1-based.
"""

from __future__ import annotations

import re
from typing import Any

from ..hit import Hit
from ..junit import anchor
from . import safe_xml
from .base import guarded, number, source_of
from .tools import finish

_JS = re.compile(r"\.(?:[cm]?[jt]sx?|vue|svelte)$")
_KOTLIN = re.compile(r"\.kts?$")
_KTLINT = re.compile(r"^[a-z][\w-]*:[a-z][\w-]*$")
_HADOLINT = re.compile(r"^(?:DL|SC)\d{4}$")
_DOCKERFILE = re.compile(r"(?:^|/)[^/]*(?:[Dd]ockerfile|[Cc]ontainerfile)[^/]*$")
_PHPCS = re.compile(r"^[A-Z][\w]*(?:\.[A-Z]\w*){2,3}$")
_CHECKSTYLE_CHECK = re.compile(
    r"^com\.puppycrawl\.tools\.checkstyle\.(?:[\w.]+\.)?(?P<check>\w+?)(?:Check)?$"
)
_GO_LINTER = re.compile(r"^[a-z][\w-]*$")


def read_checkstyle(path: str) -> tuple[list[Hit], str | None]:
    """Hits for every reported error in `path`, and a warning when the file could not be read."""
    hits, warning = guarded(path, "checkstyle XML", _read)
    return anchor(hits, path), warning


def _read(path: str) -> list[Hit]:
    root = safe_xml.load(path, "checkstyle XML")
    if root.tag != "checkstyle":
        from .base import Unreadable

        raise Unreadable(f"{path}: not a checkstyle XML report (root element <{root.tag}>)")
    hits = []
    for file in root.iter("file"):
        name = (file.get("name") or "").strip()
        for error in file.iter("error"):
            hit = _hit(name, error)
            if hit is not None:
                hits.append(hit)
    return hits


def _hit(file: str, error: Any) -> Hit | None:
    severity = (error.get("severity") or "error").strip().lower()
    message = (error.get("message") or "").strip()
    if severity == "ignore" or not message:
        return None
    tool, rule = tool_and_rule((error.get("source") or "").strip(), file, message)
    hit = Hit(tool, message, severity=severity, rule=rule, source=source_of("checkstyle"))
    hit.file = file or None
    hit.line = number(error.get("line"))
    hit.column = number(error.get("column")) if hit.line else None
    return finish(hit)


def tool_and_rule(source: str, file: str, message: str) -> tuple[str, str | None]:
    """Who reported an error, from the marks each tool leaves in `source` (see the table above)."""
    if source.startswith("eslint.rules."):
        return "eslint", source.removeprefix("eslint.rules.")
    if not source and _JS.search(file) and message.startswith("Parsing error"):
        return "eslint", None
    if source.startswith("ShellCheck."):
        return "shellcheck", source.removeprefix("ShellCheck.")
    if source.startswith("detekt."):
        return "detekt", source.removeprefix("detekt.")
    if _HADOLINT.match(source) or (not source and _DOCKERFILE.search(file)):
        return "hadolint", source or None
    if _KTLINT.match(source) and _KOTLIN.search(file):
        return "ktlint", source
    if _PHPCS.match(source) and file.endswith(".php"):
        return "phpcs", source
    check = _CHECKSTYLE_CHECK.match(source)
    if check is not None:
        return "checkstyle", check["check"]
    if _GO_LINTER.match(source) and file.endswith(".go"):
        return "go-vet", source
    return "checkstyle", source or None

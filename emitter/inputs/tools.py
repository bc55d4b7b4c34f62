"""A finding read from a report file, made to look as the text parser of its tool makes it.

The same finding can reach a report twice: in a tool's text output (the log) and in its JSON or XML.
The merge folds two hits into one record when file, line, rule and message agree, and the fingerprint
(tool + rule + file + message) must not change with the format a tool happened to write. So each reader
names the tool, and `finish` applies that tool's conventions, borrowed from its text parser:

| tool        | rule                  | type                                           | severity           | message |
|-------------|-----------------------|------------------------------------------------|--------------------|---------|
| ruff, flake8| the code              | python_lint.lint_kind                          | the code's letter  | as is   |
| eslint      | ruleId                | syntax_error for "Parsing error", else lint    | as given           | stylish's: no final period, no " (rule)" |
| shellcheck  | SC + code             | shell.shellcheck_kind (SC1xxx errors: syntax)  | as given           | as is   |
| hadolint    | DL/SC code; DL1000 (its parse error) has none, as in text | syntax_error for DL1000, else lint (no column: always 1) | as given | a parse error's from "unexpected" on, folded |
| pyright     | reportX               | import_error / syntax_error (error, no rule) / type_error | as given | addenda as its text shows them |
| mypy        | the error code        | syntax_error / import_error / type_error       | as given           | as is   |
| go-vet      | the golangci-lint linter | lint                                        | as given           | as is   |

Other tools keep what the file says; a finding of unknown type is lint, or syntax_error when its message
says it is one. Tools are named as the text parsers name them (`golangci-lint` → `go-vet`, as
parsers/go.py does for its `(linter)` lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..hit import Hit

_NAMES = {
    "golangci-lint": "go-vet",
    "golangci": "go-vet",
    "golangci_lint": "go-vet",
    "eslint": "eslint",
    "shellcheck": "shellcheck",
    "ruff": "ruff",
    "hadolint": "hadolint",
}
_SYNTAX = re.compile(r"pars(?:e|ing) error|syntax ?error|invalid syntax", re.I)
_RULE_SUFFIX = re.compile(r" \((?P<rule>[@\w][\w@/.:-]*)\)$")
_STYLISH_PERIOD = re.compile(r"([^ ])\.$")  # eslint's stylish formatter drops a final period
_PY_CODE = re.compile(r"^[A-Z]{1,5}\d{1,4}$")
_MYPY_IMPORT = frozenset({"import", "import-not-found", "import-untyped"})
_PYRIGHT_IMPORT = frozenset({"reportMissingImports", "reportMissingModuleSource"})


def tool_name(raw: str) -> str:
    """A producer's name as the report names the tool: lower-case, first word, text parsers' spelling."""
    words = raw.strip().lower().split()
    name = words[0] if words else ""
    return _NAMES.get(name, name)


def finish(hit: Hit) -> Hit:
    hit.message = hit.message.strip()
    hit.rule = (hit.rule or "").strip() or None
    profile = _PROFILES.get(hit.tool)
    if profile is not None:
        profile(hit)
    elif hit.type == "unknown":
        hit.type = "syntax_error" if _SYNTAX.search(hit.message) else "lint"
    return hit


def _python_lint(hit: Hit) -> None:
    from ..parsers.python_lint import lint_kind

    if hit.rule is None and hit.tool == "ruff" and _SYNTAX.search(hit.message):
        hit.rule = "invalid-syntax"  # ruff's text names its parse errors so
    rule = hit.rule or ""
    hit.type = lint_kind(rule, hit.message)
    hit.severity = rule[0] if _PY_CODE.match(rule) else "error"


def _eslint(hit: Hit) -> None:
    suffix = _RULE_SUFFIX.search(hit.message)
    if suffix is not None and suffix["rule"] in (hit.rule, "unknown"):
        hit.message = hit.message[: suffix.start()]  # the checkstyle and junit formatters add it
    hit.message = _STYLISH_PERIOD.sub(r"\1", hit.message)
    hit.type = "syntax_error" if hit.message.startswith("Parsing error") else "lint"
    if hit.rule == "unknown":  # the junit formatter's name for a finding without a rule
        hit.rule = None


def _shellcheck(hit: Hit) -> None:
    from ..parsers.shell import shellcheck_kind

    if hit.rule and hit.rule.isdigit():
        hit.rule = f"SC{hit.rule}"
    hit.severity = (hit.severity or "error").lower()
    hit.type = shellcheck_kind(hit.rule, hit.severity, hit.message)


def _hadolint(hit: Hit) -> None:
    if hit.rule and hit.rule.isdigit():
        hit.rule = f"SC{hit.rule}"
    if hit.rule in (None, "DL1000"):  # the Dockerfile did not parse: the text format names no rule for it
        hit.rule, hit.type = None, "syntax_error"
        words = " ".join(hit.message.split())
        start = words.find("unexpected ")  # after megaparsec's `file:3:1: | 3 | FROMM x | ^` excerpt
        hit.message = words[start:] if start > 0 else words
    else:
        hit.type = "lint"
        hit.column = hit.end_column = None  # always 1 in its reports: the rules are about whole lines


def _pyright(hit: Hit) -> None:
    # the addenda under the first line are indented by pairs of no-break spaces, the first pair from the
    # message's own margin: the text parser drops that pair and keeps the rest as spaces
    first, *more = hit.message.split("\n")
    more = [line.replace("\u00a0", " ")[2:] if line[:2].isspace() else line for line in more]
    hit.message = "\n".join([first, *more])
    if hit.rule in _PYRIGHT_IMPORT:
        hit.type = "import_error"
    elif hit.rule is None and hit.severity == "error":
        hit.type = "syntax_error"
    else:
        hit.type = "type_error"


def _mypy(hit: Hit) -> None:
    if hit.rule == "syntax" or (hit.rule is None and hit.message.startswith("invalid syntax")):
        hit.type = "syntax_error"
    elif hit.rule in _MYPY_IMPORT:
        hit.type = "import_error"
    else:
        hit.type = "type_error"


def _lint(hit: Hit) -> None:
    hit.type = "lint"


_PROFILES: dict[str, Callable[[Hit], None]] = {
    "ruff": _python_lint,
    "flake8": _python_lint,
    "eslint": _eslint,
    "shellcheck": _shellcheck,
    "hadolint": _hadolint,
    "pyright": _pyright,
    "mypy": _mypy,
    "go-vet": _lint,
}

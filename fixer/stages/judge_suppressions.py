"""Suppressions: an added line that silences a tool (`# noqa`, `eslint-disable`, `#[allow(`, `@SuppressWarnings`)
turns a failing check green without fixing anything, in any file of any language. Counted per marker like
the diff guard counts skip markers: more lines with it added than removed in one file means the change adds
one; a line that only moved (or was reformatted) adds nothing.
"""

from __future__ import annotations

import re

from ..context import Change

_Table = tuple[tuple[str, str], ...]

# Markers that silence a tool, searched in each added line. Counted per entry like the diff guard counts
# skip markers: more matching lines added than removed in one file means one was added (a moved line is not).
SUPPRESSIONS: _Table = (
    (r"\bnoqa\b", "flake8/Ruff/ansible-lint/sqlfluff"),
    (r"\btype\s*:\s*ignore\b", "mypy/pyright"),
    (
        r"#\s*(pyright|mypy)\s*:|#\s*(ty|pyrefly|pytype)\s*:\s*(ignore|disable)|\bpyre-(ignore|fixme|unsafe)",
        "type checker inline config",
    ),
    (r"\bpylint\s*:\s*(disable|skip)", "Pylint"),
    (r"\bnosec\b", "Bandit/gosec"),
    (
        r"\bpragma\s*:\s*no\s*(cover|branch)\b|\bcoverage\s*:\s*ignore|\bLCOV_EXCL|:nocov:|@codeCoverageIgnore|\bExcludeFromCodeCoverage\b|#\[coverage\(off\)\]",
        "coverage",
    ),
    (r"\b(istanbul|c8|v8)\s+ignore\b", "Istanbul/c8 coverage"),
    (
        r"\b(fmt|yapf|autopep8|isort)\s*:\s*(off|skip|disable)|\bisort\s*:\s*skip|rustfmt::skip|\b(stylua|swiftformat)\s*:\s*(ignore|disable)",
        "formatter",
    ),
    (
        r"\b(eslint|oxlint|tslint|stylelint|markdownlint|textlint|jscs|swiftlint|ktlint|erblint|cspell|spell-?checker)[-:\s]*(disable|ignore|off)\b",
        "linter disable comment",
    ),
    (r"@ts-(ignore|expect-error|nocheck)\b|\$Flow(FixMe|Ignore|ExpectedError|Issue)\b", "TypeScript/Flow"),
    (r"\b(prettier|biome|dprint)-ignore\b|\bdeno-(lint|fmt)-ignore", "Prettier/Biome/Deno"),
    (r"#!?\[\s*(cfg_attr\s*\(.*)?\b(allow|expect)\s*\(", "Rust lint level (also inside cfg_attr)"),
    (
        r"//\s*nolint\b|\bNOLINT(NEXTLINE|BEGIN)?\b|\blint:(file-)?ignore\b",
        "golangci-lint/clang-tidy/staticcheck",
    ),
    (r"//go:build\s+ignore\b|//\s*\+build\s+ignore\b", "Go build constraint (drops the file from `go test`)"),
    (
        r"@(file:)?Suppress\w*\b|\bSuppressMessage\b|\bNOPMD\b|CHECKSTYLE\s*:?\s*OFF|\bnoinspection\b",
        "JVM/.NET suppression",
    ),
    (
        r"#\s*pragma\s+warning\s*\(?\s*disable|#\s*pragma\s+(GCC|clang)\s+diagnostic\s+ignored|#\s*nullable\s+disable|cppcheck-suppress",
        "compiler warning pragma",
    ),
    (
        r"\bshellcheck\s+disable=|\bhadolint\s+(global\s+)?ignore=|\byamllint\s+disable",
        "ShellCheck/Hadolint/yamllint",
    ),
    (
        r"\b(rubocop|standard)\s*:\s*(disable|todo)|#\s*typed:\s*(ignore|false)\b|\bsteep:ignore",
        "RuboCop/Sorbet/Steep",
    ),
    (
        r"\bphpcs\s*:\s*(ignore|disable)|@(phpstan|psalm|phan)-(ignore|suppress)",
        "PHP_CodeSniffer/PHPStan/Psalm",
    ),
    (
        r"\btflint-ignore|\bcheckov\s*:\s*skip|\b(tfsec|trivy)\s*:\s*ignore|kics-scan\s+ignore",
        "Terraform scanners",
    ),
    (
        r"\bNOSONAR\b|\bnosemgrep\b|gitleaks:allow|pragma\s*:\s*allowlist|\blgtm\s*\[|\bcodeql\s*\[",
        "security/quality scanners",
    ),
    (
        r"\bcredo:disable|---@diagnostic\s+disable|\bluacheck\s*:\s*ignore|HLint:?\s*ignore|##\s*no\s+critic|\bcodespell\s*:\s*ignore|\bvale\s+off\b|\bsourcery\s+skip",
        "other linters",
    ),
    (r"\b(filterwarnings|simplefilter)\s*\(\s*['\"]ignore", "Python warnings filter (warnings as errors)"),
)

_SUPPRESS = tuple((re.compile(rx, re.IGNORECASE), what) for rx, what in SUPPRESSIONS)
# the comment a bare marker (`noqa`, `type: ignore`) sits in, shown with it (a hash, then the marker)
_LEADER = re.compile(r"(#|//|/\*|--|<!--|%|\{-)[\s!]*$")


def added_suppression(change: Change) -> str | None:
    """The first marker the change adds that silences a tool (more lines with it added than removed)."""
    for rx, _ in _SUPPRESS:
        added = [line for line in change.added if rx.search(line)]
        if len(added) > sum(1 for line in change.removed if rx.search(line)):
            match = rx.search(added[0])
            assert match is not None
            leader = _LEADER.search(added[0][: match.start()]) if match[0][0] not in "#/-<%{" else None
            text = added[0][leader.start() if leader else match.start() :].strip()
            text = text.removesuffix("*/").removesuffix("-->").strip()
            return text if len(text) <= 60 else text[:57] + "..."
    return None

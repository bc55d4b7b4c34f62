"""The parser registry: one module per tool family, each exporting `PARSERS` in priority order.

Order matters where formats overlap: specific tools first, `infra` before the generic fallback, and
`generic` last. tests/test_structure.py checks that every parser has real-tool fixtures.
"""

from __future__ import annotations

from . import (
    cargo_test,
    ctest,
    format_lists,
    gcc,
    generic,
    github,
    go,
    go_test,
    gradle,
    hlint,
    infra,
    javascript,
    jvm,
    kotlin,
    maven,
    msbuild,
    pydocstyle,
    pytest,
    python_format,
    python_lint,
    python_tb,
    python_types,
    remark,
    rubocop,
    rust,
    shell,
    standardjs,
    stylelint,
    surefire,
    terraform,
    typescript,
    yaml,
)
from .base import Parser

FAMILIES = (
    github,
    pytest,
    python_tb,
    python_types,
    python_lint,
    python_format,
    format_lists,
    pydocstyle,
    gcc,
    cargo_test,
    ctest,
    rust,
    go,
    go_test,
    jvm,
    maven,
    surefire,
    gradle,
    kotlin,
    typescript,
    javascript,
    stylelint,
    standardjs,
    remark,
    rubocop,
    hlint,
    msbuild,
    yaml,
    shell,
    terraform,
    infra,
    generic,
)


def parser_classes() -> list[type[Parser]]:
    return [cls for family in FAMILIES for cls in family.PARSERS]


def make_parsers() -> list[Parser]:
    """Fresh parser instances: parsers hold per-stream state, so every stream gets its own."""
    return [cls() for cls in parser_classes()]

"""rustc, cargo and clippy: real-tool fixtures plus the lines that are easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log

TOOLS = ("rustc", "cargo", "clippy")
# rustc runs without a hint on purpose: bare `error:` headers must then be recognised by their ` --> `
HINTS = {"cargo": "cargo build --offline", "clippy": "cargo clippy --offline"}


@pytest.mark.parametrize("tool", TOOLS)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path, HINTS.get(tool, ""))


@pytest.mark.slow
@pytest.mark.parametrize("tool", TOOLS)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path, HINTS.get(tool, ""))


UNUSED = """\
warning: unused variable: `discount`
 --> src/main.rs:5:9
  |
5 |     let discount = 5;
  |         ^^^^^^^^ help: if this is intentional, prefix it with an underscore: `_discount`
  |
  = note: `#[warn(unused_variables)]` (part of `#[warn(unused)]`) on by default

"""


def test_lint_name_from_the_warn_note_and_inline_help(tmp_path: Path) -> None:
    [record] = parse_log(UNUSED, tmp_path)
    assert (record.tool, record.rule, record.file, record.line, record.column) == (
        "rustc",
        "unused_variables",
        "src/main.rs",
        5,
        9,
    )
    assert record.suggestion == "if this is intentional, prefix it with an underscore: `_discount`"


def test_help_keeps_the_suggested_code(tmp_path: Path) -> None:
    log = """\
error[E0432]: unresolved import `std::collections::HashMapp`
 --> src/main.rs:1:5
  |
1 | use std::collections::HashMapp;
  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^ no `HashMapp` in `collections`
  |
help: a similar name exists in the module
  |
1 - use std::collections::HashMapp;
1 + use std::collections::HashMap;
  |

"""
    [record] = parse_log(log, tmp_path)
    assert (record.type, record.rule) == ("import_error", "E0432")
    assert record.suggestion == "a similar name exists in the module\nuse std::collections::HashMap;"


def test_clippy_rule_from_deny_warnings_note(tmp_path: Path) -> None:
    log = """\
error: length comparison to zero
 --> src/lib.rs:3:8
  |
3 |     if v.len() == 0 {
  |        ^^^^^^^^^^^^ help: using `is_empty` is clearer and more explicit: `v.is_empty()`
  |
  = note: `-D clippy::len-zero` implied by `-D warnings`

error: could not compile `cl` (lib) due to 1 previous error
"""
    got = essentials(parse_log(log, tmp_path))
    assert got == [
        {
            "tool": "clippy",
            "type": "lint",
            "file": "src/lib.rs",
            "line": 3,
            "column": 8,
            "severity": "error",
            "rule": "clippy::len_zero",
            "message": "length comparison to zero",
        }
    ]


def test_short_message_format(tmp_path: Path) -> None:
    log = (
        "src/main.rs:3:5: warning: unused import: `std::process`\n"
        "src/main.rs:2:1: error[E0583]: file not found for module `missing`\n"
    )
    got = [(r.tool, r.type, r.file, r.line, r.column, r.rule, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        ("rustc", "compile_error", "src/main.rs", 3, 5, None, "unused import: `std::process`"),
        ("rustc", "import_error", "src/main.rs", 2, 1, "E0583", "file not found for module `missing`"),
    ]
    [clippy] = parse_log("src/main.rs:10:13: warning: length comparison to zero\n", tmp_path, "cargo clippy")
    assert (clippy.tool, clippy.type) == ("clippy", "lint")


def test_bare_error_lines_of_other_tools_are_not_claimed(tmp_path: Path) -> None:
    log = "error: failed to push some refs to 'origin'\nwarning: redirecting to https://example.invalid/\n"
    assert all(r.tool not in ("rustc", "cargo", "clippy") for r in parse_log(log, tmp_path))


def test_cargo_caused_by_chain_ends_in_the_root_cause(tmp_path: Path) -> None:
    log = """\
error: failed to load manifest for workspace member `/ws/member`
referenced by workspace at `/ws/Cargo.toml`

Caused by:
  failed to load manifest for dependency `shared`

Caused by:
  No such file or directory (os error 2)
"""
    [record] = parse_log(log, tmp_path, hint="cargo build")
    assert (record.tool, record.type, record.file) == ("cargo", "compile_error", None)
    assert record.message == (
        "failed to load manifest for workspace member `/ws/member`: "
        "failed to load manifest for dependency `shared`: No such file or directory (os error 2)"
    )


def test_linker_failure_is_rustc_not_cargo(tmp_path: Path) -> None:
    log = """\
error: linking with `cc` failed: exit status: 1
  |
  = note: LC_ALL="C" PATH="/usr/bin" "cc" "-m64" "/tmp/rustcXYZ/symbols.o"
  = note: /usr/bin/ld: cannot find -lssl: No such file or directory
          collect2: error: ld returned 1 exit status

error: could not compile `app` (bin "app") due to 1 previous error
"""
    got = [(r.tool, r.type, r.message) for r in parse_log(log, tmp_path, "cargo build")]
    assert got == [("rustc", "compile_error", "linking with `cc` failed: exit status: 1")]

"""Linkers other than plain GNU ld: lld (also by a versioned name), gold, mold and cross-prefixed ld give the
same records as ld (tool `ld`, the source file and line when the linker names them, missing libraries as
dependencies). Real-tool fixtures first, then the lines that are easy to get wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.fixtures import check_live, check_recorded, parse_log

FIXTURES = ("ld-lld", "ld-gold", "ld-mold")
NEEDS = {"ld-lld": "ld.lld", "ld-gold": "ld.gold", "ld-mold": "mold"}


@pytest.mark.parametrize("fixture", FIXTURES)
def test_recorded(fixture: str, tmp_path: Path) -> None:
    check_recorded(fixture, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("fixture", FIXTURES)
def test_live(fixture: str, tmp_path: Path) -> None:
    if shutil.which(NEEDS[fixture]) is None:
        pytest.skip(f"{NEEDS[fixture]} is not installed (apt-get install lld mold binutils)")
    check_live(fixture, tmp_path)


def _records(log: str, tmp_path: Path) -> list[tuple[object, ...]]:
    return [(r.tool, r.type, r.file, r.line, r.message) for r in parse_log(log, tmp_path)]


@pytest.mark.parametrize(
    "program", ["ld.lld-15", "/usr/lib/llvm-17/bin/ld.lld", "ld64.lld", "rust-lld", "lld-link", "wasm-ld"]
)
def test_lld_by_any_of_its_names(program: str, tmp_path: Path) -> None:
    log = (
        f"{program}: error: undefined symbol: render\n"
        ">>> referenced by report.c:4 (/builds/acme/app/src/report.c:4)\n"
        ">>>               report.o:(main)\n"
    )
    assert _records(log, tmp_path) == [
        ("ld", "compile_error", None, 4, "undefined symbol: render")  # outside the repository: no file
    ]
    [record] = parse_log(log, tmp_path)
    assert record.raw_file == "/builds/acme/app/src/report.c"


def test_lld_reference_from_an_object_without_a_source_names_no_file(tmp_path: Path) -> None:
    log = (
        "lld-link: error: undefined symbol: _render\n"
        ">>> referenced by report.obj:(main)\n"
        "ld.lld: error: too many errors emitted, stopping now (use --error-limit=0 to see all errors)\n"
    )
    assert _records(log, tmp_path) == [("ld", "compile_error", None, None, "undefined symbol: _render")]


def test_missing_libraries_are_dependencies(tmp_path: Path) -> None:
    log = (
        "ld.lld-15: error: unable to find library -lssl\n"
        "x86_64-linux-gnu-ld.gold: error: cannot find -lcrypto\n"
        "mold: fatal: library not found: z\n"
        "collect2: error: ld returned 1 exit status\n"
    )
    assert [(t, kind, msg) for t, kind, _, _, msg in _records(log, tmp_path)] == [
        ("ld", "dependency", "unable to find library -lssl"),
        ("ld", "dependency", "cannot find -lcrypto"),
        ("ld", "dependency", "library not found: z"),
    ]


def test_objects_are_kept_out_of_duplicate_symbol_messages(tmp_path: Path) -> None:
    log = (
        "mold: error: duplicate symbol: /tmp/ccJrjFQN.o: libshapes.a(area.o): main\n"
        "/usr/bin/ld.gold: error: /tmp/cc9hsAgI.o: multiple definition of 'main'\n"
        "/usr/bin/ld.gold: /tmp/ccs4nuOU.o: previous definition here\n"
    )
    assert [msg for *_, msg in _records(log, tmp_path)] == [
        "duplicate symbol: main",
        "multiple definition of 'main'",
    ]


def test_gold_with_debug_information_is_the_linker_not_the_compiler(tmp_path: Path) -> None:
    (tmp_path / "main.c").write_text("int main(void) { return compute(); }\n")
    log = "main.c:1: error: undefined reference to 'compute'\ncollect2: error: ld returned 1 exit status\n"
    assert _records(log, tmp_path) == [
        ("ld", "compile_error", "main.c", 1, "undefined reference to 'compute'")
    ]


def test_gold_without_debug_information_names_the_source_of_the_object(tmp_path: Path) -> None:
    log = "main.o:main.c:function main: error: undefined reference to 'compute'\n"
    assert _records(log, tmp_path) == [
        ("ld", "compile_error", "main.c", None, "undefined reference to 'compute'")
    ]


def test_cross_prefixed_gnu_ld(tmp_path: Path) -> None:
    log = (
        "arm-none-eabi-ld: main.o: in function `main':\n"
        "main.c:(.text+0xa): undefined reference to `compute'\n"
        "arm-none-eabi-ld: main.c:(.text+0x12): undefined reference to `threshold'\n"
    )
    assert _records(log, tmp_path) == [
        ("ld", "compile_error", "main.c", None, "undefined reference to `compute'"),
        ("ld", "compile_error", "main.c", None, "undefined reference to `threshold'"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "build: error: the target failed",  # a name that ends in "ld" is not a linker
        "world: error: hello",
        "ld.lld: warning: cannot find entry symbol _start; not setting start address",
        "x86_64-linux-gnu-ld: warning: cannot find entry symbol _start; defaulting to 0000000000401000",
    ],
)
def test_lines_that_are_not_linker_errors(line: str, tmp_path: Path) -> None:
    assert [r for r in parse_log(line + "\n", tmp_path) if r.tool == "ld"] == []

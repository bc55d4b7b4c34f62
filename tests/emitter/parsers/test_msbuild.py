"""MSBuild's canonical diagnostics. No .NET SDK installs here: the fixture and the lines below are written
by hand in the format Microsoft documents (see tests/fixtures/msbuild/HANDWRITTEN)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_recorded, parse_log


def test_recorded(tmp_path: Path) -> None:
    check_recorded("msbuild", tmp_path)


def test_msvc_nuget_and_range_positions(tmp_path: Path) -> None:
    log = (
        "C:\\src\\native\\main.cpp(7): fatal error C1083: Cannot open include file: 'config.h': "
        "No such file or directory\n"
        "/ci/shop/Shop.csproj : error NU1101: Unable to find package Acme.Missing. No packages exist with "
        "this id in source(s): nuget.org [/ci/shop/Shop.sln]\n"
        "/ci/shop/Cart.cs(3,1,3,12): warning CS8321: The local function 'f' is declared but never used "
        "[/ci/shop/Shop.csproj]\n"
        "CSC : error CS5001: Program does not contain a static 'Main' method suitable for an entry point\n"
    )
    records = parse_log(log, tmp_path)
    got = [
        (r.raw_file, r.line, r.column, r.end_line, r.end_column, r.severity, r.rule, r.type) for r in records
    ]
    assert got == [
        ("C:\\src\\native\\main.cpp", 7, None, None, None, "error", "C1083", "compile_error"),
        ("/ci/shop/Shop.csproj", None, None, None, None, "error", "NU1101", "dependency"),
        ("/ci/shop/Cart.cs", 3, 1, 3, 12, "warning", "CS8321", "compile_error"),
        (None, None, None, None, None, "error", "CS5001", "compile_error"),
    ]
    assert records[1].message.endswith("source(s): nuget.org")  # the project in brackets is not message


@pytest.mark.parametrize(
    "line",
    [
        "gcc: error: unrecognized command-line option '-mfoo'",
        "src/x.c:3:5: error: expected ';' before '}' token",
        "EXEC : error : the command exited with code 1",  # no code: not enough to name a tool
        "Build step: error ERR1: this is prose, not a diagnostic",
        "src/a.ts(6,26): error TS2322: Type 'string' is not assignable to type 'number'.",  # tsc's
    ],
)
def test_other_shapes_are_not_msbuild(line: str, tmp_path: Path) -> None:
    assert [r for r in parse_log(line + "\n", tmp_path) if r.tool == "msbuild"] == []

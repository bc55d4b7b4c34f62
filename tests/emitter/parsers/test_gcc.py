"""gcc, g++, clang, GNU ld and GNU make: real-tool fixtures plus the lines that are easy to get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log

TOOLS = ("gcc", "g++", "clang", "ld", "make")
HINTS = {"make": "make"}


@pytest.mark.parametrize("tool", TOOLS)
def test_recorded(tool: str, tmp_path: Path) -> None:
    check_recorded(tool, tmp_path, HINTS.get(tool, ""))


@pytest.mark.slow
@pytest.mark.parametrize("tool", TOOLS)
def test_live(tool: str, tmp_path: Path) -> None:
    check_live(tool, tmp_path, HINTS.get(tool, ""))


GCC_NOTE = """\
types.c: In function ‘main’:
types.c:12:18: error: passing argument 1 of ‘scale’ makes integer from pointer without a cast \
[-Werror=int-conversion]
   12 |     return scale("two");
      |                  ^~~~~
      |                  |
      |                  char *
types.c:3:22: note: expected ‘int’ but argument is of type ‘char *’
    3 | static int scale(int factor) {
      |                  ~~~~^~~~~~
cc1: some warnings being treated as errors
"""


def test_gcc_note_becomes_the_suggestion_and_werror_names_the_warning(tmp_path: Path) -> None:
    [record] = parse_log(GCC_NOTE, tmp_path)
    assert (record.tool, record.file, record.line, record.column) == ("gcc", "types.c", 12, 18)
    assert record.rule == "-Wint-conversion"
    assert record.message == "passing argument 1 of ‘scale’ makes integer from pointer without a cast"
    assert record.suggestion == "note: expected ‘int’ but argument is of type ‘char *’ (types.c:3:22)"


CLANG_FIXIT = """\
syntax.c:2:17: error: expected ';' after return statement
    return a + b
                ^
                ;
syntax.c:7:5: warning: unused variable 'y' [-Werror,-Wunused-variable]
    int y;
    ^
2 errors generated.
"""


def test_clang_excerpt_fixit_and_werror_list(tmp_path: Path) -> None:
    got = essentials(parse_log(CLANG_FIXIT, tmp_path))
    assert got == [
        {
            "tool": "clang",
            "type": "syntax_error",
            "file": "syntax.c",
            "line": 2,
            "column": 17,
            "severity": "error",
            "message": "expected ';' after return statement",
        },
        {
            "tool": "clang",
            "type": "compile_error",
            "file": "syntax.c",
            "line": 7,
            "column": 5,
            "severity": "warning",
            "rule": "-Wunused-variable",
            "message": "unused variable 'y'",
        },
    ]


def test_hint_names_the_compiler(tmp_path: Path) -> None:
    log = "x.c:1:5: error: unknown type name ‘foo’\n    1 | foo x;\n      |     ^\n"
    [record] = parse_log(log, tmp_path, hint="clang-14 -c x.c")
    assert record.tool == "clang"


def test_paths_with_spaces_and_windows_drive(tmp_path: Path) -> None:
    log = (
        "my dir/a b.c:3:4: error: ‘x’ undeclared (first use in this function)\n"
        "C:\\ci\\app\\src\\main.cpp:10:2: warning: unused variable ‘y’ [-Wunused-variable]\n"
    )
    # A Windows agent's checkout maps onto the repository by the part of the path that exists in it.
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.cpp").write_text("int main() { int y; }\n")
    got = [(r.tool, r.file, r.raw_file, r.line, r.column, r.rule) for r in parse_log(log, tmp_path)]
    assert got == [
        ("gcc", "my dir/a b.c", None, 3, 4, None),
        ("g++", "src/main.cpp", "C:\\ci\\app\\src\\main.cpp", 10, 2, "-Wunused-variable"),
    ]


def test_windows_path_of_a_file_not_in_the_repository_keeps_the_raw_path_only(tmp_path: Path) -> None:
    log = "C:\\src\\main.cpp:10:2: warning: unused variable ‘y’ [-Wunused-variable]\n"
    [record] = parse_log(log, tmp_path)
    assert (record.tool, record.file, record.raw_file, record.line, record.column) == (
        "g++",
        None,
        "C:\\src\\main.cpp",
        10,
        2,
    )


def test_other_languages_with_the_same_line_shape_are_left_alone(tmp_path: Path) -> None:
    log = (
        "src/main.rs:3:5: warning: unused import: `std::process`\n"
        "Foo.java:3: error: ';' expected\n"
        "bin/deploy:3:6: warning: Double quote to prevent globbing and word splitting. [SC2086]\n"
    )
    assert all(r.tool not in ("gcc", "g++", "clang") for r in parse_log(log, tmp_path))


def test_template_context_lines_are_not_records(tmp_path: Path) -> None:
    log = """\
a.cpp: In instantiation of ‘T twice(T) [with T = std::__cxx11::basic_string<char>]’:
a.cpp:8:26:   required from here
a.cpp:3:47: error: no match for ‘operator*’ (operand types are ‘std::string’ and ‘int’)
    3 | template <typename T> T twice(T x) { return x * 2; }
      |                                             ~~^~~
In file included from /usr/include/c++/12/vector:64,
                 from a.cpp:1:
/usr/include/c++/12/bits/stl_vector.h:1276:7: note: candidate: ‘void push_back(const value_type&)’
"""
    got = [(r.tool, r.file, r.line, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        ("g++", "a.cpp", 3, "no match for ‘operator*’ (operand types are ‘std::string’ and ‘int’)")
    ]


def test_make_recipe_failure_is_a_note_only_when_nothing_else_was_found(tmp_path: Path) -> None:
    quiet = (
        "make[1]: Entering directory '/src/sub'\n"
        "make[1]: *** [Makefile:4: check] Error 1\n"
        "make[1]: Leaving directory '/src/sub'\n"
        "make: *** [Makefile:2: all] Error 2\n"
    )
    got = essentials(parse_log(quiet, tmp_path))
    assert got == [
        {
            "tool": "make",
            "type": "unknown",
            "line": 4,
            "severity": "note",
            "message": "recipe for target 'check' failed: Error 1",
        }
    ]
    # make ran in /src/sub, outside the repository: the record keeps the path make printed, no file
    [record] = parse_log(quiet, tmp_path)
    assert (record.file, record.raw_file) == (None, "Makefile")
    loud = "main.c:4:20: error: ‘total’ undeclared (first use in this function)\n" + quiet
    assert [r.tool for r in parse_log(loud, tmp_path)] == ["gcc"]


def test_old_make_without_file_and_make_warnings(tmp_path: Path) -> None:
    log = (
        "Makefile:5: warning: overriding recipe for target 'all'\n"
        "make: *** No rule to make target 'main.c', needed by 'main.o'.  Stop.\n"
    )
    got = [(r.tool, r.file, r.line, r.severity, r.message) for r in parse_log(log, tmp_path)]
    assert got == [
        ("make", "Makefile", 5, "warning", "overriding recipe for target 'all'"),
        ("make", None, None, "error", "No rule to make target 'main.c', needed by 'main.o'"),
    ]


def test_lld_takes_its_location_from_referenced_by(tmp_path: Path) -> None:
    log = (
        "ld.lld: error: undefined symbol: compute\n"
        ">>> referenced by main.c:5\n"
        ">>>               /tmp/main-1a2b3c.o:(main)\n"
        "clang: error: linker command failed with exit code 1 (use -v to see invocation)\n"
    )
    got = [(r.tool, r.file, r.line, r.message) for r in parse_log(log, tmp_path)]
    assert got == [("ld", "main.c", 5, "undefined symbol: compute")]


def test_driver_errors(tmp_path: Path) -> None:
    log = "gcc: error: nofile.c: No such file or directory\ncollect2: error: ld returned 1 exit status\n"
    got = [(r.tool, r.file, r.message) for r in parse_log(log, tmp_path)]
    assert got == [("gcc", None, "nofile.c: No such file or directory")]


def test_without_an_excerpt_the_next_tools_line_is_not_swallowed(tmp_path: Path) -> None:
    log = (
        "src/parser/lexer.c:214:9: error: 'tok' undeclared (first use in this function)\n"
        "app.py:3: error: Name 'x' is not defined  [name-defined]\n"
    )
    got = [(r.file, r.line) for r in parse_log(log, tmp_path)]
    assert got == [("src/parser/lexer.c", 214), ("app.py", 3)]


def test_linker_lines_without_an_anchor_are_read_from_the_driver_line(tmp_path: Path) -> None:
    log = (
        "/usr/bin/ld: cannot find -lssl: No such file or directory\n"
        "/usr/bin/ld: cannot find -lcrypto: No such file or directory\n"
        "clang: error: linker command failed with exit code 1 (use -v to see invocation)\n"
    )
    got = [(r.tool, r.type, r.message) for r in parse_log(log, tmp_path)]
    assert got == [("ld", "dependency", "cannot find -lssl"), ("ld", "dependency", "cannot find -lcrypto")]


def test_a_stopped_sub_make_far_from_the_end_is_read_from_the_parent_recipe_line(tmp_path: Path) -> None:
    log = (
        "make[1]: Entering directory '/src/sub'\n"
        "make[1]: *** No rule to make target 'gen.h', needed by 'main.o'.  Stop.\n"
        "make[1]: Leaving directory '/src/sub'\n"
        "make: *** [Makefile:2: all] Error 2\n"
    )
    # `make -k` carries on: the stop line is no longer in the part of the log read at the end
    log += "gcc -O2 -c other.c -o other.o\n" * 12_000
    got = essentials(parse_log(log, tmp_path))
    assert got == [
        {
            "tool": "make",
            "type": "compile_error",
            "severity": "error",
            "message": "No rule to make target 'gen.h', needed by 'main.o'",
        }
    ]


def test_make_directory_in_another_checkout_maps_onto_the_repository(tmp_path: Path) -> None:
    # The container's checkout is /builds/x/app: make's `Entering directory` names its folder there.
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Makefile").write_text("check:\n\tfalse\n")
    log = (
        "make[1]: Entering directory '/builds/x/app/sub'\n"
        "make[1]: *** [Makefile:4: check] Error 1\n"
        "make[1]: Leaving directory '/builds/x/app/sub'\n"
    )
    [record] = parse_log(log, tmp_path)
    assert (record.tool, record.file, record.raw_file, record.line) == ("make", "sub/Makefile", "Makefile", 4)

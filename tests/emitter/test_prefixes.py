"""Every kind of line prefix CI runners and build tools write, and every kind of terminal escape: a compiler
error behind one gives the record the bare line gives, and the log tail keeps what the terminal showed.
Lines that only look like a prefix keep their text."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.prefixes import clean, display
from emitter.scan import display_line
from tests.helpers.fixtures import parse_log

ERROR = "src/app.c:12:5: error: 'count' undeclared (first use in this function)"
EXPECTED = [("gcc", "src/app.c", 12, 5, "'count' undeclared (first use in this function)")]

PREFIXES = {
    "jenkins timestamper": "11:02:14  ",
    "moreutils ts": "11:02:14 ",
    "iso 8601 (GitHub Actions, docker logs -t)": "2026-12-02T11:02:14.1234567Z ",
    "iso 8601 with an offset": "2026-12-02T11:02:14+01:00 ",
    "gitlab runner FF_TIMESTAMPS, stdout": "2026-12-02T11:02:14.123456Z 00O ",
    "gitlab runner FF_TIMESTAMPS, stderr continued": "2026-12-02T11:02:14.123456Z 01E+",
    "jenkins pipeline timestamps": "[2026-12-02T11:02:14.123Z] ",
    "gulp clock": "[11:02:14] ",
    "buildkite timestamp escape": "\x1b_bk;t=1733137334123\x07",
    "ant javac task": "    [javac] ",
    "ant long task name": "[checkstyle] ",
    "android gradle cmake": "C/C++: ",
    "docker buildx plain progress": "#8 12.34 ",
    "cmake and ninja indentation": "    ",
    "gitlab section marker": "section_start:1733137334:build_step\r\x1b[0K",
    "two stacked": "[2026-12-02T11:02:14.123Z]     [javac] ",
}


@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=PREFIXES.keys())
def test_an_error_behind_a_prefix_is_the_error_of_the_bare_line(prefix: str, tmp_path: Path) -> None:
    records = parse_log(f"make: building\n{prefix}{ERROR}\n", tmp_path)
    assert [(r.tool, r.file, r.line, r.column, r.message) for r in records] == EXPECTED


ESCAPES = {
    "sgr colour": f"\x1b[1m\x1b[31m{ERROR[:10]}\x1b[0m{ERROR[10:]}",
    "osc 8 hyperlink": f"\x1b]8;;file:///w/src/app.c\x1b\\{ERROR[:10]}\x1b]8;;\x1b\\{ERROR[10:]}",
    "charset designation (mypy)": f"\x1b(B{ERROR}\x1b(B",
    "private csi and erase": f"\x1b[?25l\x1b[2K{ERROR}\x1b[?25h",
    "a line redrawn with carriage returns": f"[ 10%] compiling\r[ 50%] compiling\r{ERROR}",
    "crlf": f"{ERROR}\r",
}


@pytest.mark.parametrize("line", ESCAPES.values(), ids=ESCAPES.keys())
def test_escapes_and_redraws_are_gone_before_parsing(line: str, tmp_path: Path) -> None:
    records = parse_log(f"{line}\n", tmp_path)
    assert [(r.tool, r.file, r.line, r.column, r.message) for r in records] == EXPECTED


def test_the_log_tail_keeps_the_prefix_and_loses_the_escapes() -> None:
    raw = f"\x1b_bk;t=1733137334123\x0711:02:14  \x1b[31m{ERROR}\x1b[0m\r\n".encode()
    assert display_line(raw.rstrip(b"\n")) == f"11:02:14  {ERROR}"


@pytest.mark.parametrize(
    "line",
    [
        "12:34: error: a file named 12",  # a location, not a clock time (no blank after the seconds)
        "    [a] = f()",  # an indented line that starts with a bracket is no Ant task label
        "#include <stdio.h>",
        "2026-12-02 is not a timestamp prefix",
    ],
)
def test_lines_that_only_look_prefixed_keep_their_text(line: str) -> None:
    assert clean(line) == line


def test_display_keeps_what_the_terminal_showed() -> None:
    assert display("\x1b[32mok\x1b[0m  \x1b]0;title\x07done") == "ok  done"

"""The hot loop: anchors, block mode across chunk boundaries, cleaning, bounded lines, never crashing."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from emitter.parsers import make_parsers
from emitter.parsers.base import ERROR, FAIL, LOCATION, WARN, Context, Hit, Parser, RegexLineParser, Status
from emitter.scan import MAX_LINE, Scanner, clean_line, scan_bytes


class Colon(RegexLineParser):
    name = tool = "colon"
    tools = ("colon",)
    anchors = (LOCATION,)
    trigger = re.compile(r"^(?P<file>[\w./]+):(?P<line>\d+): (?P<message>.+)$")


class Block(Parser):
    """FAIL name … END, every line between them is the message."""

    name = "block"
    tools = ("block",)
    anchors = (FAIL,)
    trigger = re.compile(r"^FAIL (?P<name>\w+)$")

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool:
        self.name_, self.lines = m.group("name"), []
        return True

    def more(self, line: str, ctx: Context) -> Status:
        if line == "END":
            ctx.hit(Hit(tool="block", message="\n".join(self.lines), test=self.name_))
            return Status.DONE
        if line.startswith("ABORT"):
            ctx.hit(Hit(tool="block", message="aborted", test=self.name_))
            return Status.REJECT
        self.lines.append(line)
        return Status.MORE


def scan_chunks(chunks: list[bytes]) -> list[Hit]:
    hits: list[Hit] = []
    scanner = Scanner([Block(), Colon()], hits.append)
    for chunk in chunks:
        scanner.feed(chunk)
    scanner.finish()
    return hits


LOG = b"noise\nFAIL one\nfirst: line\n  second\nEND\nsrc/a.c:3: bad thing\nFAIL two\nx\nABORT b.c:9: after abort\n"


def test_block_and_line_parsers_see_the_right_lines() -> None:
    hits = scan_chunks([LOG])
    assert [(h.tool, h.test, h.message, h.file, h.line) for h in hits] == [
        ("block", "one", "first: line\n  second", None, None),
        ("colon", None, "bad thing", "src/a.c", 3),
        ("block", "two", "aborted", None, None),
    ]


def test_result_does_not_depend_on_where_chunks_are_cut() -> None:
    whole = [(h.tool, h.message) for h in scan_chunks([LOG])]
    for cut in range(1, len(LOG)):
        assert [(h.tool, h.message) for h in scan_chunks([LOG[:cut], LOG[cut:]])] == whole, cut
    assert [(h.tool, h.message) for h in scan_chunks([bytes([b]) for b in LOG])] == whole


def test_rejected_line_is_dispatched_again() -> None:
    hits = scan_chunks([b"FAIL t\nABORT\nsrc/x.py:4: after\n"])
    assert [h.message for h in hits] == ["aborted", "after"]


def test_clean_line_strips_ansi_crlf_and_progress_redraws() -> None:
    assert clean_line(b"\x1b[1m\x1b[31msrc/a.c:1:\x1b[0m error\r") == "src/a.c:1: error"
    assert clean_line(b"10%\r50%\r100% done") == "100% done"
    assert clean_line(b"bad \xff byte") == "bad \ufffd byte"
    assert clean_line(b"\x1b]8;;file:///x\x07link\x1b]8;;\x07") == "link"


def test_crlf_logs_parse_like_lf_logs() -> None:
    hits = scan_chunks([LOG.replace(b"\n", b"\r\n")])
    assert [(h.tool, h.message) for h in hits] == [(h.tool, h.message) for h in scan_chunks([LOG])]


def test_overlong_line_is_cut_for_parsing_and_the_next_line_still_parses() -> None:
    huge = b"src/a.c:1: " + b"x" * (10 * 1024 * 1024) + b"\nsrc/b.c:2: next\n"
    # (cut for parsing at MAX_LINE; the rest of the 10 MB line is skipped, never lost from the output)
    hits = scan_chunks([huge[i : i + 65536] for i in range(0, len(huge), 65536)])
    assert [(h.file, h.line) for h in hits] == [("src/a.c", 1), ("src/b.c", 2)]
    assert len(hits[0].message) < MAX_LINE


def test_make_directory_stack_sets_cwd() -> None:
    log = (
        b"make[1]: Entering directory '/build/lib'\nutil.c:3: first\n"
        b"make[1]: Leaving directory '/build/lib'\nmain.c:4: second\n"
    )
    hits = scan_chunks([log])
    assert [(h.file, h.cwd) for h in hits] == [("util.c", "/build/lib"), ("main.c", None)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=2000), max_size=20))
def test_arbitrary_bytes_never_crash_the_full_registry(chunks: list[bytes]) -> None:
    hits: list[Hit] = []
    scanner = Scanner(make_parsers(), hits.append)
    for chunk in chunks:
        scanner.feed(chunk)
    scanner.finish()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"Traceback (most recent call last):\n",
                b'  File "a.py", line 3, in f\n',
                b"E   assert 1 == 2\n",
                b"error[E0425]: x\n",
                b"  --> src/main.rs:2:5\n",
                b"src/a.c:1:2: error: x\n",
                b"\x00\xff\r\n",
                b"FAILED t.py::x - y\n",
                b"=== FAILURES ===\n",
                b"___ test_x ___\n",
                b"\x1b[31m",
                b"\n",
                b"::error::x\n",
                b"--- FAIL: TestX (0.00s)\n",
                b"  x_test.go:3: bad\n",
                b"In a.sh line 3:\n",
                b"  ^-- SC2086 (info): q\n",
            ]
        ),
        max_size=60,
    )
)
def test_shuffled_tool_fragments_never_crash(parts: list[bytes]) -> None:
    scan_bytes(b"".join(parts))


def test_lookback_is_the_same_whatever_the_chunk_cuts() -> None:
    """A parser reading the line above its trigger (eslint stylish, ruff, PyYAML) must see the same line
    however the stream was cut into chunks."""
    log = b"noise\n/abs/src/a.js\n  3:10  error  'x' is not defined  no-undef\n\n/abs/src/b.js\n  1:1  error  bad  semi\n"
    seen_whole: list[list[str]] = []

    class Above(Parser):
        name = "above"
        tools = ("above",)
        anchors = (ERROR,)
        trigger = re.compile(r"^\s+\d+:\d+\s+error")

        def __init__(self, sink: list[list[str]]) -> None:
            self.sink = sink

        def start(self, m: re.Match[str], line: str, ctx: Context) -> bool:
            self.sink.append(ctx.preceding(1))
            return False

    def above(chunks: list[bytes]) -> list[list[str]]:
        sink: list[list[str]] = []
        scanner = Scanner([Above(sink)], lambda h: None)
        for chunk in chunks:
            scanner.feed(chunk)
        scanner.finish()
        return sink

    seen_whole = above([log])
    assert seen_whole == [["/abs/src/a.js"], ["/abs/src/b.js"]]
    for cut in range(1, len(log)):
        assert above([log[:cut], log[cut:]]) == seen_whole, cut


class Spy(Parser):
    """Owns the location and warn anchors and takes every line it is offered."""

    name = "spy"
    tools = ("spy",)
    anchors = (LOCATION, WARN)
    trigger = re.compile(r".")

    def __init__(self) -> None:
        self.offered: list[str] = []

    def start(self, m: re.Match[str], line: str, ctx: Context) -> bool:
        self.offered.append(line)
        return False


def test_stack_frames_and_npm_deprecations_are_turned_away_before_any_parser() -> None:
    """Runtimes and package managers print these by the hundred thousand: the anchors reject them in C,
    while the errors around them still reach their parsers."""
    noise = [
        "    at Object.<anonymous> (node_modules/jest-circus/build/utils.js:298:28)",
        "    at processTicksAndRejections (node:internal/process/task_queues:95:5)",
        "\tat com.acme.OrderService.total(OrderService.java:42)",
        "    at node_modules/webpack/lib/Compiler.js:1203:27",
        "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
        " WARN  deprecated rimraf@3.0.2: Rimraf versions prior to v4 are no longer supported",
    ]
    wanted = [
        "src/app.js:3:7: error: 'x' is not defined",
        "npm WARN ERESOLVE overriding peer dependency",
        "Foo.java:[12,5] cannot find symbol",
        " --> app/views.py:3:8",
        "\x1b[1msrc/a.py\x1b[36m:\x1b[0m4\x1b[36m:\x1b[0m1: F401 unused",
    ]
    spy = Spy()
    scanner = Scanner([spy], lambda h: None)
    scanner.feed(("\n".join(noise * 50 + wanted + noise) + "\n").encode())
    scanner.finish()
    assert spy.offered == [clean_line(line.encode()) for line in wanted]


def test_anchors_sharing_a_pass_still_reach_only_their_own_parsers() -> None:
    """fail and warn are searched together (the fold reads w as f): each line goes to its anchor's owners."""

    class Owner(Parser):
        name = "owner"
        trigger = re.compile(r".")

        def __init__(self, anchor: str) -> None:
            self.anchors = (anchor,)  # type: ignore[misc]
            self.offered: list[str] = []

        def start(self, m: re.Match[str], line: str, ctx: Context) -> bool:
            self.offered.append(line)
            return False

    fails, warns = Owner(FAIL), Owner(WARN)
    scanner = Scanner([fails, warns], lambda h: None)
    scanner.feed(b"BUILD FAILED\nfarewell, fair wind\nWARNING: deprecated flag\nfar away\nx: warned\n")
    scanner.finish()
    assert fails.offered == ["BUILD FAILED"]
    assert warns.offered == ["WARNING: deprecated flag", "x: warned"]

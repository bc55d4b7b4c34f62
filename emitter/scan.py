"""The one hot loop: bytes in, hits out.

Each chunk is folded (A-Z → a-z; 0-9, `(`, `[` and ESC → 0; one C call) and searched once per anchor of the small
vocabulary in parsers/base.py, each a literal-prefixed regex that `re` runs through noise in C. Only
lines holding an anchor go further, and only to the parsers owning those anchors: first one combined
check of their triggers on the raw bytes (ASCII lines need no decoding to be rejected; their CI and
build-tool prefixes are cut first), then the line is decoded, cleaned (prefixes.py: escapes, carriage
returns, prefixes) and offered parser by parser. A parser that starts a block (traceback, test failure
section) is shown every following line until it lets go; block lines, the lines a parser looks back at
and the tail are cleaned the same way, so no parser ever sees an escape or a prefix. The last TAIL_BYTES
of a stream go to `tail` parsers at the end. Lines longer than MAX_LINE are cut for parsing, never for
pass-through.

Colour and prefixes cost a chunk nothing: anchors are searched anywhere in a line, so a prefix cannot
hide one, and the fold turns ESC into `0`, so a colon followed by colour (`a.py\x1b[36m:\x1b[0m1`, ruff,
tsc --pretty) meets the location anchor the way `x.c:(.text+0x5)` and `a.py:12` do. Words are coloured
whole.

What a chunk costs is its passes: the anchors reject everyday noise themselves (parsers/base.py), so that
a log of stack frames and package-manager warnings is not turned away line by line in Python; and the
chunk is searched where it lies, never copied but once (joined to the line held back from the last one).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence

from .parsers.base import ANCHORS, ERROR, Context, Hit, Parser, Status, unname
from .prefixes import body_bytes, clean, display

MAX_LINE = 64 * 1024
TAIL_BYTES = 256 * 1024
LOOKBACK_BYTES = 8 * 1024
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ZERO = b"0123456789([\x1b"
# see parsers/base.py: case folded, digits (and what may stand for one) read as 0, w read as f
FOLD = bytes.maketrans(_UPPER + _ZERO + b"w", _UPPER.lower().replace(b"w", b"f") + b"0" * len(_ZERO) + b"f")
# an anchor's literal head: plain characters up to the first operator (and not one a quantifier follows)
HEAD = re.compile(r"(?:[a-z0-9:. ](?![*+?{]))+")
MAKE_DIR = re.compile(r"^\S*make(?:\[\d+\])?: (Entering|Leaving) directory [`'\"]?(.+?)['\"]?$")


def clean_line(raw: bytes) -> str:
    """One line as the parsers read it: invalid UTF-8 replaced, escapes, redraws and prefixes removed."""
    return clean(raw.decode("utf-8", "replace"))


def display_line(raw: bytes) -> str:
    """One line as a terminal showed it (the log tail): like `clean_line`, prefixes kept."""
    return display(raw.decode("utf-8", "replace"))


class Scanner:
    """Scans one output stream. Feed it chunks in order, then call `finish`."""

    def __init__(
        self,
        parsers: Sequence[Parser],
        emit: Callable[[Hit], None],
        hint: str = "",
        dirs: list[str] | None = None,
    ) -> None:
        self.parsers = list(parsers)
        # `dirs` may be shared between streams: make announces directories on stdout, compilers err on stderr
        self.ctx = Context(emit=emit, hint=hint, dirs=dirs if dirs is not None else [])
        # Only the vocabulary is searched (tests/test_structure.py holds every parser to it).
        vocabulary = set(ANCHORS.values())
        # ERROR is always searched: make's directory lines, which every stream must follow, ride on it
        anchors = sorted({a for p in self.parsers for a in p.anchors if a in vocabulary} | {ERROR})
        bits = {a: 1 << i for i, a in enumerate(anchors)}
        self._passes = passes(anchors, bits)
        self._make_bit = bits[ERROR]
        self._owners = [(p, sum(bits.get(a, 0) for a in set(p.anchors))) for p in self.parsers]
        self._offers: dict[int, _Offer] = {}
        self._tail_parsers = [p for p in self.parsers if p.tail]
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self._before = b""  # the end of the previous scanned buffer, for look-back across chunks
        self._pending = b""
        self._skipping = False  # inside an over-long line, dropping bytes until its newline
        self._block: Parser | None = None

    # -- byte level -------------------------------------------------------------------------------
    def feed(self, chunk: bytes) -> None:
        if self._tail_parsers:
            self._keep_tail(chunk)
        if self._skipping:
            nl = chunk.find(b"\n")
            if nl < 0:
                return
            self._skipping = False
            chunk = chunk[nl + 1 :]
        data = self._pending + chunk if self._pending else chunk
        last = data.rfind(b"\n")
        if last < 0:  # still inside one line
            self._hold(b"", data)
            return
        # The last complete line is only looked at, not dispatched, and is held back with the partial one:
        # an anchor spanning two lines (ruff's header and its "-->" line) then never falls across a cut.
        prev = data.rfind(b"\n", 0, last)
        if prev >= 0:
            self._scan(data, limit=prev + 1, end=last + 1)
        self._hold(data[prev + 1 : last + 1], data[last + 1 :])

    def _hold(self, line: bytes, partial: bytes) -> None:
        if len(partial) <= MAX_LINE:
            self._pending = line + partial
            return
        cut = line + partial[:MAX_LINE] + b"\n"  # cut for parsing; the rest of the line is skipped
        self._scan(cut, limit=len(cut), end=len(cut))
        self._pending = b""
        self._skipping = True

    def finish(self) -> None:
        if self._pending:
            rest = self._pending if self._pending.endswith(b"\n") else self._pending + b"\n"
            self._scan(rest, limit=len(rest), end=len(rest))
            self._pending = b""
        for parser in self.parsers:
            parser.finish(self.ctx)
        self._block = None
        self._scan_tail()

    def _keep_tail(self, chunk: bytes) -> None:
        self._tail.append(chunk)
        self._tail_size += len(chunk)
        while self._tail_size - len(self._tail[0]) >= TAIL_BYTES:
            self._tail_size -= len(self._tail.popleft())

    def _scan_tail(self) -> None:
        data = b"".join(self._tail)[-TAIL_BYTES:]
        self._tail.clear()
        if not data:
            return
        lines = data.split(b"\n")
        if len(data) == TAIL_BYTES:
            lines = lines[1:]  # the first one is cut
        for raw in lines:
            line = clean_line(raw[:MAX_LINE])
            for parser in self._tail_parsers:
                m = parser.trigger.search(line)
                if m is not None and parser.start(m, line, self.ctx) is not None:
                    break

    # -- line level -------------------------------------------------------------------------------
    def _scan(self, buf: bytes, limit: int, end: int) -> None:
        """`buf[:end]` holds whole lines, each ending in a newline (what follows `end` is not looked at);
        lines starting at `limit` or later are lookahead for anchors only (they are dispatched with the
        next chunk)."""
        pos = 0
        if self._block is not None:
            pos = self._run_block(buf, 0, limit)
        starts: dict[int, int] = {}  # line start -> the anchors found in that line
        folded = buf.translate(FOLD)
        for search, bits in self._passes:
            for m in search.finditer(folded, pos, end):
                start = buf.rfind(b"\n", 0, m.start()) + 1
                starts[start] = starts.get(start, 0) | bits[m.lastindex or 0]
        if starts:
            self._dispatch_lines(buf, starts, pos, limit)
        # what the next buffer's first line follows: the lines before `limit` (the rest comes again)
        if limit >= LOOKBACK_BYTES:
            self._before = buf[limit - LOOKBACK_BYTES : limit]
        else:
            self._before = (self._before + buf[:limit])[-LOOKBACK_BYTES:]

    def _dispatch_lines(self, buf: bytes, starts: dict[int, int], pos: int, limit: int) -> None:
        for start in sorted(starts):
            if start >= limit:
                break
            if start < pos:
                continue  # already consumed by a block
            end = buf.find(b"\n", start)
            raw = buf[start : min(end, start + MAX_LINE)]
            entered = self._dispatch(raw, starts[start], buf, start)
            pos = self._run_block(buf, end + 1, limit) if entered else end + 1

    def _run_block(self, buf: bytes, pos: int, limit: int) -> int:
        """Shows lines to the parser in block mode; returns where normal scanning resumes."""
        block = self._block
        while block is not None and pos < limit:
            end = buf.find(b"\n", pos)
            line = clean_line(buf[pos : min(end, pos + MAX_LINE)])
            status = block.more(line, self.ctx)
            if status is Status.REJECT:
                self._block = None
                return pos  # the line is scanned again, as an ordinary line
            pos = end + 1
            if status is Status.DONE:
                self._block = None
                return pos
        return pos

    def _dispatch(self, raw: bytes, mask: int, buf: bytes, start: int) -> bool:
        """Offers a line to the parsers owning its anchors; True when one of them entered block mode."""
        if mask & self._make_bit and b"directory" in raw and self._make_dir(clean_line(raw)):
            return False
        offer = self._offers.get(mask)
        if offer is None:
            offer = self._offers[mask] = _Offer([p for p, owned in self._owners if owned & mask])
        if not offer.parsers:
            return False
        body = raw[:-1] if raw.endswith(b"\r") else raw  # CRLF, as on a pty
        plain = body.isascii() and b"\x1b" not in body and b"\r" not in body
        if plain and not offer.wanted_bytes(body):
            return False
        line = clean_line(raw)
        self.ctx.lookback = lambda n: self._lines_before(buf, start, n)
        try:
            return self._offer(offer.parsers, line)
        finally:
            self.ctx.lookback = _nothing

    def _lines_before(self, buf: bytes, start: int, n: int) -> list[str]:
        text = self._before + buf[:start] if start < LOOKBACK_BYTES else buf[start - LOOKBACK_BYTES : start]
        lines = text.split(b"\n")[:-1][-n:]
        return [clean_line(line) for line in lines]

    def _offer(self, parsers: list[Parser], line: str) -> bool:
        for parser in parsers:
            m = parser.trigger.search(line)
            if m is None:
                continue
            entered = parser.start(m, line, self.ctx)
            if entered is None:
                continue  # the parser declined after a closer look: the next one may want it
            if entered:
                self._block = parser
            return entered
        return False

    def _make_dir(self, line: str) -> bool:
        m = MAKE_DIR.match(line)
        if m is None:
            return False
        if m.group(1) == "Entering":
            self.ctx.dirs.append(m.group(2))
        elif self.ctx.dirs:
            self.ctx.dirs.pop()
        return True


def passes(anchors: list[str], bits: dict[str, int]) -> list[tuple[re.Pattern[bytes], list[int]]]:
    """One search per group of anchors whose literal heads share their first two characters, as
    `head(?:(rest1)|(rest2))`: `re` skips to the head in C, and the group that matched says which anchor
    (its bit at the group's number; a lone anchor's at 0). Each search saved is a pass over every chunk."""
    groups: dict[str, list[str]] = {}
    for anchor in anchors:
        groups.setdefault(_head(anchor)[:2], []).append(anchor)
    result = []
    for group in groups.values():
        if len(group) == 1:
            result.append((re.compile(group[0].encode()), [bits[group[0]]]))
            continue
        heads = [_head(a) for a in group]
        size = next(
            (i for i, chars in enumerate(zip(*heads, strict=False)) if len(set(chars)) > 1),
            min(map(len, heads)),
        )
        head = heads[0][:size]
        joined = head + "(?:" + "|".join(f"({a[len(head) :]})" for a in group) + ")"
        result.append((re.compile(joined.encode()), [0, *(bits[a] for a in group)]))
    return result


def _head(anchor: str) -> str:
    m = HEAD.match(anchor)
    return m.group() if m else ""


def _nothing(n: int) -> list[str]:
    return []


class _Offer:
    """The parsers that own a given set of anchors. When lines with that set keep coming (a log full of
    warnings), one combined check of all their triggers on the raw bytes rejects ASCII lines in a single
    C call. It is compiled only then: compiling it costs more than a few hundred lines are worth.
    `^`-anchored triggers are tried with one `match` (position 0 only), the rest with one `search`."""

    COMBINE_AFTER = 200

    def __init__(self, parsers: list[Parser]) -> None:
        self.parsers = parsers
        self._seen = 0
        self._at_start: re.Pattern[bytes] | None = None
        self._anywhere: re.Pattern[bytes] | None = None
        self._combined = False

    def wanted_bytes(self, raw: bytes) -> bool:
        """`raw`: an ASCII line without escapes or carriage returns, maybe behind CI prefixes."""
        if not self._combined:
            self._seen += 1
            if self._seen < self.COMBINE_AFTER:
                return True
            self._combine()
        raw = body_bytes(raw)
        return bool(
            (self._at_start is not None and self._at_start.match(raw))
            or (self._anywhere is not None and self._anywhere.search(raw))
        )

    def _combine(self) -> None:
        self._combined = True
        anchored = [_scoped(p.trigger) for p in self.parsers if p.trigger.pattern.startswith("^")]
        floating = [_scoped(p.trigger) for p in self.parsers if not p.trigger.pattern.startswith("^")]
        self._at_start, self._anywhere = _combine_bytes(anchored), _combine_bytes(floating)
        if (anchored and self._at_start is None) or (floating and self._anywhere is None):
            self._at_start = self._anywhere = re.compile(b"")  # no bytes form: let every line through


def _scoped(trigger: re.Pattern[str]) -> str:
    """The trigger's source with its flags made inline, group names dropped: ready to be combined."""
    letters = "".join(
        c for flag, c in ((re.I, "i"), (re.M, "m"), (re.S, "s"), (re.X, "x")) if trigger.flags & flag
    )
    body = unname(trigger.pattern)
    return f"(?{letters}:{body})" if letters else body


def _combine_bytes(patterns: list[str]) -> re.Pattern[bytes] | None:
    """The same alternation over bytes; None (no pre-check) if a pattern has no bytes form."""
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns).encode("utf-8"))
    except (re.error, UnicodeEncodeError):
        return None


def scan_bytes(data: bytes, parsers: Sequence[Parser] | None = None, hint: str = "") -> list[Hit]:
    """Parses a whole log held in memory (tests, `selfheal parse`)."""
    from .parsers import make_parsers

    hits: list[Hit] = []
    scanner = Scanner(parsers if parsers is not None else make_parsers(), hits.append, hint)
    scanner.feed(data)
    scanner.finish()
    return hits

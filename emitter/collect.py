"""What `selfheal run` keeps of the output while the command runs: the scanners' hits, merged as they come
(emitter/merge.py's `Keep`: no more than the report will hold, however long the log), the end of the
output for the report's tail, and the optional full log file.

Called with each chunk after it has been written out; nothing in here may stop the pass-through: a parser
that fails stops the parsing (one warning, a partial report), never the command's output.
"""

from __future__ import annotations

import sys
from collections import deque
from typing import TYPE_CHECKING, BinaryIO

from .normalize import find_root

if TYPE_CHECKING:
    from .hit import Hit
    from .light import Record
    from .merge import Keep
    from .scan import Scanner

TAIL_BYTES = 64 * 1024
TAIL_LINES = 50
# stdout kept whole while it may be one JSON document a tool wrote (emitter/inputs/detect.py)
MAX_DOCUMENT = 64 * 1024 * 1024


def warn(message: str) -> None:
    try:
        sys.stderr.write(f"selfheal: warning: {message}\n")
        sys.stderr.flush()
    except OSError:
        pass


class Collector:
    """Everything that watches the output: the scanners, the tail, the optional full log."""

    def __init__(
        self,
        hint: str,
        log_file: str | None,
        warnings: list[str],
        task: str = "",
        max_records: int | None = None,  # None: the report's default cap
    ) -> None:
        self.warnings = warnings
        self.hint = hint
        self.task, self.max_records = task, max_records
        # every hit, merged as it comes; built on the first one (a clean run never imports the merge)
        self.keep: Keep | None = None
        # stderr's hits alone, merged apart while stdout may be one JSON document whose findings would
        # replace what the text parsers made of stdout (read_document)
        self.aside: Keep | None = None
        # Built on the first output, after the command has started: a silent command never pays for the
        # parsers' imports and regex compilation.
        self.scanners: dict[int, Scanner] | None = None
        self.scanning = True
        # stdout, kept while it may be one JSON document (it starts with `{` or `[`)
        self.document: bytearray | None = bytearray()
        self.document_seen = False
        self.tail: deque[bytes] = deque()
        self.tail_size = 0
        self.log: BinaryIO | None = None
        if log_file:
            from .files import open_stream  # only then: tempfile is no light import

            try:
                self.log = open_stream(log_file)  # closed in finish()
            except OSError as exc:
                self.problem(f"cannot write log file {log_file}: {exc.strerror}")

    def problem(self, message: str) -> None:
        self.warnings.append(message)
        warn(message)

    def __call__(self, stream: int, data: bytes) -> None:
        self.tail.append(data)
        self.tail_size += len(data)
        while self.tail_size - len(self.tail[0]) >= TAIL_BYTES:
            self.tail_size -= len(self.tail.popleft())
        if self.log is not None:
            try:
                self.log.write(data)
            except OSError as exc:
                self.problem(f"log file write failed: {exc.strerror}")
                self.log = None
        if stream == 1 and self.document is not None:
            self._keep(data)
        if self.scanning:
            try:
                if self.scanners is None:
                    self.scanners = self._make_scanners()
                self.scanners[stream].feed(data)
            except Exception as exc:  # parsing stops; the command's output does not
                self._parser_crash(exc)

    def _keep(self, data: bytes) -> None:
        document = self.document
        assert document is not None
        if not self.document_seen:  # decided on the first bytes that are not white space
            head = data.lstrip()[:1]
            if head and head not in (b"{", b"["):
                self.document = None  # text: the common case
                return
            self.document_seen = bool(head)
            if self.document_seen:  # only stderr's hits so far: the two merges part from here
                try:
                    self.aside = self._merged().copy()
                except Exception as exc:  # the command's output goes on; the report stays
                    self._parser_crash(exc)
        if len(document) + len(data) > MAX_DOCUMENT:
            self.document, self.aside = None, None
        else:
            document += data

    def _merged(self) -> Keep:
        if self.keep is None:
            from .merge import MAX_RECORDS, Keep
            from .normalize import PathResolver

            cap = MAX_RECORDS if self.max_records is None else self.max_records
            self.keep = Keep(self.task, PathResolver(find_root()), cap)
        return self.keep

    def _emit_stdout(self, hit: Hit) -> None:
        self._merged().add(hit)

    def _emit_stderr(self, hit: Hit) -> None:
        self._merged().add(hit)
        if self.aside is not None:
            self.aside.add(hit)

    @property
    def records(self) -> list[Record]:
        """What the scanners found so far, merged and capped."""
        return self.keep.records if self.keep is not None else []

    @property
    def found(self) -> bool:
        """Whether any hit came, kept or not."""
        return self.keep is not None and self.keep.hits > 0

    def _make_scanners(self) -> dict[int, Scanner]:
        from .heap import keep_freed_memory
        from .parsers import make_parsers
        from .scan import Scanner

        keep_freed_memory()
        dirs: list[str] = []  # make announces directories on stdout, compilers complain on stderr
        return {
            1: Scanner(make_parsers(), self._emit_stdout, self.hint, dirs),
            2: Scanner(make_parsers(), self._emit_stderr, self.hint, dirs),
        }

    def read_document(self) -> None:
        """When the whole stdout is one JSON document a tool wrote (eslint -f json, cargo's messages, …),
        its findings replace what the text parsers made of it. Once, at the end; never costs the report."""
        document, self.document = self.document, None
        aside, self.aside = self.aside, None
        if not document or not document.strip() or aside is None:
            return
        try:
            from .inputs.detect import whole_output

            found = whole_output(bytes(document))
            if found is None:
                return
            aside.extend(found[1])
        except Exception as exc:
            self.problem(f"stdout not read as JSON ({type(exc).__name__}: {exc})")
            return
        self.keep = aside

    def _parser_crash(self, exc: Exception) -> None:
        self.problem(f"parsing stopped after an internal error ({type(exc).__name__}: {exc})")
        self.scanners = None
        self.scanning = False

    def finish(self) -> None:
        if self.scanning and self.scanners is not None:
            try:
                for scanner in self.scanners.values():
                    scanner.finish()
            except Exception as exc:
                self._parser_crash(exc)
        if self.log is not None:
            self.log.close()

    def tail_text(self) -> str:
        """The last TAIL_BYTES of the output (both streams, as they came) as the parsers read it: runners'
        summaries are found behind colour and CI prefixes."""
        from .prefixes import clean
        from .test_counts import tail_text

        return "\n".join(map(clean, tail_text(b"".join(self.tail), TAIL_BYTES).split("\n")))

    def tail_lines(self) -> list[str]:
        """The last lines as the user saw them: escapes gone, a redrawn line's last segment, prefixes kept."""
        from .scan import display_line

        lines = b"".join(self.tail).split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        return [display_line(line)[:1000] for line in lines[-TAIL_LINES:]]

"""How every file the emitter writes is written: the report, its outputs, and (FILE_MODE) the fixer's files.

The report and every file output (annotation, Code Quality, SARIF, summary, `::error` lines) go through
this rule, which depends on what the path already is:

- nothing yet, or a regular file: written atomically, because the report is read by other processes
  (artifact uploaders, `selfheal fix` on the same machine): a temp file in the destination directory, then
  `os.replace`, so a reader sees the old file or the new one, never half of one. Parents are created.
- a character or block device, a FIFO (`--report /dev/null`, `--format sarif=/dev/stdout`, a named pipe a
  collector reads): written through, as a shell's `>` would. A rename would replace the device node
  itself: as root in a CI container, `/dev/null` would become a regular file for every later process. A
  FIFO is opened like `>` opens it, so the write waits for its reader.
- a symbolic link: followed, never replaced; its final target is written by the two rules above (a regular
  file atomically beside it, a device through). The emitter's paths come from its user's command line, so
  a link there is one the user made (`report.json -> /artifacts/x.json`) and writing through it is the
  point. The fixer's own files differ: repository code may plant a link under `.selfheal/`, so
  fixer/safe_write.py replaces links instead of following them.
- a directory (or anything else): an error, which the caller turns into one warning line.

Every file written gets `FILE_MODE`, the one mode of the report, the outputs, the `--log-file` and the
fixer's files, whatever the umask (mkstemp's 0600, or a CI's umask 077, would hide an artifact from the
agent's other users); a device or FIFO written through keeps its own. The writing functions use nothing
but the standard library: `open_stream` runs before the wrapped command starts.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from typing import BinaryIO, TextIO

FILE_MODE = 0o644


def write_text(path: str, text: str) -> None:
    """Write UTF-8 text (never a BOM) to `path`: atomically, or through a device, FIFO or link (above)."""
    try:
        mode: int | None = os.stat(path).st_mode  # follows links: what a link points to decides
    except FileNotFoundError:
        mode = None  # nothing there, or a link to nothing yet
    if mode is None or stat.S_ISREG(mode):
        write_atomic(os.path.realpath(path), text)
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode):
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        reason = "is a directory" if stat.S_ISDIR(mode) else "is neither a file, a device nor a FIFO"
        raise OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL, reason, path)


def write_atomic(path: str, text: str) -> None:
    """Write `text` to the file `path` via a temp file in the same directory, parents created."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_dest(dest: str, text: str, stream: TextIO | None = None) -> None:
    """`-` means the given stream (stdout by default); anything else is a path for `write_text`."""
    if dest == "-":
        out = stream or sys.stdout
        out.write(text)
        out.flush()
    else:
        write_text(dest, text)


def open_stream(path: str) -> BinaryIO:
    """`path` opened for writing as output comes (`--log-file`), the way a shell's `>` opens it: a link
    followed, a device or FIFO written through, a regular file truncated; parents created, and a regular
    file given FILE_MODE (not left to the umask). Not atomic: a log is read once it is complete."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        os.makedirs(directory, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise

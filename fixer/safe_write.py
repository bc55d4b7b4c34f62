"""Writing the fixer's own files (outcome.json, fix.patch) without ever writing through someone's link.

A regular file (or none) is replaced atomically: a temporary file beside it, then a rename, which replaces a
symbolic link itself and never the file it points to — repository code may have planted one under
`.selfheal/` aiming at a file of the user's. A device or FIFO (`--outcome /dev/stdout`) is written through.
(The emitter follows links instead: its paths come from its user's command line; emitter/files.py.)

Files get the emitter's `FILE_MODE`, the one mode of the report, its outputs and the outcome.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from emitter.files import FILE_MODE


def write_file(path: Path | str, data: bytes | str) -> None:
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    if st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        with open(target, "wb") as fh:
            fh.write(raw)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def remove_stale(path: Path | str) -> bool:
    """Removes a file (or a link) the fixer wrote on an earlier run; never a directory or a device."""
    target = Path(path)
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return False
    if stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode):
        target.unlink()
        return True
    return False

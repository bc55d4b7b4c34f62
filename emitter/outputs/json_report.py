"""The report file itself (`selfheal.report/v1`), redacted and written atomically.

Atomic because the report is read by other processes (artifact uploaders, `selfheal fix` on the same
machine): a temp file in the destination directory, then `os.replace`, so a reader sees the old file or
the new one, never half of one. `write_dest` is shared by the other file outputs for the same reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from typing import TextIO

from ..redact import Redactor
from ..report import Report

name = "json"
suffix = ".json"


def write_atomic(path: str, text: str) -> None:
    """Write UTF-8 text (never a BOM) to `path` via a temp file in the same directory, parents created."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the artifact from other users of the agent
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_dest(dest: str, text: str, stream: TextIO | None = None) -> None:
    """`-` means the given stream (stdout by default); anything else is a file written atomically."""
    if dest == "-":
        out = stream or sys.stdout
        out.write(text)
        out.flush()
    else:
        write_atomic(dest, text)


def render(report: Report, redactor: Redactor) -> str:
    # Same layout as Report.to_json(), but every string goes through the redactor first.
    data = report.model_dump(by_alias=True, exclude_none=True, mode="json")
    return json.dumps(redactor.redact_obj(data), indent=2) + "\n"


def write(report: Report, dest: str, redactor: Redactor | None = None) -> None:
    write_dest(dest, render(report, redactor or Redactor.from_env()))

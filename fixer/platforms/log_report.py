"""A report for a failed job that was not wrapped, made from its log as `selfheal run` would have made it:
the platform adapters read the log through their API, and the fix loop then treats the job like any other
(its records to fix, its command to verify with)."""

from __future__ import annotations

from pathlib import Path

from emitter.assemble import Inputs, build_report
from emitter.scan import scan_bytes

TAIL_LINES = 50
TAIL_BYTES = 64 * 1024


def report_from_log(task: str, command: list[str], exit_code: int | None, log: str, root: Path) -> str:
    """The report's JSON. `command` is what reruns the job (empty when the log does not say)."""
    data = log.encode("utf-8", "replace")
    inputs = Inputs(
        task=task,
        command=command,
        status="failed",
        exit_code=exit_code if exit_code is not None else 1,
        log_hits=scan_bytes(data, hint=" ".join(command)),
        log_names=["job log"],
        log_tail=[line[:1000] for line in log.splitlines()[-TAIL_LINES:]],
        output_tail=data[-TAIL_BYTES:].decode("utf-8", "replace"),
    )
    return build_report(inputs, str(root), {}).to_json()

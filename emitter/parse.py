"""`selfheal parse`: the same parsing on files that already exist (steps whose command cannot be wrapped)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from .ci_env import slug
from .errors import UsageError
from .normalize import find_root
from .parsers import make_parsers
from .parsers.base import Hit
from .scan import Scanner

CHUNK = 1 << 20


@dataclass
class ParseOptions:
    logs: list[str] = field(default_factory=list)
    junit: list[str] = field(default_factory=list)
    sarif: list[str] = field(default_factory=list)
    task: str | None = None
    report: str | None = None
    formats: list[str] = field(default_factory=list)
    max_records: int = 1000


def scan_file(path: str, hits: list[Hit]) -> None:
    scanner = Scanner(make_parsers(), hits.append)
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            scanner.feed(chunk)
    scanner.finish()


def parse(opts: ParseOptions) -> int:
    from .assemble import Inputs, build_report, write_all
    from .report_files import fresh_files

    if not (opts.logs or opts.junit or opts.sarif):
        raise UsageError("nothing to parse: give --log, --junit or --sarif")
    hits: list[Hit] = []
    for path in opts.logs:
        try:
            scan_file(path, hits)
        except OSError as exc:
            raise UsageError(f"cannot read log {path}: {exc.strerror}") from exc
    junit, sarif = fresh_files(opts.junit, None), fresh_files(opts.sarif, None)
    warnings = [f"no file matches {p}" for p in opts.junit + opts.sarif if not fresh_files([p], None)]
    task = opts.task or "parse"
    inputs = Inputs(
        task=task,
        command=[],
        status="parsed",
        log_hits=hits,
        log_names=opts.logs,
        junit_files=junit,
        sarif_files=sarif,
        warnings=warnings,
        max_records=opts.max_records,
    )
    report = build_report(inputs, find_root(), os.environ)
    if opts.report == "-":
        sys.stdout.write(report.to_json())
        problems = write_all(report, os.devnull, opts.formats, summary=False) if opts.formats else []
    else:
        path = opts.report or os.path.join(find_root(), ".selfheal", f"{slug(task)}.json")
        problems = write_all(report, path, opts.formats, summary=False)
    for problem in problems:
        sys.stderr.write(f"selfheal: warning: {problem}\n")
    return 0

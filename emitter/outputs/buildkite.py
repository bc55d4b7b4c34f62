"""Buildkite annotation body: Markdown (CommonMark + GFM, `<details>` allowed), always under 1 MiB.

Layout: a header (task, outcome, counts, command, exit code, link to the job), then the records grouped
by file — files holding errors first; inside a file errors first, then by line — one list item each:
`12:5` **error** `F401` `message` — tool. Multi-line messages (assertion diffs, tracebacks) go in a
fenced block under their item. Beyond `DETAILS_FROM` records every file becomes a collapsed `<details>`
whose summary carries its counts. A failed run with no recognised records shows the log's last lines.

Safety: all text from the log is redacted first (escaping could split a token's shape), then put in
code spans or fenced blocks whose backtick fence is longer than any backtick run inside, so nothing in a
message can end the span or become Markdown/HTML; text in HTML parts is HTML-escaped.

Size: Buildkite rejects bodies over 1 MiB (measured in UTF-8 bytes). Items are added while they fit
under `MAX_BYTES - RESERVE`; the rest are counted in a final `… N more records` line.
"""

from __future__ import annotations

import hashlib
import html
import re
import shlex
from collections.abc import Iterator
from urllib.parse import quote

from ..redact import Redactor
from ..report import Record, Report
from .json_report import write_dest
from .summary import describe_counts, rank, value

name = "buildkite"
suffix = ".annotation.md"

MAX_BYTES = 1024 * 1024
RESERVE = 1024  # room for a closing </details> and the truncation line
DETAILS_FROM = 20
MAX_MESSAGE = 2000
MAX_COMMAND = 300
TAIL_LINES = 40
MAX_CONTEXT = 100
_BACKTICKS = re.compile(r"`+")
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")
_STATUS = {"failed": "failed", "passed": "passed", "interrupted": "was interrupted", "parsed": "parsed"}


def annotation_context(task: str) -> str:
    """A `--context` for `buildkite-agent annotate`: ≤ 100 chars, the same for the same task every time.

    Readable when the task is already a clean slug; otherwise a slug plus a short hash of the exact task,
    so two tasks that slug alike ("lint:py", "lint/py") still get separate annotations.
    """
    slug = re.sub(r"[^a-z0-9._-]+", "-", task.lower()).strip("-") or "task"
    prefix = "selfheal-"
    if slug == task and len(prefix) + len(slug) <= MAX_CONTEXT:
        return prefix + slug
    digest = hashlib.sha256(task.encode("utf-8")).hexdigest()[:8]
    room = MAX_CONTEXT - len(prefix) - len(digest) - 1
    return f"{prefix}{slug[:room].rstrip('-')}-{digest}"


def annotation_style(report: Report) -> str:
    """`buildkite-agent annotate --style`: error, warning, success or info."""
    severities = {value(record.severity) for record in report.records}
    if report.status == "failed" or "error" in severities:
        return "error"
    if "warning" in severities:
        return "warning"
    return "success" if report.status == "passed" else "info"


def code_span(text: str) -> str:
    """Inline code that shows `text` literally, whatever backticks it holds (whitespace collapsed)."""
    flat = " ".join(text.split())
    if not flat:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def fenced(text: str, indent: str = "") -> str:
    """A fenced code block (indented to sit inside a list item) that no line of `text` can close."""
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    lines = [fence, *text.splitlines(), fence]
    return "".join(f"{indent}{line}\n" if line else "\n" for line in lines)


def escape_inline(text: str) -> str:
    """Plain Markdown text that renders literally: every significant punctuation mark backslash-escaped."""
    return _MD_PUNCT.sub(r"\\\1", " ".join(text.split()))


def _job_link(url: str | None, redactor: Redactor) -> str:
    clean = redactor.redact(url or "")
    if not clean.startswith(("https://", "http://")):
        return ""
    return f"[job log]({quote(clean, safe=':/?#@!$&*+,;=%~')})"


def _header(report: Report, redactor: Redactor) -> str:
    outcome = _STATUS.get(report.status, report.status)
    counts = describe_counts(report.records) if report.records else "no error lines recognised"
    lines = [f"#### selfheal: {code_span(redactor.redact(report.task))} {outcome} — {counts}", ""]
    meta = []
    if report.command:
        command = redactor.redact(shlex.join(report.command))
        command = command if len(command) <= MAX_COMMAND else command[: MAX_COMMAND - 1] + "…"
        meta.append(
            code_span(command) + (f" exited with code {report.exit_code}" if report.exit_code else "")
        )
    link = _job_link(report.ci.job_url, redactor)
    if link:
        meta.append(link)
    if meta:
        lines += [" · ".join(meta), ""]
    if report.records_dropped:
        lines += [f"_{report.records_dropped} more records were dropped by the report's cap._", ""]
    if report.partial:
        lines += ["_Part of the output could not be parsed; see the report's warnings._", ""]
    return "\n".join(lines) + "\n"


def _message(record: Record, redactor: Redactor) -> str:
    message = redactor.redact(record.message).strip("\n")
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def item(record: Record, redactor: Redactor) -> str:
    parts = ["-"]
    if record.line:
        parts.append(f"`{record.line}:{record.column}`" if record.column else f"`{record.line}`")
    if value(record.type) == "test_failure":
        parts.append("**FAILED**")
        if record.test:
            parts.append(code_span(redactor.redact(record.test)))
    else:
        severity = value(record.severity)
        parts.append(f"**{severity}**" if severity == "error" else severity)
    if record.rule:
        parts.append(code_span(redactor.redact(record.rule)))
    message = _message(record, redactor)
    multi_line = "\n" in message
    if message and not multi_line:
        parts.append(code_span(message))
    parts.append("— " + escape_inline(redactor.redact(record.tool)))
    out = " ".join(parts) + "\n"
    if multi_line:
        out += fenced(message, indent="  ")
    if record.suggestion:
        out += f"  - suggestion: {code_span(redactor.redact(record.suggestion))}\n"
    if record.fix:
        how = record.fix.description or (shlex.join(record.fix.command) if record.fix.command else "")
        out += f"  - fix available: {code_span(redactor.redact(how)) or 'edits in the report'}\n"
    return out


def _groups(records: list[Record]) -> list[tuple[str | None, list[Record]]]:
    by_file: dict[str | None, list[Record]] = {}
    for record in records:
        by_file.setdefault(record.file, []).append(record)
    for group in by_file.values():
        group.sort(key=lambda r: (rank(r), r.line or 0, r.column or 0))
    return sorted(by_file.items(), key=lambda kv: (rank(kv[1][0]), kv[0] is None, kv[0] or ""))


def _group_parts(file: str | None, records: list[Record], redactor: Redactor, details: bool) -> Iterator[str]:
    """The group's opening, its items, then its closing (yielded separately so they can be budgeted)."""
    counts = describe_counts(records)
    shown = redactor.redact(file) if file else None
    if details:
        label = f"<code>{html.escape(shown)}</code>" if shown else "Other"
        yield f"<details>\n<summary>{label} — {counts}</summary>\n\n"
    else:
        label = f"**{code_span(shown)}**" if shown else "**Other**"
        yield f"{label} — {counts}\n\n"
    for record in records:
        yield item(record, redactor)
    yield "\n</details>\n\n" if details else "\n"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def render(report: Report, redactor: Redactor, max_bytes: int = MAX_BYTES) -> str:
    out = [_header(report, redactor)]
    size, limit = _size(out[0]), max_bytes - RESERVE
    details = len(report.records) > DETAILS_FROM
    shown, full = 0, False
    for file, records in _groups(report.records):
        parts = list(_group_parts(file, records, redactor, details))
        opening, items, closing = parts[0], parts[1:-1], parts[-1]
        cost = _size(opening) + _size(closing)
        if size + cost + _size(items[0]) > limit:
            break
        out.append(opening)
        size += cost
        for text in items:
            if size + _size(text) > limit:
                full = True
                break
            out.append(text)
            size += _size(text)
            shown += 1
        out.append(closing)
        if full:
            break
    hidden = len(report.records) - shown
    if hidden:
        out.append(f"_… {hidden} more records not shown here; the full list is in the report artifact._\n")
    if not report.records and report.log_tail and report.status != "passed":
        tail = [redactor.redact(line)[:500] for line in report.log_tail[-TAIL_LINES:]]
        out.append("The output ended with:\n\n" + fenced("\n".join(tail)))
    return "".join(out)


def write(report: Report, dest: str, redactor: Redactor | None = None) -> None:
    write_dest(dest, render(report, redactor or Redactor.from_env()))

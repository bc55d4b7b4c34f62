"""Buildkite annotation body: Markdown (CommonMark + GFM, `<details>` allowed), always under 1 MiB.

Layout: a header (task, outcome, counts, command, exit code, link to the job), then the records grouped
by file — files holding errors first; inside a file errors first, then by line — one list item each:
`12:5` **error** `F401` `message` — tool. Multi-line messages (assertion diffs, tracebacks) go in a
fenced block under their item. Beyond `DETAILS_FROM` records the first screen still shows the errors
themselves: the first `FIRST_SCREEN` records stay open, and the rest of each file becomes a collapsed
`<details>` whose summary carries its counts. A failed run with no recognised records shows the log's
last lines.

Links: when the report's repository (`ci.repository`, e.g. BUILDKITE_REPO) is on a known forge — GitHub,
GitLab (gitlab.com or a host whose name contains "gitlab"), Bitbucket; ssh, scp-like or https remotes —
each location links to its line at the build's commit (`ci.commit`), and each rule links to its page where
the tool publishes one (`emitter.rule_docs`). URLs are built only from validated parts (host, path
segments, a hex sha, percent-quoted file paths), so nothing from the log can end the link's Markdown.

Safety: all text from the log is redacted first (escaping could split a token's shape), then put in
code spans or fenced blocks whose backtick fence is longer than any backtick run inside, so nothing in a
message can end the span or become Markdown/HTML; text in HTML parts is HTML-escaped.

Size: Buildkite rejects bodies over 1 MiB (measured in UTF-8 bytes). Items are added while they fit
under `MAX_BYTES - RESERVE`; the rest are counted in a final line that points to the report file among
the job's artifacts (a relative name: artifact URLs need the API).
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shlex
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote

from ..ci_env import slug as task_slug
from ..files import write_dest
from ..markdown import Forge, code_span, escape_inline, fenced, forge, link
from ..redact import Redactor
from ..rule_docs import doc_url
from .summary import describe_counts, rank, value

if TYPE_CHECKING:  # hints only: `selfheal run` imports emitter.outputs, and not pydantic
    from ..report import Record, Report

name = "buildkite"
suffix = ".annotation.md"

MAX_BYTES = 1024 * 1024
RESERVE = 1024  # room for a closing </details> and the truncation line
DETAILS_FROM = 20
FIRST_SCREEN = 10  # records shown open above the collapsed files, when there are more than DETAILS_FROM
MAX_MESSAGE = 2000
MAX_COMMAND = 300
TAIL_LINES = 40
MAX_CONTEXT = 100
_STATUS = {"failed": "failed", "passed": "passed", "interrupted": "was interrupted", "parsed": "parsed"}


class Links(NamedTuple):
    """What the annotation can link: the build's commit on its forge."""

    forge: Forge | None = None
    sha: str | None = None

    @classmethod
    def of(cls, report: Report, redactor: Redactor) -> Links:
        return cls(forge(redactor.redact(report.ci.repository or "")), report.ci.commit)

    def line(self, record: Record, redactor: Redactor) -> str | None:
        if not (self.forge and record.file):
            return None
        return self.forge.blob(self.sha, redactor.redact(record.file), record.line)


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
    job = _job_link(report.ci.job_url, redactor)
    if job:
        meta.append(job)
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


def item(record: Record, redactor: Redactor, links: Links | None = None) -> str:
    links = links or Links()
    parts = ["-"]
    if record.line:
        where = f"`{record.line}:{record.column}`" if record.column else f"`{record.line}`"
        parts.append(link(where, links.line(record, redactor)))
    if value(record.type) == "test_failure":
        parts.append("**FAILED**")
        if record.test:
            parts.append(code_span(redactor.redact(record.test)))
    else:
        severity = value(record.severity)
        parts.append(f"**{severity}**" if severity == "error" else severity)
    message = _message(record, redactor)
    if record.rule:
        rule = redactor.redact(record.rule)
        parts.append(link(code_span(rule), doc_url(record.tool, rule, message)))
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
        # a path outside the repository is shown as the tool printed it, never linked
        by_file.setdefault(record.file or record.raw_file, []).append(record)
    for group in by_file.values():
        group.sort(key=lambda r: (rank(r), r.line or 0, r.column or 0))
    return sorted(by_file.items(), key=lambda kv: (rank(kv[1][0]), kv[0] is None, kv[0] or ""))


class _Section(NamedTuple):
    file: str | None
    records: list[Record]
    collapsed: bool = False
    continued: bool = False  # the rest of a file whose first records are on the first screen


def _sections(records: list[Record]) -> list[_Section]:
    """Few records: every file open. Many: the first FIRST_SCREEN records open, the rest collapsed."""
    groups = _groups(records)
    if len(records) <= DETAILS_FROM:
        return [_Section(file, group) for file, group in groups]
    out, room = [], FIRST_SCREEN
    for file, group in groups:
        head, rest = group[:room], group[room:]
        if head:
            out.append(_Section(file, head))
        if rest:
            out.append(_Section(file, rest, collapsed=True, continued=bool(head)))
        room -= len(head)
    return out


def _group_parts(section: _Section, redactor: Redactor, links: Links) -> Iterator[str]:
    """The group's opening, its items, then its closing (yielded separately so they can be budgeted)."""
    counts = describe_counts(section.records) + (" (continued)" if section.continued else "")
    shown = redactor.redact(section.file) if section.file else None
    if section.collapsed:
        label = f"<code>{html.escape(shown)}</code>" if shown else "Other"
        yield f"<details>\n<summary>{label} — {counts}</summary>\n\n"
    else:
        label = f"**{code_span(shown)}**" if shown else "**Other**"
        yield f"{label} — {counts}\n\n"
    for record in section.records:
        yield item(record, redactor, links)
    yield "\n</details>\n\n" if section.collapsed else "\n"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _report_file(report: Report, given: str | None) -> str:
    """The report's name as the job's Artifacts tab lists it: relative to where the agent uploads from."""
    path = given or f".selfheal/{task_slug(report.task)}.json"
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        path = os.path.basename(path) if relative.startswith("..") else relative
    return path if len(path) <= 300 else "…" + path[-299:]


def truncation_line(hidden: int, report_file: str) -> str:
    return (
        f"_… {hidden} more records not shown here._ "
        f"See the full report in the job's artifacts: {code_span(report_file)}\n"
    )


def render(
    report: Report, redactor: Redactor, max_bytes: int = MAX_BYTES, report_file: str | None = None
) -> str:
    """The annotation body. `report_file` is the report's path as uploaded (default `.selfheal/<task>.json`)."""
    out = [_header(report, redactor)]
    size, limit = _size(out[0]), max_bytes - RESERVE
    links = Links.of(report, redactor)
    shown, full = 0, False
    for section in _sections(report.records):
        parts = list(_group_parts(section, redactor, links))
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
        out.append(truncation_line(hidden, redactor.redact(_report_file(report, report_file))))
    if not report.records and report.log_tail and report.status != "passed":
        tail = [redactor.redact(line)[:500] for line in report.log_tail[-TAIL_LINES:]]
        out.append("The output ended with:\n\n" + fenced("\n".join(tail)))
    return "".join(out)


def write(report: Report, dest: str, redactor: Redactor | None = None) -> None:
    """`dest` sits next to the report (`<slug>.annotation.md` beside `<slug>.json`): the truncation line
    names that report."""
    report_file = dest[: -len(suffix)] + ".json" if dest.endswith(suffix) and dest != suffix else None
    write_dest(dest, render(report, redactor or Redactor.from_env(), report_file=report_file))

"""The outcome of `selfheal fix` as Markdown: one rendering, shared by the Buildkite annotation and the GitLab
merge request note (DESIGN, "Platforms"), ending in a hidden marker a later attempt finds to replace it.

What a developer needs first, on one screen:

    ### ✅ selfheal: fixed — `1 fix verified`          icon + outcome + the reason
    **What was fixed** (one item per fix), **Delivered:** the commit (linked when it was pushed to a known
    forge), the branch it went to (the review branch when handed over), the patch file; **Changed:** files
    **Verify:** per task, with its test counts
    <details> Diagnosis · Cost · Isolation · Attempt and ledger </details>   (collapsed)
    _selfheal attempt N of M_
    <!-- selfheal:outcome scope=… -->                  the marker, exactly once and last

Safety: every string from the outcome came from the build (redacted already, not trusted). It only ever
appears in a code span or a fenced block whose backtick fence is longer than any run inside (so it cannot
end the span, become Markdown or HTML, close a `<details>`, or — on GitLab — mention a user or reference
an issue), or HTML-escaped inside `<code>` in a `<summary>`. The marker's words are broken up wherever they
appear in that text, so the marker stays unique. URLs are built from validated parts only (forge links), or
rebuilt from scheme, host, path and fragment (build links: credentials and query strings dropped).

Size: under 1 MiB (Buildkite) and 1,000,000 characters (GitLab): `MAX_BYTES` bytes satisfies both. Every
list is capped as it is built; if the body is still too big, the diagnosis goes first, then the other
collapsed sections, then the lists — the headline, the footer and the marker always stay.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from emitter.markdown import Forge, code_span, fenced, forge, link

from .context import Facts
from .outcome import Outcome, VerifyInfo

MAX_BYTES = 1_000_000  # < 1 MiB, and UTF-8 bytes ≥ characters: under both platforms' limits
MARKER_PREFIX = "<!-- selfheal:outcome scope="
MARKER_SUFFIX = " -->"
MAX_HEADLINE = 300
MAX_ITEM = 500
MAX_ITEMS = 60
MAX_DIFF_LINES = 400
MAX_FILES = 20
MAX_FINGERPRINTS = 10
HEADLINES = {  # outcome (or review / internal) -> (icon, what happened)
    "fixed": ("✅", "fixed"),
    "review": ("📝", "fix handed over for review"),
    "escalated": ("❌", "escalated to a human"),
    "skipped": ("⏭️", "skipped"),
    "flaky": ("🔁", "flaky, retried"),
    "infra_retry": ("🔁", "infrastructure failure, retried"),
    "internal": ("❌", "escalated, selfheal itself failed"),
}
_SCOPE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._:/@+=]|-(?!-)){0,99}")
_MARKER_WORDS = re.compile(r"selfheal:outcome", re.IGNORECASE)
_SAFE_WORD = re.compile(r"[A-Za-z0-9._-]{1,40}")
_MARKER = re.compile(re.escape(MARKER_PREFIX) + _SCOPE.pattern + re.escape(MARKER_SUFFIX))


def marker_for(scope: str) -> str:
    """The hidden marker of one annotation or note: `scope` is the failed step or the merge request. Clean
    scopes stay readable; any other gets a slug and a hash, so nothing in it can end the HTML comment."""
    if _SCOPE.fullmatch(scope) and not scope.endswith("-"):
        return MARKER_PREFIX + scope + MARKER_SUFFIX
    slug = re.sub(r"[^a-z0-9]+", "-", scope.lower()).strip("-")[:60].rstrip("-") or "scope"
    return f"{MARKER_PREFIX}{slug}-{hashlib.sha256(scope.encode('utf-8')).hexdigest()[:8]}{MARKER_SUFFIX}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _inert(text: str, limit: int = MAX_ITEM) -> str:
    """Untrusted text, cut, with the marker's words broken (a zero-width space) so it cannot pose as one."""
    return _MARKER_WORDS.sub("selfheal:\u200boutcome", _cut(text, limit))


def _code(text: str, limit: int = MAX_ITEM) -> str:
    return code_span(_inert(text, limit)) or "` `"


def _html_code(text: str) -> str:
    return f"<code>{html.escape(_inert(text, 100))}</code>"


def _web(label: str, url: str | None) -> str:
    """A link to a CI page, rebuilt from its parts: no credentials, no query string."""
    try:
        parts = urlsplit(url or "")
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname or ":" in parts.hostname:
        return ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    rebuilt = quote(f"{parts.hostname}{port}{parts.path}{fragment}", safe=":/#@!$&*+,;=%~")
    return link(label, f"{parts.scheme}://{rebuilt}")


@dataclass
class _Block:
    """A part of the body that can shrink: `head` (the summary, when collapsed), up to `keep` of its `items`
    as a list or a fenced block, and a note counting the rest."""

    head: str
    items: list[str]
    left_out: int = 0  # items capped away before rendering
    fence: bool = False
    collapsed: bool = False
    keep: int = -1  # how many items fit; -1: all
    shown: bool = True

    def render(self) -> str:
        if not self.shown:
            return ""
        keep = len(self.items) if self.keep < 0 else self.keep
        kept = self.items[:keep]
        hidden = self.left_out + len(self.items) - keep
        if self.fence:
            body = fenced("\n".join(kept)) if kept else ""
        else:
            body = "".join(f"- {item}\n" for item in kept)
        note = f"{chr(10) if body else ''}_… {hidden} more in outcome.json_\n" if hidden else ""
        if self.collapsed:
            return f"<details>\n<summary>{self.head}</summary>\n\n{body}{note}\n</details>\n\n"
        return self.head + body + note + ("\n" if body or note else "")


def _collapsed(summary: str, items: list[str], fence: bool = False, left_out: int = 0) -> _Block:
    return _Block(summary, items, left_out, fence, collapsed=True)


def _headline(outcome: Outcome, reason_limit: int) -> str:
    key: str = "internal" if outcome.internal_error else outcome.outcome
    key = "review" if key == "fixed" and outcome.handed_over else key
    icon, label = HEADLINES[key]
    reason = (
        f" — {_code(outcome.reason, reason_limit)}" if outcome.reason.strip() and reason_limit > 1 else ""
    )
    return f"### {icon} selfheal: {label}{reason}\n\n"


def _delivered(outcome: Outcome, where: Forge | None) -> str:
    parts = []
    pushed = outcome.pushed_ref is not None
    if outcome.commit:
        commit = _code(outcome.commit[:12], 12)
        parts.append("commit " + link(commit, where.commit(outcome.commit) if where and pushed else None))
    if outcome.pushed_ref:
        branch = outcome.pushed_ref.removeprefix("refs/heads/")
        target = "review branch" if outcome.handed_over else "pushed to"
        parts.append(
            f"{target} " + link(_code(branch, 200), where.tree(outcome.pushed_ref) if where else None)
        )
    if outcome.patch_file:
        parts.append(
            ("patch for review " if outcome.handed_over else "patch ") + _code(outcome.patch_file, 200)
        )
    return f"**Delivered:** {' · '.join(parts)}\n\n" if parts else ""


def _files(outcome: Outcome, where: Forge | None) -> _Block:
    pushed = outcome.pushed_ref is not None and where is not None
    items = [
        link(_code(path, 200), where.blob(outcome.commit, path) if pushed and where else None)
        for path in outcome.files[:MAX_FILES]
    ]
    return _Block("**Changed:**\n\n", items, max(0, len(outcome.files) - MAX_FILES))


def _tests(tests: dict[str, Any] | None) -> str:
    counts = {k: v for k, v in (tests or {}).items() if isinstance(v, int) and not isinstance(v, bool)}
    if "total" not in counts:
        return ""
    text = f"{counts['total']} tests" + "".join(
        f", {counts[k]} {k}" for k in ("passed", "failed", "skipped") if counts.get(k)
    )
    source = str((tests or {}).get("source", ""))
    return text + (f" ({source})" if _SAFE_WORD.fullmatch(source) else "")


def _verify(verify: VerifyInfo) -> _Block:
    state = ("✔ passed" if verify.ok else "✖ failed") + (
        f" in {verify.duration_s:.1f} s" if verify.duration_s else ""
    )
    remaining = f" — {verify.remaining} records remain" if verify.remaining else ""
    items = []
    for task in verify.tasks[:MAX_ITEMS]:
        parts = [("✔ " if task.ok else "✖ ") + _code(task.task, 100)]
        if task.command:
            parts.append(_code(" ".join(task.command), 200))
        if task.exit_code is not None:
            parts.append(f"exit {task.exit_code}")
        parts.append(_tests(task.tests))
        items.append(" — ".join(p for p in parts if p))
    if not verify.tasks and verify.command:
        items.append(_code(" ".join(verify.command), 200) + f" — exit {verify.exit_code}")
    left_out = max(0, len(verify.tasks) - MAX_ITEMS)
    return _Block(f"**Verify:** {state}{remaining}\n\n", items, left_out)


def _ledger(outcome: Outcome, facts: Facts | None, where: Forge | None, of: str) -> _Block:
    items = [f"attempt {outcome.attempt}{of}"]
    if outcome.failed_commit:
        failed = _code(outcome.failed_commit[:12], 12)
        items.append("failed commit " + link(failed, where.commit(outcome.failed_commit) if where else None))
    items.append(
        f"records: {outcome.records_in} in, {outcome.records_fixed} fixed, {outcome.records_dropped} dropped"
    )
    if outcome.fingerprints:
        shown = ", ".join(_code(f, 64) for f in outcome.fingerprints[:MAX_FINGERPRINTS])
        more = len(outcome.fingerprints) - MAX_FINGERPRINTS + outcome.fingerprints_dropped
        items.append(f"fingerprints: {shown}" + (f" and {more} more" if more > 0 else ""))
    if outcome.duration_s:
        items.append(f"ran for {outcome.duration_s:.1f} s")
    pages = [_web("build", facts.build_url), _web("job", facts.job_url)] if facts else []
    if any(pages):
        items.append(" · ".join(p for p in pages if p))
    return _collapsed(f"Attempt {outcome.attempt}{of} and ledger", items)


def _blocks(outcome: Outcome, facts: Facts | None, where: Forge | None, of: str) -> list[_Block]:
    blocks = []
    if outcome.summary:
        items = [_code(s) for s in outcome.summary[:MAX_ITEMS]]
        blocks.append(_Block("**What was fixed**\n\n", items, max(0, len(outcome.summary) - MAX_ITEMS)))
    delivered = _delivered(outcome, where)
    if delivered:
        blocks.append(_Block(delivered, []))
    if outcome.files:
        blocks.append(_files(outcome, where))
    if outcome.diff:
        lines = outcome.diff.splitlines()
        blocks.append(
            _collapsed(
                f"Diff ({len(lines)} lines)",
                lines[:MAX_DIFF_LINES],
                True,
                max(0, len(lines) - MAX_DIFF_LINES),
            )
        )
    if outcome.verify:
        blocks.append(_verify(outcome.verify))
    lines = [_inert(d) for d in outcome.details[:MAX_ITEMS]]
    if len(outcome.reason) > MAX_HEADLINE:
        lines = [_inert(" ".join(outcome.reason.split()), 2000), *lines]
    if lines or outcome.details_dropped:
        dropped = outcome.details_dropped + max(0, len(outcome.details) - MAX_ITEMS)
        count = len(lines) + dropped
        blocks.append(
            _collapsed(f"Diagnosis ({count} line{'' if count == 1 else 's'})", lines, True, dropped)
        )
    if outcome.tokens or outcome.dollars or outcome.engine:
        spent = outcome.tokens or outcome.dollars
        cost = f"Model cost: {outcome.tokens:,} tokens, ${outcome.dollars:.4f}"
        label = cost if spent or not outcome.engine else f"Engine: {_html_code(outcome.engine)}"
        engine = [f"engine: {_code(outcome.engine, 100)}"] if outcome.engine else []
        usage = [f"tokens: {outcome.tokens:,}", f"cost: ${outcome.dollars:.4f}"] if spent else []
        blocks.append(_collapsed(label, [*engine, *usage]))
    if outcome.isolation:
        kind = outcome.isolation.get("kind")
        label = f"Isolation: {_html_code(str(kind))}" if kind else "Isolation"
        pairs = [_inert(f"{k}: {v}", 200) for k, v in list(outcome.isolation.items())[:40]]
        blocks.append(_collapsed(label, pairs, True, max(0, len(outcome.isolation) - 40)))
    blocks.append(_ledger(outcome, facts, where, of))
    return blocks


# what goes first when the body is too big: the diagnosis, the other collapsed parts, then the lists
_CUT_ORDER: list[Callable[[_Block], bool]] = [
    lambda b: b.collapsed and b.head.startswith("Diagnosis"),
    lambda b: b.collapsed,
    lambda b: True,
]


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _fit(head: str, blocks: list[_Block], tail: str, limit: int) -> None:
    """Shrinks blocks in _CUT_ORDER (last first within a kind) until the body fits in `limit` bytes."""
    for chosen in _CUT_ORDER:
        for block in reversed([b for b in blocks if chosen(b) and b.shown]):
            others = _size(head + tail) + sum(_size(b.render()) for b in blocks if b is not block)
            if others + _size(block.render()) <= limit:
                return
            block.keep = len(block.items) if block.keep < 0 else block.keep
            while block.keep > 0 and others + _size(block.render()) > limit:
                block.keep -= 1
            if others + _size(block.render()) > limit:
                block.shown = False


def markdown(
    outcome: Outcome,
    facts: Facts | None,
    marker: str,
    *,
    max_attempts: int | None = None,
    max_bytes: int = MAX_BYTES,
) -> str:
    """The outcome as Markdown, ending in `marker` (from `marker_for`). `max_attempts` completes the footer's
    "attempt N of M" when the caller knows the cap."""
    if not _MARKER.fullmatch(marker):
        raise ValueError(f"not a selfheal marker: {marker!r}")
    where = forge(facts.remote_url) if facts else None
    of = f" of {max_attempts}" if max_attempts else ""
    footer = (
        f"_selfheal attempt {outcome.attempt}{of}_" if outcome.attempt else "_selfheal: no attempt counted_"
    )
    tail = f"{footer}\n\n{marker}\n"
    blocks = _blocks(outcome, facts, where, of)
    for reason_limit in (MAX_HEADLINE, 60, 0):
        head = _headline(outcome, reason_limit)
        _fit(head, blocks, tail, max_bytes)
        body = head + "".join(b.render() for b in blocks) + tail
        if len(body.encode("utf-8")) <= max_bytes:
            return body
    return body  # a budget below the headline and the marker: still the one valid body we can give

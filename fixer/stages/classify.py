"""Classify each record: fixable under policy, infrastructure (retry, never edit code), or out of policy.

Only errors count: warnings and notes ride along as context but never decide the verdict.
"""

from __future__ import annotations

from emitter.report import Record

from ..config import Config
from ..context import Verdict


def classify(records: list[Record], config: Config) -> Verdict:
    fixable: list[Record] = []
    infra: list[Record] = []
    out: list[Record] = []
    for record in records:
        if record.severity != "error":
            continue
        if record.type == "infra":
            infra.append(record)
        elif record.type in config.fixable_types:
            fixable.append(record)
        else:
            out.append(record)
    return Verdict(fixable=fixable, infra=infra, out_of_policy=out)


def describe(record: Record) -> str:
    """One line a human can act on: where, what, which tool said so."""
    where = record.file or "?"
    if record.line:
        where += f":{record.line}"
    rule = f" [{record.rule}]" if record.rule else ""
    first = record.message.splitlines()[0] if record.message else ""
    test = f" ({record.test})" if record.test else ""
    return f"{where}: {record.tool}{rule}: {first[:200]}{test}"

"""Exports."""

from collections.abc import Iterable
import io
import csv


def to_csv(rows: Iterable[tuple[str, int]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()

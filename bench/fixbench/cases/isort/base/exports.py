"""Exports."""

import csv
import io
from collections.abc import Iterable


def to_csv(rows: Iterable[tuple[str, int]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()

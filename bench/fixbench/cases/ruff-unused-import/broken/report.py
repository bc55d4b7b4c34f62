"""Monthly report."""

import json
import os


def render(totals: dict[str, float]) -> str:
    return json.dumps(totals, sort_keys=True)

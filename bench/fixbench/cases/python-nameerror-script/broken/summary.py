"""Writes the nightly summary."""

import sys


def summary(counts: dict[str, int]) -> str:
    return json.dumps({"total": sum(counts.values()), "counts": counts}, sort_keys=True)


if __name__ == "__main__":
    sys.stdout.write(summary({"ok": 3, "failed": 1}) + "\n")

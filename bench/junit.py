"""JUnit reading: selfheal's reader against junitparser and a plain streaming parse. Prints a table.

    .venv/bin/python bench/junit.py [--cases 100000] [--no-largest] [--repeat 3] [--keep]

Generates pytest-like JUnit files in bench/out/ (`<testsuites><testsuite name="pytest">`, testcases with
classname, name and time; 1% failing with a pytest traceback in `<failure message=...>`, 2% skipped):
  - N cases (default 100,000),
  - 3N cases with the SAME failing and skipped tests: only passing tests are added, so any growth in memory
    between the two is what the reader spends on a passing test,
  - 10N cases, 1% failing (left out with --no-largest).
Each file is read by:
  (a) selfheal: `emitter.junit.read_junit_counted` (hits and counts),
  (b) junitparser: `JUnitXml.fromfile`, then every case and its results,
  (c) stream: defusedxml's iterparse, end events, each testcase counted (failures too) and cleared,
  (d) cstream: the same loop over Python's C iterparse (what selfheal reads a file without a DOCTYPE with).
Every read runs in a fresh child process: the time is the read alone (imports done first, the best of
--repeat runs), the memory the child's peak RSS (`ru_maxrss`, interpreter included), so peaks never mix.
Figures are measurements, never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
MODES = ("selfheal", "junitparser", "stream", "cstream")

TRACE = """def test_fail_{j}():
        order = make_order(items={items}, discount=Decimal("0.{j3}"))
        invoice = render_invoice(order)
&gt;       assert invoice.total == expected_total(order)
E       AssertionError: assert Decimal('{got}') == Decimal('{want}')
E        +  where Decimal('{got}') = Invoice(id={j}, lines={items}).total
E        +  and   Decimal('{want}') = expected_total(Order(id={j}, items={items}))

tests/unit/test_orders_{k}.py:{line}: AssertionError"""
HELPER = """

    def expected_total(order):
        subtotal = sum(line.price * line.quantity for line in order.lines)
&gt;       return round_half_even(subtotal * (1 - order.discount))

app/billing/totals.py:{line}: in expected_total
    ...
app/billing/rounding.py:41: in round_half_even
    raise ValueError(f"cannot round {{value!r}}")"""


def generate(path: Path, cases: int, failing: int, skipped: int) -> None:
    """A pytest-like report; failing and skipped tests spread evenly and named by their own number only, so
    two files with the same `failing` and `skipped` hold the same failures whatever their size."""
    fail_at = {(2 * j + 1) * cases // (2 * failing): j for j in range(failing)} if failing else {}
    skip_at = {(2 * j + 1) * cases // (2 * skipped) + 1: j for j in range(skipped)} if skipped else {}
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="pytest tests">')
        out.write(
            f'<testsuite name="pytest" errors="0" failures="{failing}" skipped="{skipped}" tests="{cases}" '
            'time="1843.512" timestamp="2026-11-21T13:35:46.123456" hostname="ci-runner-7">\n'
        )
        for i in range(cases):
            if i in fail_at:
                j = fail_at[i]
                k, items = j % 40, 2 + j % 7
                text = TRACE.format(
                    j=j, j3=j % 1000, items=items, got=f"{j}.41", want=f"{j}.40", k=k, line=88
                )
                text += HELPER.format(line=12 + j % 30) if j % 3 == 0 else ""
                message = f"AssertionError: assert Decimal(&apos;{j}.41&apos;) == Decimal(&apos;{j}.40&apos;)"
                out.write(
                    f'<testcase classname="tests.unit.test_orders_{k}" name="test_fail_{j}" time="0.0{j % 90 + 10}">'
                    f'<failure message="{message}">{text}</failure></testcase>\n'
                )
            elif i in skip_at:
                j = skip_at[i]
                out.write(
                    f'<testcase classname="tests.integration.test_net_{j % 25}" name="test_remote_{j}" '
                    'time="0.000"><skipped type="pytest.skip" message="needs network access">'
                    f"/builds/acme/shop/tests/integration/test_net_{j % 25}.py:14: needs network access"
                    "</skipped></testcase>\n"
                )
            else:
                out.write(
                    f'<testcase classname="tests.unit.test_module_{i % 500}" '
                    f'name="test_case_{i}[param-{i % 7}]" time="0.{i % 1000:03d}" />\n'
                )
        out.write("</testsuite></testsuites>\n")


def child(mode: str, path: str) -> None:
    """One read of `path` in this fresh process; prints its figures as JSON."""
    if mode == "selfheal":
        from emitter.junit import read_junit_counted

        with tempfile.TemporaryDirectory() as tmp:  # its lazy imports happen here, not in the timed read
            tiny = Path(tmp) / "warm.xml"
            tiny.write_text('<testsuite><testcase name="t"><failure message="m"/></testcase></testsuite>')
            read_junit_counted(str(tiny))
        start = time.perf_counter()
        hits, warning, counts = read_junit_counted(path)
        seconds = time.perf_counter() - start
        assert counts is not None, warning
        cases, failed = counts.total, len(hits)
    elif mode == "junitparser":
        from junitparser import JUnitXml, TestSuite

        start = time.perf_counter()
        cases = failed = 0
        xml = JUnitXml.fromfile(path)
        for suite in xml if not isinstance(xml, TestSuite) else [xml]:
            for case in suite:
                cases += 1
                failed += any(r._tag in ("failure", "error") for r in case.result)
        seconds = time.perf_counter() - start
    else:
        from xml.etree.ElementTree import iterparse

        import defusedxml.ElementTree as safe_et

        events = (
            safe_et.iterparse(path, forbid_entities=True, forbid_external=True)
            if mode == "stream"
            else iterparse(path)
        )
        start = time.perf_counter()
        cases = failed = 0
        for _, elem in events:
            if elem.tag == "testcase":
                cases += 1
                failed += any(c.tag in ("failure", "error") for c in elem)
                elem.clear()
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "cases": cases, "failed": failed}))


def measure(mode: str, path: Path, repeat: int) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(done.stdout))
    best = min(runs, key=lambda run: run["seconds"])
    return {**best, "peak_mib": max(run["peak_mib"] for run in runs)}


def table(rows: list[list[str]]) -> str:
    head = ["file", "cases", "failing", "size MB"] + [f"{m} {u}" for m in MODES for u in ("s", "MiB")]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" for _ in head) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="N, the smallest file (default 100000)")
    parser.add_argument("--no-largest", action="store_true", help="leave out the 10N file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader and file, best time kept")
    parser.add_argument("--modes", default=",".join(MODES), help="readers to run (default all)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files in bench/out")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    n = args.cases
    files = [(n, n // 100, n // 50), (3 * n, n // 100, n // 50)]  # the same failures, 2N more passing
    files += [] if args.no_largest else [(10 * n, n // 10, n // 5)]
    modes = [m for m in args.modes.split(",") if m]
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for cases, failing, skipped in files:
        path = OUT / f"junit-{cases}.xml"
        generate(path, cases, failing, skipped)
        row = [path.name, f"{cases:,}", f"{failing:,}", f"{os.path.getsize(path) / 1e6:.1f}"]
        for mode in MODES:
            if mode not in modes:
                row += ["", ""]
                continue
            got = measure(mode, path, args.repeat)
            row += [f"{got['seconds']:.3f}", f"{got['peak_mib']:.1f}"]
            print(f"  {path.name} {mode}: {got}", file=sys.stderr)
        rows.append(row)
        if not args.keep:
            path.unlink()
    print()
    print(table(rows))


if __name__ == "__main__":
    main()

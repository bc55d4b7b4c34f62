"""How emitter.junit agrees with two public JUnit test suites. Prints disagreements and a summary.

    .venv/bin/python bench/corpus_junit.py [--corpus ../shared/corpus] [-v]

bench/corpus.py runs the same comparison after its text-log table, each input in a child of its own (a reader
that crashes or hangs is counted there instead of stopping the run).

The corpus (EnricoMi/publish-unit-test-result-action and dorny/test-reporter test data) is read where it
lies, at run time; nothing of it is copied into this repository. For every JUnit XML input it compares:
  - the number of failed/errored tests with the expectation beside it (publish: `*.expected.results.txt`,
    distinct class+name with result failure/error; dorny: `__snapshots__/*.snap.txt`, result "failed"),
  - for expected failures that carry a location, the file (suffix match either way) and the line,
  - that invalid inputs (`*.expected.exception.txt`) end in a warning.
Known, deliberate differences: pytest's `line` attribute is 0-based and names the test's `def`, selfheal
reports the failing line (1-based); a JS error thrown in a helper is placed in the test file, not the helper.
Figures are measurements, never asserts.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emitter.junit import read_junit  # noqa: E402
from emitter.parsers.base import Hit  # noqa: E402

DORNY_PARSERS = ("java-junit", "jest-junit", "phpunit-junit", "python-xunit", "swift-xunit", "tester-junit")


@dataclass
class Row:
    source: str
    path: str
    expected: int
    got: int
    warning: str | None
    invalid: bool
    located: int = 0
    file_ok: int = 0
    line_ok: int = 0
    misses: list[str] = field(default_factory=list)


def same_file(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = a.replace("\\", "/").removeprefix("./"), b.replace("\\", "/").removeprefix("./")
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def compare(row: Row, hits: list[Hit], locations: Sequence[tuple[str, str | None, int | None]]) -> Row:
    for name, file, line in locations:
        row.located += 1
        named = [h for h in hits if h.test == name or (h.test or "").endswith("::" + name)]
        hit = next((h for h in named if same_file(h.file, file)), named[0] if named else None)
        if hit is None:
            row.misses.append(f"{name}: no record")
            continue
        row.file_ok += same_file(hit.file, file)
        row.line_ok += line is None or hit.line == line
        if not same_file(hit.file, file):
            row.misses.append(f"{name}: file {hit.file!r}, expected {file!r}")
        elif line is not None and hit.line != line:
            row.misses.append(f"{name}: line {hit.line}, expected {line}")
    return row


def publish_row(base: Path, path: str) -> Row:
    """One publish-unit-test-result-action input against the `.expected.results.txt` beside it."""
    xml = Path(path)
    stem = xml.with_suffix("")
    hits, warning = read_junit(str(xml))
    results = stem.with_name(stem.name + ".expected.results.txt")
    failing: list[dict[str, object]] = []
    if results.exists():
        for block in re.findall(r"UnitTestCase\((.*?)\n    \)", results.read_text(), re.S):
            case = {k: _value(block, k) for k in ("test_file", "line", "class_name", "test_name", "result")}
            if case["result"] in ("failure", "error"):
                failing.append(case)
    row = Row(
        "publish",
        str(xml.relative_to(base)),
        len({(c["class_name"], c["test_name"]) for c in failing}),
        len(hits),
        warning,
        stem.with_name(stem.name + ".expected.exception.txt").exists(),
    )
    located = [(str(c["test_name"]), str(c["test_file"]), _int(c["line"])) for c in failing if c["test_file"]]
    return compare(row, hits, located)


def dorny_expectations(base: Path) -> Iterator[tuple[str, list[dict[str, object]]]]:
    """Each dorny fixture read by a JUnit parser, with the tests its snapshot expects."""
    seen = set()
    for snap in sorted((base / "__snapshots__").glob("*.snap.txt")):
        if not snap.name.startswith(DORNY_PARSERS):
            continue
        for export in snap.read_text().split("exports[`")[1:]:
            m = re.search(r'^  "path": "(.*?)",', export, re.M)
            if not m or m.group(1) in seen or not (base / m.group(1)).exists():
                continue
            seen.add(m.group(1))
            tests: list[dict[str, object]] = []
            for raw in export.splitlines():
                line = raw.strip()
                if line.startswith("TestCaseResult {"):
                    tests.append({})
                elif tests and (
                    kv := re.match(r'"(line|path|name|result)": (?:"(.*)"|(\d+|undefined)),$', line)
                ):
                    tests[-1].setdefault(kv.group(1), kv.group(2) if kv.group(2) is not None else kv.group(3))
            yield m.group(1), tests


def dorny_row(base: Path, tests: list[dict[str, object]], path: str) -> Row:
    failed = [t for t in tests if t.get("result") == "failed"]
    hits, warning = read_junit(str(base / path))
    row = Row("dorny", path, len(failed), len(hits), warning, False)
    located = [
        (str(t["name"]), str(t["path"]), _int(t.get("line")))
        for t in failed
        if t.get("path") not in (None, "undefined")
    ]
    return compare(row, hits, located)


def inputs(corpus: Path) -> Iterator[tuple[str, str, Callable[[str], Row]]]:
    """(corpus, input, a function of the input that reads and scores it): bench/corpus.py runs each in a
    child of its own, so that a reader that crashes or hangs is counted instead of stopping the run."""
    base = corpus / "publish-unit-test-result-action"
    xmls = sorted((base / "junit-xml").rglob("*.xml")) + sorted((base / "xml").glob("*.xml"))
    for xml in xmls:
        if ".expected." not in xml.name:
            yield "publish", str(xml), partial(publish_row, base)
    dorny = corpus / "dorny-test-reporter"
    for path, tests in dorny_expectations(dorny):
        yield "dorny", path, partial(dorny_row, dorny, tests)


def _value(block: str, key: str) -> object:
    m = re.search(rf"^\s*{key}=(.*?),?$", block, re.M)
    if not m:
        return None
    try:
        return ast.literal_eval(m.group(1))
    except (ValueError, SyntaxError):
        return m.group(1)


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else None


def report(rows: list[Row], verbose: bool) -> None:
    for row in rows:
        wrong = row.got != row.expected if not row.invalid else row.warning is None
        unexpected_warning = row.warning is not None and not row.invalid
        if verbose or wrong or unexpected_warning or row.misses:
            print(f"  [{row.source}] {row.path}: expected {row.expected}, got {row.got}; {row.warning or ''}")
            for miss in row.misses[:6]:
                print(f"      {miss}")
    print()
    print(f"{'corpus':10} {'files':>5} {'count equal':>12} {'failing tests':>14} {'invalid warned':>15} "
          f"{'file agrees':>12} {'line agrees':>12}")  # fmt: skip
    for source in ("publish", "dorny"):
        mine = [r for r in rows if r.source == source]
        valid = [r for r in mine if not r.invalid]
        invalid = [r for r in mine if r.invalid]
        located = sum(r.located for r in mine)
        print(
            f"{source:10} {len(mine):5} {sum(r.got == r.expected for r in valid):>6}/{len(valid):<5} "
            f"{sum(r.got for r in mine):>6}/{sum(r.expected for r in mine):<7} "
            f"{sum(r.warning is not None for r in invalid):>8}/{len(invalid):<6} "
            f"{sum(r.file_ok for r in mine):>6}/{located:<5} {sum(r.line_ok for r in mine):>6}/{located:<5}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    report([make(path) for _, path, make in inputs(args.corpus)], args.verbose)


if __name__ == "__main__":
    main()

"""merge.Keep: hits merged as they arrive, holding no more than the report keeps.

Below the cap the records are those of merging every hit at once; above it, those of today's end-of-run
cut (errors, then warnings, then notes, then the order of arrival) — except in the corners merge.py's
docstring names, whose chosen behaviour is pinned here too.
"""

from __future__ import annotations

import contextlib
import json
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from emitter import merge as merge_module
from emitter.collect import Collector
from emitter.hit import Hit
from emitter.light import Record, as_dict
from emitter.merge import MAX_RECORDS, Keep, merge
from emitter.normalize import PathResolver
from emitter.report import Record as Model
from emitter.scan import scan_bytes
from tests.helpers.fixtures import copy_fixture, essentials, expected, recorded_output

RANK = {"error": 0, "warning": 1, "note": 2}


def keep_in(root: Path, cap: int = MAX_RECORDS) -> Keep:
    return Keep("t", PathResolver(str(root), str(root)), cap)


def finding(i: int, severity: str, **fields: object) -> Hit:
    hit = Hit(tool="ruff", message=f"{severity} number {i}", file=f"src/m{i % 10}.py", line=i + 1, column=1)
    hit.rule, hit.severity = f"R{severity[0]}", severity
    for name, value in fields.items():
        setattr(hit, name, value)
    return hit


def held(keep: Keep) -> tuple[int, int, int]:
    """(records kept, records filed in the index, buckets of the index): all a Keep holds per record."""
    twins = keep.twins
    filed = sum(map(len, twins.tests.values()))
    buckets = len(twins.tests) + len(twins.findings)
    for bucket in twins.findings.values():
        filed += sum(map(len, bucket.by_message.values())) + sum(map(len, bucket.by_source.values()))
        buckets += len(bucket.by_message) + len(bucket.by_source)
    return len(keep.records), filed, buckets


def test_a_flood_of_distinct_hits_holds_no_more_than_the_cap(tmp_path: Path) -> None:
    keep = keep_in(tmp_path)
    before = 0
    for i in range(200_000):
        if i == 100_000:  # the steady state, traced: nothing a hit leaves behind may stay
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
        keep.add(finding(i, "warning"))
        keep.add(finding(i, "error"))
        if i == 120_000:
            grown, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert grown - before < 256 * 1024  # 40,000 hits: under 7 bytes each, so none is held
            assert peak - before < 2 * 1024 * 1024
        if i % 1000 == 0:
            kept, filed, buckets = held(keep)
            assert kept <= MAX_RECORDS and filed <= 2 * MAX_RECORDS and buckets <= 3 * MAX_RECORDS
    records = keep.records
    assert [r.message for r in records] == [f"error number {i}" for i in range(MAX_RECORDS)]
    assert keep.dropped == 399_000 and keep.hits == 400_000


def test_a_message_is_cut_as_it_arrives(tmp_path: Path) -> None:
    keep = Keep("t", PathResolver(str(tmp_path), str(tmp_path)), max_records=2, max_message=50)
    for i in range(5):
        keep.add(finding(i, "error", message=f"{i} " + "x" * 10_000))
    assert [len(r.message) for r in keep.records] == [50, 50]
    assert keep.truncated == 5 and keep.dropped == 3


# -- below the cap: the records of a whole-log merge --------------------------------------------------------
TOOLS = ["maven", "msbuild", "github", "hadolint", "yamllint", "pytest", "infra", "stylelint"]


@pytest.mark.parametrize("tool", TOOLS)
def test_a_log_under_the_cap_gives_the_records_of_a_whole_log_merge(
    tool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As `selfheal run` collects them: chunk by chunk, merged on arrival (maven's `[INFO]` stdout is
    also a candidate JSON document until the end)."""
    root = copy_fixture(tool, tmp_path)
    monkeypatch.setenv("SELFHEAL_ROOT", str(root))
    monkeypatch.chdir(root)
    output = recorded_output(tool)
    collector = Collector("", None, [], task="test")
    for start in range(0, len(output), 777):  # cut mid-line, as a pipe does
        collector(1, output[start : start + 777])
    collector.finish()
    collector.read_document()
    got = [Model.model_validate(as_dict(r)) for r in collector.records]
    whole = merge(scan_bytes(output), "test", PathResolver(str(root), str(root))).records
    assert [r.model_dump() for r in got] == [r.model_dump() for r in whole]
    assert essentials(got) == expected(tool)  # the records recorded before hits were merged as they came


# -- above the cap: today's end-of-run cut -----------------------------------------------------------------
def end_of_run_cut(hits: list[Hit], root: Path, cap: int) -> tuple[list[Record], int]:
    """Every hit merged first, then the cap applied at once (the emitter's behaviour before `Keep`)."""
    everything = keep_in(root, cap=len(hits) + 1)
    everything.extend(hits)
    records = everything.records
    order = sorted(range(len(records)), key=lambda i: (RANK[records[i].severity], i))
    return [records[i] for i in sorted(order[:cap])], max(0, len(records) - cap)


@pytest.mark.parametrize("seed", range(40))
def test_above_the_cap_the_records_are_those_of_the_end_of_run_cut(seed: int, tmp_path: Path) -> None:
    """Duplicates (the same finding again, a report file's fuller text) of records the cut keeps."""
    rng = random.Random(seed)
    cap = rng.choice([0, 1, 3, 10, 25])
    distinct = [finding(i, rng.choice(list(RANK))) for i in range(rng.randint(1, 80))]
    ranked = sorted(range(len(distinct)), key=lambda i: (RANK[distinct[i].severity], i))
    survivors = ranked[:cap]
    stream: list[Hit] = []
    for i, hit in enumerate(distinct):
        stream.append(hit)
        arrived = [s for s in survivors if s <= i]
        if arrived and rng.random() < 0.4:
            j = rng.choice(arrived)
            twin = finding(j, distinct[j].severity)
            twin.severity = rng.choice(list(RANK))  # a repeat may rank otherwise: its first sighting counts
            if rng.random() < 0.5:
                twin.message, twin.source, twin.suggestion = (
                    distinct[j].message + " (full)",
                    "sarif",
                    "fix it",
                )
            stream.append(twin)
    keep = keep_in(tmp_path, cap)
    keep.extend(stream)
    records, dropped = end_of_run_cut(stream, tmp_path, cap)
    assert [as_dict(r) for r in keep.records] == [as_dict(r) for r in records]
    assert keep.dropped == dropped


def test_duplicates_far_apart_still_merge(tmp_path: Path) -> None:
    keep = keep_in(tmp_path)
    first = finding(0, "error", message="unused import 'os'")
    failing = Hit(tool="pytest", message="assert 1 == 2", type="test_failure", test="tests/t.py::test_a")
    keep.extend([first, failing])
    for i in range(1, 50_000):
        keep.add(finding(i, "error" if i % 2 else "warning"))
    keep.add(finding(0, "error", message="unused import 'os' (F401: remove it)", source="sarif"))
    keep.add(
        Hit(
            tool="pytest",
            message="assert 1 == 2\nfull",
            type="test_failure",
            test="tests.t::test_a",
            source="junit",
        )
    )
    head = keep.records[:2]
    assert [r.message for r in head] == ["unused import 'os' (F401: remove it)", "assert 1 == 2\nfull"]
    assert keep.dropped == 50_001 - MAX_RECORDS  # the two repeats are no records of their own


# -- the corners where a forgotten record cannot be matched ---------------------------------------------------
def test_an_exact_repeat_of_a_dropped_record_is_counted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = [finding(0, "error"), finding(1, "warning"), finding(2, "warning"), finding(1, "warning")]
    keep = keep_in(tmp_path, cap=1)
    keep.extend(stream)
    assert [r.message for r in keep.records] == ["error number 0"]
    assert keep.dropped == 2 == end_of_run_cut(stream, tmp_path, 1)[1]
    # beyond what it may remember of dropped records, a repeat is counted again: the state stays bounded
    monkeypatch.setattr(merge_module, "GONE_PER_RECORD", 0)
    forgetful = keep_in(tmp_path, cap=1)
    forgetful.extend(stream)
    assert forgetful.dropped == 3 and forgetful._gone == set()


def test_a_report_file_s_twin_of_a_dropped_log_record_is_a_record_of_its_own(tmp_path: Path) -> None:
    def failure(test: str, source: str = "log") -> Hit:
        return Hit(tool="pytest", message="failed", type="test_failure", test=test, source=source)

    keep = keep_in(tmp_path, cap=1)
    keep.extend([failure("tests/t.py::test_a"), failure("tests/t.py::test_b")])
    keep.add(failure("tests.t::test_b", "junit"))  # as build_document merges a JUnit file in, at the end
    assert [(r.test, r.source) for r in keep.records] == [("tests/t.py::test_a", "log")]
    assert keep.dropped == 2


def test_a_copy_is_independent(tmp_path: Path) -> None:
    keep = keep_in(tmp_path, cap=2)
    keep.add(finding(0, "warning"))
    copy = keep.copy()
    copy.add(finding(0, "warning", message="warning number 0 and more", source="sarif"))
    copy.extend([finding(1, "error"), finding(2, "error")])
    assert [r.message for r in keep.records] == ["warning number 0"]
    assert [r.message for r in copy.records] == ["error number 1", "error number 2"]
    assert (keep.dropped, copy.dropped, copy.paths is keep.paths) == (0, 1, True)


# -- end to end --------------------------------------------------------------------------------------------
def test_selfheal_run_on_a_flood_of_errors_reports_the_cap_and_what_it_dropped(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "for i in range(3000): print(f'src/a.py:{i + 1}:1: error: boom {i}  [misc]')\n"
        "for i in range(500): print(f'src/b.py:{i + 1}:1: note: see {i}', file=sys.stderr)\n"
        "sys.exit(1)\n"
    )
    with contextlib.chdir(tmp_path):
        (tmp_path / ".git").mkdir()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "fixer.cli",
                "run",
                "--report",
                "r.json",
                "--",
                sys.executable,
                "-c",
                script,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    assert proc.returncode == 1
    assert proc.stdout.count("boom") == 3000  # passed through whole
    data = json.loads((tmp_path / "r.json").read_text())
    assert len(data["records"]) == MAX_RECORDS
    assert data["records_dropped"] == 3500 - MAX_RECORDS
    assert {r["severity"] for r in data["records"]} == {"error"}
    assert data["records"][-1]["message"] == f"boom {MAX_RECORDS - 1}"
    assert f"({3500 - MAX_RECORDS} more records were dropped by the report's cap)" in proc.stderr


def test_a_hit_no_record_can_be_made_of_is_lost_alone_and_said(tmp_path: Path) -> None:
    """A parser's bug (a fix that is no fix) costs that one finding, never the findings after it."""
    keep = keep_in(tmp_path)
    keep.add(finding(1, "error", fix={"edits": "not a list"}))
    keep.add(finding(2, "error"))
    assert [r.message for r in keep.records] == ["error number 2"]
    assert keep.refused == 1 and keep.refusal is not None and keep.refusal.startswith("ruff: ")

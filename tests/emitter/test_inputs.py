"""Machine-readable inputs on real tools' output: every format a tool writes gives the records its text gives.

tests/fixtures/inputs/<tool>/ holds the sources, `run.sh` (the commands that wrote each file, run in a scratch
copy; HANDWRITTEN where the tool does not run here), the files themselves and `expected.json`: the records'
identity (tool, type, file, line, column, severity, rule, message), which the tool's text output gives too.
The recorded tests need no tool; the live ones run the tool where it is installed.

`UPDATE_FIXTURES=1 pytest tests/emitter/test_inputs.py` rewrites expected.json from the text (or, for tools
without a text parser, the first file): review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from emitter.hit import Hit
from emitter.inputs import reader
from emitter.inputs.lint_junit import read as read_lint_junit
from emitter.merge import merge
from emitter.normalize import PathResolver
from emitter.report import Record
from emitter.scan import scan_bytes
from tests.helpers.fixtures import FIXTURES, JS_BIN, UPDATE, run_fixture

INPUTS = FIXTURES / "inputs"
IDENTITY = ("tool", "type", "file", "line", "column", "severity", "rule", "message")


class Case:
    def __init__(
        self, text: str | None, hint: str, files: dict[str, str], loose: dict[str, set[str]]
    ) -> None:
        self.text, self.hint, self.files, self.loose = text, hint, files, loose


CASES = {
    "eslint": Case(
        "stylish.txt",
        "eslint src",
        {
            "eslint.json": "json",
            "eslint.checkstyle.xml": "checkstyle",
            "eslint.junit.xml": "junit",
            "eslint.rdjson": "rdjson",
        },
        {},
    ),
    "ruff": Case(
        "concise.txt",
        "ruff check",
        {
            "ruff.json": "json",
            "ruff.rdjson": "rdjson",
            "ruff.junit.xml": "junit",
            "ruff.codequality.json": "codequality",
        },
        # GitLab's format names no tool: its issues are "codequality"'s, of type lint, major = error
        {"ruff.codequality.json": {"tool", "type", "severity"}},
    ),
    "shellcheck": Case(
        "gcc.txt",
        "shellcheck -f gcc",
        {
            "shellcheck.json": "json",
            "shellcheck-old.json": "json",
            "shellcheck.checkstyle.xml": "checkstyle",
        },
        {},
    ),
    "hadolint": Case(
        "tty.txt",
        "hadolint",
        {
            "hadolint.json": "json",
            "hadolint.checkstyle.xml": "checkstyle",
            "hadolint.codequality.json": "codequality",
        },
        {},
    ),
    "pyright": Case("text.txt", "pyright", {"pyright.json": "json"}, {}),
    "cargo": Case("text.txt", "cargo check", {"cargo.json": "json"}, {}),
    "golangci-lint": Case(
        "text.txt",
        "golangci-lint run",
        {
            "golangci-v1.json": "json",
            "golangci-v2.json": "json",
            "golangci.checkstyle.xml": "checkstyle",
            "golangci.junit.xml": "junit",
        },
        {},
    ),
    "ktlint": Case(None, "", {"ktlint.checkstyle.xml": "checkstyle"}, {}),
    "detekt": Case(None, "", {"detekt.checkstyle.xml": "checkstyle"}, {}),
    "phpcs": Case(None, "", {"phpcs.checkstyle.xml": "checkstyle"}, {}),
}
FILES = [(tool, name) for tool, case in CASES.items() for name in case.files]


def read_file(kind: str, path: Path) -> tuple[list[Hit], str | None]:
    """What assemble reads for a report file of this kind (a linter's JUnit through its hook)."""
    if kind == "junit":
        linted = read_lint_junit(str(path))
        assert linted is not None, f"{path}: not recognised as a linter's JUnit"
        return linted
    return reader(kind)(str(path))


def records(hits: list[Hit], root: Path) -> list[Record]:
    return merge(hits, task="test", paths=PathResolver(str(root), str(root))).records


def identity(found: list[Record], loose: set[str] = frozenset()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    rows = [{k: getattr(r, k) for k in IDENTITY if k not in loose} for r in found]
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


def expected(tool: str, loose: set[str] = frozenset()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    rows = json.loads((INPUTS / tool / "expected.json").read_text())
    return sorted(
        ({k: v for k, v in row.items() if k not in loose} for row in rows),
        key=lambda row: json.dumps(row, sort_keys=True),
    )


def scratch(tool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the tool's folder, made the working directory (tools' relative paths start there)."""
    work = tmp_path / tool
    shutil.copytree(INPUTS / tool, work, ignore=shutil.ignore_patterns("target"))
    monkeypatch.chdir(work)
    return work


def text_records(tool: str, work: Path) -> list[Record]:
    case = CASES[tool]
    assert case.text is not None
    return records(scan_bytes((work / case.text).read_bytes(), hint=case.hint), work)


@pytest.mark.parametrize(("tool", "name"), FILES, ids=[f"{t}:{n}" for t, n in FILES])
def test_recorded_file_gives_the_expected_records(
    tool: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = scratch(tool, tmp_path, monkeypatch)
    case = CASES[tool]
    hits, warning = read_file(case.files[name], work / name)
    assert warning is None
    got = records(hits, work)
    if UPDATE and case.text is None and name == next(iter(case.files)):
        rows = [{k: getattr(r, k) for k in IDENTITY} for r in got]
        (INPUTS / tool / "expected.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    loose = case.loose.get(name, set())
    assert identity(got, loose) == expected(tool, loose)
    assert {r.source for r in got} <= {"junit", "sarif", case.files[name]}


@pytest.mark.parametrize("tool", [t for t, c in CASES.items() if c.text])
def test_the_text_gives_the_same_records(tool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = scratch(tool, tmp_path, monkeypatch)
    got = text_records(tool, work)
    if UPDATE:
        rows = [{k: getattr(r, k) for k in IDENTITY} for r in got]
        (INPUTS / tool / "expected.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    assert identity(got) == expected(tool)


TEXT_FILES = [(tool, name) for tool, name in FILES if CASES[tool].text]  # tools with a text parser


@pytest.mark.parametrize(("tool", "name"), TEXT_FILES, ids=[f"{t}:{n}" for t, n in TEXT_FILES])
def test_text_and_file_of_one_tool_give_one_record_per_finding(
    tool: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[tool]
    work = scratch(tool, tmp_path, monkeypatch)
    text_hits = scan_bytes((work / case.text).read_bytes(), hint=case.hint)
    file_hits, _ = read_file(case.files[name], work / name)
    both = records([*text_hits, *file_hits], work)
    assert len(both) == len(expected(tool)), [(r.source, r.file, r.line, r.rule) for r in both]
    if "tool" not in case.loose.get(name, set()):  # one tool: the same fingerprints, whichever came first
        again = records([*file_hits, *text_hits], work)
        assert {r.fingerprint for r in again} == {r.fingerprint for r in both}


def test_the_tools_own_fixes_become_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = scratch("eslint", tmp_path, monkeypatch)
    semi = next(
        r for r in records(read_file("json", work / "eslint.json")[0], work) if r.file == "src/tidy.js"
    )
    assert semi.fix is not None and semi.fix.edits[0].model_dump() == {
        "file": "src/tidy.js", "start_line": 1, "start_column": 1, "end_line": 1, "end_column": 19,
        "text": "const unchanged = 1;",
    }  # fmt: skip

    work = scratch("ruff", tmp_path / "r", monkeypatch)
    by_rule = {(r.rule, r.line): r for r in records(read_file("json", work / "ruff.json")[0], work)}
    unused = by_rule[("F401", 1)]
    assert unused.fix is not None and unused.fix.command == [
        "ruff",
        "check",
        "--fix",
        "--select",
        "F401",
        "pkg/shipping.py",
    ]
    assert [(e.start_line, e.end_line, e.text) for e in unused.fix.edits] == [(1, 2, "")]
    assert by_rule[("B006", 5)].fix is None  # an unsafe fix is only a suggestion
    assert by_rule[("B006", 5)].suggestion == "Replace with `None`; initialize within function"

    rd = {(r.rule, r.line): r for r in records(read_file("rdjson", work / "ruff.rdjson")[0], work)}
    assert rd[("F401", 2)].fix is not None and rd[("F401", 2)].fix.edits[0].start_line == 2

    work = scratch("cargo", tmp_path / "c", monkeypatch)
    unused_var = records(read_file("json", work / "cargo.json")[0], work)[0]
    assert unused_var.fix is not None and unused_var.fix.edits[0].model_dump() == {
        "file": "lints/src/lib.rs", "start_line": 2, "start_column": 9, "end_line": 2, "end_column": 15,
        "text": "_unused",
    }  # fmt: skip

    work = scratch("golangci-lint", tmp_path / "g", monkeypatch)
    misspell = records(read_file("json", work / "golangci-v1.json")[0], work)[0]
    assert misspell.fix is not None and misspell.fix.edits[0].model_dump() == {
        "file": "main.go", "start_line": 8, "start_column": 4, "end_line": 8, "end_column": 11, "text": "receive",
    }  # fmt: skip


def test_shellcheck_old_json_columns_count_characters_like_json1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-f json` counts a tab as 8 columns (as the tty caret does); json1, gcc and the report count characters."""
    work = scratch("shellcheck", tmp_path, monkeypatch)
    raw = json.loads((work / "shellcheck-old.json").read_text())
    assert any(c["file"] == "tabs.sh" and c["column"] == 16 for c in raw)  # the file really says 16
    old = records(read_file("json", work / "shellcheck-old.json")[0], work)
    assert {(r.line, r.column) for r in old if r.file == "tabs.sh"} == {(4, 9)}
    tabbed = next(r for r in old if r.file == "tabs.sh" and r.rule == "SC2086")
    assert tabbed.fix is None  # json1 has the same fix in character columns; this one is not trusted
    json1 = records(read_file("json", work / "shellcheck.json")[0], work)
    quoted = next(r for r in json1 if r.file == "tabs.sh" and r.rule == "SC2086")
    assert quoted.fix is not None and [(e.start_column, e.text) for e in quoted.fix.edits] == [
        (9, '"'),
        (13, '"'),
    ]


# -- live: the tools themselves, where `make tools` installs them --------------------------------------------
# ktlint and phpcs are not installed by `make tools` (see test_inputs_live.py): their recorded files are read
# by the tests above; detekt and golangci-lint do not run here at all (their HANDWRITTEN notes say why).
LIVE = ["eslint", "ruff", "shellcheck", "hadolint", "pyright"]


def _where(tool: str) -> str | None:
    if tool in ("eslint", "pyright"):
        return str(JS_BIN / tool) if (JS_BIN / tool).exists() else None
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # as run_fixture's
    return shutil.which(tool, path=path)


def _eslint_formatter(name: str) -> bool:
    """ESLint 9 moved its checkstyle and junit formatters out of core; rdjson was never in it."""
    return (JS_BIN.parent / f"eslint-formatter-{name}").is_dir()


def _live(tool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Runs the tool's run.sh; checks its text and every file it wrote; returns the files checked."""
    assert _where(tool), f"{tool} is not installed: run `make tools`"
    work = tmp_path / tool
    run_fixture(f"inputs/{tool}", work)
    monkeypatch.chdir(work)
    case = CASES[tool]
    if case.text:
        assert identity(text_records(tool, work)) == expected(tool), (work / case.text).read_text()
    checked = []
    for name, kind in case.files.items():
        if tool == "eslint" and name != "eslint.json" and not _eslint_formatter(name.split(".")[1]):
            continue  # not in tests/js/package.json: the recorded file is read by the tests above
        hits, warning = read_file(kind, work / name)
        assert warning is None, warning
        loose = case.loose.get(name, set())
        assert identity(records(hits, work), loose) == expected(tool, loose), name
        checked.append(name)
    return checked


@pytest.mark.parametrize("tool", LIVE)
def test_live(tool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _live(tool, tmp_path, monkeypatch)
    assert checked == list(CASES[tool].files) or (tool == "eslint" and "eslint.json" in checked)


@pytest.mark.slow
def test_live_cargo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _live("cargo", tmp_path, monkeypatch) == ["cargo.json"]


def test_every_fixture_folder_is_in_the_table() -> None:
    folders = {d.name for d in INPUTS.iterdir() if d.is_dir()}
    assert folders == set(CASES)
    for tool in CASES:
        folder = INPUTS / tool
        assert (folder / "run.sh").is_file() or (folder / "HANDWRITTEN").is_file(), tool
        assert (folder / "expected.json").is_file(), tool


def test_rdjsonl_one_diagnostic_a_line_reads_as_rdjson(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """reviewdog's -f=rdjsonl: ruff's rdjson diagnostics one a line, each naming its source."""
    work = scratch("ruff", tmp_path, monkeypatch)
    result = json.loads((work / "ruff.rdjson").read_text())
    lines = [json.dumps({**d, "source": result["source"]}) for d in result["diagnostics"]]
    (work / "ruff.rdjsonl").write_text("\n".join(lines) + "\n")
    for kind in ("rdjson", "json"):
        hits, warning = read_file(kind, work / "ruff.rdjsonl")
        assert warning is None
        assert identity(records(hits, work)) == expected("ruff"), kind

"""The rules engine: registry order, records handed on, the Patch it builds, and the invariants it keeps
whatever a rule does (no stray files, no half-done rule, a clean tree when it has nothing)."""

from __future__ import annotations

from pathlib import Path

from emitter.report import Record
from fixer.engines import FixContext
from fixer.engines.rules import Fixed, RulesEngine, registry

from .support import ROOT, context, fix, read, record, repo_with, status

SAMPLE = ROOT / "fixer" / "demo" / "sample"


def demo_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The demo's sample broken the way `selfheal demo` breaks it: an import lost, a tab typed into YAML."""
    good = {str(p.relative_to(SAMPLE)): p.read_text() for p in SAMPLE.rglob("*") if p.is_file()}
    good = {k: v for k, v in good.items() if "__pycache__" not in k}
    broken = dict(good)
    broken["shop/geometry.py"] = good["shop/geometry.py"].replace("import math\n\n\n", "")
    broken["config/shop.yaml"] = good["config/shop.yaml"].replace("  box_rate", "\tbox_rate")
    assert broken["shop/geometry.py"] != good["shop/geometry.py"]
    assert broken["config/shop.yaml"] != good["config/shop.yaml"]
    return repo_with(tmp_path, broken), good


def test_demo_records_as_the_loop_classifies_them(tmp_path: Path) -> None:
    repo, good = demo_repo(tmp_path)
    name_error = record(
        tool="unittest",
        type="compile_error",
        file="shop/geometry.py",
        line=4,
        rule="NameError",
        message="NameError: name 'math' is not defined",
        test="tests.test_geometry.VolumeTest.test_tube",
        fingerprint="fp-math",
    )
    scanner = record(
        tool="pyyaml",
        type="syntax_error",
        file="config/shop.yaml",
        line=4,
        column=1,
        fingerprint="fp-tab",
        message="while scanning for the next token\nfound character '\\t' that cannot start any token",
    )
    patch = fix(repo, [name_error, scanner])
    assert read(repo, "shop/geometry.py") == good["shop/geometry.py"]
    assert read(repo, "config/shop.yaml") == good["config/shop.yaml"]
    assert patch is not None and patch.engine == "rules"
    assert patch.summary == [
        "shop/geometry.py: import math (NameError)",
        "config/shop.yaml:4: tab indentation → spaces (1 line)",
    ]
    assert patch.fixed_fingerprints == ["fp-math", "fp-tab"]
    assert sorted(patch.files) == ["config/shop.yaml", "shop/geometry.py"]
    assert patch.preserving == frozenset({"shop/geometry.py"}), (
        "an import is meaning-preserving; a re-indent is not"
    )


def test_demo_records_as_unittest_prints_them_from_another_checkout(tmp_path: Path) -> None:
    """The unittest parser's own shapes: the YAML error is a traceback record about the loading code,
    naming the YAML file only in PyYAML's mark, with the build machine's absolute path."""
    repo, good = demo_repo(tmp_path)
    name_error = record(
        tool="unittest",
        type="test_failure",
        file="shop/geometry.py",
        line=4,
        rule="NameError",
        message="NameError: name 'math' is not defined",
        fingerprint="fp-math",
    )
    scanner = record(
        tool="unittest",
        type="test_failure",
        file="shop/settings.py",
        line=12,
        rule="yaml.scanner.ScannerError",
        message="yaml.scanner.ScannerError: while scanning for the next token\n"
        "found character '\\t' that cannot start any token\n"
        '  in "/builds/agent-7/shop/config/shop.yaml", line 4, column 1',
        fingerprint="fp-tab",
    )
    patch = fix(repo, [name_error, scanner])
    assert read(repo, "config/shop.yaml") == good["config/shop.yaml"]
    assert read(repo, "shop/geometry.py") == good["shop/geometry.py"]
    assert read(repo, "shop/settings.py") == good["shop/settings.py"]
    assert patch is not None and patch.fixed_fingerprints == ["fp-math", "fp-tab"]


def test_nothing_applies_returns_none_and_a_clean_tree(tmp_path: Path) -> None:
    repo, _ = demo_repo(tmp_path)
    records = [
        record(
            tool="unittest",
            type="test_failure",
            file="tests/test_pricing.py",
            line=9,
            rule="AssertionError",
            message="AssertionError: 12.0 != 12.5",
        ),
        record(tool="mypy", type="type_error", file="shop/pricing.py", line=3, message="Incompatible types"),
        record(tool="python", rule="NameError", message="NameError: name 'math' is not defined"),  # no file
    ]
    assert fix(repo, records) is None
    assert status(repo) == ""


def test_registry_runs_precise_edits_before_formatters() -> None:
    assert [rule.name for rule in registry()] == [
        "sarif_fixes",
        "std_imports",
        "yaml_indent",
        "yaml_keys",
        "ansible_fqcn",
        "whitespace",
        "ruff_safe",
        "tool_fixers",
    ]
    engine = RulesEngine()
    assert engine.name == "rules"
    assert engine.available(context(ROOT, [])) is None  # no key, no network: always available


def test_a_record_one_rule_cannot_fix_goes_to_the_next(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "import sys\nimport os\n\nprint(os.sep)\n"})
    stale_edit = {"file": "a.py", "start_line": 30, "end_line": 31, "text": ""}  # the file moved on
    f401 = record(
        tool="ruff",
        type="lint",
        file="a.py",
        line=1,
        rule="F401",
        message="`sys` imported but unused",
        fix={"edits": [stale_edit], "command": ["ruff", "check", "--fix", "--select", "F401", "a.py"]},
    )
    patch = fix(repo, [f401])
    assert read(repo, "a.py") == "import os\n\nprint(os.sep)\n"
    assert patch is not None and patch.summary == ["a.py: ruff check --fix --select F401 (F401)"]


def test_only_the_records_actually_fixed_are_claimed(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "x = math.pi\ny = helpers.load()\n"})
    fixable = record(
        tool="python",
        file="a.py",
        line=1,
        rule="NameError",
        fingerprint="fp-math",
        message="NameError: name 'math' is not defined",
    )
    project = record(
        tool="python",
        file="a.py",
        line=2,
        rule="NameError",
        fingerprint="fp-helpers",
        message="NameError: name 'helpers' is not defined",
    )
    patch = fix(repo, [fixable, project])
    assert patch is not None and patch.fixed_fingerprints == ["fp-math"]


class Scribbler:
    """A rule that does more than it should: edits its record's file, another tracked file, and makes a new one."""

    name = "scribbler"

    def applies(self, record: Record) -> bool:
        return record.tool == "scribble"

    def target(self, record: Record, repo: Path) -> str | None:
        return record.file

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        (repo / "mine.txt").write_text("fixed\n")
        (repo / "other.txt").write_text("vandalised\n")
        (repo / "new.txt").write_text("surprise\n")
        return [Fixed(r, "mine.txt: fixed") for r in records]


class Liar:
    """Edits the file, then claims nothing (or fails half-way)."""

    name = "liar"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def applies(self, record: Record) -> bool:
        return record.tool == "liar"

    def target(self, record: Record, repo: Path) -> str | None:
        return record.file

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        (repo / "mine.txt").write_text("half done\n")
        if self.fail:
            raise OSError("disk full")
        return []


def test_changes_outside_the_records_files_are_put_back(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"mine.txt": "broken\n", "other.txt": "keep\n"})
    patch = fix(repo, [record(tool="scribble", file="mine.txt", line=1)], [Scribbler()])
    assert read(repo, "mine.txt") == "fixed\n"
    assert read(repo, "other.txt") == "keep\n"
    assert not (repo / "new.txt").exists()
    assert patch is not None and patch.files == ["mine.txt"]


def test_a_rule_that_claims_nothing_leaves_a_clean_tree(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"mine.txt": "broken\n"})
    assert fix(repo, [record(tool="liar", file="mine.txt", line=1)], [Liar()]) is None
    assert status(repo) == ""


def test_a_failing_rule_is_undone_and_the_others_keep_their_fixes(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"mine.txt": "broken\n", "a.py": "x = math.pi\n"})
    engine = RulesEngine([Liar(fail=True), *registry()])
    records = [
        record(tool="liar", file="mine.txt", line=1),
        record(
            tool="python",
            file="a.py",
            line=1,
            rule="NameError",
            message="NameError: name 'math' is not defined",
        ),
    ]
    attempt = engine.fix(context(repo, records))
    assert read(repo, "mine.txt") == "broken\n"
    assert read(repo, "a.py") == "import math\n\nx = math.pi\n"
    assert attempt.patch is not None and attempt.patch.files == ["a.py"]
    assert attempt.notes == ("liar: gave up: disk full",)


def test_a_rule_never_sees_a_record_whose_target_leaves_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "mine.txt"
    outside.write_text("outside\n")
    repo = repo_with(tmp_path, {"inside.txt": "x\n"})
    (repo / "link.txt").symlink_to(outside)
    seen: list[Record] = []

    class Spy(Scribbler):
        def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
            seen.extend(records)
            return []

    targets = ["../mine.txt", str(outside), "link.txt", ".git/config", "missing.txt", None]
    assert fix(repo, [record(tool="scribble", file=t, line=1) for t in targets], [Spy()]) is None
    assert seen == []
    assert outside.read_text() == "outside\n"


def test_untracked_files_already_there_are_not_the_engines_to_remove(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"a.py": "x = math.pi\n"})
    reports = repo / ".selfheal"
    reports.mkdir()
    (reports / "check.json").write_text("{}\n")  # the failed task's report, sitting in the checkout
    patch = fix(
        repo,
        [
            record(
                tool="python",
                file="a.py",
                line=1,
                rule="NameError",
                message="NameError: name 'math' is not defined",
            )
        ],
    )
    assert patch is not None
    assert (reports / "check.json").read_text() == "{}\n"

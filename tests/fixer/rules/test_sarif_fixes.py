"""sarif_fixes: a tool's own edits, applied whole or not at all, only in the record's file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emitter.report import Record
from fixer.engines.rules.sarif_fixes import SarifFixes

from .support import fix, read, record, repo_with, status

RULES = [SarifFixes()]
# tests/fixtures/sarif/ruff: what ruff's SARIF proposes for pkg/models.py
MODELS = (
    "from typing import List\n"
    "import sys\n"
    "\n"
    "\n"
    "class Catalog:\n"
    "    def names(self) -> List[str]:\n"
    "        if wanted == None:\n"
    "            return []\n"
)


def edit(
    line: int, col: int, end_line: int, end_col: int, text: str = "", file: str = "pkg/models.py"
) -> dict[str, Any]:
    return {
        "file": file,
        "start_line": line,
        "start_column": col,
        "end_line": end_line,
        "end_column": end_col,
        "text": text,
    }


def sarif(
    rule: str, line: int, *edits: dict[str, Any], description: str = "", file: str = "pkg/models.py"
) -> Record:
    return record(
        tool="ruff",
        type="lint",
        file=file,
        line=line,
        rule=rule,
        message=rule,
        source="sarif",
        fingerprint=f"fp-{rule}",
        fix={"description": description, "edits": list(edits)},
    )


def test_applies_every_records_edits_bottom_up(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"pkg/models.py": MODELS})
    records = [
        sarif("F401", 2, edit(2, 1, 3, 1), description="Remove unused import: `sys`"),
        sarif("UP006", 6, edit(6, 24, 6, 28, "list"), description="Replace with `list`"),
        sarif("E711", 7, edit(7, 12, 7, 26, "wanted is None"), description="Replace with `cond is None`"),
    ]
    patch = fix(repo, records, RULES)
    assert read(repo, "pkg/models.py") == (
        "from typing import List\n"
        "\n"
        "\n"
        "class Catalog:\n"
        "    def names(self) -> list[str]:\n"
        "        if wanted is None:\n"
        "            return []\n"
    )
    assert patch is not None
    assert patch.fixed_fingerprints == ["fp-F401", "fp-UP006", "fp-E711"]
    assert patch.summary[0] == "pkg/models.py:2: Remove unused import: `sys` (ruff's own fix)"


def test_an_absolute_edit_path_inside_the_repository_is_the_records_file(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"pkg/models.py": MODELS})
    absolute = str(repo.resolve() / "pkg" / "models.py")
    assert fix(repo, [sarif("F401", 2, edit(2, 1, 3, 1, file=absolute))], RULES) is not None
    assert "import sys" not in read(repo, "pkg/models.py")


def test_overlapping_edits_are_refused_and_the_first_record_wins(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"pkg/models.py": MODELS})
    first = sarif("E711", 7, edit(7, 12, 7, 26, "wanted is None"))
    clash = sarif("X1", 7, edit(7, 20, 7, 26, "!= 0"))
    patch = fix(repo, [first, clash], RULES)
    assert patch is not None and patch.fixed_fingerprints == ["fp-E711"]
    assert "        if wanted is None:\n" in read(repo, "pkg/models.py")


def test_overlapping_edits_within_one_record_refuse_the_whole_record(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"pkg/models.py": MODELS})
    both = sarif("X1", 7, edit(7, 12, 7, 20, "a"), edit(7, 15, 7, 26, "b"))
    assert fix(repo, [both], RULES) is None
    assert status(repo) == ""


def test_identical_edits_from_duplicate_records_apply_once(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"pkg/models.py": MODELS})
    a = sarif("UP006", 6, edit(6, 24, 6, 28, "list"))
    b = a.model_copy(update={"fingerprint": "fp-dup"})
    patch = fix(repo, [a, b], RULES)
    assert "-> list[str]:" in read(repo, "pkg/models.py")
    assert patch is not None and patch.fixed_fingerprints == ["fp-UP006", "fp-dup"]


@pytest.mark.parametrize(
    "stale",
    [
        edit(40, 1, 41, 1),  # the file has 8 lines now
        edit(3, 5, 3, 9, "x"),  # line 3 is empty: no column 5
        edit(7, 20, 7, 12, "x"),  # ends before it starts
        edit(9, 2, 9, 2, "x"),  # past the end, not at column 1
    ],
)
def test_stale_positions_skip_the_record(tmp_path: Path, stale: dict[str, Any]) -> None:
    repo = repo_with(tmp_path, {"pkg/models.py": MODELS})
    assert fix(repo, [sarif("X1", 1, stale)], RULES) is None
    assert read(repo, "pkg/models.py") == MODELS
    assert status(repo) == ""


def test_appending_at_the_very_end_is_a_valid_position(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"pkg/models.py": MODELS})
    assert fix(repo, [sarif("W1", 8, edit(9, 1, 9, 1, "# end\n"))], RULES) is not None
    assert read(repo, "pkg/models.py") == MODELS + "# end\n"


def test_edits_aimed_at_another_file_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "victim.py"
    outside.write_text("x = 1\n")
    repo = repo_with(tmp_path, {"pkg/models.py": MODELS, "pkg/other.py": "y = 2\n"})
    records = [
        sarif("X1", 1, edit(1, 1, 1, 2, "z", file="pkg/other.py")),  # another file of the repository
        sarif("X2", 1, edit(1, 1, 1, 2, "z", file=str(outside))),  # outside it
        sarif("X3", 1, edit(1, 1, 1, 2, "z", file="../victim.py"), file="../victim.py"),  # record outside
    ]
    assert fix(repo, records, RULES) is None
    assert outside.read_text() == "x = 1\n"
    assert status(repo) == ""


def test_a_symlink_is_not_followed_out_of_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "victim.py"
    outside.write_text("x = 1\n")
    repo = repo_with(tmp_path, {"pkg/models.py": MODELS})
    (repo / "pkg" / "link.py").symlink_to(outside)
    record_ = sarif("X1", 1, edit(1, 1, 1, 2, "z", file="pkg/link.py"), file="pkg/link.py")
    assert fix(repo, [record_], RULES) is None
    assert outside.read_text() == "x = 1\n"


def test_records_without_edits_are_not_this_rules() -> None:
    assert not SarifFixes().applies(record(tool="ruff", file="a.py", line=1, fix={"command": ["ruff"]}))
    assert not SarifFixes().applies(record(tool="ruff", file="a.py", line=1))

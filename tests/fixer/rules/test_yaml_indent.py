"""yaml_indent: tabs and wrong indentation at the reported line, kept only when the file still loads."""

from __future__ import annotations

from pathlib import Path

from emitter.report import Record
from fixer.engines.rules.yaml_indent import YamlIndent

from .support import fix, read, record, repo_with, status

RULES = [YamlIndent()]
TAB_PROBLEM = "while scanning for the next token\nfound character '\\t' that cannot start any token"


def tab(file: str, line: int, tool: str = "pyyaml") -> Record:
    message = TAB_PROBLEM if tool == "pyyaml" else "syntax error: " + TAB_PROBLEM.splitlines()[1]
    return record(
        tool=tool,
        type="syntax_error",
        file=file,
        line=line,
        column=1,
        message=message,
        rule=None if tool == "pyyaml" else "syntax",
    )


def wrong(file: str, line: int, want: int, found: int) -> Record:
    return record(
        tool="yamllint",
        type="lint",
        file=file,
        line=line,
        column=found + 1,
        rule="indentation",
        message=f"wrong indentation: expected {want} but found {found}",
    )


def test_tab_becomes_the_siblings_indentation(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"c.yaml": "shipping:\n  tube: 1\n\tbox: 2\n"})
    patch = fix(repo, [tab("c.yaml", 3)], RULES)
    assert read(repo, "c.yaml") == "shipping:\n  tube: 1\n  box: 2\n"
    assert patch is not None and patch.summary == ["c.yaml:3: tab indentation → spaces (1 line)"]


def test_tabbed_block_under_a_key_takes_the_files_unit_and_keeps_its_depth(tmp_path: Path) -> None:
    source = "top:\n    a: 1\nbuild:\n\tscript:\n\t\t- make\n\t\t- make test\n\timage: python\nafter: 1\n"
    repo = repo_with(tmp_path, {"ci.yml": source})
    assert fix(repo, [tab("ci.yml", 4, tool="yamllint")], RULES) is not None
    assert read(repo, "ci.yml") == (
        "top:\n    a: 1\nbuild:\n    script:\n        - make\n        - make test\n    image: python\nafter: 1\n"
    )


def test_tab_under_a_sequence_item_lines_up_with_the_items_keys(tmp_path: Path) -> None:
    source = "tasks:\n  - name: Copy\n\tcopy: {}\n"
    repo = repo_with(tmp_path, {"play.yml": source})
    assert fix(repo, [tab("play.yml", 3)], RULES) is not None
    assert read(repo, "play.yml") == "tasks:\n  - name: Copy\n    copy: {}\n"


def test_wrong_indentation_moves_the_line_and_its_children(tmp_path: Path) -> None:
    source = "service:\n    name: api\nenv:\n  - name: MODE\n    value: prod\nports: [80]\n"
    repo = repo_with(tmp_path, {"deploy.yaml": source})
    patch = fix(repo, [wrong("deploy.yaml", 4, 4, 2)], RULES)
    assert read(repo, "deploy.yaml") == (
        "service:\n    name: api\nenv:\n    - name: MODE\n      value: prod\nports: [80]\n"
    )
    assert patch is not None and patch.summary == ["deploy.yaml:4: indentation 2 → 4 (2 lines)"]


def test_wrong_indentation_moves_the_sequences_later_items_too(tmp_path: Path) -> None:
    # yamllint names the first item only; moving it alone would break the sequence
    source = "env:\n- a: 1\n  b: 2\n- c\n# note\nnext: 1\n"
    repo = repo_with(tmp_path, {"x.yml": source})
    assert fix(repo, [wrong("x.yml", 2, 2, 0)], RULES) is not None
    assert read(repo, "x.yml") == "env:\n  - a: 1\n    b: 2\n  - c\n# note\nnext: 1\n"


def test_custom_tags_do_not_count_as_broken_yaml(tmp_path: Path) -> None:
    source = "job:\n  script: !reference [.setup, script]\n\tstage: test\n"
    repo = repo_with(tmp_path, {".ci.yml": source})
    assert fix(repo, [tab(".ci.yml", 3)], RULES) is not None
    assert read(repo, ".ci.yml") == "job:\n  script: !reference [.setup, script]\n  stage: test\n"


def test_result_that_does_not_load_is_put_back(tmp_path: Path) -> None:
    source = "a:\n  b: 1\n\tc: [unclosed\n"  # the tab is fixable, but the file stays broken
    repo = repo_with(tmp_path, {"x.yaml": source})
    assert fix(repo, [tab("x.yaml", 3)], RULES) is None
    assert read(repo, "x.yaml") == source
    assert status(repo) == ""


def test_reindentation_that_changes_the_data_is_put_back(tmp_path: Path) -> None:
    source = "a:\n  b: 1\nc: 2\n"  # a stale "expected 2 but found 0" for line 3 would nest c under a
    repo = repo_with(tmp_path, {"x.yaml": source})
    assert fix(repo, [wrong("x.yaml", 3, 2, 0)], RULES) is None
    assert read(repo, "x.yaml") == source


def test_stale_records_are_skipped(tmp_path: Path) -> None:
    source = "a:\n  b: 1\n  c: 2\n"
    repo = repo_with(tmp_path, {"x.yaml": source})
    records = [tab("x.yaml", 3), wrong("x.yaml", 2, 4, 3), tab("x.yaml", 40)]  # no tab; found ≠ 3; no line 40
    assert fix(repo, records, RULES) is None
    assert status(repo) == ""


def test_other_yaml_records_and_missing_files_are_not_this_rules(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"x.yaml": "a: [1,2]\n"})
    commas = record(
        tool="yamllint", type="lint", file="x.yaml", line=1, rule="commas", message="too few spaces"
    )
    assert not YamlIndent().applies(commas)
    no_file = tab("x.yaml", 1).model_copy(update={"file": None})
    outside = tab("../x.yaml", 1)
    assert fix(repo, [commas, no_file, outside, tab("gone.yaml", 1)], RULES) is None
    assert status(repo) == ""

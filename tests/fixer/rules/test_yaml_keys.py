"""yaml_keys: a mapping key indented off its level (spaces) goes back to the one level it can only mean;
a key whose parent cannot be known, or that may be a block scalar's content, is left alone. Records come
from real yamllint and PyYAML runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.engines.rules.yaml_indent import YamlIndent
from fixer.engines.rules.yaml_keys import YamlKeys

from .realtool import check
from .support import fix, read, repo_with, status

LINT = ("yamllint", "-d", "{extends: default, rules: {document-start: disable}}", "config.yaml")
MULTI_LINE = (
    "{extends: default, rules: {document-start: disable, indentation: {check-multi-line-strings: true}}}"
)


def fixed(tmp_path: Path, source: str) -> str:
    repo = repo_with(tmp_path, {"config.yaml": source})
    before = check(repo, *LINT)
    assert [r.rule for r in before.records] == ["syntax"], before.output
    assert fix(repo, before.records) is not None  # the whole registry, as the loop runs it
    assert check(repo, *LINT).code == 0
    return read(repo, "config.yaml")


def test_a_key_one_space_deeper_than_its_scalar_sibling(tmp_path: Path) -> None:
    source = "server:\n  host: a\n   port: 1\nname: x\n"
    assert fixed(tmp_path, source) == "server:\n  host: a\n  port: 1\nname: x\n"


def test_an_over_indented_key_takes_its_block_and_same_column_siblings_along(tmp_path: Path) -> None:
    source = "server:\n  host: a\n   tls:\n     cert: x\n     key: y\n   port: 1\nname: x\n"
    expected = "server:\n  host: a\n  tls:\n    cert: x\n    key: y\n  port: 1\nname: x\n"
    assert fixed(tmp_path, source) == expected


def test_a_key_one_space_short_in_a_four_space_file(tmp_path: Path) -> None:
    source = "server:\n    host: a\n   port: 1\n"
    assert fixed(tmp_path, source) == "server:\n    host: a\n    port: 1\n"


def test_keys_of_a_sequence_item(tmp_path: Path) -> None:
    source = "jobs:\n  - name: build\n     run: make\n"
    assert fixed(tmp_path, source) == "jobs:\n  - name: build\n    run: make\n"


def test_a_yaml_error_a_test_raised_points_at_the_yaml_file(tmp_path: Path) -> None:
    files = {
        "config.yaml": "server:\n    host: a\n   port: 1\n",
        "tests/test_config.py": (
            "import yaml\n\n\ndef test_config():\n"
            "    with open('config.yaml') as f:\n        assert yaml.safe_load(f)['server']['port'] == 1\n"
        ),
    }
    repo = repo_with(tmp_path, files)
    before = check(repo, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    assert [r.rule for r in before.records] == ["yaml.parser.ParserError"]
    assert fix(repo, before.records) is not None
    assert read(repo, "config.yaml") == "server:\n    host: a\n    port: 1\n"
    assert read(repo, "tests/test_config.py") == files["tests/test_config.py"]


@pytest.mark.parametrize(
    "source",
    [
        "server:\n  host: a\n port: 1\n",  # halfway between server's level and host's
        "server:\n    host: a\n  port: 1\n",  # halfway in a 4-space file
        "server:\n  host: a\n    port: 1\n",  # a whole step under a scalar: maybe host was to hold it
        "script: |\n  make build\n deploy: true\n",  # maybe a content line one space short
        "server:\n  tls:\n      cert: x\n    key: y\n",  # cert's sibling or tls's: both two away
    ],
)
def test_a_key_whose_parent_cannot_be_known_is_left_alone(tmp_path: Path, source: str) -> None:
    repo = repo_with(tmp_path, {"config.yaml": source})
    syntax = [r for r in check(repo, *LINT).records if r.rule == "syntax"]
    assert len(syntax) == 1
    assert fix(repo, syntax, [YamlKeys()]) is None
    assert status(repo) == ""


def test_yamllint_indentation_of_mapping_keys(tmp_path: Path) -> None:
    source = "server:\n  host: a\n  tls:\n      cert: x\n      key: y\n  port: 1\n"
    repo = repo_with(tmp_path, {"config.yaml": source})
    before = check(repo, *LINT)
    assert [r.rule for r in before.records] == ["indentation"]
    assert fix(repo, before.records) is not None
    assert read(repo, "config.yaml") == "server:\n  host: a\n  tls:\n    cert: x\n    key: y\n  port: 1\n"


def test_a_block_scalars_content_keeps_its_indentation(tmp_path: Path) -> None:
    # `|2` fixes the content's indentation: the two extra spaces are part of the string
    source = "job:\n  script: |2\n      make build\n  when: always\n"
    repo = repo_with(tmp_path, {"config.yaml": source})
    command = ("yamllint", "-d", MULTI_LINE, "config.yaml")
    before = check(repo, *command)
    assert [r.rule for r in before.records] == ["indentation"]
    assert fix(repo, before.records, [YamlIndent(), YamlKeys()]) is None
    assert status(repo) == ""

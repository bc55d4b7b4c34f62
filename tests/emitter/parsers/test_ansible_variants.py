"""ansible-lint's rule ids without brackets, on the real tool's stdout alone and without a hint.

ansible-lint prints its "Listing N violation(s)" header on stderr and its findings on stdout, which a CI step
scans apart; wrapped in make, tox or a script, no hint names it either. So a finding whose rule id has no
tag (`no-changed-when`, ansible-lint 6.0's `fqcn-builtins`, the one-word `yaml`) must be known by the id
alone. Each fixture runs ansible-lint several ways on one playbook, one `== name` section per way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.fixtures import (
    check_live,
    check_recorded,
    copy_fixture,
    essentials,
    parse_log,
    recorded_output,
)

SECTION = re.compile(rb"^== (\S+)\n", re.MULTILINE)
Rows = list[dict[str, Any]]


def sections(name: str, root: Path) -> dict[str, Rows]:
    """The recorded output cut at its `== name` lines, each part parsed as a stream of its own, no hint."""
    copy_fixture(name, root)
    parts = SECTION.split(recorded_output(name))
    return {
        title.decode(): essentials(parse_log(body, root))
        for title, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def places(rows: Rows) -> list[tuple[Any, ...]]:
    """Where each finding is and the rule id without its tag (the quiet format prints no tag)."""
    return [(r["file"], r["line"], r.get("column"), r["rule"].split("[")[0]) for r in rows]


@pytest.mark.parametrize("name", ["ansible-lint-formats", "ansible-lint-6.0"])
def test_recorded_output(name: str, tmp_path: Path) -> None:
    check_recorded(name, tmp_path)


def test_live_ansible_lint(tmp_path: Path) -> None:
    """Today's ansible-lint (the dev extra's). The 6.0 fixture has no live test: `make test` installs one
    ansible-lint, and 6.0 needs an ansible-core and ansible-compat of its time (see its run.sh)."""
    check_live("ansible-lint-formats", tmp_path)


def test_default_and_quiet_formats_find_every_finding_from_stdout_alone(tmp_path: Path) -> None:
    parts = sections("ansible-lint-formats", tmp_path)
    default, quiet = parts["default"], parts["quiet"]
    assert len(default) == 9
    assert places(quiet) == places(default)
    # the first finding's rule is untagged, and no header or earlier finding stands above it
    assert default[0] == {
        "tool": "ansible-lint",
        "type": "lint",
        "file": "deploy.yml",
        "line": 5,
        "severity": "error",
        "rule": "command-instead-of-module",
        "message": "systemctl used in place of systemd module\nTask/Handler: shell systemctl restart api",
    }
    assert [r["rule"] for r in quiet] == [
        "command-instead-of-module",
        "command-instead-of-shell",
        "fqcn",
        "name",
        "no-changed-when",
        "name",
        "package-latest",
        "fqcn",
        "jinja",
    ]


def test_ansible_lint_6_0_spaced_pep8_and_untagged_ids(tmp_path: Path) -> None:
    """6.0's `-p`: `deploy.yml:6: no-changed-when Commands …` — a space, not a colon, after the id, and no
    column; its first finding is the one-word `yaml`, whose message rich's markup has cut."""
    parts = sections("ansible-lint-6.0", tmp_path)
    pep8, default, quiet = parts["pep8"], parts["default"], parts["quiet"]
    assert len(pep8) == 8
    assert places(default) == places(pep8) == places(quiet)
    assert [r["message"] for r in pep8] == [
        r["message"].split("\n")[0].replace("[false, true]", "") for r in default
    ]
    assert pep8[0] == {
        "tool": "ansible-lint",
        "type": "lint",
        "file": "deploy.yml",
        "line": 4,
        "severity": "error",
        "rule": "yaml",
        "message": "truthy value should be one of  (truthy)",
    }
    assert ("deploy.yml", 6, None, "fqcn-builtins") in places(pep8)


def test_other_tools_lines_of_the_same_shape_stay_theirs(tmp_path: Path) -> None:
    """Hand-written: actionlint, the linter that prints `file.yml:line:col: word …`, is not installed here.
    Its lines have a column, which ansible-lint's spaced pep8 lines never had; a `word: text` line above a
    YAML location, or a `word file.yml:3` line, is ansible-lint's only when the word is one of its ids."""
    log = (
        '.github/workflows/ci.yml:3:5: unexpected key "foo" for "workflow" section [syntax-check]\n'
        ".github/workflows/ci.yml:9:14: property-name is not defined in object type [expression]\n"
        "custom: Something about the step\n"
        "deploy.yml:7 Task/Handler: a task\n"
        "\n"
        "started deploy.yml:3\n"
    )
    assert [r for r in parse_log(log, tmp_path) if r.tool == "ansible-lint"] == []

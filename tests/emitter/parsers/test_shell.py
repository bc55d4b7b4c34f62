"""shellcheck and hadolint: real-tool (or documented, for hadolint) fixtures, then the tricky lines."""

from __future__ import annotations

import subprocess
from pathlib import Path

from emitter.parsers.shell import char_column
from tests.helpers.fixtures import check_live, check_recorded, essentials, parse_log


def test_shellcheck_recorded(tmp_path: Path) -> None:
    check_recorded("shellcheck", tmp_path)


def test_shellcheck_live(tmp_path: Path) -> None:
    check_live("shellcheck", tmp_path)


def test_hadolint_recorded(tmp_path: Path) -> None:
    check_recorded("hadolint", tmp_path)


def test_shellcheck_tty_and_gcc_formats_agree_on_every_position(tmp_path: Path) -> None:
    """Tabs make the caret's screen column differ from the character column `-f gcc` reports."""
    script = tmp_path / "ci.sh"
    script.write_text(
        '#!/bin/bash\nmain() {\n\tlocal d=$1\n\t\trm -rf $d/*\n\techo $HOME   $d\n}\nmain "$@"\n'
    )

    def run(*args: str) -> list[tuple[str | None, int | None, int | None]]:
        out = subprocess.run(["shellcheck", *args, "ci.sh"], cwd=tmp_path, capture_output=True, check=False)
        return sorted((r.rule, r.line, r.column) for r in parse_log(out.stdout, tmp_path))

    tty = run()
    assert tty == run("-f", "gcc")
    assert ("SC2086", 4, 10) in tty


def test_shellcheck_tty_range_suggestion_and_syntax_error(tmp_path: Path) -> None:
    log = (
        "\n"
        "In deploy.sh line 5:\n"
        "  cd /srv/app\n"
        "  ^---------^ SC2164 (warning): Use 'cd ... || exit' or 'cd ... || return' in case cd fails.\n"
        "\n"
        "Did you mean: \n"
        "  cd /srv/app || exit\n"
        "\n"
        "\n"
        "In broken.sh line 5:\n"
        "\n"
        "^-- SC1072 (error): Expected end of double quoted string. "
        "Fix any mentioned problems and try again.\n"
        "\n"
        "For more information:\n"
        "  https://www.shellcheck.net/wiki/SC2164 -- Use 'cd ... || exit' or 'cd ... |...\n"
    )
    records = parse_log(log, tmp_path)
    assert essentials(records) == [
        {
            "tool": "shellcheck",
            "type": "lint",
            "file": "deploy.sh",
            "line": 5,
            "column": 3,
            "end_line": 5,
            "end_column": 13,
            "severity": "warning",
            "rule": "SC2164",
            "message": "Use 'cd ... || exit' or 'cd ... || return' in case cd fails.",
        },
        {
            "tool": "shellcheck",
            "type": "syntax_error",
            "file": "broken.sh",
            "line": 5,
            "column": 1,
            "severity": "error",
            "rule": "SC1072",
            "message": "Expected end of double quoted string. Fix any mentioned problems and try again.",
        },
    ]
    assert records[0].suggestion == "  cd /srv/app || exit"


def test_shellcheck_style_maps_to_note_and_paths_may_have_spaces(tmp_path: Path) -> None:
    log = (
        "In my scripts/run all.sh line 2:\n"
        "ls $x\n"
        "   ^-- SC2250 (style): Prefer putting braces around variable references.\n"
    )
    [record] = parse_log(log, tmp_path)
    assert (record.file, record.line, record.column, record.severity) == (
        "my scripts/run all.sh",
        2,
        4,
        "note",
    )


def test_char_column_counts_tabs_as_eight_screen_columns() -> None:
    assert char_column("\techo $x", 13) == 7
    assert char_column("echo $x", 5) == 6
    assert char_column("", 0) == 1  # the caret under an empty last line


def test_hadolint_tty_without_colour_old_format_and_gnu(tmp_path: Path) -> None:
    log = (
        "Dockerfile:3 DL3008 warning: Pin versions in apt get install.\n"
        "docker/api.Dockerfile:12 DL3006 Always tag the version of an image explicitly\n"
        "hadolint:Dockerfile:7: SC2086 info: Double quote to prevent globbing and word splitting.\n"
        "-:4 DL3020 error: Use COPY instead of ADD for files and folders\n"
    )
    got = [(r.tool, r.file, r.line, r.rule, r.severity) for r in parse_log(log, tmp_path)]
    assert got == [
        ("hadolint", "Dockerfile", 3, "DL3008", "warning"),
        ("hadolint", "docker/api.Dockerfile", 12, "DL3006", "error"),
        ("hadolint", "Dockerfile", 7, "SC2086", "note"),
        ("hadolint", "-", 4, "DL3020", "error"),
    ]


def test_hadolint_parse_error_needs_a_dockerfile_name(tmp_path: Path) -> None:
    log = "build/Containerfile:2:1 unexpected 'X' expecting ADD, ARG\nnotes.txt:2:1 unexpected token\n"
    records = parse_log(log, tmp_path)
    assert [(r.tool, r.file, r.line, r.column, r.type) for r in records] == [
        ("hadolint", "build/Containerfile", 2, 1, "syntax_error")
    ]

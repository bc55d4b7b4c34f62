"""`cargo fmt --check`, `rustfmt --check` and `gofmt -l` failures, fixed by running the formatter on the
files they name (tool_fixers), and on those files only.

The emitter does not read these outputs into records yet; `format_records` builds the records its
parsers are to give (type `format`, the tool, the file, the diff's line) from the real output, so that
the fix side is tested on what the tools really print.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.report import Record
from fixer.engines.rules import repo_relative

from .realtool import check
from .support import fix, read, record, repo_with

slow = pytest.mark.slow
RUST_DIFF = re.compile(r"^Diff in (?P<file>.+?)(?::| at line )(?P<line>\d+):$", re.M)
CARGO = {
    "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/main.rs": 'mod util;\nfn main() {\n    let x=util::one( );\n  println!("{}", x);\n}\n',
    "src/util.rs": "pub fn one( ) -> u8 {  1 }\n",
}


def format_records(output: str, tool: str, repo: Path) -> list[Record]:
    if tool == "gofmt":
        names = [line for line in output.splitlines() if line.endswith(".go")]
        return [
            record(tool="gofmt", type="format", file=name, message="not gofmt-formatted") for name in names
        ]
    found = []
    for m in RUST_DIFF.finditer(output):
        rel = repo_relative(m["file"], repo)
        command = ["cargo", "fmt"] if tool == "cargo-fmt" else ["rustfmt", rel or ""]
        found.append(
            record(
                tool=tool,
                type="format",
                file=rel,
                line=int(m["line"]),
                message=f"Diff in {rel} at line {m['line']}",
                fix={"description": " ".join(command), "command": command},
            )
        )
    return found


@slow
def test_cargo_fmt_check(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, CARGO)
    before = check(repo, "cargo", "fmt", "--check")
    records = format_records(before.output, "cargo-fmt", repo)
    assert before.code == 1 and {r.file for r in records} == {"src/main.rs", "src/util.rs"}
    patch = fix(repo, records)
    assert patch is not None and sorted(patch.files) == ["src/main.rs", "src/util.rs"]
    assert check(repo, "cargo", "fmt", "--check").code == 0


@slow
def test_rustfmt_check_fixes_only_the_files_it_named(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, CARGO)
    before = check(repo, "rustfmt", "--edition", "2021", "--check", "src/main.rs")
    records = [r for r in format_records(before.output, "rustfmt", repo) if r.file == "src/main.rs"]
    assert records and {r.line for r in records} == {1}
    assert fix(repo, records) is not None
    assert read(repo, "src/main.rs") == (
        'mod util;\nfn main() {\n    let x = util::one();\n    println!("{}", x);\n}\n'
    )
    assert read(repo, "src/util.rs") == CARGO["src/util.rs"]  # rustfmt followed `mod util;`: put back


def test_gofmt_list(tmp_path: Path) -> None:
    files = {
        "go.mod": "module x\n\ngo 1.21\n",
        "main.go": 'package main\nimport "fmt"\nfunc main() {\nfmt.Println( "hi" )\n}\n',
        "lib/lib.go": "package lib\nfunc One( ) int { return 1 }\n",
    }
    repo = repo_with(tmp_path, files)
    before = check(repo, "gofmt", "-l", ".")
    records = format_records(before.output, "gofmt", repo)
    assert sorted(r.file for r in records) == ["lib/lib.go", "main.go"]
    main_only = [r for r in records if r.file == "main.go"]
    assert fix(repo, main_only) is not None
    assert check(repo, "gofmt", "-l", ".").output.split() == ["lib/lib.go"]  # not named: not touched
    assert fix(repo, records) is not None
    assert check(repo, "gofmt", "-l", ".").output == ""

"""Whatever a command prints, `selfheal run` passes it through unchanged and keeps the exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SELFHEAL = [sys.executable, "-m", "fixer.cli", "run", "--no-summary"]
ECHO_FILE = (
    "import sys; d = open(sys.argv[1], 'rb').read(); sys.stdout.buffer.write(d); sys.exit(int(sys.argv[2]))"
)


def through(tmp: Path, payload: bytes, code: int = 0) -> subprocess.CompletedProcess[bytes]:
    blob = tmp / "blob"
    blob.write_bytes(payload)
    return subprocess.run(
        [
            *SELFHEAL,
            "--report",
            str(tmp / "r.json"),
            "--",
            sys.executable,
            "-c",
            ECHO_FILE,
            str(blob),
            str(code),
        ],
        capture_output=True,
        cwd=tmp,
        timeout=120,
        check=False,
    )


fragments = st.sampled_from(
    [
        b"src/a.c:1:2: error: x\n",
        b"Traceback (most recent call last):\n",
        b'  File "a.py", line 3, in f\n',
        b"E   assert 1 == 2\n",
        b"FAILED t.py::x - y\n",
        b"=== FAILURES ===\n",
        b"\x00\xff\xfe\r\n",
        b"\x1b[31m\x1b[1m",
        b"\r",
        b"::error file=a.py,line=1::boom\n",
        b"  3:10  error  x  no-undef\n",
    ]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.one_of(
        st.binary(max_size=4096), st.lists(st.one_of(fragments, st.binary(max_size=64))).map(b"".join)
    ),
    code=st.sampled_from([0, 1, 2, 77]),
)
def test_any_bytes_pass_through_with_the_exit_code(tmp_path: Path, payload: bytes, code: int) -> None:
    proc = through(tmp_path, payload, code)
    assert proc.stdout == payload
    assert proc.returncode == code
    assert b"Traceback" not in proc.stderr
    json.loads((tmp_path / "r.json").read_text())  # the report is still valid JSON


def test_ten_megabyte_single_line(tmp_path: Path) -> None:
    payload = b"src/a.c:1:1: error: " + b"y" * (10 * 1024 * 1024) + b"\nsrc/b.c:2:3: error: after\n"
    proc = through(tmp_path, payload, 1)
    assert proc.returncode == 1
    assert proc.stdout == payload
    report = json.loads((tmp_path / "r.json").read_text())
    assert any(r.get("file") == "src/b.c" and r.get("line") == 2 for r in report["records"])
    assert all(len(r["message"]) <= 4000 for r in report["records"])


def test_hostile_junit_and_sarif_are_warnings(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("TOP-SECRET-CONTENT")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{tmp_path}/secret.txt">]>'
        '<testsuite><testcase name="t"><failure message="&x;">&x;</failure></testcase></testsuite>'
    )
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        '<testsuite><testcase name="t"><failure message="&d;"/></testcase></testsuite>'
    )
    script = (
        f"open('xxe.xml','w').write({xxe!r}); open('laughs.xml','w').write({laughs!r});"
        "open('cut.xml','w').write('<testsuite><testcase'); open('bad.sarif','w').write('{\"runs\": [');"
        "print('made'); raise SystemExit(1)"
    )
    proc = subprocess.run(
        [
            *SELFHEAL,
            "--report",
            str(tmp_path / "r.json"),
            "--junit",
            "*.xml",
            "--sarif",
            "*.sarif",
            "--",
            sys.executable,
            "-c",
            script,
        ],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert (proc.returncode, proc.stdout) == (1, b"made\n")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["partial"] is True
    assert len(report["warnings"]) == 4
    assert "TOP-SECRET-CONTENT" not in json.dumps(report)
    assert b"TOP-SECRET-CONTENT" not in proc.stderr

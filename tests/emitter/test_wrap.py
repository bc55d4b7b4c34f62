"""`selfheal run` as a build step sees it: output, exit codes, signals, cancellation, stray grandchildren."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SELFHEAL = [sys.executable, "-m", "fixer.cli"]


def selfheal_run(
    tmp_path: Path, *cmd: str, extra: tuple[str, ...] = (), **kw: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*SELFHEAL, "run", "--report", str(tmp_path / "r.json"), *extra, "--", *cmd],
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
        **kw,  # type: ignore[arg-type]
    )


def test_stdout_and_stderr_pass_through_byte_for_byte(tmp_path: Path) -> None:
    payload = bytes(range(256)) * 64 + b"\xff\xfe not utf-8 \x00 nul\r\ncrlf\r\n" + b"no newline at end"
    (tmp_path / "blob").write_bytes(payload)
    script = (
        "import sys; d=open('blob','rb').read(); sys.stdout.buffer.write(d); sys.stderr.buffer.write(d[::-1])"
    )
    proc = selfheal_run(tmp_path, sys.executable, "-c", script)
    assert proc.returncode == 0
    assert proc.stdout == payload
    assert proc.stderr == payload[::-1]


@pytest.mark.parametrize("code", [0, 1, 2, 42, 255])
def test_exit_code_is_the_commands(tmp_path: Path, code: int) -> None:
    assert selfheal_run(tmp_path, "sh", "-c", f"exit {code}").returncode == code


def test_killed_by_signal_gives_128_plus_n(tmp_path: Path) -> None:
    proc = selfheal_run(tmp_path, "sh", "-c", "kill -KILL $$")
    assert proc.returncode == 128 + signal.SIGKILL


def test_command_not_found_is_127_with_one_line(tmp_path: Path) -> None:
    proc = selfheal_run(tmp_path, "no-such-command-anywhere")
    assert proc.returncode == 127
    assert proc.stderr.decode().splitlines()[0] == "selfheal: no-such-command-anywhere: command not found"


def test_not_executable_is_126(tmp_path: Path) -> None:
    script = tmp_path / "script.sh"
    script.write_text("echo hi\n")
    script.chmod(0o644)
    proc = selfheal_run(tmp_path, str(script))
    assert proc.returncode == 126
    assert b"Permission denied" in proc.stderr.splitlines()[0]


def test_report_written_with_exit_code_and_tail(tmp_path: Path) -> None:
    proc = selfheal_run(tmp_path, "sh", "-c", "echo building; echo 'src/a.c:3:5: error: boom' >&2; exit 1")
    assert proc.returncode == 1
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["schema"] == "selfheal.report/v1"
    assert report["exit_code"] == 1
    assert report["status"] == "failed"
    assert report["command"] == ["sh", "-c", "echo building; echo 'src/a.c:3:5: error: boom' >&2; exit 1"]
    assert "building" in report["log_tail"]


def test_output_is_not_held_back(tmp_path: Path) -> None:
    """A human watching the CI log sees a line while the command is still running."""
    code = "import sys, time; print('first', flush=True); time.sleep(30)"
    proc = subprocess.Popen(
        [*SELFHEAL, "run", "--report", str(tmp_path / "r.json"), "--", sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"first\n"
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _pids_alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        stat = Path(f"/proc/{pid}/stat").read_text() if Path(f"/proc/{pid}/stat").exists() else ""
        if ") Z " not in stat:  # zombies waiting for their reaper are dead enough
            alive.append(pid)
    return alive


GRANDCHILDREN = """
import subprocess, sys
kids = [subprocess.Popen(["sleep", "300"]) for _ in range(2)]
open(sys.argv[1], "w").write(" ".join(str(k.pid) for k in kids))
print("started", flush=True)
for k in kids:
    k.wait()
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_cancellation_reaches_the_whole_process_group(tmp_path: Path, sig: int) -> None:
    # Grandchildren started with default signal handling (a non-interactive sh's `cmd &` would ignore
    # SIGINT by POSIX rule, which is the shell's choice, not ours).
    pidfile = tmp_path / "pids"
    proc = subprocess.Popen(
        [
            *SELFHEAL,
            "run",
            "--report",
            str(tmp_path / "r.json"),
            "--",
            sys.executable,
            "-c",
            GRANDCHILDREN,
            str(pidfile),
        ],
        stdout=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"started\n"
    pids = [int(p) for p in pidfile.read_text().split()]
    proc.send_signal(sig)
    code = proc.wait(timeout=20)
    assert code == 128 + sig
    deadline = time.monotonic() + 10
    while _pids_alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pids_alive(pids) == []
    assert json.loads((tmp_path / "r.json").read_text())["status"] == "interrupted"


def test_grandchild_holding_the_pipe_does_not_hang_us(tmp_path: Path) -> None:
    proc = selfheal_run(tmp_path, "sh", "-c", "sleep 120 & echo done")
    assert proc.returncode == 0
    assert proc.stdout == b"done\n"


def test_pty_gives_the_command_a_terminal(tmp_path: Path) -> None:
    code = "import sys; print('tty' if sys.stdout.isatty() else 'pipe')"
    assert selfheal_run(tmp_path, sys.executable, "-c", code, extra=("--pty",)).stdout.strip() == b"tty"
    assert selfheal_run(tmp_path, sys.executable, "-c", code).stdout.strip() == b"pipe"


def test_unwritable_report_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = subprocess.run(
        [*SELFHEAL, "run", "--report", str(blocker / "r.json"), "--", "sh", "-c", "echo out; exit 5"],
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 5
    assert proc.stdout == b"out\n"
    warnings = [line for line in proc.stderr.decode().splitlines() if line.startswith("selfheal: warning:")]
    assert len(warnings) == 1


def test_stale_junit_from_an_earlier_run_is_ignored(tmp_path: Path) -> None:
    stale = tmp_path / "old.xml"
    stale.write_text(
        '<testsuite name="s" tests="1" failures="1"><testcase classname="t" name="old">'
        '<failure message="stale">x</failure></testcase></testsuite>'
    )
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = (
        '<testsuite name="s" tests="1" failures="1"><testcase classname="t" name="new">'
        '<failure message="fresh failure">x</failure></testcase></testsuite>'
    )
    script = f"cat > new.xml <<'EOF'\n{fresh}\nEOF\nexit 1"
    proc = selfheal_run(tmp_path, "sh", "-c", script, extra=("--junit", "*.xml"))
    assert proc.returncode == 1
    report = json.loads((tmp_path / "r.json").read_text())
    messages = [r["message"] for r in report["records"]]
    assert any("fresh failure" in m for m in messages)
    assert not any("stale" in m for m in messages)


def test_run_without_command_is_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run([*SELFHEAL, "run"], capture_output=True, cwd=tmp_path, check=False)
    assert proc.returncode == 2
    assert proc.stderr.decode().count("\n") == 1
    assert "Traceback" not in proc.stderr.decode()

"""fixer.proc: children in their own process group, killed whole on timeout, output merged and capped."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from fixer import proc
from fixer.proc import run

ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


def _dead(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")  # a zombie waiting for init to reap it is dead


def _gone(pid: int) -> bool:
    """True once `pid` has died. A SIGKILL is delivered asynchronously, so give the kernel a moment;
    the bound only stops a broken build from hanging, a live process after it is the failure."""
    for _ in range(2000):
        if _dead(pid):
            return True
        time.sleep(0.01)
    return False


def test_exit_code_and_merged_output_in_order(tmp_path: Path) -> None:
    done = run("echo one; echo two >&2; echo three; exit 7", cwd=tmp_path, env=ENV, timeout_s=60)
    assert done.exit_code == 7 and not done.timed_out and not done.ok
    assert done.output == b"one\ntwo\nthree\n"


def test_list_commands_run_without_a_shell(tmp_path: Path) -> None:
    done = run(["printf", "%s|", "a b", "$HOME", ";"], cwd=tmp_path, env=ENV, timeout_s=60)
    assert done.ok and done.output == b"a b|$HOME|;|"


def test_string_commands_run_through_bash(tmp_path: Path) -> None:
    done = run('[[ "ab" == a* ]] && echo "in $PWD"', cwd=tmp_path, env=ENV, timeout_s=60)
    assert done.ok and done.output.decode().strip() == f"in {tmp_path}"


def test_missing_program_is_127_not_an_exception(tmp_path: Path) -> None:
    done = run(["selfheal-no-such-program"], cwd=tmp_path, env=ENV, timeout_s=60)
    assert done.exit_code == 127 and b"selfheal-no-such-program" in done.output


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    # the shell starts a grandchild and waits on it; killing only the shell would leave the grandchild running
    done = run(f"echo started; sleep 1000 & echo $! > {pidfile}; wait", cwd=tmp_path, env=ENV, timeout_s=1)
    assert done.timed_out and done.exit_code is None and not done.ok
    assert done.output == b"started\n"  # output written before the timeout is kept
    assert _gone(int(pidfile.read_text()))


def test_timeout_kills_children_that_ignore_sigterm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(proc, "TERM_GRACE_S", 0.2)
    pidfile = tmp_path / "stubborn.pid"
    cmd = f"trap '' TERM; sh -c 'trap \"\" TERM; sleep 1000' & echo $! > {pidfile}; wait"
    done = run(cmd, cwd=tmp_path, env=ENV, timeout_s=1)
    assert done.timed_out
    assert _gone(int(pidfile.read_text()))


def test_background_jobs_do_not_outlive_the_command(tmp_path: Path) -> None:
    pidfile = tmp_path / "bg.pid"
    done = run(f"sleep 1000 & echo $! > {pidfile}; echo done", cwd=tmp_path, env=ENV, timeout_s=600)
    assert done.ok and not done.timed_out and done.output == b"done\n"
    assert _gone(int(pidfile.read_text()))


def test_output_cap_keeps_the_end(tmp_path: Path) -> None:
    done = run(
        "for i in $(seq 1 20000); do echo line $i; done",
        cwd=tmp_path,
        env=ENV,
        timeout_s=600,
        max_output=1000,
    )
    assert done.ok
    assert len(done.output) == 1000
    assert done.output.endswith(b"line 20000\n")
    assert done.dropped == sum(len(f"line {i}\n") for i in range(1, 20001)) - 1000


def test_default_environment_is_stripped_of_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFHEAL_TEST_TOKEN", "planted-token-value-0001")
    monkeypatch.setenv("SELFHEAL_TEST_PLAIN", "visible-value")
    done = run(["env"], cwd=tmp_path, env=None, timeout_s=60)
    assert b"visible-value" in done.output
    assert b"planted-token-value-0001" not in done.output


def test_stdin_is_closed(tmp_path: Path) -> None:
    # Give this process a stdin that never ends (a pipe we hold open): a child inheriting it would block.
    read_end, write_end = os.pipe()
    saved = os.dup(0)
    os.dup2(read_end, 0)
    try:
        done = run("cat; echo after", cwd=tmp_path, env=ENV, timeout_s=20)
    finally:
        os.dup2(saved, 0)
        for fd in (saved, read_end, write_end):
            os.close(fd)
    assert not done.timed_out
    assert done.ok and done.output == b"after\n"

"""fixer.proc: children in their own process group, killed whole on timeout, output merged and capped;
Runner: the same in each isolation, nothing left behind, heartbeats, and the `after` check."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet

from fixer import proc, sandbox
from fixer.proc import Runner, run
from fixer.sandbox import Isolation, SandboxUnavailable

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


# ---- Runner: the fix loop's way to run repository code, in each isolation this machine has ----


def _isolation(kind: str) -> Isolation:
    return Isolation() if kind == "plain" else sandbox.detect(kind)


def _kind(kind: str) -> ParameterSet:
    """A case per isolation kind; skipped, with the reason, only when this machine cannot provide it."""
    reason = None
    if kind in ("bwrap", "unshare"):
        try:
            sandbox.detect(kind)
        except SandboxUnavailable as exc:
            reason = str(exc)
    return pytest.param(kind, id=kind, marks=[pytest.mark.skip(reason=reason)] if reason else [])


KINDS = [_kind(kind) for kind in ("bwrap", "unshare", "none", "plain")]  # plain: Isolation(), no bounds


def _alive(token: str) -> list[int]:
    """Live processes whose command line holds `token`."""
    pids = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            if token.encode() in Path(f"/proc/{pid}/cmdline").read_bytes() and not _dead(int(pid)):
                pids.append(int(pid))
        except OSError:
            continue
    return pids


@pytest.mark.parametrize("kind", KINDS)
def test_runner_runs_commands_like_run(tmp_path: Path, kind: str) -> None:
    runner = Runner(env=ENV, isolation=_isolation(kind))
    done = runner.run('echo one; echo two >&2; echo "in $(pwd)"; exit 7', cwd=tmp_path, timeout_s=60)
    assert done.exit_code == 7 and not done.timed_out
    assert done.output == f"one\ntwo\nin {tmp_path.resolve()}\n".encode()
    listed = runner.run(["printf", "%s|", "a b", "$HOME", ";"], cwd=tmp_path, timeout_s=60)
    assert listed.ok and listed.output == b"a b|$HOME|;|"
    capped = runner.run("seq 1 20000", cwd=tmp_path, timeout_s=60, max_output=100)
    assert (
        capped.ok
        and len(capped.output) == 100
        and capped.output.endswith(b"\n20000\n")
        and capped.dropped > 0
    )


@pytest.mark.parametrize("kind", KINDS)
def test_runner_answers_127_and_126_like_a_shell(tmp_path: Path, kind: str) -> None:
    runner = Runner(env=ENV, isolation=_isolation(kind))
    (tmp_path / "not-executable").write_text("echo hi\n")
    missing = runner.run(["selfheal-no-such-program"], cwd=tmp_path, timeout_s=60)
    assert missing.exit_code == 127 and b"selfheal-no-such-program" in missing.output
    assert runner.run(["./nope"], cwd=tmp_path, timeout_s=60).exit_code == 127
    assert runner.run(["./not-executable"], cwd=tmp_path, timeout_s=60).exit_code == 126
    assert runner.run("selfheal-no-such-program", cwd=tmp_path, timeout_s=60).exit_code == 127  # bash says so


@pytest.mark.parametrize("kind", KINDS)
def test_runner_passes_only_the_given_environment(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELFHEAL_ONLY_IN_THE_FIXER", "fixer-value")
    runner = Runner(env={**ENV, "GIVEN": "given-value"}, isolation=_isolation(kind))
    done = runner.run(["env"], cwd=tmp_path, timeout_s=60, extra_env={"EXTRA": "extra-value"})
    assert b"GIVEN=given-value" in done.output and b"EXTRA=extra-value" in done.output
    assert b"fixer-value" not in done.output


@pytest.mark.parametrize("kind", KINDS)
def test_runner_timeout_ends_everything_and_sigterm_reaches_the_command(tmp_path: Path, kind: str) -> None:
    token = f"1000.{os.getpid()}{len(kind)}"  # seconds to sleep, and a mark on the command line
    cmd = f"trap 'echo got-term; exit 0' TERM; setsid sleep {token} & echo started; while :; do sleep 0.05; done"
    done = Runner(env=ENV, isolation=_isolation(kind)).run(cmd, cwd=tmp_path, timeout_s=1)
    assert done.timed_out and done.exit_code is None and not done.ok
    # the command could clean up, even inside a sandbox (bash may also report its killed `sleep`)
    assert done.output.startswith(b"started\n") and done.output.endswith(b"got-term\n"), done.output
    assert _alive(token) == []


@pytest.mark.parametrize("kind", KINDS)
def test_runner_timeout_kills_what_ignores_sigterm(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proc, "TERM_GRACE_S", 0.2)
    token = f"1000.{os.getpid()}{len(kind)}7"
    cmd = f"trap '' TERM; sh -c 'trap \"\" TERM; sleep {token}' & wait"
    done = Runner(env=ENV, isolation=_isolation(kind)).run(cmd, cwd=tmp_path, timeout_s=1)
    assert done.timed_out
    assert _alive(token) == []


def test_runner_reports_heartbeats_while_the_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proc, "HEARTBEAT_S", 0.05)
    beats: list[float] = []
    done = Runner(env=ENV).run(["sleep", "0.6"], cwd=tmp_path, timeout_s=60, heartbeat=beats.append)
    assert done.ok
    assert beats and beats == sorted(beats) and beats[0] > 0
    quiet: list[float] = []
    Runner(env=ENV).run(["true"], cwd=tmp_path, timeout_s=60, heartbeat=quiet.append)
    assert quiet == []  # a short command is not interrupted by reports


def test_after_runs_once_everything_is_gone_and_may_raise(tmp_path: Path) -> None:
    token = f"1000.{os.getpid()}3"
    seen: list[list[int]] = []
    runner = Runner(env=ENV, after=lambda: seen.append(_alive(token)))
    runner.run(f"sleep {token} & echo left", cwd=tmp_path, timeout_s=60)
    runner.run(f"sleep {token}", cwd=tmp_path, timeout_s=0.5)
    runner.run(["selfheal-no-such-program"], cwd=tmp_path, timeout_s=60)
    assert seen == [[], [], []]  # called after every run, timed out or not started, with nothing left

    def tampered() -> None:
        raise RuntimeError(".git changed")

    with pytest.raises(RuntimeError, match=r"\.git changed"):
        Runner(env=ENV, after=tampered).run(["true"], cwd=tmp_path, timeout_s=60)

"""fixer.sandbox: repository code run by the fixer cannot read its secrets, outlive its run, or edit `.git`.

Each test plays the attack. Where a defence can be switched off, the same attack runs without it too and
must succeed, so a passing test shows the defence at work rather than an attack that never worked.
The "fixer" of the secret and left-running tests is a subprocess: hardening (not dumpable, subreaper)
applies to a whole process and must not be done to the pytest worker itself.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet

from fixer import sandbox
from fixer.proc import Runner
from fixer.sandbox import Isolation, SandboxUnavailable

ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
NAMESPACES = ("bwrap", "unshare")
ALL = (*NAMESPACES, "none")
NOT_ROOT = None if os.geteuid() == 0 else "only a root child holds the capabilities this case is about"


def _why_not(kind: str) -> str | None:
    """None when this machine can provide `kind`; else the reason, for the skip mark."""
    if kind in ("off", "none"):
        return None
    try:
        sandbox.detect(kind)
    except SandboxUnavailable as exc:
        return str(exc)
    return None


def _param(kind: str, *values: object, id: str | None = None, skipif: str | None = None) -> ParameterSet:
    """One case for `kind`, skipped only when the machine cannot provide it (or `skipif` gives a reason)."""
    reason = _why_not(kind) or skipif
    marks = [pytest.mark.skip(reason=reason)] if reason else []
    return pytest.param(kind, *values, id=id or kind, marks=marks)


def _alive(token: str) -> list[int]:
    """Live processes whose command line holds `token`."""
    pids = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if token.encode() in cmdline:
            pids.append(int(pid))
    return pids


# The fixer under attack: hardens itself as `selfheal fix` does, runs the command through a Runner with its
# environment stripped of secrets, then reports the processes still alive and, a while later, marker files.
FIXER = """
import dataclasses, json, os, sys, time
from pathlib import Path
from fixer import proc, sandbox
from fixer.secrets import child_env

cfg = json.loads(sys.argv[1])
if cfg["harden"]:
    sandbox.harden_self()
iso = sandbox.detect(cfg["kind"]) if cfg["kind"] != "off" else sandbox.Isolation()
if cfg.get("bound") is not None:
    iso = dataclasses.replace(iso, ptrace_dropped=cfg["bound"])
done = proc.Runner(env=child_env(os.environ), isolation=iso).run(cfg["cmd"], cwd=cfg["cwd"], timeout_s=120)
alive = []
for pid in (p for p in os.listdir("/proc") if cfg.get("token") and p.isdigit() and int(p) != os.getpid()):
    try:
        if cfg["token"].encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
            alive.append(int(pid))
    except OSError:
        pass
time.sleep(cfg.get("linger", 0))  # stay alive: a sandbox dying with its parent must not hide a leak
markers = sorted(p.name for p in Path(cfg["cwd"]).glob("marker*"))
print(json.dumps({"exit": done.exit_code, "output": done.output.decode(errors="replace"),
                  "alive": alive, "markers": markers, "isolation": iso.as_dict()}))
"""


def _fix(
    cwd: Path,
    kind: str,
    cmd: str | list[str],
    harden: bool,
    secret: dict[str, str] | None = None,
    prefix: tuple[str, ...] = (),
    **cfg: object,
) -> dict[str, object]:
    """Runs the fixer above; `secret` goes into its environment only, never onto its command line."""
    config = {"kind": kind, "harden": harden, "cmd": cmd, "cwd": str(cwd), **cfg}
    done = subprocess.run(
        [*prefix, sys.executable, "-c", FIXER, json.dumps(config)],
        env={**ENV, **(secret or {})},
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    result: dict[str, object] = json.loads(done.stdout)
    return result


# ---- a child reading its ancestors' /proc/<pid>/environ ----

WALKER = """
import os, sys
name = sys.argv[1].encode() + b"="
chain, pid = [], os.getpid()
while pid > 1:  # the ppid chain: outside a namespace, the fixer is the first ancestor
    with open(f"/proc/{pid}/stat", "rb") as f:
        pid = int(f.read().rsplit(b")", 1)[1].split()[1])
    chain.append(pid)
found = []
for pid in sorted(set(chain) | {int(p) for p in os.listdir("/proc") if p.isdigit()}):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            found += [f"{pid}:{e.decode()}" for e in f.read().split(b"\\0") if e.startswith(name)]
    except OSError:
        pass
print("FOUND" if found else "CLEAN", found, "ancestors:", chain)
"""


# A root fixer holding no capability at all stands for the usual non-root agent: it and its children are
# equals, so only the fixer's being not dumpable keeps them out.
CAPLESS = ("setpriv", "--bounding-set=-all", "--inh-caps=-all", "--")
NO_SETPRIV = NOT_ROOT or (None if shutil.which("setpriv") else "setpriv (util-linux) is not installed")


@pytest.mark.parametrize(
    ("kind", "harden", "bound", "prefix", "leaks"),
    [
        *[_param(kind, True, None, (), False, id=f"{kind}-hardened") for kind in ALL],
        # a namespace alone hides the fixer: its pid is not even in the child's /proc
        *[_param(kind, False, False, (), False, id=f"{kind}-namespace-only") for kind in NAMESPACES],
        _param("off", False, False, (), True, id="defence-off"),  # the attack works without the defence
        # not dumpable is no obstacle to a root child holding CAP_SYS_PTRACE: the capability bound matters
        _param("none", True, False, (), True, id="undumpable-but-ptrace-kept", skipif=NOT_ROOT),
        # between equals, not dumpable is what matters
        _param("none", True, None, CAPLESS, False, id="equals-hardened", skipif=NO_SETPRIV),
        _param("none", False, None, CAPLESS, True, id="equals-dumpable", skipif=NO_SETPRIV),
    ],
)
def test_a_child_cannot_read_the_fixers_environment(
    tmp_path: Path, kind: str, harden: bool, bound: bool | None, prefix: tuple[str, ...], leaks: bool
) -> None:
    name = f"SELFHEAL_PLANTED_{secrets.token_hex(4).upper()}_TOKEN"  # a secret's name: child_env strips it
    value = f"planted-{secrets.token_hex(8)}"
    walker = tmp_path / "walker.py"
    walker.write_text(WALKER)
    cmd = [sys.executable, str(walker), name]
    result = _fix(tmp_path, kind, cmd, harden, secret={name: value}, prefix=prefix, bound=bound)
    output = str(result["output"])
    assert result["exit"] == 0, output
    assert output.startswith("FOUND" if leaks else "CLEAN"), output
    assert (value in output) is leaks, output


# ---- processes left running ----


def _left_running(token: str) -> str:
    return (
        # not holding the output pipe, so the run returns as soon as the command itself is done
        "exec >/dev/null 2>&1\n"
        f"setsid sh -c 'sleep {token}; touch marker-setsid' &\n"  # its own session, out of the group
        f"( setsid sh -c 'sleep {token}; touch marker-daemon' & )\n"  # double fork: orphaned at once
        f"sh -c 'trap \"\" TERM; sleep {token}; touch marker-stubborn' &\n"  # shrugs off SIGTERM
    )


@pytest.mark.parametrize(
    ("kind", "harden", "leaks"),
    [
        *[_param(kind, True, False) for kind in ALL],
        _param("off", False, True, id="defence-off"),  # no namespace, no subreaper: the daemons escape
    ],
)
def test_nothing_the_command_started_outlives_the_run(
    tmp_path: Path, kind: str, harden: bool, leaks: bool
) -> None:
    token = (
        f"2.{secrets.randbelow(10**6):06d}"  # seconds to sleep, and a mark on every process's command line
    )
    try:
        # an escaped daemon needs its 2.x s, and a loaded machine more, to show itself
        result = _fix(tmp_path, kind, _left_running(token), harden, token=token, linger=5.0 if leaks else 3.0)
        assert result["exit"] == 0, result
        if leaks:
            # the escaped daemons acted on the tree after the run (under load they may be done before it
            # returns, so "still alive when it returned" cannot be asked)
            assert result["markers"], result
        else:
            assert result["alive"] == [], result
            assert result["markers"] == [], result  # nothing went on to act on the tree after the run
    finally:
        for pid in _alive(token):  # what escaped in the defence-off case
            os.kill(pid, signal.SIGKILL)


# ---- .git read-only, hidden paths, the fixer invisible ----

UNDO = "mount -o remount,bind,rw {p} 2>/dev/null; umount {p} 2>/dev/null; "  # a root child's first try


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(path)], check=True, env={**ENV, "HOME": str(tmp_path)})
    return path


def _runner(kind: str, bound: bool | None = None, **paths: tuple[Path, ...]) -> Runner:
    isolation = Isolation() if kind == "off" else sandbox.detect(kind)
    if bound is not None:
        isolation = replace(isolation, ptrace_dropped=bound)
    env = {**ENV, "HOME": "/nonexistent", "GIT_CONFIG_NOSYSTEM": "1"}
    return Runner(env=env, isolation=isolation, **paths)


@pytest.mark.parametrize(
    ("kind", "bound", "writable"),
    [
        *[_param(kind, True, False) for kind in NAMESPACES],
        _param("off", None, True, id="defence-off"),
        # with every capability kept, a root child simply remounts .git read-write
        *[_param(kind, False, True, id=f"{kind}-caps-kept", skipif=NOT_ROOT) for kind in NAMESPACES],
    ],
)
def test_git_dir_is_read_only_inside_but_the_tree_is_not(
    repo: Path, kind: str, bound: bool | None, writable: bool
) -> None:
    script = (
        UNDO.format(p=".git")
        + "touch .git/hooks/evil && echo hook-written; "
        + "git config core.fsmonitor evil && echo config-written; "
        + "echo x > tree-file && echo tree-written"
    )
    out = _runner(kind, bound, read_only=(repo / ".git",)).run(script, cwd=repo, timeout_s=60).output.decode()
    assert "tree-written" in out and (repo / "tree-file").exists(), out
    assert ("hook-written" in out) is writable and (repo / ".git/hooks/evil").exists() is writable, out
    assert ("config-written" in out) is writable, out
    assert ("fsmonitor" in (repo / ".git/config").read_text()) is writable


@pytest.mark.parametrize(
    ("kind", "hidden"), [*[_param(kind, True) for kind in NAMESPACES], _param("off", False, id="defence-off")]
)
def test_hidden_paths_are_empty_inside(tmp_path: Path, kind: str, hidden: bool) -> None:
    private = tmp_path / "fixer-private"
    private.mkdir()
    (private / "prompt.json").write_text("the fixer's own files")
    script = UNDO.format(p=private) + f'echo "[$(ls -A {private})]"; cat {private}/prompt.json 2>/dev/null'
    done = _runner(kind, hidden=(private,)).run(script, cwd=tmp_path, timeout_s=60)
    assert done.output.startswith(b"[]" if hidden else b"[prompt.json]"), done.output
    assert (b"the fixer's own files" in done.output) is not hidden, done.output
    assert (
        private / "prompt.json"
    ).read_text() == "the fixer's own files"  # hidden inside, untouched outside


@pytest.mark.parametrize(
    ("kind", "visible"),
    [*[_param(kind, False) for kind in NAMESPACES], _param("off", True, id="defence-off")],
)
def test_the_fixer_is_not_visible_inside_a_namespace(tmp_path: Path, kind: str, visible: bool) -> None:
    me = os.getpid()
    done = _runner(kind).run(f"test -e /proc/{me} && echo visible; echo $$", cwd=tmp_path, timeout_s=60)
    assert (b"visible" in done.output) is visible, done.output
    if not visible:
        assert int(done.output.split()[-1]) < 10  # the command lives in a young PID namespace of its own


# ---- detection ----


def test_an_explicit_sandbox_that_is_missing_raises_one_clear_line(tmp_path: Path) -> None:
    for kind in NAMESPACES:
        with pytest.raises(SandboxUnavailable) as raised:
            sandbox.detect(kind, path=str(tmp_path))  # a PATH with nothing on it
        message = str(raised.value)
        assert message == f"{kind} not found on PATH"  # one line, naming the tool


def _refusing_bwrap(folder: Path, log: Path | None = None) -> None:
    """A bwrap that is installed but refused, as in a container without user namespaces."""
    folder.mkdir()
    trace = f"echo run >> {log}\n" if log else ""
    (folder / "bwrap").write_text(
        f"#!/bin/sh\n{trace}echo 'bwrap: No permissions to create new namespace' >&2\nexit 1\n"
    )
    (folder / "bwrap").chmod(0o755)


def test_auto_degrades_and_says_why(tmp_path: Path) -> None:
    _refusing_bwrap(tmp_path / "bin")
    found = sandbox.detect("auto", path=str(tmp_path / "bin"))
    assert (found.kind, found.pid_namespace, found.read_only_git) == ("none", False, False)
    assert found.note == "bwrap: No permissions to create new namespace; unshare not found on PATH"
    with pytest.raises(SandboxUnavailable, match="No permissions"):
        sandbox.detect("bwrap", path=str(tmp_path / "bin"))


@pytest.mark.parametrize("kind", [_param(kind) for kind in NAMESPACES])
def test_auto_takes_the_first_that_works(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "bin"
    _refusing_bwrap(folder)
    if kind == "bwrap":
        (folder / "bwrap").unlink()
    (folder / kind).symlink_to(shutil.which(kind) or kind)
    found = sandbox.detect("auto", path=str(folder))
    assert (found.kind, found.pid_namespace, found.read_only_git, found.reaper) == (
        kind,
        True,
        True,
        "namespace",
    )
    assert found.ptrace_dropped and Path(found.program).name == kind
    assert (found.note == "") is (kind == "bwrap"), found.note  # unshare says why bwrap was not had


def test_none_is_none_and_the_outcome_fields_are_kept() -> None:
    found = sandbox.detect("none")
    assert (found.kind, found.pid_namespace, found.read_only_git) == ("none", False, False)
    assert found.reaper == "session"  # the pytest worker is no subreaper: see the left-running tests
    for name in ("kind", "pid_namespace", "read_only_git", "reaper", "undumpable", "ptrace_dropped"):
        assert name in found.as_dict()
    with pytest.raises(ValueError, match="unknown sandbox"):
        sandbox.detect("docker")


def test_harden_self_reports_what_it_did() -> None:
    code = "from fixer import sandbox; print(sandbox.harden_self(), sandbox.detect('none').as_dict())"
    done = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("(True, True)")
    assert "'undumpable': True" in done.stdout and "'reaper': 'subreaper'" in done.stdout


def test_the_probe_runs_once_per_process(tmp_path: Path) -> None:
    log = tmp_path / "runs"
    _refusing_bwrap(tmp_path / "bin", log)
    for _ in range(3):
        with pytest.raises(SandboxUnavailable):
            sandbox.detect("bwrap", path=str(tmp_path / "bin"))
    assert log.read_text() == "run\n"

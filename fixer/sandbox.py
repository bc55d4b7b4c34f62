"""Isolation of repository code from the fixer that runs it (DESIGN.md, "Trust model").

Verify commands and the formatters a repository ships are the branch's own code, run while the fixer holds
a model key and maybe a platform token. Three layers, each used as far as the machine allows:

- the fixer hardens itself (`harden_self`): not dumpable, so a same-uid child cannot read its
  `/proc/<pid>/environ` or ptrace it, and a child subreaper, so orphaned daemons come back to it to be ended;
- children keep at most Docker's default capabilities: a root child without CAP_SYS_PTRACE cannot read a
  parent that holds more capabilities, and without CAP_SYS_ADMIN it cannot undo the mounts below;
- a sandbox (`wrap`): a PID namespace with its own /proc (the fixer is not even visible, and everything
  the command started dies with its main process), `.git` bind-mounted read-only, the fixer's private
  directories covered by an empty tmpfs. bubblewrap first; util-linux `unshare` with `sandbox_init` as
  the namespace's PID 1 second; plain children last (`sandbox_init exec` bounds their capabilities).

`detect` probes each candidate by running `true` through it, because only trying tells whether a container
allows namespaces, and says in the returned `Isolation` what was had (it goes into outcome.json).
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Literal

from . import sandbox_init
from .sandbox_init import CAP_SETPCAP, CAP_SYS_PTRACE, KEPT_CAPS, PR_CAPBSET_READ, prctl

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

PROBE_TIMEOUT_S = 20.0
_PR_SET_DUMPABLE, _PR_SET_CHILD_SUBREAPER = 4, 36


class SandboxUnavailable(RuntimeError):
    """An explicitly requested sandbox cannot run here; the message is one line saying why, naming the tool."""


@dataclass(frozen=True)
class Isolation:
    kind: Literal["bwrap", "unshare", "none"] = "none"
    pid_namespace: bool = False
    read_only_git: bool = False
    reaper: Literal["namespace", "subreaper", "session"] = "session"
    undumpable: bool = False
    ptrace_dropped: bool = False  # children hold no CAP_SYS_PTRACE (nor anything beyond Docker's default set)
    user_namespace: bool = False  # needed when the fixer is not root; with it mounts cost no privilege
    same_uid: bool = True  # False only for `unshare --map-root-user`, where the child sees itself as root
    program: str = ""  # the bwrap or unshare that was probed
    note: str = ""  # why the kinds tried before this one were not had

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


_hardened = (False, False)
_probes: dict[tuple[str, str], Isolation | str] = {}


def harden_self() -> tuple[bool, bool]:
    """Makes this process unreadable by its children and the reaper of their orphans; once, at start-up.

    Returns (not dumpable, child subreaper): which of the two took; both are False off Linux.
    """
    global _hardened
    if sys.platform.startswith("linux"):
        _hardened = (prctl(_PR_SET_DUMPABLE, 0) == 0, prctl(_PR_SET_CHILD_SUBREAPER, 1) == 0)
    return _hardened


def _can_bound_children() -> bool:
    """True when children can run without CAP_SYS_PTRACE: it is already out of reach, or we may drop it."""
    if not sys.platform.startswith("linux"):
        return False
    if not _ptrace_reachable():
        return True
    with open("/proc/self/status") as file:
        status = file.read()
    eff = next(int(line.split()[1], 16) for line in status.splitlines() if line.startswith("CapEff:"))
    return bool(eff >> CAP_SETPCAP & 1)


def _finish(found: Isolation) -> Isolation:
    """Adds what this process did to itself, which may change after the (cached) probe."""
    undumpable, subreaper = _hardened
    if found.kind != "none":
        return replace(found, undumpable=undumpable)
    reaper: Literal["subreaper", "session"] = "subreaper" if subreaper else "session"
    return replace(found, undumpable=undumpable, reaper=reaper, ptrace_dropped=_can_bound_children())


def detect(choice: str = "auto", *, path: str | None = None) -> Isolation:
    """The isolation to run repository code with: `auto` takes the best that works, else what was asked.

    `path` is where to look for bwrap and unshare (default: this process's PATH). Probes are cached.
    """
    search = os.environ.get("PATH", os.defpath) if path is None else path
    if choice == "none":
        return _finish(Isolation())
    if choice in ("bwrap", "unshare"):
        found = _probe(choice, search)
        if isinstance(found, str):
            raise SandboxUnavailable(found)
        return _finish(found)
    if choice != "auto":
        raise ValueError(f"unknown sandbox {choice!r}: expected auto, bwrap, unshare or none")
    reasons: list[str] = []
    for kind in ("bwrap", "unshare"):
        found = _probe(kind, search)
        if isinstance(found, Isolation):
            return _finish(replace(found, note="; ".join(reasons)))
        reasons.append(found)
    return _finish(Isolation(note="; ".join(reasons)))


def kinds_here() -> list[str]:
    """The isolation kinds this machine can give, weakest first ("none" always)."""
    found = ["none"]
    for kind in ("unshare", "bwrap"):
        try:
            detect(kind)
            found.append(kind)
        except SandboxUnavailable:
            pass
    return found


def _probe(kind: str, search: str) -> Isolation | str:
    if (kind, search) not in _probes:
        _probes[kind, search] = _try(kind, search)
    return _probes[kind, search]


def _candidates(kind: str, program: str) -> list[Isolation]:
    ns = Isolation(
        kind="bwrap", pid_namespace=True, read_only_git=True, reaper="namespace", ptrace_dropped=True
    )
    if kind == "bwrap":  # bwrap itself enters a user namespace when it is not root
        return [replace(ns, program=program, user_namespace=os.geteuid() != 0)]
    ns = replace(ns, kind="unshare", program=program)
    # Root needs no user namespace; others keep their uid where util-linux can (2.38+), else appear as root.
    return [ns, replace(ns, user_namespace=True), replace(ns, user_namespace=True, same_uid=False)]


def _try(kind: str, search: str) -> Isolation | str:
    import shutil
    import subprocess
    import tempfile

    if not sys.platform.startswith("linux"):
        return f"{kind} needs Linux"
    program = shutil.which(kind, path=search)
    if program is None:
        return f"{kind} not found on PATH"
    true = shutil.which("true", path=f"{search}{os.pathsep}/usr/bin{os.pathsep}/bin") or "true"
    reason = ""
    with tempfile.TemporaryDirectory(prefix="selfheal-probe-") as tmp:
        ro, hidden = os.path.join(tmp, "ro"), os.path.join(tmp, "hidden")
        os.mkdir(ro)
        os.mkdir(hidden)
        for candidate in _candidates(kind, program):
            argv = wrap([true], candidate, (ro,), (hidden,), tmp)
            try:
                done = subprocess.run(
                    argv, cwd=tmp, env={"PATH": os.defpath}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, timeout=PROBE_TIMEOUT_S, check=False,
                )  # fmt: skip
            except (OSError, subprocess.TimeoutExpired) as exc:
                reason = f"{kind}: {exc}"
                continue
            if done.returncode == 0:
                return candidate
            lines = done.stdout.decode(errors="replace").strip().splitlines()
            reason = (lines[-1] if lines else f"exit status {done.returncode}")[:200]
            reason = reason if reason.startswith(kind) else f"{kind}: {reason}"
    return reason


def _existing(paths: Iterable[Path | str]) -> list[str]:
    return [os.path.realpath(p) for p in paths if os.path.lexists(p)]


def wrap(
    argv: Sequence[str],
    isolation: Isolation,
    read_only: Sequence[Path | str] = (),
    hidden: Sequence[Path | str] = (),
    cwd: Path | str = ".",
) -> list[str]:
    """The command line that runs `argv` in `isolation` (see the module docstring for what each gives)."""
    ro, hide, where = _existing(read_only), _existing(hidden), os.path.realpath(cwd)
    if isolation.kind == "bwrap":
        out = [
            isolation.program,
            "--dev-bind",
            "/",
            "/",
            "--proc",
            "/proc",
            "--unshare-pid",
            "--die-with-parent",
        ]
        for path in ro:
            out += ["--ro-bind", path, path]
        for path in hide:
            out += ["--tmpfs", path]
        if isolation.ptrace_dropped and os.geteuid() == 0:  # without root bwrap grants no capability at all
            out += ["--cap-drop", "ALL"] + [arg for cap in KEPT_CAPS for arg in ("--cap-add", cap)]
        return [*out, "--chdir", where, "--", *argv]
    if isolation.kind == "unshare":
        user = []
        if isolation.user_namespace:
            user = ["--map-current-user", "--keep-caps"] if isolation.same_uid else ["--map-root-user"]
        flags = [*user, "--pid", "--fork", "--kill-child", "--mount-proc"]
        opts = [arg for path in ro for arg in ("--ro", path)] + [
            arg for path in hide for arg in ("--hide", path)
        ]
        opts += ["--cwd", where] + (["--bound"] if isolation.ptrace_dropped else [])
        return [isolation.program, *flags, "--", *_helper("init"), *opts, "--", *argv]
    if isolation.ptrace_dropped and _ptrace_reachable():
        return [*_helper("exec"), "--bound", "--", *argv]
    return list(argv)


def _ptrace_reachable() -> bool:
    """Is CAP_SYS_PTRACE still in the bounding set, so that an exec (of a setuid program, or by root) may hold it?"""
    return prctl(PR_CAPBSET_READ, CAP_SYS_PTRACE) == 1


def _helper(mode: str) -> list[str]:
    # -I: neither PYTHON* variables nor the script's folder (whose secrets.py would shadow the stdlib's); -S: fast
    return [sys.executable or "python3", "-I", "-S", os.path.realpath(sandbox_init.__file__), mode]

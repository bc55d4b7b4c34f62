"""The sandbox's inside step: `python -I -S sandbox_init.py init|exec [--ro P]… [--hide P]… [--cwd D] [--bound] -- argv…`.

`init` runs as PID 1 of the namespace `unshare` made: bind-mounts each `--ro` path read-only, covers each
`--hide` path with an empty tmpfs, bounds capabilities, then starts argv, reaps every orphan and exits
with argv's status (the kernel then kills whatever is left in the namespace). `exec` (kind "none") only
bounds capabilities and execs argv in place. This file starts once per sandboxed command, so it imports
nothing but the few standard modules it needs (no dataclasses, no typing), which keeps it to the
interpreter's own start-up plus ctypes: 20-30 ms on the machine this was written on.
"""

import ctypes
import os
import signal
import sys

HELPER_FAILED = 125  # the sandbox could not be set up (a mount refused, …); the command never ran

PR_CAPBSET_READ, _PR_CAPBSET_DROP, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 23, 24, 47, 4
CAP_SETPCAP, CAP_SYS_PTRACE = 8, 19
# Docker's default set: enough for root-owned checkouts (chown, ports < 1024, setuid in tests), but nothing
# that reads other processes (SYS_PTRACE, BPF, PERFMON), undoes mounts (SYS_ADMIN) or reaches the kernel.
KEPT_CAPS = {
    "CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_FSETID": 4, "CAP_KILL": 5, "CAP_SETGID": 6,
    "CAP_SETUID": 7, "CAP_SETPCAP": 8, "CAP_NET_BIND_SERVICE": 10, "CAP_NET_RAW": 13, "CAP_SYS_CHROOT": 18,
    "CAP_MKNOD": 27, "CAP_AUDIT_WRITE": 29, "CAP_SETFCAP": 31,
}  # fmt: skip
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REMOUNT = 1, 2, 4, 8, 32
_MS_NOATIME, _MS_NODIRATIME, _MS_BIND, _MS_REC, _MS_RELATIME = 1024, 2048, 4096, 16384, 1 << 21
_RESET = (signal.SIGPIPE, signal.SIGXFSZ)  # Python ignores these; the command must not inherit that


def libc() -> ctypes.CDLL:
    lib = ctypes.CDLL(None, use_errno=True)
    lib.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    lib.prctl.restype = ctypes.c_int
    return lib


def prctl(option: int, arg: int = 0) -> int:
    return int(libc().prctl(option, arg, 0, 0, 0))


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = [None if s is None else os.fsencode(s) for s in (source, target, fstype, data)]
    if libc().mount(enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _bind_read_only(path: str) -> None:
    _mount(path, path, None, _MS_BIND | _MS_REC)
    # A remount must repeat the flags the kernel locked on the original (nosuid, nodev, …) or a user
    # namespace refuses it with EPERM.
    have = os.statvfs(path).f_flag
    locked = have & (_MS_NOSUID | _MS_NODEV | _MS_NOEXEC | _MS_NOATIME | _MS_NODIRATIME)
    locked |= _MS_RELATIME if have & os.ST_RELATIME else 0
    _mount(None, path, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | locked)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _bound_caps() -> None:
    """Limits what the next exec can hold to Docker's default set, whether it runs as root or not."""
    lib, kept = libc(), set(KEPT_CAPS.values())
    lib.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)  # fails only on kernels before 4.3
    with open("/proc/sys/kernel/cap_last_cap") as file:
        last = int(file.read())
    for cap in sorted(set(range(last + 1)) - kept):
        if lib.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), f"cannot drop capability {cap} from the bounding set")
    # Root's exec also keeps its inheritable set, which dropping from the bounding set leaves alone.
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()  # _LINUX_CAPABILITY_VERSION_3: two words
    if lib.capget(ctypes.byref(header), data) == 0:
        mask = sum(1 << cap for cap in kept)
        for word in (0, 1):
            data[word].inheritable &= mask >> (32 * word) & 0xFFFFFFFF
        if lib.capset(ctypes.byref(header), data) != 0:
            raise OSError(ctypes.get_errno(), "cannot clear the inheritable capabilities")


def _cannot_run(program: str, exc: OSError) -> int:
    # Shells answer 127 for "not found" and 126 for "cannot run"; keep to that.
    sys.stderr.write(f"selfheal: cannot run {program}: {exc.strerror or exc}\n")
    return 127 if isinstance(exc, FileNotFoundError) else 126


def _init(argv: list[str]) -> int:
    """PID 1: starts the command, reaps every orphan, returns the command's status.

    Not exec'ing into the command matters: the kernel shields PID 1 from every signal it has no handler
    for, so a command running as PID 1 would never see the SIGTERM sent on timeout.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # so PID 1 is shielded from it too
    try:
        pid = os.posix_spawnp(argv[0], argv, os.environ, setsigdef=_RESET)
    except OSError as exc:
        return _cannot_run(argv[0], exc)
    while True:
        reaped, status = os.wait()
        if reaped == pid:
            code = os.waitstatus_to_exitcode(status)
            return code if code >= 0 else 128 - code  # killed by signal N: 128 + N, as shells report it


def main(args: list[str]) -> int:
    mode, split = args[0], args.index("--")
    opts, argv = args[1:split], args[split + 1 :]
    try:
        for opt, value in zip(opts, [*opts[1:], ""], strict=True):
            if opt == "--ro":
                _bind_read_only(value)
            elif opt == "--hide":
                _mount("tmpfs", value, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=1m")
            elif opt == "--cwd":
                os.chdir(value)  # after the mounts: a cwd below a remounted path must be looked up anew
        if "--bound" in opts:
            _bound_caps()
    except OSError as exc:
        sys.stderr.write(f"selfheal sandbox: {exc.strerror or exc}\n")
        return HELPER_FAILED
    if mode == "init":
        return _init(argv)
    for sig in _RESET:
        signal.signal(sig, signal.SIG_DFL)
    try:
        os.execvp(argv[0], argv)
    except OSError as exc:
        return _cannot_run(argv[0], exc)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Finds and ends every process a command started, so nothing of repository code outlives its run.

A command's processes are its leader's process group and session, every descendant still attached to
it, and — when the fixer is a child subreaper (`sandbox.harden_self`) — the orphans the kernel handed
back to the fixer after a `setsid` plus double fork: those left both the group and the session, so only
their parent pid still points at us. All of them are found through /proc, which costs a few
milliseconds and needs no privilege for processes of our own uid.

A PID namespace makes most of this moot (its end kills everything inside), but the scan is cheap and
also covers the process that runs the namespace.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable

END_LIMIT_S = 10.0  # a process stuck in the kernel (state D) ignores SIGKILL for a while; never hang on it
_NAP_S = 0.005


Row = tuple[str, int, int, int, int]  # state, ppid, process group, session, start time (clock ticks)
Seen = dict[int, int]  # pid → start time: one process, told apart from a later one given the same pid


def _processes() -> dict[int, Row]:
    """Every process we can see."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            continue  # exited while we looked
        # The command name in parentheses may hold spaces and parentheses; the fields after it do not.
        f = stat[stat.rfind(b")") + 2 :].split()
        table[int(name)] = (f[0].decode(), int(f[1]), int(f[2]), int(f[3]), int(f[19]))
    return table


def children() -> frozenset[int]:
    """This process's children now: taken before a run, so its orphans can be told from them later."""
    me = os.getpid()
    return frozenset(pid for pid, row in _processes().items() if row[1] == me)


def _members(table: dict[int, Row], leader: int, before: Iterable[int], seen: Seen) -> set[int]:
    """Every process of the command but the leader: its group, session, adopted orphans, processes seen
    before (which may have been orphaned since, out of view) and all their descendants."""
    me, known = os.getpid(), set(before)
    found = {
        pid
        for pid, (_, ppid, group, session, start) in table.items()
        if leader in (group, session, ppid) or (ppid == me and pid not in known) or seen.get(pid) == start
    }
    by_parent: dict[int, list[int]] = {}
    for pid, row in table.items():
        by_parent.setdefault(row[1], []).append(pid)
    todo = list(found)
    while todo:
        for child in by_parent.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found - {leader, me}


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass  # gone already


def signal_all(leader: int, before: Iterable[int], sig: int, spare_leader: bool = False) -> Seen:
    """Sends `sig` to every process of the command and returns them, so `end_all` can find them again.

    `spare_leader` when the leader is a sandbox's monitor, whose death would cut the command's chance to
    handle the signal. Otherwise the leader comes last: its death orphans the rest, and an orphan outside
    the group and session cannot be found again but through the returned identities (or a subreaper).
    """
    table = _processes()
    seen = {pid: table[pid][4] for pid in _members(table, leader, before, {})}
    for pid in seen:
        if table[pid][0] not in "ZX":
            _signal(pid, sig)
    if not spare_leader:
        _signal(leader, sig)
    return seen


def end_all(leader: int, before: Iterable[int], seen: Seen | None = None) -> None:
    """SIGKILLs every process of the command, then the leader, until none is left, and reaps the orphans
    this process adopted. The leader is left unreaped for its owner: its zombie keeps its pid, which is
    also the group and session id, from being reused while we look."""
    me, limit, seen = os.getpid(), time.monotonic() + END_LIMIT_S, dict(seen or {})
    _freeze(leader, before, seen, limit)
    while True:
        table = _processes()
        members = _members(table, leader, before, seen)
        seen.update((pid, table[pid][4]) for pid in members)
        live = [pid for pid in members if table[pid][0] not in "ZX"]
        ours = [pid for pid in members if table[pid][1] == me]
        for pid in live:
            _signal(pid, signal.SIGKILL)
        _signal(leader, signal.SIGKILL)  # last, as in signal_all
        for pid in ours:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass  # reaped by someone else meanwhile
        if (not live and not ours) or time.monotonic() > limit:
            return
        time.sleep(_NAP_S)  # SIGKILL is delivered asynchronously; look again in a moment


def _freeze(leader: int, before: Iterable[int], seen: Seen, limit: float) -> None:
    """SIGSTOPs every process of the command until all of them are stopped at once.

    Killing one by one lets a parent react to a child's death before its own SIGKILL lands — a shell whose
    `sleep` died goes on to its next command — so nothing is killed until nothing can move any more.
    Processes forked meanwhile are found by the next scan and stopped too.
    """
    while time.monotonic() < limit:
        table = _processes()
        members = _members(table, leader, before, seen)
        seen.update((pid, table[pid][4]) for pid in members)
        # the leader too, when it is still running (a timeout): it could fork between the scan and the kill
        moving = [pid for pid in (*members, leader) if pid in table and table[pid][0] not in "ZXTt"]
        if not moving:
            return
        for pid in moving:
            _signal(pid, signal.SIGSTOP)
        time.sleep(_NAP_S)

"""Git state that repository code can write and the fixer's git commands obey: audited, then held still.

Rule (trust model): repository code must not be able to steer the fixer's own git commands.
- `audit` (before any work, on a checkout that an earlier step of the same code may have touched) refuses
  a repository whose own configuration names what the command-line overrides in `git.py` cannot switch
  off: filters (except Git LFS's own), diff and merge drivers, URL rewrites, remote helper programs,
  credential helpers, includes, another work tree, proxies and TLS settings;
- `Snapshot` records everything under `.git` that changes what git does or sees — configuration, HEAD,
  refs, `info/`, alternates, `shallow` — plus the user-level files network commands read (git config,
  ssh config, netrc, stored credentials). `changed` names what differs: the loop stops the run, and
  `git.poison` makes sure not one more git command runs in that checkout.
Hooks are not part of it: `core.hooksPath=/dev/null` on every command means no hook ever runs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import git

LFS_FILTERS = {
    "filter.lfs.clean": "git-lfs clean -- %f",
    "filter.lfs.smudge": "git-lfs smudge -- %f",
    "filter.lfs.process": "git-lfs filter-process",
}
# http.* settings that only shape requests; any other (proxy, TLS, cookies) could redirect or expose them
HTTP_HARMLESS = {"extraheader", "postbuffer", "version", "lowspeedlimit", "lowspeedtime", "maxrequests"}
# Directories and files under the git directory that the snapshot covers, relative to it
STATE_FILES = ("config", "config.worktree", "HEAD", "packed-refs", "shallow", "commondir", "gitdir")
STATE_DIRS = ("refs", "info", "objects/info")
# Files in the user's home that network commands (git, ssh) read
HOME_FILES = (".gitconfig", ".config/git/config", ".ssh/config", ".netrc", ".git-credentials")


@dataclass(frozen=True)
class Entry:
    scope: str
    origin: str
    key: str
    value: str | None


def config_entries(repo: Path | str) -> list[Entry]:
    """The repository's own configuration (local and worktree scopes, includes followed), as git reads it.

    Reading configuration runs no program, so this is safe on a hostile checkout.
    """
    out = git.output_bytes(repo, "config", "--list", "--show-scope", "--show-origin", "-z")
    fields = out.decode("utf-8", "replace").split("\0")
    entries = []
    for i in range(0, len(fields) - 2, 3):
        scope, origin, pair = fields[i], fields[i + 1], fields[i + 2]
        key, sep, value = pair.partition("\n")
        if scope != "command":
            entries.append(Entry(scope, origin, key.lower(), value if sep else None))
    return entries


def _refusal(entry: Entry) -> str | None:
    """Why this configuration entry makes the checkout unsafe for the fixer's git commands, or None."""
    key, value = entry.key, entry.value or ""
    section, _, rest = key.partition(".")
    sub, _, name = rest.rpartition(".")
    if section == "filter" and name in ("clean", "smudge", "process"):
        return None if LFS_FILTERS.get(key) == value else "a filter program"
    if section == "diff" and sub and name in ("textconv", "command"):
        return "a diff driver program"
    if section == "merge" and sub and name == "driver":
        return "a merge driver program"
    if section == "url" and name in ("insteadof", "pushinsteadof"):
        return "a URL rewrite"
    if section == "remote" and name in ("receivepack", "uploadpack", "vcs", "proxy"):
        return "a program or proxy for a remote"
    if section == "credential" and name == "helper":
        return "a credential helper"
    if section in ("include", "includeif") and name == "path":
        return "an included configuration file"
    if section == "core" and not sub and name in ("worktree", "gitproxy", "sshcommand", "askpass"):
        return "another work tree" if name == "worktree" else "a program for network commands"
    if key == "core.bare" and value.lower() in ("true", "yes", "on", "1"):
        return "a bare repository setting on a work tree"
    if section == "http" and name not in HTTP_HARMLESS:
        return "a proxy or TLS setting for network commands"
    return None


def audit(repo: Path | str) -> list[str]:
    """One line per configuration entry that the fixer refuses to run git under; [] when safe."""
    problems = []
    try:
        entries = config_entries(repo)
    except git.GitError as exc:  # e.g. core.worktree naming a folder that is not there
        return [f"the checkout's git configuration cannot be read: {git.error_line(exc.stderr)}"]
    for entry in entries:
        why = _refusal(entry)
        if why:
            where = entry.origin.removeprefix("file:")
            problems.append(f"{where} sets {entry.key} ({why})")
    return problems


def _digest(path: Path) -> str | None:
    try:
        if path.is_symlink():
            return "link:" + os.readlink(path)
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def _tree(root: Path) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            found[path.relative_to(root).as_posix()] = _digest(path)
    return found


@dataclass(frozen=True)
class Snapshot:
    files: Mapping[str, str | None]
    config: tuple[Entry, ...] = field(default=())

    @classmethod
    def take(cls, repo: Path | str, home: str | None) -> Snapshot:
        gitdir = git.git_dir(repo)
        files: dict[str, str | None] = {}
        for name in STATE_FILES:
            files[f".git/{name}"] = _digest(gitdir / name)
        for name in STATE_DIRS:
            for rel, digest in _tree(gitdir / name).items():
                files[f".git/{name}/{rel}"] = digest
        if home:
            for name in HOME_FILES:
                files[f"~/{name}"] = _digest(Path(home) / name)
        for system in ("/etc/gitconfig",):
            files[system] = _digest(Path(system))
        return cls(files, tuple(config_entries(repo)))

    def changed(self, later: Snapshot) -> list[str]:
        """What differs in `later`, one short line per file or setting."""
        lines = []
        for name in sorted(set(self.files) | set(later.files)):
            before, after = self.files.get(name), later.files.get(name)
            if before != after:
                verb = "created" if before is None else "deleted" if after is None else "changed"
                lines.append(f"{name} {verb}")
        if self.config != later.config:
            old, new = set(self.config), set(later.config)
            for entry in sorted(new - old, key=lambda e: e.key):
                lines.append(f"git config {entry.key} set in {entry.origin.removeprefix('file:')}")
            for entry in sorted(old - new, key=lambda e: e.key):
                lines.append(f"git config {entry.key} removed from {entry.origin.removeprefix('file:')}")
        return lines


class StateChanged(Exception):
    """Repository code changed git state; the message says what."""


@dataclass
class Watch:
    """Holds the state still between two points of the run: `check` raises (and poisons git) on change."""

    repo: Path
    home: str | None
    before: Snapshot

    @classmethod
    def start(cls, repo: Path, home: str | None) -> Watch:
        return cls(repo, home, Snapshot.take(repo, home))

    def check(self) -> None:
        changed = self.before.changed(Snapshot.take(self.repo, self.home))
        if changed:
            more = f" (and {len(changed) - 3} more)" if len(changed) > 3 else ""
            reason = "repository code changed git state the fixer relies on: " + ", ".join(changed[:3]) + more
            git.poison(reason)
            raise StateChanged(reason)

    def rebase(self) -> None:
        """After the fixer's own writes (a commit, a fetch), the new state is the one to hold."""
        self.before = Snapshot.take(self.repo, self.home)

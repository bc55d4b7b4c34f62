"""Thin wrappers over the git CLI, hardened against the repository they run in.

Repository code (the check rerun as verify, a formatter the repository ships) can write anything under
`.git`, and in CI the checkout may come from an earlier step that ran the same code. So no git command the
fixer runs may obey a program, URL or object substitution that repository-writable state can name:

- a fixed, minimal environment built from the run's start-up environment (`Session`), never the caller's:
  no secrets, no GIT_* variable a caller set, no replace objects or grafts, a PATH without directories the
  repository controls. Commands that only touch the repository read no system or global configuration;
  network commands (ls-remote, fetch, push) read them, with the CI's credential channels added;
- on every command line, overrides of each single-valued setting that names a program or changes what git
  sees (hooks, fsmonitor, pager, editor, signing, alternate-refs command, excludes and attributes files,
  the untracked cache and commit-graph, which can lie about history);
- what cannot be overridden that way (filters, diff and merge drivers, URL rewrites, remote helper
  programs, credential helpers, includes) is refused before any command runs: `gitstate.audit`;
- once repository code has been caught changing git state (`poison`), every later command refuses to run.

Every call names the repository; nothing reads the caller's working directory.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Overrides for every command: each names a program git would run, or a file that changes what git sees.
ALWAYS = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.untrackedCache=false",
    "core.commitGraph=false",
    "core.alternateRefsCommand=",
    "core.pager=cat",
    "core.editor=true",
    "sequence.editor=true",
    "core.excludesFile=/dev/null",
    "core.attributesFile=/dev/null",
    "diff.external=",
    "log.showSignature=false",
    "commit.gpgSign=false",
    "tag.gpgSign=false",
    "push.gpgSign=false",
    "gpg.program=false",
    "gpg.openpgp.program=false",
    "gpg.x509.program=false",
    "gpg.ssh.program=false",
    "gpg.ssh.defaultKeyCommand=",
    "gc.auto=0",
    "maintenance.auto=false",
    "fetch.writeCommitGraph=false",
    "safe.directory=*",  # the operator pointed us at this checkout; its config is audited instead
)
# Local commands never authenticate: no helper, askpass or ssh program may run for them.
LOCAL_ONLY = ("credential.helper=", "core.askPass=", "core.sshCommand=false")

# How CI systems hand credentials to git: kept for network commands only.
CREDENTIAL_CHANNELS = (
    "SSH_AUTH_SOCK",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_SSH_VARIANT",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "XDG_CONFIG_HOME",
    "http_proxy",
    "https_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "no_proxy",
    "NO_PROXY",
    "ALL_PROXY",
    "all_proxy",
    "GIT_SSL_CAINFO",
    "GIT_SSL_CAPATH",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


class GitError(Exception):
    def __init__(self, args: list[str], code: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)} failed ({code}): {stderr.strip()[:500]}")
        self.code = code
        self.stderr = stderr


class Poisoned(Exception):
    """Repository code changed git state the fixer relies on: no further git command may run."""


def safe_path(path: str, repo: Path | None = None) -> str:
    """PATH without relative entries or directories inside the repository (both are the branch's to fill)."""
    root = str(repo.resolve()) if repo else None
    kept = []
    for entry in path.split(os.pathsep):
        if not entry or not os.path.isabs(entry):
            continue
        if root and (entry == root or entry.startswith(root + os.sep)):
            continue
        kept.append(entry)
    return os.pathsep.join(dict.fromkeys(kept)) or os.defpath


@dataclass(frozen=True)
class Session:
    """The environments git runs with for one fix run, built once from its start-up environment."""

    local_env: Mapping[str, str]
    network_env: Mapping[str, str]

    @classmethod
    def from_env(cls, env: Mapping[str, str], repo: Path | None = None) -> Session:
        base = {
            "PATH": safe_path(env.get("PATH", os.defpath), repo),
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_GRAFT_FILE": os.devnull,
            "GIT_ATTR_NOSYSTEM": "1",
            "GIT_OPTIONAL_LOCKS": "0",  # read-only commands must not rewrite the index
            "GIT_NO_LAZY_FETCH": "1",
            "GIT_PAGER": "cat",
            "GIT_EDITOR": "true",
        }
        if env.get("HOME"):
            base["HOME"] = env["HOME"]
        local = {
            **base,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_ALLOW_PROTOCOL": "file",
        }
        network = {**base, "GIT_ALLOW_PROTOCOL": "file:ssh:https:http"}
        count = env.get("GIT_CONFIG_COUNT", "")
        pairs = [
            f"GIT_CONFIG_{kind}_{i}"
            for i in range(int(count) if count.isdigit() else 0)
            for kind in ("KEY", "VALUE")
        ]
        for name in (*CREDENTIAL_CHANNELS, *pairs):
            if env.get(name):
                network[name] = env[name]
        return cls(local, network)


_current: Session | None = None
_poisoned: str | None = None


@contextmanager
def session(env: Mapping[str, str], repo: Path | None = None) -> Iterator[Session]:
    """Runs every git command inside the block with environments built from `env` (a run's own)."""
    global _current, _poisoned
    previous, previous_poison = _current, _poisoned
    _current, _poisoned = Session.from_env(env, repo), None
    try:
        yield _current
    finally:
        _current, _poisoned = previous, previous_poison


def poison(reason: str) -> None:
    """From now on (until the session ends) every git command raises Poisoned(reason)."""
    global _poisoned
    _poisoned = reason


def _session() -> Session:
    return _current or Session.from_env(os.environ)


def command(repo: Path | str, args: tuple[str, ...] | list[str], network: bool = False) -> list[str]:
    """The full argv for one git command: the overrides first, then the caller's arguments."""
    overrides = ALWAYS if network else (*ALWAYS, *LOCAL_ONLY)
    return ["git", "-C", str(repo), *(x for o in overrides for x in ("-c", o)), *args]


def _exec(
    repo: Path | str,
    args: tuple[str, ...] | list[str],
    input: bytes | None,
    env: Mapping[str, str] | None,
    network: bool,
) -> subprocess.CompletedProcess[bytes]:
    if _poisoned is not None:
        raise Poisoned(_poisoned)
    sess = _session()
    full_env = {**(sess.network_env if network else sess.local_env), **(env or {})}
    return subprocess.run(
        command(repo, args, network), input=input, capture_output=True, check=False, env=full_env
    )


def git(
    repo: Path | str,
    *args: str,
    check: bool = True,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    network: bool = False,
) -> str:
    """stdout as text (undecodable bytes replaced: file names and diffs in any encoding must not crash)."""
    proc = _exec(repo, args, input.encode() if input is not None else None, env, network)
    if check and proc.returncode != 0:
        raise GitError(list(args), proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc.stdout.decode("utf-8", "replace")


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run(repo: Path | str, *args: str, env: Mapping[str, str] | None = None, network: bool = False) -> Result:
    """Like `git(…, check=False)`, keeping exit code and stderr for callers that tell failures apart."""
    proc = _exec(repo, args, None, env, network)
    return Result(
        proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )


def output_bytes(
    repo: Path | str, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
) -> bytes:
    """Raw stdout, for content that need not be valid UTF-8 (blobs, patches of latin-1 files)."""
    proc = _exec(repo, args, input, env, False)
    if proc.returncode != 0:
        raise GitError(list(args), proc.returncode, proc.stderr.decode("utf-8", "replace"))
    return proc.stdout


def head(repo: Path | str) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def current_branch(repo: Path | str) -> str | None:
    name = git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
    return name or None


def git_dir(repo: Path | str) -> Path:
    return Path(git(repo, "rev-parse", "--absolute-git-dir").strip())


def state_dirs(repo: Path | str) -> tuple[Path, ...]:
    """The git directory and, for a linked work tree, the common one (config, hooks and refs live there)."""
    common = Path(git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip())
    return tuple(dict.fromkeys((git_dir(repo), common)))


def changed_files(repo: Path | str) -> list[str]:
    out = git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
    return [entry[3:] for entry in out.split("\0") if entry]


def untracked(repo: Path | str) -> frozenset[str]:
    """Untracked files that are not ignored, repository-relative."""
    out = git(repo, "ls-files", "--others", "--exclude-standard", "-z")
    return frozenset(p for p in out.split("\0") if p)


def is_ignored(repo: Path | str, rel: str) -> bool:
    """Would git leave this (untracked) path out of a commit? Tracked files are never ignored."""
    return run(repo, "check-ignore", "--quiet", "--", rel).code == 0


def reset_hard(repo: Path | str) -> None:
    """Throws away an engine's edits before the next engine tries: tracked files back at HEAD and the
    untracked files it created removed (files set aside by `untracked_set_aside` are not touched)."""
    git(repo, "reset", "--hard", "--quiet", "HEAD")
    git(repo, "clean", "-fd", "--quiet")


@contextmanager
def untracked_set_aside(repo: Path | str) -> Iterator[frozenset[str]]:
    """While the loop runs, untracked files that were already there (a developer's notes in a local
    checkout, a downloaded artifact) are ignored by git through .git/info/exclude: no diff, patch, diff
    guard or clean-up sees them. The exclude file is put back as it was afterwards."""
    existing = untracked(repo)
    info = _info_exclude(repo)
    before = info.read_bytes() if info.exists() else None
    if existing:
        info.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join("/" + _glob_escape(p) + "\n" for p in sorted(existing))
        info.write_bytes(
            (before or b"") + (b"\n" if before and not before.endswith(b"\n") else b"") + lines.encode()
        )
    try:
        yield existing
    finally:
        if existing:
            if before is None:
                info.unlink(missing_ok=True)
            else:
                info.write_bytes(before)


def _info_exclude(repo: Path | str) -> Path:
    return git_dir(repo) / "info" / "exclude"


def _glob_escape(path: str) -> str:
    escaped = "".join("\\" + c if c in "*?[\\" else c for c in path)
    return "\\" + escaped if escaped[:1] in ("!", "#") else escaped


def exclude_locally(repo: Path | str, pattern: str) -> None:
    """Adds `pattern` to .git/info/exclude (never committed): our own reports must not count as changes."""
    info = _info_exclude(repo)
    existing = info.read_text().splitlines() if info.exists() else []
    if pattern not in existing:
        info.parent.mkdir(parents=True, exist_ok=True)
        with info.open("a", encoding="utf-8") as fh:
            fh.write(("\n" if existing and existing[-1] else "") + pattern + "\n")


def resolve(repo: Path | str, rev: str) -> str | None:
    """The full sha of `rev` as a commit, or None when the repository does not have it."""
    out = git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    return out.strip() or None


def short(sha: str) -> str:
    return sha[:7]


def remote_url(repo: Path | str, remote: str) -> str | None:
    """The URL `git push <remote>` would use, read from the checkout's configuration (call it before any
    repository code runs: later the configuration is the branch's to rewrite)."""
    out = run(repo, "remote", "get-url", "--push", "--end-of-options", remote)
    return out.stdout.strip() or None if out.code == 0 else None


def remote_branch_head(repo: Path | str, url: str, branch: str) -> str | None:
    """Where `branch` is on the remote now (not the possibly stale remote-tracking ref); None if absent."""
    ref = f"refs/heads/{branch}"
    out = git(repo, "ls-remote", "--end-of-options", url, ref, network=True)
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        # ls-remote patterns match the tail of a ref name, so refs/heads/a/refs/heads/x would match too
        if name == ref:
            return sha
    return None


def merge_base(repo: Path | str, a: str, b: str) -> str | None:
    out = git(repo, "merge-base", "--end-of-options", a, b, check=False)
    return out.strip() or None


def error_line(stderr: str, limit: int = 300) -> str:
    """The line of git's stderr that says what went wrong (the first fatal/error), not the boilerplate after.

    May contain a remote's address with credentials in it: callers redact before showing it.
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line[:limit]
    return lines[-1][:limit] if lines else "git failed"

"""A fix delivered as one commit through the Commits API (`POST /projects/:id/repository/commits`), with the
lease the fix loop's first rule asks for: the branch must still be at the failed commit.

GitLab's `last_commit_id` is an attribute of each `update`, `move` and `delete` action, not of the commit:
GitLab refuses the commit (400, "The file has changed since you started editing it: <path>") when the
last commit touching that file differs between the branch and the given commit — a per-file lock, blind
to changes elsewhere on the branch. So the lease is three checks:
1. before: the branch head (`GET …/repository/branches/:branch`) is the failed commit, or `BranchMoved`;
2. during: every update, move and delete carries the failed commit as `last_commit_id`; a 400 is re-checked
   against the branch head, and a moved head is `BranchMoved`;
3. after: the new commit's parent is the failed commit. If not, someone pushed between 1 and 2 to files
   the fix does not touch: the commit has landed, on top of theirs — `BranchMoved` with `landed` set,
   so the outcome can say so (nothing is ever force-pushed to undo it).
A review branch (`start=True`) must not exist yet: it is created from the failed commit (`start_sha`).

`actions_for` turns the fix commit into actions with git (through `fixer.git`, hardened): content always
base64 (binary-safe), renames as `move`, the executable bit as `chmod`. Symbolic links and submodules cannot
be written through this API: `UnsupportedChange`.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import gitlab
from gitlab.v4.objects import Project

from ... import git
from .client import GitLabAPIError, ProjectRef, calling, project_of

REGULAR, EXECUTABLE, ABSENT = "100644", "100755", "000000"
GUARDED = frozenset({"update", "move", "delete"})  # the actions GitLab checks last_commit_id for
_ORDER = {"delete": 0, "move": 1, "update": 2, "create": 3, "chmod": 4}
_HEADER = re.compile(rb"([0-9a-f]+) blob (\d+)\n")


class UnsupportedChange(ValueError):
    """A change the Commits API cannot express: a symbolic link, a submodule, a path that is not UTF-8."""


class BranchMoved(Exception):
    """The branch is not where the fix was made for: a newer pipeline owns it (or the review branch exists)."""

    def __init__(self, branch: str, expected: str, found: str | None, landed: str | None = None) -> None:
        self.branch, self.expected, self.found, self.landed = branch, expected, found, landed
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.landed:
            return (
                f"{self.branch} moved while the fix was committed: {git.short(self.landed)} landed on top of "
                f"{git.short(self.found or '')}, not of {git.short(self.expected)}"
            )
        if not self.expected:
            return f"{self.branch} already exists (at {git.short(self.found or '')})"
        where = git.short(self.found) if self.found else "gone"
        return f"{self.branch} is at {where}, not at the failed commit {git.short(self.expected)}"


def _blobs(repo: Path, shas: list[str]) -> dict[str, bytes]:
    """The blobs' contents, read in one `git cat-file --batch`."""
    if not shas:
        return {}
    out = git.output_bytes(repo, "cat-file", "--batch", input="".join(f"{s}\n" for s in shas).encode())
    found: dict[str, bytes] = {}
    at = 0
    while at < len(out):
        header = _HEADER.match(out, at)
        if header is None:
            raise ValueError(f"unexpected git cat-file output at byte {at}")
        size = int(header.group(2))
        found[header.group(1).decode()] = out[header.end() : header.end() + size]
        at = header.end() + size + 1
    return found


def _path(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsupportedChange(f"{raw!r}: a path that is not UTF-8 cannot be sent through the API") from None


def _changes(repo: Path, base: str, sha: str) -> list[tuple[str, str, str, str, str, list[str]]]:
    """(old mode, new mode, old blob, new blob, status letter, paths) per changed file, renames found."""
    raw = git.output_bytes(repo, "diff-tree", "-r", "-z", "-M", "--no-abbrev", "--raw", base, sha)
    tokens, changes, at = raw.split(b"\0"), [], 0
    while at < len(tokens) and tokens[at].startswith(b":"):
        old_mode, new_mode, old, new, status = tokens[at][1:].decode().split(" ")
        count = 2 if status[0] in "RC" else 1
        paths = [_path(p) for p in tokens[at + 1 : at + 1 + count]]
        at += 1 + count
        for mode in (old_mode, new_mode):
            if mode not in (REGULAR, EXECUTABLE, ABSENT):
                kind = "a symbolic link" if mode == "120000" else "a submodule" if mode == "160000" else mode
                raise UnsupportedChange(f"{paths[-1]}: {kind} cannot be written through the Commits API")
        changes.append((old_mode, new_mode, old, new, status[0], paths))
    return changes


def actions_for(repo: Path, base: str, sha: str) -> list[dict[str, Any]]:
    """The Commits API actions that turn `base`'s tree into `sha`'s."""
    commits = [git.resolve(repo, rev) for rev in (base, sha)]
    if None in commits:
        raise ValueError(f"not a commit in {repo}: {base if commits[0] is None else sha}")
    changes = _changes(repo, str(commits[0]), str(commits[1]))
    blobs = _blobs(repo, sorted({new for _, new_mode, _, new, _, _ in changes if new_mode != ABSENT}))

    def content(blob: str) -> dict[str, str]:
        return {"content": base64.b64encode(blobs[blob]).decode("ascii"), "encoding": "base64"}

    actions: list[dict[str, Any]] = []
    for old_mode, new_mode, old, new, status, paths in changes:
        path = paths[-1]
        if status == "D":
            actions.append({"action": "delete", "file_path": path})
            continue
        if status == "R":
            move = {"action": "move", "file_path": path, "previous_path": paths[0]}
            actions.append({**move, **content(new)} if new != old else move)
        elif status in "AC":
            actions.append({"action": "create", "file_path": path, **content(new)})
        elif new != old:
            actions.append({"action": "update", "file_path": path, **content(new)})
        if new_mode != (REGULAR if status in "AC" else old_mode):
            actions.append({"action": "chmod", "file_path": path, "execute_filemode": new_mode == EXECUTABLE})
    return sorted(actions, key=lambda a: _ORDER[a["action"]])


def branch_head(gl: gitlab.Gitlab, project: ProjectRef, branch: str, *, write: bool = False) -> str | None:
    """Where `branch` is on GitLab now; None when it does not exist (`write`: read for a write)."""
    try:
        with calling(gl, f"reading branch {branch}", write=write):
            data = project_of(gl, project).branches.get(branch).attributes
    except GitLabAPIError as exc:
        if exc.status == 404:
            return None
        raise
    commit = data.get("commit")
    sha = commit.get("id") if isinstance(commit, dict) else None
    if not isinstance(sha, str) or not sha:
        raise GitLabAPIError(None, "the branch has no commit", f"reading branch {branch}")
    return sha


def _check(gl: gitlab.Gitlab, proj: Project, branch: str, expected: str, start: bool) -> None:
    found = branch_head(gl, proj, branch, write=True)
    if (start and found is not None) or (not start and found != expected):
        raise BranchMoved(branch, "" if start else expected, found)


def create_commit(
    gl: gitlab.Gitlab,
    project: ProjectRef,
    branch: str,
    message: str,
    actions: list[dict[str, Any]],
    last_commit_id: str,
    author: tuple[str, str] | None = None,
    *,
    start: bool = False,
) -> str:
    """Commits `actions` on `branch` iff it is at `last_commit_id` (`start`: iff it does not exist yet, and
    then it starts there); returns the new commit's sha. Raises BranchMoved, or GitLabAPIError."""
    if not actions:
        raise ValueError("no changes to commit")
    proj = project_of(gl, project)
    _check(gl, proj, branch, last_commit_id, start)
    guarded = [
        {**a, "last_commit_id": last_commit_id} if a.get("action") in GUARDED and not start else dict(a)
        for a in actions
    ]
    payload: dict[str, Any] = {"branch": branch, "commit_message": message, "actions": guarded}
    if start:
        payload["start_sha"] = last_commit_id
    if author:
        payload["author_name"], payload["author_email"] = author
    doing = f"creating a commit on {branch}"
    try:
        with calling(gl, doing, write=True):
            made = proj.commits.create(payload).attributes
    except GitLabAPIError as exc:
        if exc.status == 400:  # a file changed, the branch appeared or vanished: was it the branch moving?
            _check(gl, proj, branch, last_commit_id, start)
        raise
    sha, parents = made.get("id"), made.get("parent_ids")
    if not isinstance(sha, str) or not sha:
        raise GitLabAPIError(None, "the answer has no commit id", doing)
    if parents != [last_commit_id]:
        parent = parents[0] if isinstance(parents, list) and parents else None
        raise BranchMoved(branch, last_commit_id, parent if isinstance(parent, str) else None, landed=sha)
    return sha

"""Real git repositories for tests: a working clone with a bare "origin", as CI checks a branch out.

`make_repo` gives: origin.git (bare), an initial commit on `main` pushed, and a feature branch created
from it, pushed, and checked out in the clone. Nothing depends on the machine's git configuration:
every git call made here runs with the global and system files switched off, and the clone's own
config sets the identity and turns off signing and hooks, so the fixer's git calls behave the same.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

DEFAULT_NAME = "Dev Eloper"
DEFAULT_EMAIL = "dev@example.com"


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
    )
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)  # a test run from inside a git hook must not aim at the outer repository
    return env


def run_git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=env or git_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}: {proc.stderr.strip()}")
    return proc.stdout


def configure(clone: Path, hooks: Path) -> None:
    for key, value in (
        ("user.name", DEFAULT_NAME),
        ("user.email", DEFAULT_EMAIL),
        ("commit.gpgsign", "false"),
        ("tag.gpgsign", "false"),
        ("core.hooksPath", str(hooks)),
        ("init.defaultBranch", "main"),
    ):
        run_git(clone, "config", key, value)


def message_with(message: str, trailers: dict[str, str] | list[tuple[str, str]] | None) -> str:
    items = list(trailers.items()) if isinstance(trailers, dict) else list(trailers or [])
    if not items:
        return message
    return message.rstrip("\n") + "\n\n" + "\n".join(f"{k}: {v}" for k, v in items) + "\n"


def write_files(root: Path, files: dict[str, str | None]) -> None:
    """Writes files relative to `root`; a None value deletes the file."""
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@dataclass
class Repo:
    path: Path  # the working clone, on `branch`
    origin: Path  # the bare remote, named "origin" in the clone
    branch: str
    tmp: Path

    def git(self, *args: str) -> str:
        return run_git(self.path, *args)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def commit(
        self,
        files: dict[str, str | None],
        message: str = "change",
        trailers: dict[str, str] | list[tuple[str, str]] | None = None,
        author: tuple[str, str] | None = None,
    ) -> str:
        write_files(self.path, files)
        self.git("add", "-A", "--", *files)
        args = ["commit", "--quiet", "--no-verify", "-m", message_with(message, trailers)]
        if author:
            args.append(f"--author={author[0]} <{author[1]}>")
        self.git(*args)
        return self.head()

    def selfheal_commit(
        self,
        attempt: int,
        fingerprints: list[str] | None = None,
        files: dict[str, str | None] | None = None,
        author: tuple[str, str] | None = None,
    ) -> str:
        """A commit shaped like the fixer's own (trailers only matter; anyone may author it)."""
        trailers = [("Selfheal-Attempt", str(attempt))]
        if fingerprints:
            trailers.append(("Selfheal-Fingerprints", ",".join(fingerprints)))
        serial = self.git("rev-list", "--count", "HEAD").strip()  # a new file each time, so never empty
        files = files or {f"heal-{serial}.txt": f"attempt {attempt}\n"}
        return self.commit(files, f"selfheal: attempt {attempt}", trailers=trailers, author=author)

    def push(self, branch: str | None = None) -> None:
        self.git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch or self.branch}")

    def origin_head(self, branch: str | None = None) -> str | None:
        return origin_head(self.origin, branch or self.branch)

    def push_from_other_clone(
        self, files: dict[str, str | None], message: str = "someone else's change", branch: str | None = None
    ) -> str:
        """Someone else moves the branch on origin (the clone here does not see it)."""
        branch = branch or self.branch
        other = self.tmp / f"other-{len(list(self.tmp.glob('other-*')))}"
        run_git(self.tmp, "clone", "--quiet", "--branch", branch, str(self.origin), str(other))
        configure(other, self.tmp / "no-hooks")
        write_files(other, files)
        run_git(other, "add", "-A", "--", *files)
        run_git(other, "commit", "--quiet", "--no-verify", "-m", message)
        run_git(other, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}")
        return run_git(other, "rev-parse", "HEAD").strip()


def origin_head(origin: Path, branch: str) -> str | None:
    """Where `branch` is in the bare repository, read directly (no fetch, no remote-tracking refs)."""
    proc = subprocess.run(
        ["git", "--git-dir", str(origin), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
        env=git_env(),
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip() or None


def make_repo(tmp_path: Path, files: dict[str, str], branch: str | None = "feature/x") -> Repo:
    """origin.git + a clone with `files` committed on main, and `branch` (if any) checked out and pushed."""
    origin = tmp_path / "origin.git"
    clone = tmp_path / "work"
    hooks = tmp_path / "no-hooks"  # an empty hooks directory: no hook from anywhere runs in tests
    hooks.mkdir(exist_ok=True)
    run_git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(origin))
    run_git(tmp_path, "init", "--quiet", "-b", "main", str(clone))
    configure(clone, hooks)
    run_git(clone, "remote", "add", "origin", str(origin))
    repo = Repo(clone, origin, branch or "main", tmp_path)
    repo.commit(dict(files) or {"README.md": "sample\n"}, "initial commit")
    repo.push("main")
    if branch:
        repo.git("checkout", "--quiet", "-b", branch)
        repo.commit({"feature.txt": "feature work\n"}, "start feature")
        repo.push()
    run_git(clone, "fetch", "--quiet", "origin")
    return repo

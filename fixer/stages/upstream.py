"""What the remote says now, read before the branch's own code could have a say: the default branch's
name and head, and the `.selfheal.yml` on it.

The default branch's configuration is trusted (it passed review); the branch under repair's is not, and
may only tighten it (`policy.py`). Its head is the base the ledger counts bot commits from. Both come from
the URL resolved at the start of the run, never from remote-tracking refs in the checkout, which an earlier
step's code could have moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import git
from ..config import CONFIG_FILE, MAX_CONFIG_BYTES


@dataclass(frozen=True)
class Upstream:
    default_branch: str | None = None
    head: str | None = None  # the default branch's head commit, fetched into this checkout
    config_text: str | None = None  # its .selfheal.yml, None when it has none (or it could not be read)
    problem: str | None = None  # why the remote could not be read (the run goes on with less)


def default_branch(repo: Path, url: str) -> str | None:
    """The branch the remote's HEAD points at (`ls-remote --symref`)."""
    out = git.run(repo, "ls-remote", "--symref", "--end-of-options", url, "HEAD", network=True)
    for line in out.stdout.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("\tHEAD"):
            return line[len("ref: refs/heads/") : -len("\tHEAD")]
    return None


def read(repo: Path, url: str | None, known: str | None) -> Upstream:
    if not url:
        return Upstream(default_branch=known, problem="no remote")
    name = known or default_branch(repo, url)
    if not name:
        return Upstream(problem="the remote's default branch is unknown")
    shallow = git.git(repo, "rev-parse", "--is-shallow-repository").strip() == "true"
    args = ["fetch", "--quiet", "--no-tags", *(["--depth=1"] if shallow else [])]
    done = git.run(repo, *args, "--end-of-options", url, f"refs/heads/{name}", network=True)
    if done.code != 0:
        return Upstream(default_branch=name, problem=f"cannot fetch {name}: {git.error_line(done.stderr)}")
    head = (
        git.git(repo, "rev-parse", "--verify", "--quiet", "FETCH_HEAD^{commit}", check=False).strip() or None
    )
    text = None
    if head:
        size = git.run(repo, "cat-file", "-s", f"{head}:{CONFIG_FILE}")
        if size.code == 0 and int(size.stdout.strip() or 0) > MAX_CONFIG_BYTES:
            return Upstream(
                name, head, None, f"{name}'s {CONFIG_FILE} is larger than {MAX_CONFIG_BYTES} bytes"
            )
        if size.code == 0:
            text = git.output_bytes(repo, "cat-file", "blob", f"{head}:{CONFIG_FILE}").decode(
                "utf-8", "replace"
            )
    return Upstream(default_branch=name, head=head, config_text=text)


def branch_config(repo: Path, commit: str) -> str | None:
    """The failed commit's own .selfheal.yml (the branch's: it may only tighten), None when it has none."""
    size = git.run(repo, "cat-file", "-s", f"{commit}:{CONFIG_FILE}")
    if size.code != 0:
        return None
    if int(size.stdout.strip() or 0) > MAX_CONFIG_BYTES:
        return "# larger than the limit: not read\n"
    return git.output_bytes(repo, "cat-file", "blob", f"{commit}:{CONFIG_FILE}").decode("utf-8", "replace")

"""Rule 2: the loop is bounded, and the ledger is the branch itself.

No state lives outside git. Each selfheal commit carries `Selfheal-Attempt: N` and `Selfheal-Fingerprints: …`
trailers, written here (`trailers`) and read here. From the branch tip:

- attempt: the run of consecutive bot commits at the tip (first-parent). A bot commit is one made by the
  bot's identity or carrying the attempt trailer; only a commit by someone else ends the run, so removing
  the trailer from a bot commit does not reset the count;
- hard cap: all bot commits on the branch that the default branch (as the remote has it now) lacks;
- progress: if what fails now overlaps what the tip bot commit claimed to fix, the fix did not hold.

History is read from the commit objects themselves, each one's hash checked against its name, with
replace refs, grafts and the commit-graph switched off (`git.py`): a checkout whose objects repository code
rewrote cannot tell the ledger a different story. In a shallow clone the ledger fetches more history until
it can see what it must count, or stops with a reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import git
from ..config import Config
from ..context import Stop

ATTEMPT = "Selfheal-Attempt"
FINGERPRINTS = "Selfheal-Fingerprints"
BUILD = "Selfheal-Build"
ENGINE = "Selfheal-Engine"
MAX_TRAILER_FINGERPRINTS = 50  # a 100,000-record report must not make a megabyte commit message
_FINGERPRINT = re.compile(r"[A-Za-z0-9_.:-]{1,80}")
_TRAILER = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)")
DEEPEN_STEPS = (50, 200, 1000)  # commits fetched per round in a shallow clone, then give up


class HistoryError(Exception):
    """History cannot be read honestly (a commit object whose hash does not match, or too little of it)."""


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_email: str
    committer_email: str
    trailers: dict[str, list[str]] = field(default_factory=dict)

    def by(self, email: str) -> bool:
        return email.lower() in (self.author_email.lower(), self.committer_email.lower())


def parse_trailers(message: str) -> dict[str, list[str]]:
    """The trailer block: the message's last paragraph when every line of it is a `Key: value` trailer
    (continuation lines start with whitespace). A paragraph of prose that mentions a key is no block."""
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", message.strip("\n")) if p.strip()]
    if not paragraphs:
        return {}
    found: dict[str, list[str]] = {}
    last_key = None
    for line in paragraphs[-1].split("\n"):
        match = _TRAILER.fullmatch(line)
        if match:
            last_key = match[1].lower()
            found.setdefault(last_key, []).append(match[2].strip())
        elif line[:1] in (" ", "\t") and last_key:
            found[last_key][-1] += " " + line.strip()
        else:
            return {}
    return found


def _parse(sha: str, body: bytes) -> Commit:
    header, _, message = body.partition(b"\n\n")
    parents, author, committer = [], "", ""
    for line in header.decode("utf-8", "replace").split("\n"):
        key, _, value = line.partition(" ")
        if key == "parent":
            parents.append(value.strip())
        elif key in ("author", "committer"):
            email = value[value.find("<") + 1 : value.find(">")] if "<" in value else ""
            author, committer = (email, committer) if key == "author" else (author, email)
    return Commit(sha, tuple(parents), author, committer, parse_trailers(message.decode("utf-8", "replace")))


def read_commits(repo: Path, shas: Sequence[str]) -> list[Commit]:
    """The commits named by `shas`, each verified: its object must hash to its name."""
    if not shas:
        return []
    algo = git.git(repo, "rev-parse", "--show-object-format").strip() or "sha1"
    out = git.output_bytes(repo, "cat-file", "--batch", input=("\n".join(shas) + "\n").encode())
    commits, pos = [], 0
    for sha in shas:
        end = out.index(b"\n", pos)
        name, kind, size = out[pos:end].decode().split(" ")
        body = out[end + 1 : end + 1 + int(size)]
        pos = end + 1 + int(size) + 1
        digest = hashlib.new(algo, b"commit %d\0" % len(body) + body).hexdigest()
        if kind != "commit" or digest != name or name != sha:
            raise HistoryError(
                f"commit {git.short(sha)} does not match its object: history was tampered with"
            )
        commits.append(_parse(sha, body))
    return commits


def _rev_list(repo: Path, *args: str) -> list[str]:
    return git.git(repo, "rev-list", *args).split()


def _is_bot(commit: Commit, bot_email: str) -> bool:
    return bool(commit.trailers.get(ATTEMPT.lower())) or commit.by(bot_email)


def _number(value: str) -> int:
    match = re.match(r"\s*(\d{1,6})\b", value)
    return int(match.group(1)) if match else 0


def _shallow(repo: Path) -> bool:
    return git.git(repo, "rev-parse", "--is-shallow-repository").strip() == "true"


@dataclass(frozen=True)
class History:
    """Where to fetch more history from in a shallow clone (None: never fetch)."""

    url: str | None = None
    branch: str | None = None
    base_branch: str | None = None

    def deepen(self, repo: Path, by: int) -> bool:
        if not self.url or not self.branch:
            return False
        refs = [f"refs/heads/{b}" for b in (self.branch, self.base_branch) if b]
        done = git.run(
            repo,
            "fetch",
            "--quiet",
            "--no-tags",
            f"--deepen={by}",
            "--end-of-options",
            self.url,
            *refs,
            network=True,
        )
        return done.code == 0


def _tip_run(repo: Path, bot_email: str, limit: int, history: History) -> list[Commit]:
    """The run of bot commits at the tip, first-parent, at most `limit` (deepening a shallow clone)."""
    for step in (0, *DEEPEN_STEPS):
        if step and not history.deepen(repo, step):
            break
        commits = read_commits(repo, _rev_list(repo, "--first-parent", f"--max-count={limit + 1}", "HEAD"))
        for i, commit in enumerate(commits):
            if i + 1 < len(commits) and commits[i + 1].sha != commit.parents[0]:
                raise HistoryError(f"the history after {git.short(commit.sha)} does not follow its parents")
        run: list[Commit] = []
        for commit in commits:
            if not _is_bot(commit, bot_email):
                return run
            run.append(commit)
        if len(run) > limit or not run or not run[-1].parents or not _shallow(repo):
            return run  # enough seen, or the true root reached
    raise HistoryError("shallow clone: could not fetch enough history to count the attempts")


def attempt_number(run: list[Commit]) -> int:
    """1 + the attempts spent: the larger of the run's length and the highest number it carries (a squashed
    run never counts for less than it says, a bogus number never for less than the commits there)."""
    highest = max((_number(v) for c in run for v in c.trailers.get(ATTEMPT.lower(), [])), default=0)
    return max(len(run), highest) + 1


def commits_since_base(repo: Path, base: str | None, bot_email: str, cap: int, history: History) -> int:
    """Bot commits on HEAD that `base` (the default branch head, fetched from the remote) lacks; counting
    stops at `cap`. Without a base every reachable commit counts: too many escalates, too few would loop."""
    for step in (0, *DEEPEN_STEPS):
        if step and not history.deepen(repo, step):
            break
        exclude = [f"^{base}"] if base and git.resolve(repo, base) else []
        shas = _rev_list(repo, "HEAD", *exclude)
        count = 0
        for commit in read_commits(repo, shas):
            count += _is_bot(commit, bot_email)
            if count >= cap:
                return count
        connected = not base or not _shallow(repo) or git.merge_base(repo, "HEAD", base) is not None
        if connected:
            return count
    raise HistoryError("shallow clone: could not fetch enough history to find where the branch began")


def previous_fingerprints(tip: Commit | None) -> list[str]:
    if tip is None:
        return []
    return [fp for v in tip.trailers.get(FINGERPRINTS.lower(), []) for fp in re.split(r"[,\s]+", v) if fp]


def check(
    repo: Path,
    config: Config,
    failing_fingerprints: Iterable[str],
    base: str | None,
    history: History | None = None,
) -> tuple[int, Stop | None]:
    """(the attempt this run would be, a Stop("escalated", …) when the loop must end here)."""
    history = history or History()
    bot = config.commit.author_email
    try:
        run = _tip_run(repo, bot, config.max_attempts, history)
        attempt = attempt_number(run)
        if attempt > config.max_attempts:
            reason = (
                f"attempt {attempt} would exceed max_attempts ({config.max_attempts}): "
                f"the last {attempt - 1} selfheal commits did not fix the build"
            )
            return attempt, Stop("escalated", reason)
        cap = config.max_commits_per_branch
        spent = commits_since_base(repo, base, bot, cap, history)
    except HistoryError as exc:
        return 0, Stop("escalated", str(exc))
    if spent >= cap:
        return attempt, Stop(
            "escalated", f"{spent} selfheal commits on this branch already (max_commits_per_branch {cap})"
        )
    again = sorted(set(previous_fingerprints(run[0] if run else None)).intersection(failing_fingerprints))
    if again:
        return attempt, Stop(
            "escalated",
            f"no progress: the previous selfheal commit claimed to fix "
            f"{len(again)} of the problems failing now ({', '.join(again[:5])})",
        )
    return attempt, None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def trailers(attempt: int, fingerprints: Sequence[str], build_url: str | None, engine: str) -> list[str]:
    """The trailer lines of a selfheal commit: what the next run's ledger reads. Fingerprints come from
    reports (data the branch wrote): only well-formed ones, at most MAX_TRAILER_FINGERPRINTS."""
    clean = [fp for fp in dict.fromkeys(fingerprints) if _FINGERPRINT.fullmatch(fp)]
    lines = [f"{ATTEMPT}: {attempt}"]
    if clean:
        lines.append(f"{FINGERPRINTS}: {','.join(clean[:MAX_TRAILER_FINGERPRINTS])}")
    if len(clean) > MAX_TRAILER_FINGERPRINTS:
        lines.append(f"Selfheal-Fingerprints-Dropped: {len(clean) - MAX_TRAILER_FINGERPRINTS}")
    if build_url:
        lines.append(f"{BUILD}: {_one_line(build_url)[:300]}")
    lines.append(f"{ENGINE}: {_one_line(engine)[:60]}")
    return lines

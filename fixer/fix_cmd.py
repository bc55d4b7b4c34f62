"""`selfheal fix`: settle what must be settled before repository code runs, run the loop, return its exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from emitter.errors import UsageError

if TYPE_CHECKING:
    from .start import Start


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("fix", help="read failed reports and run the bounded, verified fix loop")
    p.add_argument("--reports", action="append", default=[], metavar="PATH", help="report file or folder")
    p.add_argument("--platform", choices=["auto", "local", "buildkite", "gitlab"])
    p.add_argument("--engine", choices=["auto", "rules", "anthropic"])
    p.add_argument("--mode", choices=["push", "branch", "patch"])
    p.add_argument(
        "--verify", metavar="CMD", help="verify command, or `all` (default: the failed tasks' commands)"
    )
    p.add_argument("--max-attempts", type=int, metavar="N")
    p.add_argument("--remote", metavar="NAME")
    p.add_argument("--branch", metavar="NAME", help="target branch when the checkout is detached")
    p.add_argument(
        "--dry-run", action="store_true", help="print the configuration, guard and classify; change nothing"
    )
    p.add_argument("--outcome", metavar="FILE", help="outcome.json path (default .selfheal/outcome.json)")
    p.add_argument(
        "--config", metavar="FILE", help="an operator's config file (trusted, like SELFHEAL_* variables)"
    )
    p.add_argument("--repo", metavar="DIR", default=".", help="repository (default: current directory)")
    p.set_defaults(handler=fix)


def repository(path: str) -> Path:
    from . import git

    top = git.git(Path(path).resolve(), "rev-parse", "--show-toplevel", check=False).strip()
    if not top:
        raise UsageError(f"{Path(path).resolve()} is not a git repository")
    return Path(top)


def flags(args: argparse.Namespace) -> dict[str, object]:
    given = {
        "platform": args.platform,
        "engine": args.engine,
        "mode": args.mode,
        "verify": args.verify,
        "max_attempts": args.max_attempts,
        "remote": args.remote,
        "branch": args.branch,
    }
    return {k: v for k, v in given.items() if v is not None}


def own_environment() -> dict[str, str]:
    """The run's copy of the environment; the process keeps none of its secrets, and no child of ours
    (none exists yet) can read the copy through /proc."""
    from . import sandbox, secrets

    env = dict(os.environ)
    secrets.scrub(os.environ)
    sandbox.harden_self()
    return env


def started(
    repo: Path, env: dict[str, str], given: dict[str, object], config_file: str | None, outcome_path: str
) -> Start | int:
    """What start.begin settles, or the exit code of the one outcome that says why it could not."""
    from . import git, start
    from .outcome import Outcome, finish, render_text

    try:
        return start.begin(repo, env, given, Path(config_file) if config_file else None)
    except (git.GitError, OSError) as exc:
        failed = Outcome(outcome="escalated", reason=f"selfheal could not start: {exc}", internal_error=True)
        return finish(
            failed, outcome_path, lambda o: print(render_text(o), end="", file=sys.stderr)
        ).exit_code


def fix(args: argparse.Namespace) -> int:
    # imported here: `selfheal run` builds this parser too, and must not pay for the fixer
    from . import git, loop
    from .config import describe
    from .progress import Progress

    repo = repository(args.repo)
    for given in args.reports:  # a typo must not pass for "nothing failed"
        if not Path(given).exists():
            raise UsageError(f"--reports {given}: no such file or folder")
    env = own_environment()
    outcome_path = args.outcome or str(repo / ".selfheal" / "outcome.json")
    progress = Progress()
    with git.session(env, repo):
        begun = started(repo, env, flags(args), args.config, outcome_path)
        if isinstance(begun, int):
            return begun
        if args.dry_run:
            sys.stdout.write(describe(begun.loaded))
        for note in begun.loaded.notes:
            progress.line(note)
        job = loop.Run(
            repo=repo,
            config=begun.config,
            platform=begun.platform,
            env=env,
            facts=begun.facts,
            upstream=begun.upstream,
            unsafe=begun.unsafe,
            report_paths=args.reports,
            outcome_path=outcome_path,
            dry_run=args.dry_run,
            progress=progress,
            notes=list(begun.loaded.notes),
        )
        return loop.run(job).exit_code

"""`selfheal deliver`: commit and deliver the patch an earlier `selfheal fix --mode patch` job verified."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "deliver",
        help="commit and push a verified fix.patch from a `fix --mode patch` job; runs no repository code",
    )
    p.add_argument("--patch", metavar="FILE", help="the patch (default .selfheal/fix.patch)")
    p.add_argument(
        "--from",
        dest="record",
        metavar="FILE",
        help="the patch job's outcome.json (default .selfheal/outcome.json)",
    )
    p.add_argument("--platform", choices=["auto", "local", "buildkite", "gitlab"])
    p.add_argument("--mode", choices=["push", "branch"])
    p.add_argument("--remote", metavar="NAME")
    p.add_argument("--branch", metavar="NAME", help="target branch when the checkout is detached")
    p.add_argument(
        "--outcome", metavar="FILE", help="this job's outcome.json (default .selfheal/outcome.json)"
    )
    p.add_argument("--config", metavar="FILE", help="an operator's config file (trusted)")
    p.add_argument("--repo", metavar="DIR", default=".", help="repository (default: current directory)")
    p.set_defaults(handler=deliver)


def deliver(args: argparse.Namespace) -> int:
    from . import deliver as deliver_mod
    from . import git, loop
    from .fix_cmd import own_environment, repository, started
    from .progress import Progress

    repo = repository(args.repo)
    env = own_environment()
    state = repo / ".selfheal"
    patch = Path(args.patch) if args.patch else state / "fix.patch"
    record = Path(args.record) if args.record else state / "outcome.json"
    outcome_path = args.outcome or str(state / "outcome.json")
    given = {"platform": args.platform, "mode": args.mode, "remote": args.remote, "branch": args.branch}
    with git.session(env, repo):
        begun = started(repo, env, {k: v for k, v in given.items() if v}, args.config, outcome_path)
        if isinstance(begun, int):
            return begun
        config, notes = begun.config, list(begun.loaded.notes)
        if config.mode == "patch":  # this job exists to deliver: a shared SELFHEAL_MODE=patch means push
            config = config.model_copy(update={"mode": "push"})
            notes.append("mode patch is the patch job's: deliver pushes (use --mode branch for review)")
        job = loop.Run(
            repo=repo,
            config=config,
            platform=begun.platform,
            env=env,
            facts=begun.facts,
            upstream=begun.upstream,
            unsafe=begun.unsafe,
            outcome_path=outcome_path,
            progress=Progress(),
            notes=notes,
        )
        return deliver_mod.run(job, patch, record).exit_code

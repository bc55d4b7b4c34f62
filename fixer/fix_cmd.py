"""`selfheal fix`: load the configuration, pick the platform, run the loop, show and return the outcome."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from emitter.errors import UsageError


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("fix", help="read failed reports and run the bounded, verified fix loop")
    p.add_argument("--reports", action="append", default=[], metavar="PATH", help="report file or folder")
    p.add_argument("--platform", choices=["auto", "local", "buildkite", "gitlab"])
    p.add_argument("--engine", choices=["auto", "rules", "anthropic"])
    p.add_argument("--mode", choices=["push", "branch", "patch"])
    p.add_argument("--verify", metavar="CMD", help="verify command (default: the failed task's command)")
    p.add_argument("--max-attempts", type=int, metavar="N")
    p.add_argument("--remote", metavar="NAME")
    p.add_argument("--branch", metavar="NAME", help="target branch when the checkout is detached")
    p.add_argument("--dry-run", action="store_true", help="guard and classify only; change nothing")
    p.add_argument("--outcome", metavar="FILE", help="outcome.json path (default .selfheal/outcome.json)")
    p.add_argument("--config", metavar="FILE", help="config file (default .selfheal.yml at the repo root)")
    p.add_argument("--repo", metavar="DIR", default=".", help="repository (default: current directory)")
    p.set_defaults(handler=fix)


def fix(args: argparse.Namespace) -> int:
    # imported here: `selfheal run` builds this parser too, and must not pay for the fixer
    from . import config as config_mod
    from . import git, loop, platforms
    from .outcome import EXIT_INTERNAL

    repo_arg = Path(args.repo).resolve()
    top = git.git(repo_arg, "rev-parse", "--show-toplevel", check=False).strip()
    if not top:
        raise UsageError(f"{repo_arg} is not a git repository")
    repo = Path(top)
    overrides = {
        "platform": args.platform,
        "engine": args.engine,
        "mode": args.mode,
        "verify": args.verify,
        "max_attempts": args.max_attempts,
        "remote": args.remote,
        "branch": args.branch,
    }
    cfg = config_mod.load(repo, os.environ, overrides, path=args.config)
    platform = platforms.get(platforms.detect(cfg.platform, os.environ))
    job = loop.Run(
        repo=repo,
        config=cfg,
        platform=platform,
        env=dict(os.environ),
        report_paths=args.reports,
        outcome_path=args.outcome or str(repo / ".selfheal" / "outcome.json"),
        dry_run=args.dry_run,
    )
    try:
        outcome = loop.run(job)
    except UsageError:
        raise
    except Exception as exc:
        sys.stderr.write(f"selfheal: internal error: {type(exc).__name__}: {exc}\n")
        return EXIT_INTERNAL
    platform.publish(outcome, platform.facts(repo, os.environ, cfg.branch))
    return outcome.exit_code

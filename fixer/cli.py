"""The `selfheal` console command: mounts the emitter's subcommands, the fixer's, and the demo.

Only argparse is imported up front: `selfheal run` sits in front of every build step.

The base install is the emitter's (`pip install ci-selfheal`): `run`, `parse`, `schema` and the Buildkite
hooks work with it alone. The fixer's commands need the `fix` extra; without it they stop before any work
with one line naming the install, and the usage/configuration exit code.
"""

from __future__ import annotations

import argparse
import sys
from typing import cast

from emitter import __version__
from emitter.cli import Parser, UsageError, add_commands
from emitter.errors import USAGE_ERROR

# the modules of the `fix` extra's distributions (pyproject.toml; tests/test_packaging.py holds them equal)
FIX_EXTRA_MODULES = ("anthropic", "pydantic_settings", "gitlab", "pybuildkite", "requests")
NEEDS_FIX_EXTRA = frozenset({"fix", "deliver", "demo"})


def missing_fix_extra() -> list[str]:
    """The `fix` extra's modules that cannot be imported here (found, not imported: that stays lazy)."""
    import importlib.util  # not on `selfheal run`'s start-up path

    missing = []
    for module in FIX_EXTRA_MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(module)
    return missing


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="selfheal", description="Self-healing CI for Buildkite and GitLab.")
    parser.add_argument("--version", action="version", version=f"selfheal {__version__}")
    # of Parser, as each subcommand's parser is; the add_command functions take argparse's base type
    sub = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="subcommand", metavar="COMMAND"),
    )
    add_commands(sub)
    from .deliver_cmd import add_command as add_deliver
    from .fix_cmd import add_command as add_fix
    from .platforms.buildkite.hook import add_command as add_buildkite

    add_fix(sub)
    add_deliver(sub)
    add_buildkite(sub)
    demo = sub.add_parser("demo", help="the whole loop on a sample repository, offline, no API key")
    demo.set_defaults(handler=_demo)
    return parser


def _demo(args: argparse.Namespace) -> int:
    from .demo import main as demo_main

    return demo_main()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return USAGE_ERROR
    if args.subcommand in NEEDS_FIX_EXTRA and missing_fix_extra():
        sys.stderr.write(
            f"selfheal {args.subcommand} needs the fixer's dependencies: pip install 'ci-selfheal[fix]'\n"
        )
        return USAGE_ERROR
    try:
        return int(handler(args))
    except UsageError as exc:
        sys.stderr.write(f"selfheal: {exc}\n")
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

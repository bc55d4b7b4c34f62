"""The `selfheal` console command: mounts the emitter's subcommands, the fixer's, and the demo.

Only argparse is imported up front: `selfheal run` sits in front of every build step.
"""

from __future__ import annotations

import argparse
import sys

from emitter import __version__
from emitter.cli import UsageError, add_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="selfheal", description="Self-healing CI for Buildkite and GitLab.")
    parser.add_argument("--version", action="version", version=f"selfheal {__version__}")
    sub = parser.add_subparsers(dest="subcommand", metavar="COMMAND")
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
        return 2
    try:
        return int(handler(args))
    except UsageError as exc:
        sys.stderr.write(f"selfheal: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

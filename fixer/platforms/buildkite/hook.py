"""`selfheal buildkite <command|post-command>`: the hidden subcommand the plugin's bash hooks call.

The command hook sits in front of every build step, so this module, `command.py` and the packages above
them import only the standard library and the emitter's light modules at load time (the structure test
holds `selfheal run`'s start-up to that); `post_command.py`, which runs after the step, imports the rest.
"""

from __future__ import annotations

import argparse
import os

HOOKS = ("command", "post-command")


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # no `help=`: argparse leaves a subcommand without one out of `selfheal --help`
    p = sub.add_parser("buildkite", description="The selfheal Buildkite plugin's hooks (called by them).")
    p.add_argument("hook", choices=HOOKS)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.hook == "command":
        from .command import main as command

        return command(os.environ)
    from fixer.platforms.buildkite.post_command import main

    return main(os.environ)

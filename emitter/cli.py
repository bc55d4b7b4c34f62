"""The emitter's subcommands (`run`, `parse`, `schema`): argument parsing and dispatch only."""

from __future__ import annotations

import argparse

from .errors import UsageError

__all__ = ["UsageError", "add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = sub.add_parser(
        "run",
        help="run a command, pass its output through, write a report of its errors",
        usage="selfheal run [options] -- CMD [ARG...]",
    )
    run.add_argument("--task", help="task name (default: the CI step label, else the command)")
    run.add_argument("--report", metavar="FILE", help="report path (default: .selfheal/<task>.json)")
    _inputs(run)
    run.add_argument("--log-file", metavar="FILE", help="also keep the full log here (ANSI kept)")
    run.add_argument("--pty", action="store_true", help="run the command on a pseudo-terminal")
    run.add_argument("--no-summary", dest="summary", action="store_false", help="no summary on stderr")
    run.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    run.set_defaults(handler=_run)

    parse = sub.add_parser("parse", help="parse existing logs and report files into a report")
    parse.add_argument("--log", action="append", default=[], metavar="FILE", help="a build log (repeatable)")
    parse.add_argument("--task", help="task name (default: parse)")
    parse.add_argument("--report", metavar="FILE|-", help="report path, - for stdout")
    _inputs(parse)
    parse.set_defaults(handler=_parse)

    schema = sub.add_parser("schema", help="print the report's JSON Schema")
    schema.set_defaults(handler=_schema)


def _inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--junit", action="append", default=[], metavar="GLOB", help="JUnit XML files (repeatable)"
    )
    p.add_argument("--sarif", action="append", default=[], metavar="GLOB", help="SARIF files (repeatable)")
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        default=[],
        metavar="NAME[=PATH]",
        help="extra output: buildkite, codequality, sarif, github (repeatable)",
    )
    p.add_argument("--max-records", type=int, default=1000, metavar="N", help="cap on records (default 1000)")


def _run(args: argparse.Namespace) -> int:
    from .run import RunOptions, run

    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise UsageError("run: no command given (usage: selfheal run [options] -- CMD [ARG...])")
    return run(
        RunOptions(
            command=command,
            task=args.task,
            report=args.report,
            junit=args.junit,
            sarif=args.sarif,
            log_file=args.log_file,
            formats=args.formats,
            pty=args.pty,
            summary=args.summary,
            max_records=args.max_records,
        )
    )


def _parse(args: argparse.Namespace) -> int:
    from .parse import ParseOptions, parse

    return parse(
        ParseOptions(
            logs=args.log,
            junit=args.junit,
            sarif=args.sarif,
            task=args.task,
            report=args.report,
            formats=args.formats,
            max_records=args.max_records,
        )
    )


def _schema(args: argparse.Namespace) -> int:
    import json

    from .report import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0

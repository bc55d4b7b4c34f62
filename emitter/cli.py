"""The emitter's subcommands (`run`, `parse`, `schema`): argument parsing and dispatch only.

Options are checked here, before a command starts: a typo in `--format` or `--input`, or a negative
`--max-records`, is a one-line usage error (exit 2), never a warning after a long build.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from .errors import UsageError
from .inputs import KIND_HELP, KINDS

__all__ = ["OUTPUT_NAMES", "Parser", "UsageError", "add_commands"]

# the names of emitter/outputs' registry (importing it would bring pydantic in before the command
# starts); tests/emitter/test_inputs_cli.py holds the two equal
OUTPUT_NAMES = ("json", "buildkite", "codequality", "sarif", "github", "summary")


class Parser(argparse.ArgumentParser):
    """argparse, with its errors as our usage errors: one line, exit 2. Its default prints the usage first,
    two lines or more, which in a CI log reads like part of the build's own output. The sub-parsers
    (`add_parser`) are of the parent's class, so this covers every subcommand."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = sub.add_parser(
        "run",
        help="run a command, pass its output through, write a report of its errors",
        usage="selfheal run [options] -- CMD [ARG...]",
        description="A command whose whole stdout is a JSON report that --input json reads (eslint -f "
        "json, ruff --output-format json, cargo --message-format=json, …) is read as that report.",
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
        "--input",
        dest="inputs",
        action="append",
        default=[],
        metavar="KIND=GLOB",
        help="report files of a kind (repeatable): "
        + "; ".join(f"{kind}: {KIND_HELP[kind]}" for kind in KINDS),
    )
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        default=[],
        metavar="NAME[=PATH]",
        help=f"extra output (repeatable): {', '.join(n for n in OUTPUT_NAMES if n != 'json')}",
    )
    p.add_argument("--max-records", type=int, default=1000, metavar="N", help="cap on records (default 1000)")


def input_specs(specs: list[str]) -> list[tuple[str, str]]:
    """`KIND=GLOB` → (kind, glob); a usage error names what is wrong."""
    pairs = []
    for spec in specs:
        kind, sep, pattern = spec.partition("=")
        kind = kind.strip().lower()
        if not sep or not pattern.strip():
            raise UsageError(f"--input {spec}: expected KIND=GLOB with KIND one of {', '.join(KINDS)}")
        if kind not in KINDS:
            raise UsageError(f"--input {spec}: unknown kind {kind!r} (known: {', '.join(KINDS)})")
        pairs.append((kind, pattern))
    return pairs


def check_outputs(formats: list[str], max_records: int) -> None:
    for spec in formats:
        name = spec.partition("=")[0].strip().lower()
        if name not in OUTPUT_NAMES:
            raise UsageError(f"--format {spec}: unknown output {name!r} (known: {', '.join(OUTPUT_NAMES)})")
    if max_records < 0:
        raise UsageError(f"--max-records {max_records}: must be 0 or more")


def _run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise UsageError("run: no command given (usage: selfheal run [options] -- CMD [ARG...])")
    inputs = input_specs(args.inputs)
    check_outputs(args.formats, args.max_records)
    from .run import RunOptions, run

    return run(
        RunOptions(
            command=command,
            task=args.task,
            report=args.report,
            junit=args.junit,
            sarif=args.sarif,
            inputs=inputs,
            log_file=args.log_file,
            formats=args.formats,
            pty=args.pty,
            summary=args.summary,
            max_records=args.max_records,
        )
    )


def _parse(args: argparse.Namespace) -> int:
    inputs = input_specs(args.inputs)
    check_outputs(args.formats, args.max_records)
    from .parse import ParseOptions, parse

    return parse(
        ParseOptions(
            logs=args.log,
            junit=args.junit,
            sarif=args.sarif,
            inputs=inputs,
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

"""Classify each record: fixable under policy, infrastructure (retry, never edit code), or out of policy.

Only errors decide the verdict, and what counts as an error is decided here, once (`failing`):
- a record the tool itself called an error;
- a warning or note of the tool that failed the task, when that tool's invocation fails on such findings
  (flake8 and pycodestyle on any finding, yamllint with `--strict`, eslint beyond `--max-warnings N`, …).
  The task exited non-zero because of exactly those records, so they are the failure, even with no
  error beside them.
Everything else rides along as context: a passing task's warnings never start a fix, and a warning of a
tool that could not have set the task's exit status (`yamllint .; pytest`, `flake8 --exit-zero`, a tool
that only warns) is not the failure. The tool that failed is read from the task's command: the program
itself, through runners (`python -m`, `uv run`, `npx`, …) and `sh -c` scripts, whose commands count only
where their status can become the script's (`&&` chains, the last command, every command under `set -e`).
A command that hides its tools (`make lint`, `tox`) names none: its warnings stay warnings.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from pathlib import PurePath

from emitter.report import Record

from ..config import Config
from ..context import Failure, Verdict
from .judge_programs import PYTHON, SHELLS


def classify(records: list[Record], config: Config) -> Verdict:
    fixable: list[Record] = []
    infra: list[Record] = []
    out: list[Record] = []
    for record in records:
        if record.severity != "error":
            continue
        if record.type == "infra":
            infra.append(record)
        elif record.type in config.fixable_types:
            fixable.append(record)
        else:
            out.append(record)
    return Verdict(fixable=fixable, infra=infra, out_of_policy=out)


def failing(failures: Sequence[Failure]) -> list[Record]:
    """Every failed task's records, with the warnings that failed it marked as errors (see the module doc)."""
    return [record for failure in failures for record in task_records(failure)]


def task_records(failure: Failure) -> list[Record]:
    report = failure.report
    if report.exit_code in (0, None):
        return list(report.records)  # passed, or no status to blame on anyone
    strict = strict_tools(report.command, report.records)
    return [
        r.model_copy(update={"severity": "error"}) if r.severity != "error" and r.tool in strict else r
        for r in report.records
    ]


def describe(record: Record) -> str:
    """One line a human can act on: where, what, which tool said so."""
    where = record.file or "?"
    if record.line:
        where += f":{record.line}"
    rule = f" [{record.rule}]" if record.rule else ""
    first = record.message.splitlines()[0] if record.message else ""
    test = f" ({record.test})" if record.test else ""
    return f"{where}: {record.tool}{rule}: {first[:200]}{test}"


# -- which tools fail on their warnings -------------------------------------------------------------------
Strict = Callable[[list[str], list[Record]], bool]  # (the invocation's arguments, that tool's records)


def _no_exit_zero(args: list[str], found: list[Record]) -> bool:
    return "--exit-zero" not in args


def _pylint(args: list[str], found: list[Record]) -> bool:
    # --fail-under/--fail-on make the status depend on a score or on chosen messages: not ours to guess
    return not any(a == "--exit-zero" or a.startswith(("--fail-under", "--fail-on")) for a in args)


def _ruff(args: list[str], found: list[Record]) -> bool:
    words = [a for a in args if not a.startswith("-")]
    checks = not words or words[0] not in _RUFF_OTHER  # `ruff check`, or ruff before subcommands
    return checks and _no_exit_zero(args, found)


def _yamllint(args: list[str], found: list[Record]) -> bool:
    return "-s" in args or "--strict" in args  # without it only errors fail yamllint


def _eslint(args: list[str], found: list[Record]) -> bool:
    limit = _option_value(args, "--max-warnings")  # without it warnings never fail eslint
    return limit is not None and limit.isdigit() and sum(r.severity == "warning" for r in found) > int(limit)


def _always(args: list[str], found: list[Record]) -> bool:
    return True


_RUFF_OTHER = frozenset({"format", "rule", "config", "linter", "clean", "version", "server", "analyze"})
# program → (the tool name its records carry, whether this invocation fails on warnings and notes)
TOOLS: dict[str, tuple[str, Strict]] = {
    "flake8": ("flake8", _no_exit_zero),
    "pycodestyle": ("flake8", _always),  # the emitter reads pycodestyle's lines as flake8's
    "ruff": ("ruff", _ruff),
    "pylint": ("pylint", _pylint),
    "yamllint": ("yamllint", _yamllint),
    "shellcheck": ("shellcheck", _always),  # prints only what reaches --severity, and fails on it
    "eslint": ("eslint", _eslint),
}


def strict_tools(command: Sequence[str], records: list[Record]) -> set[str]:
    """The record tools whose warnings failed this command (see the module doc)."""
    found: set[str] = set()
    for argv in invocations(list(command)):
        entry = TOOLS.get(argv[0])
        if entry is None:
            continue
        tool, strict = entry
        if strict(argv[1:], [r for r in records if r.tool == tool]):
            found.add(tool)
    return found


# -- which commands could have set the exit status --------------------------------------------------------
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PREFIXES = frozenset({"env", "time", "exec", "command", "nohup", "then", "else", "do", "{"})
_CONDITIONS = frozenset({"if", "elif", "while", "until", "!"})  # their status is tested, not returned
_RUNNERS = {  # runner → how many words name it
    ("uv", "run"): 2,
    ("poetry", "run"): 2,
    ("pipenv", "run"): 2,
    ("pdm", "run"): 2,
    ("hatch", "run"): 2,
    ("rye", "run"): 2,
    ("pipx", "run"): 2,
    ("pnpm", "exec"): 2,
    ("bundle", "exec"): 2,
    ("npx",): 1,
    ("bunx",): 1,
    ("yarn",): 1,
}
_VALUED = frozenset(
    {"--with", "--python", "-p", "--extra", "--group", "--package", "--directory", "--project"}
)
_OPERATORS = frozenset({"&&", "||", ";", "\n", "&", "|", "|&", "(", ")", ";;"})
_PUNCTUATION = frozenset("();<>|&\n")
_OPERATOR = re.compile(r"&&|\|\||;;|\|&|&>>?|[<>]+&?|[\n;&|()]")
MAX_DEPTH = 3


def invocations(argv: list[str], depth: int = 0) -> list[list[str]]:
    """The simple commands whose status can be this command's, each as [program, *args]."""
    argv = unwrap(argv)
    if not argv or depth > MAX_DEPTH:
        return []
    if argv[0] not in SHELLS:
        return [argv]
    script, errexit = _shell_script(argv[1:])
    if script is None:
        return []  # a script file: its commands are not in the report
    return [inv for cmd in candidates(script, errexit) for inv in invocations(cmd, depth + 1)]


def unwrap(argv: list[str]) -> list[str]:
    """The program behind assignments, `env`/`time`/…, `python -m` and runners, named by its base name."""
    while argv:
        head = PurePath(argv[0]).name
        if _ASSIGNMENT.match(argv[0]) or head in _PREFIXES:
            argv = argv[1:]
        elif head == "timeout":
            argv = _after_options(argv[1:])[1:]  # its duration
        elif PYTHON.match(head) and argv[1:2] == ["-m"]:
            argv = argv[2:]
        elif (size := _runner(argv)) is not None:
            argv = _after_options(argv[size:])
        else:
            return [head, *argv[1:]]
    return []


def _runner(argv: list[str]) -> int | None:
    for words, size in _RUNNERS.items():
        if tuple([PurePath(argv[0]).name, *argv[1:size]]) == words:
            return size
    return None


def _after_options(args: list[str]) -> list[str]:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in _VALUED else 1
    return args[i:]


def _option_value(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _shell_script(args: list[str]) -> tuple[str | None, bool]:
    """(the `-c` script, whether errexit is on) of a shell's arguments."""
    errexit, script_next, i = False, False, 0
    while i < len(args) and args[i][:1] in "-+" and args[i] not in ("-", "--"):
        arg = args[i]
        if arg in ("-o", "+o"):
            errexit = errexit or (arg == "-o" and args[i + 1 : i + 2] == ["errexit"])
            i += 1
        elif not arg.startswith("--"):
            errexit = errexit or (arg[0] == "-" and "e" in arg)
            script_next = script_next or "c" in arg
        i += 1
    return (args[i] if script_next and i < len(args) else None), errexit


def candidates(script: str, errexit: bool) -> list[list[str]]:
    """The commands of a shell script whose failure can be the script's status (see the module doc)."""
    chains = _and_or_lists(script)
    found: list[list[str]] = []
    for n, chain in enumerate(chains):
        errexit = errexit or any(_sets_errexit(cmd) for cmd, _ in chain)
        for i, (cmd, op) in enumerate(chain):
            if cmd[0] in _CONDITIONS:
                continue
            # the last list returns its status unless `||` ran on; under errexit each list's last
            # command ends the script when it fails (a command inside a list does not: bash's rule)
            if (n == len(chains) - 1 and op != "||") or (errexit and i == len(chain) - 1):
                found.append(cmd)
    return found


def _and_or_lists(script: str) -> list[list[tuple[list[str], str]]]:
    """The script's and-or lists, each a list of (a pipeline's last command, the operator after it)."""
    # newlines separate commands: doubled, since a comment swallows the newline that ends it
    text = script.replace("\\\n", "").replace("\n", "\n\n")
    lexer = shlex.shlex(text, posix=True, punctuation_chars="();<>|&\n")
    lexer.whitespace, lexer.whitespace_split = " \t\r", True
    try:
        tokens = [piece for token in lexer for piece in _pieces(token)]
    except ValueError:  # unbalanced quotes: nothing to trust
        return []
    lists: list[list[tuple[list[str], str]]] = [[]]
    words: list[str] = []
    redirect = False
    for token in [*tokens, ";"]:
        if token in _OPERATORS:
            if words and token not in ("|", "|&"):  # only a pipeline's last command sets its status
                lists[-1].append((words, token))
            words = []
            if token == "&":
                lists[-1] = []  # run in the background: its status is lost
            elif token not in ("&&", "||", "|", "|&"):
                lists.append([])
        elif redirect or (token and set(token) <= set("<>&")):
            redirect = not redirect  # the operator, then its target
        else:
            words.append(token)
    return [chain for chain in lists if chain]


def _pieces(token: str) -> list[str]:
    """shlex joins neighbouring punctuation (`&\\n`, `;\\n`): split it into the shell's operators."""
    if set(token) - _PUNCTUATION:
        return [token]
    return _OPERATOR.findall(token)


def _sets_errexit(cmd: list[str]) -> bool:
    if cmd[:1] != ["set"]:
        return False
    args = cmd[1:]
    return any(a.startswith("-") and not a.startswith("--") and "e" in a for a in args) or "errexit" in args

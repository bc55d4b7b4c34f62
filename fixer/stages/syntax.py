"""A cheap syntax check of the files a patch changed, before the (slow) verify run.

By file type: Python (compile(), which writes no bytecode), JSON, YAML, TOML (Python 3.11+) and bash
(`bash -n`); other files are left to verify. YAML is composed, not constructed, so custom tags
(`!Ref`, `!reference`, `!vault`) are not errors.

Only breakage the patch caused is reported: a file that did not parse at HEAD either (newer syntax than
this interpreter knows, JSON with comments such as tsconfig.json, a Helm template, or the very syntax error
being fixed) is not judged here; verify judges it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from .. import git

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
# (line, "Kind: message") for a broken file, None for a good one
Checker = Callable[[str, bytes], "tuple[int | None, str] | None"]


def _python(name: str, data: bytes) -> tuple[int | None, str] | None:
    try:
        compile(data, name, "exec", dont_inherit=True)  # bytes: honours a PEP 263 coding line
    except SyntaxError as exc:
        return exc.lineno, f"{type(exc).__name__}: {exc.msg}"
    except ValueError as exc:  # NUL bytes in the source, before Python 3.12
        return None, f"SyntaxError: {exc}"
    return None


def _json(name: str, data: bytes) -> tuple[int | None, str] | None:
    try:
        json.loads(data)
    except json.JSONDecodeError as exc:
        return exc.lineno, f"JSONDecodeError: {exc.msg}"
    except UnicodeDecodeError as exc:
        return None, f"JSONDecodeError: not UTF-8 ({exc.reason})"
    return None


def _yaml(name: str, data: bytes) -> tuple[int | None, str] | None:
    try:
        for _ in yaml.compose_all(data, Loader=yaml.SafeLoader):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return (mark.line + 1 if mark else None), f"{type(exc).__name__}: {exc.problem or exc.context}"
    except yaml.YAMLError as exc:  # e.g. a byte sequence the reader rejects
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'invalid'}"
    return None


if sys.version_info >= (3, 11):
    import tomllib

    def _toml(name: str, data: bytes) -> tuple[int | None, str] | None:
        try:
            tomllib.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return None, f"TOMLDecodeError: not UTF-8 ({exc.reason})"
        except tomllib.TOMLDecodeError as exc:
            where = re.search(r"\s*\(at line (\d+), column \d+\)$", str(exc))
            message = str(exc)[: where.start()] if where else str(exc)
            return (int(where[1]) if where else None), f"TOMLDecodeError: {message}"
        return None

else:

    def _toml(name: str, data: bytes) -> tuple[int | None, str] | None:
        return None  # no TOML parser in the standard library before 3.11: no check


def _bash(name: str, data: bytes) -> tuple[int | None, str] | None:
    bash = shutil.which("bash", path=SYSTEM_PATH)  # the system's bash: never one the repository put on PATH
    if bash is None:
        return None
    # `bash -n` parses without running anything; the child gets no environment of ours at all.
    # The script comes on stdin so the HEAD version needs no file; /dev/stdin keeps the line numbers.
    env = {"PATH": SYSTEM_PATH, "LC_ALL": "C"}
    try:
        done = subprocess.run(
            [bash, "-n", "/dev/stdin"], input=data, capture_output=True, env=env, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):  # cannot tell: leave the file to verify
        return None
    if done.returncode == 0:
        return None
    text = done.stderr.decode("utf-8", "replace").strip().splitlines()
    found = re.search(r": line (\d+): (.*)", text[0]) if text else None
    return (int(found[1]), f"bash: {found[2]}") if found else (None, f"bash: {text[0] if text else 'failed'}")


CHECKERS: dict[str, Checker] = {
    ".py": _python,
    ".pyi": _python,
    ".json": _json,
    ".yaml": _yaml,
    ".yml": _yaml,
    ".toml": _toml,
    ".sh": _bash,
    ".bash": _bash,
}


def _at_head(repo: Path, rel: str) -> bytes | None:
    """The file's content at HEAD, or None when it is new (or unreadable: then it is judged)."""
    try:
        return git.output_bytes(repo, "cat-file", "blob", f"HEAD:{rel}")
    except git.GitError:
        return None


def _broken_at_head(repo: Path, rel: str, checker: Checker) -> bool:
    before = _at_head(repo, rel)
    return before is not None and checker(rel, before) is not None


def check(repo: Path, files: list[str]) -> list[str]:
    """One "path:line: Kind: message" line per changed file the patch left unparseable."""
    problems = []
    root = repo.resolve()
    for rel in dict.fromkeys(files):
        path = repo / rel
        checker = CHECKERS.get(path.suffix.lower())
        if checker is None or not path.is_file() or not path.resolve().is_relative_to(root):
            continue  # deleted, not a type we know, or a link out of the repository
        broken = checker(rel, path.read_bytes())
        if broken is None or _broken_at_head(repo, rel, checker):
            continue
        line, message = broken
        problems.append(f"{rel}:{line}: {message}" if line else f"{rel}: {message}")
    return problems

"""The failed command's own files: what it runs, what its options name, its build file, and the commands that
build file runs for it. A check is decided by the program that runs it as much as by the tests: a fix that
turns `ci/check.sh` into `exit 0`, or points `make test` at a recipe that does nothing, passes verify.

Commands are argv lists; shell text (`sh -c "…"`, a shell script the command runs, a Makefile recipe, a
package.json script, tox `commands`) is split with shlex into simple commands, following `cd`; wrappers
(`env`, `timeout`, `uv run`, `npx`) are looked through, and `env -C DIR` sets the working directory (a
caller can pass a task's directory that way). Paths are resolved against the working directory
and kept as names: a file the command names is part of the judge whether or not it exists at HEAD (a fix
that adds the missing `run-tests.sh` is writing its own judge). Positional arguments of ordinary programs
are what they check (`ruff check src/app.py`), so only a program's script, option values (`--rcfile=x`,
`-c x`), `@file` response files and `<` inputs are named; a test runner's positional files are tests.
"""

from __future__ import annotations

import configparser
import fnmatch
import itertools
import json
import posixpath
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..paths import glob_regex
from .judge_programs import (
    BUILD_FILES,
    COMPARERS,
    CONFIG_OPTIONS,
    INTERPRETERS,
    MAKE_INCLUDE,
    NPM_LIFECYCLE,
    NPM_RUN,
    PYTHON,
    PYTHON_VALUES,
    RUNNER_VALUES,
    RUNNERS,
    SHELL_KEYWORDS,
    SHELLS,
    TEST_RUNNERS,
    WRAPPERS,
    make_recipes,
    simple_commands,
)

MAX_DEPTH = 4  # failed command → recipe → the command it runs → its recipe …
MAX_COMMANDS = 400  # simple commands looked at, in all
MAX_READS = 32  # build files read at HEAD
MAX_READ_BYTES = 512 * 1024

Reader = Callable[[str], bytes | None]

_ASSIGN = re.compile(r"^[A-Za-z_]\w*=")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_SHEBANG = re.compile(r"#!\S*/(env\s+)?(ba|da|k|z|a)?sh\b")
_VAR_PREFIX = re.compile(r"^\$\{?\w+\}?/")  # "$CI_PROJECT_DIR/ci/x.sh": the checkout is the working directory


@dataclass
class Named:
    exact: dict[str, tuple[str, str]] = field(default_factory=dict)  # path → (kind, detail)
    globs: list[tuple[re.Pattern[str], str, str]] = field(default_factory=list)  # (pattern, kind, detail)
    # build files read at HEAD: the test-data scan reads them too (`diff out.txt expected.txt` in a recipe)
    read: list[str] = field(default_factory=list)

    def find(self, path: str, kind: str) -> str | None:
        """Why `path` is part of the judge as `kind` ("build_file", "test" or "test_data"), or None."""
        if self.exact.get(path, ("", ""))[0] == kind:
            return self.exact[path][1]
        return next((detail for rx, k, detail in self.globs if k == kind and rx.fullmatch(path)), None)


def named_by(commands: Sequence[Sequence[str]], read: Reader, known: Iterable[str]) -> Named:
    """Every file the failed commands run, name or are defined by, with why."""
    walker = _Walker(read, known)
    for argv in commands:
        walker.command(list(argv), "", _shown(argv), 0, "")
    return walker.named


def _shown(argv: Sequence[str]) -> str:
    text = shlex.join(argv) if not (len(argv) == 3 and argv[1] in ("-c", "-lc", "-ec")) else argv[2]
    text = " ".join(text.split())  # one line: a finding's detail is read as one
    return text if len(text) <= 80 else text[:77] + "..."


class _Walker:
    def __init__(self, read: Reader, known: Iterable[str]) -> None:
        self.read_head = read
        self.known = set(
            known
        )  # repository paths and every folder above one: what an absolute path may end in
        self.known |= {p.rsplit("/", k)[0] for p in list(self.known) for k in range(1, p.count("/") + 1)}
        self.named = Named()
        self.budget = MAX_COMMANDS
        self.reads: dict[str, str | None] = {}

    # -- naming -------------------------------------------------------------------------------------------
    def resolve(self, cwd: str, token: str) -> str | None:
        token = _VAR_PREFIX.sub("", token, count=1)
        if not token or token[0] in "-~" or "$" in token or "://" in token or len(token) > 1024:
            return None
        if token.startswith("/"):
            # an absolute path into the checkout (/builds/group/project/ci/x.sh): its longest known suffix
            suffixes = ("/".join(token.split("/")[k:]) for k in range(1, token.count("/") + 1))
            return next((s for s in suffixes if s in self.known), None)
        path = posixpath.normpath(posixpath.join(cwd, token))
        return None if path in (".", "..") or path.startswith("../") else path

    def name(self, cwd: str, token: str, kind: str, detail: str) -> None:
        path = self.resolve(cwd, token.split("::")[0])
        if path is None:
            return
        if any(c in path for c in "*?["):
            self.named.globs.append((glob_regex("/" + path), kind, detail))
        else:
            self.named.exact.setdefault(path, (kind, detail))

    def module(self, cwd: str, dotted: str, kind: str, detail: str) -> None:
        base = dotted.replace(".", "/")
        for root in ("", "src/"):  # flat and src layouts
            for tail in (".py", "/__main__.py", "/__init__.py"):
                self.name(cwd, root + base + tail, kind, detail)

    def build_files(self, prog: str, cwd: str, detail: str) -> None:
        for pattern in BUILD_FILES.get(prog, ()):
            self.named.globs.append((glob_regex("/" + posixpath.join(cwd, pattern)), "build_file", detail))

    def read(self, path: str) -> str | None:
        if path and path not in self.reads and len(self.reads) < MAX_READS:
            raw = self.read_head(path)
            self.reads[path] = None if raw is None else raw[:MAX_READ_BYTES].decode("utf-8", "replace")
            if raw is not None:
                self.named.read.append(path)
        return self.reads.get(path)

    # -- commands -----------------------------------------------------------------------------------------
    def script(self, text: str, cwd: str, shown: str, depth: int, via: str) -> None:
        for words, inputs in simple_commands(text):
            for token in inputs:
                self.name(cwd, token, "build_file", _detail("named by", shown, via))
            while words and words[0] in SHELL_KEYWORDS:
                words = words[1:]
            if words[:1] in (["cd"], ["pushd"]) and len(words) > 1:
                cwd = self.resolve(cwd, words[1]) or cwd
            elif words:
                self.command(words, cwd, shown, depth, via)

    def command(self, argv: list[str], cwd: str, shown: str, depth: int, via: str) -> None:
        named = _detail("named by", shown, via)
        while argv and _ASSIGN.match(argv[0]):  # FOO=x cmd: a value may be a file (PYTHONSTARTUP=hack.py)
            self.name(cwd, argv.pop(0).split("=", 1)[1], "build_file", named)
        if not argv or depth > MAX_DEPTH or self.budget <= 0:
            return
        self.budget -= 1
        prog, rest = posixpath.basename(argv[0]), argv[1:]
        if "/" in argv[0]:  # ./run-tests.sh, tools/lint, ./gradlew
            self.run_script(cwd, argv[0], shown, depth, via, shell=False)
        self.options(cwd, rest, named)
        self.build_files(prog, cwd, _detail("build file of", shown, via))
        if prog in SHELLS:
            self.shell(rest, cwd, shown, depth, via)
        elif PYTHON.match(prog):
            self.python(rest, cwd, shown, depth, via)
        elif prog in INTERPRETERS:
            script = _script_arg(rest, *INTERPRETERS[prog])
            if script:
                self.run_script(cwd, script, shown, depth, via, shell=prog in ("source", "."))
        elif prog in WRAPPERS:
            inner = _unwrap(rest, *WRAPPERS[prog])
            if prog == "env":  # env -C web npm test: a task's working directory, as the caller can pass it
                cwd = self.resolve(cwd, _env_chdir(rest[: len(rest) - len(inner)])) or cwd
            self.command(inner, cwd, shown, depth, via)
        elif prog in RUNNERS and rest[:1] == [RUNNERS[prog]]:
            inner = _unwrap(rest[1:], RUNNER_VALUES, 0)
            if inner and ":" in inner[0] and "/" not in inner[0]:  # hatch run env:command
                inner[0] = inner[0].split(":", 1)[1]
            self.command(inner, cwd, shown, depth, via)
        elif prog in ("deno", "bun") and rest[:1] == ["test"]:
            self.tests(prog, rest[1:], cwd, shown, via)
        elif prog in ("run-s", "run-p", "npm-run-all"):  # npm-run-all: its arguments are script names (globs)
            scripts = self.package_scripts(cwd)
            for pattern in (a for a in rest if not a.startswith("-")):
                for name in fnmatch.filter(scripts, pattern.replace(":*", ":**")):
                    self.script(scripts[name], cwd, shown, depth + 1, f"package.json script `{name}`")
        elif prog in ("npm", "yarn", "pnpm", "bun"):
            self.npm(prog, rest, cwd, shown, depth, via)
        elif prog in ("make", "gmake", "bmake"):
            self.make(rest, cwd, shown, depth, via)
        elif prog == "tox":
            self.tox(cwd, shown, depth, via)
        elif prog in ("coverage", "go", "deno") and rest[:1] == ["run"]:
            # coverage run, go run, deno run: a script or a -m module, as python takes them
            self.python(rest[1:], cwd, shown, depth, via)
        elif prog in TEST_RUNNERS:
            self.tests(prog, rest, cwd, shown, via)
        elif prog in COMPARERS:
            for arg in (a for a in rest if not a.startswith("-")):
                self.name(cwd, arg, "test_data", _detail("compared by", shown, via))

    def run_script(self, cwd: str, token: str, shown: str, depth: int, via: str, shell: bool) -> None:
        """A script the command runs is the judge, and so is what it runs in turn, when it is shell."""
        self.name(cwd, token, "build_file", _detail("named by", shown, via))
        path = self.resolve(cwd, token)
        text = self.read(path) if path else None
        if path and text and (shell or path.endswith((".sh", ".bash")) or _SHEBANG.match(text)):
            self.script(text, cwd, shown, depth + 1, path)  # a script runs from its caller's directory

    def tests(self, prog: str, rest: list[str], cwd: str, shown: str, via: str) -> None:
        tested = _detail("test named by", shown, via)
        for arg in (a for a in rest if not a.startswith("-")):
            self.name(cwd, arg, "test", tested)  # tests/test_x.py::test_a, spec/x_spec.rb:12
            if _DOTTED.match(arg) and prog in ("unittest", "trial", "stestr"):
                self.module(cwd, arg, "test", tested)  # python -m unittest tests.test_x

    def options(self, cwd: str, args: list[str], detail: str) -> None:
        for i, arg in enumerate(args):
            if arg.startswith("-") and "=" in arg:  # --rcfile=.pylintrc, --cov-config=.coveragerc
                self.name(cwd, arg.split("=", 1)[1], "build_file", detail)
            elif arg in CONFIG_OPTIONS and i + 1 < len(args):  # -c pytest.ini, --config ruff.toml
                self.name(cwd, args[i + 1], "build_file", detail)
            elif arg.startswith("@") and len(arg) > 1:  # @args.txt response files
                self.name(cwd, arg[1:], "build_file", detail)

    def shell(self, rest: list[str], cwd: str, shown: str, depth: int, via: str) -> None:
        for i, arg in enumerate(rest):
            if not arg.startswith(("-", "+")) and rest[i - 1 : i] not in (["-o"], ["+o"], ["-O"], ["+O"]):
                self.run_script(cwd, arg, shown, depth, via, shell=True)  # bash ci/check.sh
                return
            if arg[:1] == "-" and arg[:2] != "--" and "c" in arg[1:] and i + 1 < len(rest):  # sh -c, bash -ec
                self.script(rest[i + 1], cwd, shown, depth + 1, via)
                return

    def python(self, rest: list[str], cwd: str, shown: str, depth: int, via: str) -> None:
        i = 0
        while i < len(rest):
            arg = rest[i]
            if arg.startswith("-m") and arg != "-m":  # -mpytest
                rest, arg, i = [*rest[:i], "-m", arg[2:], *rest[i + 1 :]], "-m", i
            if arg in ("-m", "--module") and i + 1 < len(rest):
                self.module(cwd, rest[i + 1], "build_file", _detail("module run by", shown, via))
                self.command(rest[i + 1 :], cwd, shown, depth, via)  # python -m pytest runs as pytest
                return
            if arg == "-c" or arg.startswith("-c") or arg == "-":
                return
            if not arg.startswith("-"):
                self.name(cwd, arg, "build_file", _detail("named by", shown, via))  # python check.py
                return
            i += 2 if arg in PYTHON_VALUES else 1

    def npm(self, prog: str, rest: list[str], cwd: str, shown: str, depth: int, via: str) -> None:
        words: list[str] = []
        i = 0
        while i < len(rest):
            arg, i = rest[i], i + 1
            if arg in ("--prefix", "-C", "--cwd", "--dir") and i < len(rest):
                cwd, i = self.resolve(cwd, rest[i]) or cwd, i + 1
                self.build_files(prog, cwd, _detail("build file of", shown, via))
            elif arg in ("-w", "--workspace", "--filter", "-F") and i < len(rest):
                i += 1
            elif arg == "--":
                break
            elif not arg.startswith("-"):
                words.append(arg)
        if not words:
            return
        scripts = self.package_scripts(cwd)
        if words[0] in ("exec", "x", "dlx"):
            self.command(words[1:], cwd, shown, depth, via)
            return
        if prog != "npm" and words[0] not in scripts and words[0] not in NPM_RUN:  # yarn jest, bun check.ts
            if "/" in words[0] or "." in words[0]:
                self.name(cwd, words[0], "build_file", _detail("named by", shown, via))
            self.command(words, cwd, shown, depth, via)
            return
        run = words[1:] if words[0] in NPM_RUN else words
        target = NPM_LIFECYCLE.get(words[0]) or (run[0] if run else "")
        if target not in scripts and ("/" in target or "." in target):  # bun run check.ts
            self.name(cwd, target, "build_file", _detail("named by", shown, via))
        for name in (f"pre{target}", target, f"post{target}"):
            if isinstance(scripts.get(name), str):
                self.script(scripts[name], cwd, shown, depth + 1, f"package.json script `{name}`")

    def package_scripts(self, cwd: str) -> dict[str, str]:
        text = self.read(posixpath.join(cwd, "package.json"))
        try:
            scripts = json.loads(text).get("scripts") if text else None
        except (ValueError, AttributeError):
            return {}
        return {k: v for k, v in scripts.items() if isinstance(v, str)} if isinstance(scripts, dict) else {}

    def make(self, rest: list[str], cwd: str, shown: str, depth: int, via: str) -> None:
        files: list[str] = []
        goals: list[str] = []
        overrides = {"MAKE": "make"}
        i = 0
        while i < len(rest):
            arg, i = rest[i], i + 1
            value = rest[i] if i < len(rest) else ""
            if arg in ("-C", "--directory"):
                cwd, i = self.resolve(cwd, value) or cwd, i + 1
                self.build_files("make", cwd, _detail("build file of", shown, via))
            elif arg in ("-f", "--file", "--makefile"):
                files, i = [*files, value], i + 1
            elif arg in ("-I", "-o", "-W", "-l", "--include-dir"):
                i += 1
            elif "=" in arg and not arg.startswith("-"):
                overrides[arg.split("=", 1)[0]] = arg.split("=", 1)[1]
            elif not arg.startswith("-") and not arg.isdigit():
                goals.append(arg)
        # GNU make reads the first of these that exists, unless -f names others
        defaults = [posixpath.join(cwd, n) for n in ("GNUmakefile", "makefile", "Makefile")]
        paths = [posixpath.normpath(posixpath.join(cwd, f)) for f in files]
        for path in paths or [next((p for p in defaults if self.read(p) is not None), "")]:
            text = self.makefile(path, cwd)
            if text is not None:
                for target, line in make_recipes(text, goals, overrides):
                    self.script(line, cwd, shown, depth + 1, f"{path} target `{target}`")

    def makefile(self, path: str, cwd: str, depth: int = 0) -> str | None:
        """A makefile with the files it `include`s (globs too) appended, as make reads them."""
        text = self.read(path)
        if not text or depth > 2:
            return text
        parts = [text]
        for names in MAKE_INCLUDE.findall(text):
            for name in names.split()[:8]:
                found = sorted(
                    p for p in self.known if glob_regex("/" + posixpath.join(cwd, name)).fullmatch(p)
                )
                for included in found[:8]:
                    self.name(cwd, included, "build_file", f"included by {path}")
                    parts.append(self.makefile(included, cwd, depth + 1) or "")
        return "\n".join(parts)

    def tox(self, cwd: str, shown: str, depth: int, via: str) -> None:
        text = self.read(posixpath.join(cwd, "tox.ini"))
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(text or "")
        except configparser.Error:
            return
        for section in (s for s in parser.sections() if s.startswith("testenv")):
            for key in ("commands_pre", "commands", "commands_post"):
                for line in parser.get(section, key, fallback="").splitlines():
                    # {envpython} is python; other substitutions ({posargs}, {toxinidir}/) name nothing here
                    line = re.sub(r"\{[^}]*\}/?", "", line.replace("{envpython}", "python")).lstrip("-! ")
                    self.script(line, cwd, shown, depth + 1, f"tox.ini [{section}]")


def _detail(what: str, shown: str, via: str) -> str:
    return f"{what} the failed command `{shown}`" + (f" (through {via})" if via else "")


def _env_chdir(options: list[str]) -> str:
    """The folder `env -C DIR` / `env --chdir=DIR` runs its command in ("" for none)."""
    for option, value in itertools.pairwise([*options, ""]):
        if option in ("-C", "--chdir") or option.startswith("--chdir="):
            return value if option in ("-C", "--chdir") else option.split("=", 1)[1]
    return ""


def _script_arg(args: list[str], values: frozenset[str], code: frozenset[str]) -> str | None:
    """The first argument that is neither an option nor an option's value: an interpreter's script."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in code:
            return None
        if arg == "--":
            return args[i + 1] if i + 1 < len(args) else None
        if not arg.startswith(("-", "+")):
            return arg
        i += 2 if arg in values else 1
    return None


def _unwrap(args: list[str], values: frozenset[str], skip: int) -> list[str]:
    """The command a wrapper (`env`, `timeout 60`, `uv run`) runs: past its options, assignments and words."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return args[i + 1 :]
        if _ASSIGN.match(arg) or arg.startswith("-"):
            i += 2 if arg in values else 1
        elif skip:
            skip, i = skip - 1, i + 1
        else:
            return args[i:]
    return []

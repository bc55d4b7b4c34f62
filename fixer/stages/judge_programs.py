"""What the judge knows about programs a failed command may run: which build files define what they run, which
of them run tests, which options name a file the program reads, and how interpreters and wrappers find the
script or command they run; one row per program family. And the two readers for the text commands are
written in: shell (split into simple commands with shlex) and makefiles (the recipes of the goals asked
for). Used by `judge_commands`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# program(s) → the files (globs relative to its working directory; `**/` any depth) that define what it runs
_BUILD_TABLE = (
    # make: the makefile GNU make picks, and the fragments it includes
    ("make gmake bmake", "GNUmakefile makefile Makefile **/*.mk **/*.make"),
    # npm and kin: scripts live in package.json; .npmrc/.yarnrc can swap the script shell or add node options
    (
        "npm npx yarn pnpm pnpx bun bunx",
        "package.json .npmrc .yarnrc .yarnrc.yml pnpm-workspace.yaml bunfig.toml",
    ),
    ("tox", "tox.ini pyproject.toml setup.cfg"),  # tox reads its environments from any of the three
    ("nox", "noxfile.py"),  # nox sessions
    ("just", "justfile Justfile .justfile **/*.just"),  # just recipes and their imports
    ("task go-task", "Taskfile*.yml Taskfile*.yaml taskfile*.yml taskfile*.yaml"),  # go-task
    # Gradle: every project's build script, the settings, properties, wrapper and buildSrc plugins
    ("gradle gradlew", "**/build.gradle* settings.gradle* gradle.properties gradle/** gradlew* buildSrc/**"),
    ("mvn mvnw", "**/pom.xml .mvn/** mvnw*"),  # Maven: every module's POM, .mvn/maven.config and jvm.config
    ("cargo", "**/Cargo.toml **/build.rs .cargo/** rust-toolchain*"),  # manifests, build scripts, config
    ("go", "go.mod go.work"),  # the go command's module and workspace
    ("cmake ctest", "**/CMakeLists.txt **/*.cmake CMakePresets.json CMakeUserPresets.json"),  # CMake, CTest
    # Bazel: BUILD files, the workspace or module, .bazelrc flags (`test --test_filter`), Starlark macros
    (
        "bazel bazelisk blaze",
        "**/BUILD **/BUILD.bazel WORKSPACE* MODULE.bazel .bazelrc **/*.bzl .bazelversion",
    ),
    ("rake", "Rakefile rakefile Rakefile.rb **/*.rake"),  # Rake and rakelib/
    # Python project managers: `uv run`, `poetry run` … run inside the environment the project file defines
    ("poetry hatch uv pdm pipenv rye pixi", "pyproject.toml Pipfile hatch.toml pixi.toml uv.toml"),
    # pytest: the configuration files it reads (which tests it collects, with which options)
    ("pytest py.test", "pytest.ini .pytest.ini pytest.toml pyproject.toml tox.ini setup.cfg"),
    # .NET: projects, solutions, and the MSBuild files every project imports
    (
        "dotnet msbuild",
        "**/*.csproj **/*.fsproj **/*.vbproj **/*.sln **/*.slnx **/Directory.Build.* global.json",
    ),
    ("composer", "composer.json"),  # Composer scripts
    ("meson", "**/meson.build meson_options.txt meson.options"),  # Meson
    ("ninja", "**/build.ninja"),  # Ninja
    ("sbt", "**/build.sbt project/**"),  # sbt
    ("mix", "mix.exs"),  # Elixir's Mix aliases
    ("lein", "project.clj"),  # Leiningen
    ("clojure clj", "deps.edn"),  # Clojure CLI aliases
    ("cabal stack", "**/*.cabal cabal.project* stack.yaml package.yaml"),  # Haskell
    ("scons", "SConstruct **/SConscript"),  # SCons
    ("dune", "**/dune dune-project"),  # OCaml dune
    ("swift", "Package.swift"),  # SwiftPM
    ("ant", "build.xml"),  # Ant
    # JS monorepo runners: the task graph and every package the task runs in
    ("turbo nx lerna", "turbo.json nx.json lerna.json **/project.json **/package.json"),
    ("pants", "pants.toml **/BUILD"),  # Pants
    ("buck buck2", ".buckconfig **/BUCK **/TARGETS"),  # Buck
    ("earthly", "**/Earthfile"),  # Earthly
    # the container the check runs in: its image and compose files
    ("docker docker-compose podman", "**/Dockerfile* **/*.Dockerfile docker-compose*.y*ml compose*.y*ml"),
    ("pre-commit", ".pre-commit-config.yaml"),  # pre-commit's hooks
    ("deno", "deno.json deno.jsonc"),  # deno tasks
)
BUILD_FILES = {prog: tuple(globs.split()) for progs, globs in _BUILD_TABLE for prog in progs.split()}

# Programs whose positional file arguments are tests (`pytest tests/test_x.py::test_a`, `rspec spec/x_spec.rb`).
TEST_RUNNERS = _words(
    "pytest py.test nose2 nosetests ward unittest doctest trial stestr jest vitest mocha ava jasmine karma tap tape "
    "bats rspec cucumber cucumber-js behave phpunit pest paratest codecept prove busted shellspec robot"
)

# Programs whose positional files are the expectation a check compares against (`diff expected.txt out.txt`).
COMPARERS = _words("diff cmp comm colordiff")

# Options whose value (the next argument) is a file the program reads: configuration, setup code, a baseline.
CONFIG_OPTIONS = _words(
    "-c --config --config-file --configfile --rcfile --rc --settings --settings-file --settings-path -f --file "
    "--makefile -p --project --tsconfig --ignore-path --ignore-file --rulesdir --rules --baseline -r --require "
    "--import --loader --setup-file --setupFiles --init-file --bootstrap --configuration --cfg --ini --inifile "
    "--env-file --spec --suppressions --exclude-file -File --dotenv"
)

SHELLS = _words("sh bash dash zsh ksh ash mksh")
PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)*)?$|^py$")
PYTHON_VALUES = _words("-W -X -Q")  # python's options that take a value (-m and -c are handled apart)

# interpreter(s) → (options that take a value, options whose value is code: then no script file runs)
_INTERPRETER_TABLE = (
    (
        "node nodejs",
        "-r --require --import --loader --experimental-loader -C --conditions",
        "-e --eval -p --print",
    ),
    ("ts-node tsx", "-r --require -P --project -O --compilerOptions", "-e --eval -p --print"),
    ("ruby jruby", "-I -r -C -E -F", "-e"),
    ("perl", "-I -M -m", "-e -E"),
    ("php", "-c -d -z", "-r -R -B -E"),
    ("Rscript julia", "-L --load --project", "-e -E --eval --print"),
    ("lua luajit", "-l -e", ""),  # lua runs its -e chunk and then the script
    ("groovy java", "-cp -classpath --class-path", "-e"),  # java Check.java, java -jar tools/check.jar
    ("elixir", "-r -pa -pz --erl", "-e --eval"),
    ("pwsh powershell", "-ExecutionPolicy -WorkingDirectory", "-Command -c -EncodedCommand"),
    ("source .", "", ""),  # a sourced script runs in the shell itself
)
INTERPRETERS = {
    name: (_words(values), _words(code))
    for names, values, code in _INTERPRETER_TABLE
    for name in names.split()
}

# wrapper(s) → (options that take a value, words it takes before the command): the command runs inside it
_WRAPPER_TABLE = (
    ("env", "-u --unset -C --chdir", 0),  # env [-u NAME] [NAME=value] command
    (
        "time nohup command builtin exec unbuffer catchsegv valgrind cross-env nyc c8",
        "-f --format -o --output -a",
        0,
    ),
    ("nice ionice stdbuf", "-n --adjustment -c -i -o -e", 0),
    ("sudo doas", "-u -g -h -p -C -D -r -t -U", 0),
    ("timeout", "-s --signal -k --kill-after", 1),  # timeout [options] DURATION command
    ("xvfb-run", "-s --server-args -n --server-num -e --error-file -f --auth-file -p -w", 0),
    ("npx pnpx bunx uvx dotenv", "-p --package -c --call --from --with -e", 0),  # package runners
)
WRAPPERS = {name: (_words(values), skip) for names, values, skip in _WRAPPER_TABLE for name in names.split()}

# tool → its subcommand that runs a command in the tool's environment (`uv run pytest`, `bundle exec rspec`)
RUNNERS = {
    **dict.fromkeys(
        _words("uv poetry pipenv pdm hatch rye pixi conda mamba micromamba pipx selfheal"), "run"
    ),
    "bundle": "exec",
}
# their options that take a value: uv/poetry/pdm/conda/pipx, then `selfheal run`'s own
RUNNER_VALUES = _words(
    "--with -p --python --package --extra --group --env-file --project -n --name -e --prefix "
    "--task --report --log-file --junit --sarif --format --max-records"
)

# npm-style package managers: how a word names a package.json script
NPM_RUN = _words("run run-script rum urn")
NPM_LIFECYCLE = {"t": "test", "tst": "test", **{name: name for name in ("test", "start", "stop", "restart")}}

# words before a command that are not the command
SHELL_KEYWORDS = _words("if then else elif do while until ! time { }")


# -- reading the languages commands are written in: shell text and makefiles ----------------------------------


def _lex(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split, lexer.commenters = True, ""  # a `#` only starts a comment at a word's start
    words = list(lexer)
    comment = next((i for i, w in enumerate(words) if w.startswith("#")), len(words))
    return words[:comment]


def simple_commands(text: str) -> list[tuple[list[str], list[str]]]:
    """Shell text → [(words, files read through `<`)], split at `;`, `&&`, `||`, `|`, `&`, `(`, `)`, newlines."""
    text = text.replace("\\\n", " ")
    try:
        lines = [w for line in text.splitlines() for w in [*_lex(line), ";"]]
    except ValueError:  # a quoted string across lines: lex it whole
        try:
            lines = _lex(text)
        except ValueError:
            lines = text.split()
    out: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    inputs: list[str] = []
    i = 0
    while i < len(lines):
        token, i = lines[i], i + 1
        if not token or any(c not in "();&|<>" for c in token):
            words.append(token)
        elif token in ("<", "<>") and i < len(lines):
            inputs.append(lines[i])
            i += 1
        elif token[-1] in "<>":  # output file, here-document delimiter
            i += 1
        else:
            if words or inputs:
                out.append((words, inputs))
            words, inputs = [], []
    return out


MAX_EXPANDED = 64 * 1024  # characters of one expanded makefile variable or recipe line
MAKE_INCLUDE = re.compile(r"^-?s?include\s+(.+)$", re.MULTILINE)  # include, -include, sinclude
_MAKE_VAR = re.compile(r"^(?:override\s+|export\s+)?([A-Za-z_][\w.-]*)\s*(:{1,3}|\?|\+|!)?=\s*(.*)$")
_MAKE_RULE = re.compile(r"^([^\s:=#][^:=#]*?)\s*::?(?!=)\s*(.*)$")
_MAKE_REF = re.compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")


def make_recipes(text: str, goals: Sequence[str], overrides: dict[str, str]) -> list[tuple[str, str]]:
    """(target, recipe line) for the goals and everything they depend on; every recipe if no goal is found."""
    variables: dict[str, str] = {}
    rules: dict[str, tuple[list[str], list[str]]] = {}
    current: list[str] = []
    first = None
    for line in text.replace("\\\n", " ").splitlines():
        if line.startswith("\t"):
            for target in current:
                rules[target][1].append(line.strip().lstrip("@-+ "))
            continue
        line = line.split("#", 1)[0].rstrip()
        if not line:
            continue
        current = []
        if var := _MAKE_VAR.match(line):
            old = variables.get(var[1], "") + " " if var[2] == "+" else ""
            variables[var[1]] = old + var[3]
        elif rule := _MAKE_RULE.match(line):
            prereqs, _, inline = rule[2].partition(";")
            current = rule[1].split()
            for target in current:
                entry = rules.setdefault(target, ([], []))
                entry[0].extend(prereqs.replace("|", " ").split())
                entry[1].extend([inline.strip()] if inline.strip() else [])
                first = first or (target if not target.startswith(".") and "%" not in target else None)
    variables.update(overrides)

    memo: dict[str, str] = {}

    def value(name: str, outer: frozenset[str]) -> str:
        # each variable expanded once (a chain of `A = $(B)$(B)` would otherwise double at every step), a
        # self-reference expands to nothing, and no value grows past MAX_EXPANDED
        if name not in memo:
            memo[name] = "" if name in outer else expand(variables[name], outer | {name})
        return memo[name]

    def expand(s: str, outer: frozenset[str] = frozenset()) -> str:
        return _MAKE_REF.sub(lambda m: value(m[1], outer) if m[1] in variables else m[0], s)[:MAX_EXPANDED]

    wanted = [g for g in (goals or ([first] if first else [])) if g in rules]
    if not wanted:
        return [(t, expand(line).replace("$$", "$")) for t, (_, lines) in rules.items() for line in lines]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    while wanted and len(seen) < 64:
        target = wanted.pop(0)
        if target in seen or target not in rules:
            continue
        seen.add(target)
        out.extend((target, expand(line).replace("$$", "$")) for line in rules[target][1])
        wanted.extend(expand(" ".join(rules[target][0])).split())
    return out

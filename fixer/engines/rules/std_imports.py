"""A missing standard-library import behind a NameError, ruff/flake8 F821, pyright, mypy or pylint.

The undefined name X comes from the record's message; the edit goes into the record's file (the parsers
take the deepest frame the repository owns), and only when the reported line mentions X. Then:
- X is a standard-library module, the line uses it as one (`X.attr`, where the real module has `attr`),
  and no file of the repository would be imported instead → `import X`;
- X is in MEMBERS, names with one obvious home (`Path` → `from pathlib import Path`) → that from-import;
- anything else (a project name, `datetime` the module or the class, `sleep`, `dumps`) → no fix.
A name the file binds where the failing line could mean it (python_scopes.shadowed: the module's top
level, a class around the line, a conftest fixture) means the record is about that binding: no fix.
A record with no line (`pytest --tb=no`, a short summary) is judged on the lines of the test it names.

Placement follows isort's defaults: after the docstring and `from __future__` imports, in the leading
import block; `import X` among the standard-library plain imports (sorted in when they are sorted), a
from-import merged into an existing one-line `from M import …` or among the standard-library
from-imports; a new block before third-party imports, or after the header when there are no imports.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from emitter.report import Record

from .. import FixContext
from . import Fixed, ending, line_map, split_lines, text_files, write_text
from .python_scopes import shadowed, test_function

_NAME = r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
PATTERNS = (
    re.compile(rf"\bname '{_NAME}' is not defined"),  # NameError (tracebacks, unittest, pytest)
    re.compile(rf"\b[Uu]ndefined name [`']{_NAME}[`']"),  # ruff, flake8/pyflakes
    re.compile(rf'^Name "{_NAME}" is not defined'),  # mypy [name-defined]
    re.compile(rf'^"{_NAME}" is not defined'),  # pyright reportUndefinedVariable
    re.compile(rf"^Undefined variable '{_NAME}'"),  # pylint E0602
)
_NAME_ERROR = re.compile(rf"name '{_NAME}'")
PY_TOOLS = frozenset(
    {"python", "unittest", "pytest", "ruff", "flake8", "pyflakes", "pyright", "mypy", "pylint"}
)
_GROUPS = {
    "pathlib": "Path PurePath PurePosixPath",
    "dataclasses": "dataclass field asdict astuple fields",
    "collections": "defaultdict OrderedDict namedtuple Counter deque ChainMap",
    "functools": "partial wraps reduce lru_cache cached_property total_ordering singledispatch",
    "typing": "Any Optional Union List Dict Tuple Set FrozenSet Type TypeVar Generic Protocol Literal "
    "ClassVar Final cast overload NamedTuple TypedDict NoReturn TYPE_CHECKING",
    "enum": "Enum IntEnum Flag IntFlag auto",
    "abc": "ABC ABCMeta abstractmethod",
    "contextlib": "contextmanager suppress nullcontext ExitStack redirect_stdout",
    "textwrap": "dedent",
    "decimal": "Decimal",
    "fractions": "Fraction",
    "datetime": "timedelta timezone",
    "io": "StringIO BytesIO",
    "uuid": "UUID uuid4",
    "copy": "deepcopy",
    "tempfile": "TemporaryDirectory NamedTemporaryFile mkdtemp",
    "types": "SimpleNamespace",
    "unittest.mock": "Mock MagicMock",
    "pprint": "pformat",
    "time": "perf_counter monotonic",
}
MEMBERS = {name: module for module, names in _GROUPS.items() for name in names.split()}
# modules whose name is as often a class or function from elsewhere, or that do things when imported
NOT_MODULES = frozenset({"datetime", "this", "antigravity", "test", "__future__", "__main__"})
STDLIB: frozenset[str] = frozenset(sys.stdlib_module_names)


@dataclass(frozen=True)
class Plan:
    module: str
    name: str | None = None  # None: `import module`

    @property
    def statement(self) -> str:
        return f"from {self.module} import {self.name}" if self.name else f"import {self.module}"


def missing_name(record: Record) -> str | None:
    if record.tool not in PY_TOOLS and record.rule != "NameError" and "F821" not in (record.rule or ""):
        return None
    first = record.message.splitlines()[0] if record.message else ""
    if first.startswith("NameError: ") or record.rule == "NameError":
        # the exception is known: its name is enough (pytest's short summary cuts the rest at the
        # terminal's width: "NameError: name 'os' is no...")
        m = _NAME_ERROR.match(first.removeprefix("NameError: "))
        if m:
            return m.group("name")
    first = first.removeprefix("NameError: ")
    for pattern in PATTERNS:
        m = pattern.search(first)
        if m:
            return m.group("name")
    return None


def plan_for(name: str, line: str, repo: Path, file: Path) -> Plan | None:
    if name in MEMBERS:
        return Plan(MEMBERS[name], name)
    if name not in STDLIB or name.startswith("_") or name in NOT_MODULES:
        return None
    attrs = re.findall(rf"(?<![\w.]){name}\s*\.\s*([A-Za-z_]\w*)", line)
    if not attrs:
        return None  # used bare: a class or function of that name is as likely as the module
    if any((folder / f"{name}.py").exists() or (folder / name).is_dir() for folder in (repo, file.parent)):
        return None  # `import name` would find the project's own module first
    try:
        module = importlib.import_module(name)
    except Exception:  # any failure (a platform-only module, …) just means "not this module"
        return None
    return Plan(name) if all(hasattr(module, a) for a in attrs) else None


class StdImports:
    name = "std_imports"

    def applies(self, record: Record) -> bool:
        located = record.line or record.test  # `pytest --tb=no` names the test, not the line
        return bool(
            record.file and record.file.endswith((".py", ".pyi")) and located and missing_name(record)
        )

    def target(self, record: Record, repo: Path) -> str | None:
        return record.file

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        fixed: list[Fixed] = []
        for rel, path, text, group in text_files(repo, records):
            plans = self._plans(repo, rel, path, text, group)
            new = text
            try:
                for plan, _ in plans.values():
                    new = insert_import(split_lines(new), ast.parse(new), plan)
                ast.parse(new)
            except (SyntaxError, ValueError):
                continue  # the file does not parse (before or after): not a place for a blind edit
            if new == text:
                continue
            write_text(path, new)
            for plan, done in plans.values():
                # an import of a module the line already uses changes nothing but the NameError: a test
                # file may get it in push mode like a formatter's edit
                fixed += [Fixed(r, f"{rel}: {plan.statement} ({r.rule or r.tool})", True) for r in done]
        return fixed

    @staticmethod
    def _plans(
        repo: Path, rel: str, path: Path, text: str, group: list[Record]
    ) -> dict[str, tuple[Plan, list[Record]]]:
        """name → (its import, the records it fixes), judged on the file as the records saw it."""
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return {}
        lines = split_lines(text)
        where = line_map(repo, rel, text)
        plans: dict[str, tuple[Plan, list[Record]]] = {}
        refused: set[str] = set()
        for record in group:
            name = missing_name(record)
            used = _uses(tree, lines, record, name, where) if name else []
            if name is None or name in refused or not used:
                continue  # the line does not use the name: wrong frame, or the file moved on
            if shadowed(tree, name, used[0], path, repo):
                continue  # the file binds the name itself: the record is about that binding
            if name not in plans:
                plan = plan_for(name, "".join(lines[i - 1] for i in used), repo, path)
                if plan is None:
                    refused.add(name)
                    continue
                plans[name] = (plan, [])
            plans[name][1].append(record)
        return plans


def _uses(
    tree: ast.Module, lines: list[str], record: Record, name: str, where: Callable[[int], int | None]
) -> list[int]:
    """The lines that use `name` where the record says it failed: its line, or the lines of the test it
    names when it has no line."""
    if record.line:
        line = where(record.line)
        candidates = [line] if line is not None and 1 <= line <= len(lines) else []
    else:
        function = test_function(tree, record.test or "")
        end = (function.end_lineno or function.lineno) if function else 0
        candidates = list(range(function.lineno, end + 1)) if function else []
    return [i for i in candidates if re.search(rf"(?<![\w.]){name}\b", lines[i - 1])]


def _is_stdlib(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and (node.module or "").split(".")[0] in STDLIB
    return node.names[0].name.split(".")[0] in STDLIB


def _sorted(keys: list[str]) -> bool:
    return keys == sorted(keys)


def insert_import(lines: list[str], tree: ast.Module, plan: Plan) -> str:
    """The file's text with the plan's import placed where isort would put it (see the module doc)."""
    nl = ending(lines[0]) if lines and ending(lines[0]) else "\n"
    body, i, anchor = tree.body, 0, 0
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0].value, "value", None), str):
        anchor, i = body[0].end_lineno or 0, 1  # the module docstring
    imports: list[ast.Import | ast.ImportFrom] = []
    for node in body[i:]:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            break  # only the leading block: imports further down are there for a reason
        if isinstance(node, ast.ImportFrom) and node.module == "__future__" and not imports:
            anchor = node.end_lineno or node.lineno
        else:
            imports.append(node)
    std = [n for n in imports if _is_stdlib(n)]
    plain = [n for n in std if isinstance(n, ast.Import)]
    froms = [n for n in std if isinstance(n, ast.ImportFrom)]
    out = list(lines)
    statement = plan.statement + nl
    if plan.name and _merge(out, froms, plan):
        return "".join(out)
    group: list[ast.Import] | list[ast.ImportFrom] = froms if plan.name else plain
    if group:
        keys = [_module_of(n).lower() for n in group]
        later = [n for n, k in zip(group, keys, strict=True) if k > plan.module.lower()]
        after = later if _sorted(keys) else []
        at = after[0].lineno - 1 if after else (group[-1].end_lineno or group[-1].lineno)
        out.insert(at, statement)
    elif std:  # a plain import goes before the from-imports, a from-import after the plain ones
        at = froms[0].lineno - 1 if not plan.name and froms else (std[-1].end_lineno or std[-1].lineno)
        out.insert(at, statement)
    elif imports:  # only third-party or local imports: the standard library's section comes first
        out[imports[0].lineno - 1 : imports[0].lineno - 1] = [statement, nl]
    else:
        return _after_header(out, anchor, statement, nl)
    return "".join(out)


def _module_of(node: ast.Import | ast.ImportFrom) -> str:
    return (node.module or "") if isinstance(node, ast.ImportFrom) else node.names[0].name


def _merge(out: list[str], froms: list[ast.ImportFrom], plan: Plan) -> bool:
    """Adds the name to a one-line `from module import a, b` (sorted in when sorted); False if none fits."""
    for node in froms:
        if _module_of(node) != plan.module or node.lineno != node.end_lineno:
            continue
        line = out[node.lineno - 1]
        m = re.fullmatch(
            r"from\s+[\w.]+\s+import\s+(?P<names>[\w, ]+?)\s*(?P<tail>#.*)?", line.rstrip("\r\n")
        )
        if m is None or any(a.asname for a in node.names):
            continue
        names = [a.name for a in node.names]
        order = sorted([*names, plan.name or ""], key=_isort_key)
        names = order if names == sorted(names, key=_isort_key) else [*names, plan.name or ""]
        merged = f"from {plan.module} import {', '.join(names)}" + (f"  {m['tail']}" if m["tail"] else "")
        if len(merged) > 99:
            continue
        out[node.lineno - 1] = merged + ending(line)
        return True
    return False


def _isort_key(name: str) -> tuple[int, str]:
    """isort's force-sort-by-type order: CONSTANTS, then Classes, then functions and variables."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name


def _after_header(out: list[str], anchor: int, statement: str, nl: str) -> str:
    """No imports yet: a block of its own after the docstring (or the shebang, coding line and a header
    comment set apart by a blank line)."""
    pos = anchor
    if anchor == 0:
        while pos < len(out) and pos < 2 and re.match(r"#!|#.*coding[:=]", out[pos]):
            pos += 1
        block = pos
        while block < len(out) and out[block].startswith("#"):
            block += 1
        if block > pos and block < len(out) and not out[block].strip():
            pos = block  # a header comment (licence, notes) set apart from the code stays on top
    rest = out[pos:]
    while rest and not rest[0].strip():
        rest.pop(0)
    gap = [nl, nl] if rest and re.match(r"(?:@|def |class |async def )", rest[0]) else [nl]
    head = [*out[:pos], nl] if pos else []
    return "".join([*head, statement, *(gap if rest else []), *rest])

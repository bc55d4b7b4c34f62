"""Where a Python name is bound around the line that raised a NameError, and which lines a test id names.

An import is the fix for a NameError only when nothing in the file meant that name to be something else.
`shadowed` says whether a binding the author wrote is the name's intended meaning, though Python could not
see it from the failing line:
- a binding in the module's top level, or a `global` declaration anywhere (the module was meant to have it);
- a binding in a class around the line (class attributes are not visible inside its methods);
- a binding in the function around the line itself (`del`, a later assignment);
- for tests, a conftest.py fixture of that name between the file and the repository root (the test forgot
  to ask for the fixture; importing a module of the same name would make it pass for the wrong reason).
Bindings in unrelated functions do not count: `def helper(json):` elsewhere says nothing about this line.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
Function = ast.FunctionDef | ast.AsyncFunctionDef


def shadowed(tree: ast.Module, name: str, line: int, file: Path, repo: Path) -> bool:
    if _binds(tree, name) or any(
        name in node.names for node in ast.walk(tree) if isinstance(node, ast.Global)
    ):
        return True
    for scope in _enclosing(tree, line):
        if _binds(scope, name):
            return True
    return _fixture(name, file, repo)


def test_function(tree: ast.Module, test: str) -> Function | None:
    """The one function a test id names: `tests/test_a.py::TestX::test_y[1]` (pytest),
    `tests.test_a.TestX.test_y` (unittest), `tests.test_a.TestX::test_y` (JUnit); None when unsure."""
    parts = [p for p in re.split(r"::|\.", re.sub(r"\[.*\]$", "", test)) if p]
    if not parts:
        return None
    functions = [
        (node, owner)
        for node, owner in _functions(tree.body, None)
        if node.name == parts[-1] and (owner is None or len(parts) < 2 or owner == parts[-2])
    ]
    return functions[0][0] if len(functions) == 1 else None


def _functions(body: list[ast.stmt], owner: str | None) -> Iterator[tuple[Function, str | None]]:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node, owner
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node.body, node.name)


def _enclosing(tree: ast.Module, line: int) -> list[ast.AST]:
    """The classes and functions whose body holds `line`, outermost first."""
    found: list[ast.AST] = []
    body: list[ast.stmt] = tree.body
    while True:
        inner = next(
            (n for n in body if isinstance(n, _SCOPES) and n.lineno <= line <= (n.end_lineno or n.lineno)),
            None,
        )
        if inner is None or isinstance(inner, ast.Lambda):
            return found
        found.append(inner)
        body = inner.body


def _binds(scope: ast.AST, name: str) -> bool:
    """Whether `scope` itself (not a function or class nested in it) binds `name`."""
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = scope.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        if any(a is not None and a.arg == name for a in every):
            return True
    body = (
        scope.body
        if isinstance(scope, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        else []
    )
    return any(_binding(node, name) for node in _own_nodes(body))


def _own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _SCOPES):
            stack.extend(node.decorator_list if not isinstance(node, ast.Lambda) else [])
            continue  # its body is its own scope; its name was yielded with it
        stack.extend(ast.iter_child_nodes(node))


def _binding(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.Name):
        return node.id == name and isinstance(node.ctx, (ast.Store, ast.Del))
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name).split(".")[0] == name for a in node.names)
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return node.name == name
    if isinstance(node, ast.Nonlocal):
        return name in node.names
    return False


def _fixture(name: str, file: Path, repo: Path) -> bool:
    """A conftest.py between the file and the repository root defines `name` at its top level."""
    root = repo.resolve()
    folder = file.resolve().parent
    while folder == root or root in folder.parents:
        conftest = folder / "conftest.py"
        if conftest.is_file() and not conftest.is_symlink():
            try:
                if _binds(ast.parse(conftest.read_bytes()), name):
                    return True
            except (SyntaxError, ValueError):
                return True  # cannot tell: as if it did
        if folder == root:
            break
        folder = folder.parent
    return False

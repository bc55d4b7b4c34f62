"""The structure itself: every parser has real-tool fixtures, imports point down, the hot path stays light."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:  # the regex parser is internal; the test only reads its output
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from emitter.parsers import parser_classes
from emitter.parsers.base import ANCHORS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _fixture_dirs(tool: str) -> list[Path]:
    return [d for d in FIXTURES.iterdir() if d.is_dir() and (d.name == tool or d.name.startswith(tool + "-"))]


@pytest.mark.parametrize("cls", parser_classes(), ids=lambda c: c.__name__)
def test_parser_declares_its_contract(cls: type) -> None:
    assert cls.name, "every parser has a registry name"
    assert cls.tools, "every parser says which tools its records carry"
    assert cls.anchors, "every parser has anchors, or the scanner never shows it a line"
    vocabulary = set(ANCHORS.values())
    for anchor in cls.anchors:
        assert anchor in vocabulary, (
            f"{cls.__name__}: anchor {anchor!r} is not in the vocabulary of emitter/parsers/base.py "
            "(every anchor costs each build log a pass over its bytes)"
        )
    assert isinstance(cls.trigger, re.Pattern)
    if cls.trigger.pattern.startswith("^"):
        # the scanner tries `^` triggers with one `match`: a top-level `|` would hide its other branches
        # `(?:…)` is inlined by the parser: `^(?:a|b)` parses as [AT, BRANCH], a top-level `^a|b` as [BRANCH]
        parsed = sre_parse.parse(cls.trigger.pattern)
        assert parsed.data[0] == (sre_constants.AT, sre_constants.AT_BEGINNING), cls.__name__


def _all_tools() -> list[str]:
    return sorted({tool for cls in parser_classes() for tool in cls.tools})


@pytest.mark.parametrize("tool", _all_tools())
def test_every_tool_has_a_real_fixture_with_expected_records(tool: str) -> None:
    dirs = _fixture_dirs(tool)
    assert dirs, f"tests/fixtures/{tool}/ is missing: every parser needs real-tool output and expectations"
    produced = set()
    for d in dirs:
        assert (d / "output.txt").is_file(), f"{d}: output.txt missing"
        assert (d / "run.sh").is_file() or (d / "HANDWRITTEN").is_file(), (
            f"{d}: run.sh (or HANDWRITTEN) missing"
        )
        records = json.loads((d / "expected.json").read_text())
        produced |= {r["tool"] for r in records}
    assert tool in produced, f"no fixture of {tool} expects a record from {tool}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_emitter_never_imports_fixer() -> None:
    for path in (ROOT / "emitter").rglob("*.py"):
        assert not any(n == "fixer" or n.startswith("fixer.") for n in _imports(path)), path


def test_start_up_path_imports_nothing_heavy() -> None:
    code = (
        "import sys, fixer.cli, emitter.run, emitter.wrap, emitter.scan, emitter.parsers;"
        "heavy = [m for m in ('pydantic', 'junitparser', 'defusedxml', 'anthropic', 'gitlab', 'yaml', 'json')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "", f"imported before the command starts: {out.stdout.strip()}"


def _fixer_imports(path: Path) -> set[str]:
    """Absolute `fixer.x` names a module imports, relative imports resolved."""
    tree = ast.parse(path.read_text())
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names |= {f"{module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return {n for n in names if n.startswith("fixer")}


CORE = (
    "config",
    "config_layers",
    "policy",
    "context",
    "outcome",
    "git",
    "gitstate",
    "paths",
    "proc",
    "reaper",
    "sandbox",
    "secrets",
    "progress",
    "safe_write",
    "stages",
)
UPPER = (
    "fixer.engines",
    "fixer.platforms",
    "fixer.cli",
    "fixer.loop",
    "fixer.attempts",
    "fixer.start",
    "fixer.deliver",
    "fixer.fix_cmd",
    "fixer.deliver_cmd",
    "fixer.demo",
)


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in (ROOT / "fixer").rglob("*.py")
        if p.relative_to(ROOT / "fixer").parts[0].removesuffix(".py") in CORE
    ],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_fixer_core_never_imports_engines_platforms_or_cli(path: Path) -> None:
    upward = {n for n in _fixer_imports(path) if n.startswith(UPPER)}
    assert not upward, f"{path.relative_to(ROOT)} imports {sorted(upward)}: imports only point down"


def test_every_back_end_meets_its_protocol() -> None:
    from emitter.outputs import OUTPUTS
    from fixer.engines import DeferredAnthropic
    from fixer.engines.anthropic.agent import AnthropicEngine
    from fixer.engines.rules import RulesEngine, registry
    from fixer.platforms import ProvidesModel, StartsBuilds
    from fixer.platforms.buildkite.adapter import BuildkitePlatform
    from fixer.platforms.local import LocalPlatform

    for name, output in OUTPUTS.items():
        assert output.name == name and callable(output.write)
    for rule in registry():
        assert rule.name and all(callable(getattr(rule, m)) for m in ("applies", "target", "apply"))
    for engine in (RulesEngine(), AnthropicEngine(), DeferredAnthropic()):
        assert engine.name and callable(engine.available) and callable(engine.fix)
    methods = ("facts", "fetch_reports", "deliver", "retry", "show")
    for platform in (LocalPlatform, BuildkitePlatform):
        assert all(callable(getattr(platform, m)) for m in methods), platform
    # optional capabilities are Buildkite's: the loop asks at run time, never by name
    assert issubclass(BuildkitePlatform, StartsBuilds) and issubclass(BuildkitePlatform, ProvidesModel)
    assert not issubclass(LocalPlatform, StartsBuilds)

"""CI configuration that no file name shows: the files a pipeline is read from because another CI file says so.
GitLab's `include` (local files as a string, a list of strings, mappings with `local:`, or one mapping; globs
and `$VARIABLES`; nested, and `trigger: include` child pipelines; a `project:`'s `file:` and this project's
own components) and Buildkite's `pipeline upload <file>`.

The YAML is parsed with a SafeLoader that reads unknown tags (GitLab's `!reference`) as plain data, and walked
with a node budget: aliases can make a small file a huge tree.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from typing import Any

import yaml

from ..paths import glob_regex

MAX_CI_FILES = 150  # GitLab's own limit on included files
MAX_YAML_NODES = 100_000

_GITLAB_ROOT = re.compile(r"(^|/)([^/]*\.)?gitlab-ci\.ya?ml$")
_BUILDKITE = re.compile(r"(^|/)\.buildkite/|(^|/)\.?buildkite\.(ya?ml|json)$|^buildkite/")
_UPLOAD = re.compile(r"pipeline\s+upload\s+(?:--?[\w-]+\s+)*([^\s\"'|;&>]+)")
_VARIABLE = re.compile(r"\$\{?\w+\}?")


class _TolerantLoader(yaml.SafeLoader):
    """SafeLoader that reads tags it does not know (GitLab's `!reference [...]`) as plain data."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None


_TolerantLoader.add_multi_constructor("!", _untagged)


def ci_sources(paths: Sequence[str], read: Callable[[str], str | None]) -> dict[str, str]:
    """Files a pipeline is read from that no name shows: GitLab `include: local` (nested, globbed) and
    Buildkite `pipeline upload <file>`."""
    found: dict[str, str] = {}
    queue = [p for p in paths if _GITLAB_ROOT.search(p)]
    seen = set(queue)
    while queue and len(seen) <= MAX_CI_FILES:
        current = queue.pop(0)
        for target in gitlab_local_includes(read(current)):
            for path in _expand(target, paths):
                if path not in seen:
                    seen.add(path)
                    found[path] = f"GitLab CI configuration included by {current} (`include: local`)"
                    queue.append(path)
    for pipeline in [p for p in paths if _BUILDKITE.search(p)][:MAX_CI_FILES]:
        for upload in _UPLOAD.finditer(read(pipeline) or ""):
            for path in _expand(upload[1], paths):
                found.setdefault(path, f"Buildkite pipeline uploaded by {pipeline}")
    return found


def _expand(target: str, paths: Sequence[str]) -> list[str]:
    """An include's path (root-relative, `*`/`**` globs, `$VARIABLES`) → the repository paths it names."""
    target = _VARIABLE.sub("*", target.strip()).lstrip("/")
    if not any(c in target for c in "*?["):
        return [posixpath.normpath(target)] if target else []
    pattern = glob_regex("/" + target)
    return [p for p in paths if pattern.fullmatch(p)]


def gitlab_local_includes(text: str | None) -> list[str]:
    """The local files a GitLab CI file includes, anywhere in it (top-level `include`, `trigger: include`)."""
    try:
        docs = list(yaml.load_all(text or "", Loader=_TolerantLoader))  # a SafeLoader subclass
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return []
    found: list[str] = []
    stack: list[Any] = docs
    seen: set[int] = set()
    budget = MAX_YAML_NODES
    while stack and budget > 0:
        node = stack.pop()
        budget -= 1
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            if key == "include":
                found.extend(_include_targets(value))
            stack.append(value)
    return found


def _include_targets(value: Any) -> list[str]:
    """`include:` as a string, a list of strings, a list of mappings, or one mapping: its `local:` files, the
    `file:` of a `project:` (this one, perhaps: a path that exists here is read from here), and the template
    of a component of this project (`$CI_SERVER_FQDN/$CI_PROJECT_PATH/name@…` → `templates/name…`)."""
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and "://" not in item:  # a bare string is a local file unless it is a URL
            out.append(item)
        elif isinstance(item, dict):
            files = item.get("local") or (item.get("file") if "project" in item else None)
            out.extend(f for f in (files if isinstance(files, list) else [files]) if isinstance(f, str))
            component = item.get("component")
            if isinstance(component, str) and "$CI_PROJECT_PATH" in component.replace("{", "").replace(
                "}", ""
            ):
                name = component.rsplit("/", 1)[-1].split("@", 1)[0]
                out.extend([f"templates/{name}.yml", f"templates/{name}/template.yml"])
    return out

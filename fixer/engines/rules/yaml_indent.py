"""YAML tabs and indentation at the reported line.

- A tab in the indentation (PyYAML "found character '\\t' that cannot start any token", yamllint's syntax
  record saying the same): the line takes the indentation its neighbours imply — a child of the line before
  when that line opens a block (`key:`), else that line's sibling. Following lines indented with tabs go
  with it, keeping their depth relative to it (one tab = one indentation unit, 2 or 4 as the file uses).
- yamllint `indentation` ("wrong indentation: expected N but found M"): the line, the lines nested under
  it and its siblings (yamllint names only the first item of a sequence) move by N - M. The line must
  still be indented by M (else the record is stale).

A PyYAML error can also arrive inside a Python traceback (a test loaded the file): the record is then
about the loading code, and the YAML file and line come from the error's own mark in the message
(`in "/ci/checkout/config/shop.yaml", line 4, column 1`), matched to this checkout.

Then the file must load (safe loader; unknown tags such as `!reference` are accepted), and a cosmetic
re-indentation of a file that loaded before must load to the same data. Otherwise the file is put back.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from emitter.report import Record

from .. import FixContext
from . import Fixed, read_text, repo_file, repo_relative, split_lines, write_text

_TAB = "found character '\\t' that cannot start any token"
_WRONG = re.compile(r"wrong indentation: expected (?P<want>\d+) but found (?P<found>\d+)")
_OPENS_BLOCK = re.compile(r"(?::|^-|\s-)(?:\s+[|>][-+0-9]*)?$")  # `key:`, `- key:`, `-`, `key: |`
_MARK = re.compile(r'in "(?P<file>[^"]+)", line (?P<line>\d+), column \d+')
UNSET = object()


def _from_traceback(record: Record) -> bool:
    rule = record.rule or ""
    return record.tool not in ("pyyaml", "yamllint") and rule.endswith(("ScannerError", "ParserError"))


def is_tab_record(record: Record) -> bool:
    return (record.tool in ("pyyaml", "yamllint") or _from_traceback(record)) and _TAB in record.message


def is_indent_record(record: Record) -> bool:
    return record.tool == "yamllint" and record.rule == "indentation" and bool(_WRONG.search(record.message))


def location(record: Record, repo: Path) -> tuple[str, int] | None:
    """The YAML file (repository-relative) and line the record is about."""
    if _from_traceback(record):
        marks = list(_MARK.finditer(record.message))
        rel = repo_relative(marks[-1]["file"], repo) if marks else None  # the last mark is the problem's
        return (rel, int(marks[-1]["line"])) if rel else None
    return (record.file, record.line) if record.file and record.line else None


def by_file(records: list[Record], repo: Path) -> dict[str, list[tuple[int, Record]]]:
    """The records each file holds, with the line each points at."""
    files: dict[str, list[tuple[int, Record]]] = {}
    for record in records:
        where = location(record, repo)
        if where:
            files.setdefault(where[0], []).append((where[1], record))
    return files


class YamlIndent:
    name = "yaml_indent"

    def applies(self, record: Record) -> bool:
        return is_tab_record(record) or is_indent_record(record)

    def target(self, record: Record, repo: Path) -> str | None:
        where = location(record, repo)
        return where[0] if where else None

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        fixed: list[Fixed] = []
        for rel, group in by_file(records, repo).items():
            path = repo_file(repo, rel)
            text = read_text(path) if path else None
            if path is None or text is None:
                continue
            lines = split_lines(text)
            done = []
            # top-down: a re-indented block's later records see the lines as they are now
            for line, record in sorted(group, key=lambda item: item[0]):
                tab = is_tab_record(record)
                what = _fix_tabs(lines, line) if tab else _fix_indent(lines, line, record.message)
                if what:
                    done.append(Fixed(record, f"{rel}:{line}: {what}"))
            new = "".join(lines)
            if not done or new == text or not _loads_as_expected(text, new):
                continue
            write_text(path, new)
            fixed += done
        return fixed


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def indent_unit(lines: list[str]) -> int:
    """The file's indentation step: the commonest increase between consecutive tab-free lines (2 or 4)."""
    steps: Counter[int] = Counter()
    last = 0
    for line in lines:
        if not meaningful(line) or "\t" in indent_of(line):
            continue
        width = len(indent_of(line))
        if width > last:
            steps[width - last] += 1
        last = width
    return 4 if steps[4] > steps[2] else 2


def _levels(indent: str, unit: int) -> int:
    return indent.count("\t") + indent.count(" ") // unit


def _fix_tabs(lines: list[str], line_no: int) -> str | None:
    index = line_no - 1
    if not 0 <= index < len(lines) or "\t" not in indent_of(lines[index]):
        return None  # no tab in this line's indentation: stale, or a tab somewhere we do not touch
    unit = indent_unit(lines)
    prev = next((lines[i] for i in range(index - 1, -1, -1) if meaningful(lines[i])), None)
    if prev is not None and "\t" in indent_of(prev):
        return None  # the neighbour is no guide either
    base = _neighbour_indent(prev, unit) if prev is not None else 0
    first = _levels(indent_of(lines[index]), unit)
    count = 0
    for i in range(index, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        if "\t" not in indent_of(line) or _levels(indent_of(line), unit) < first:
            break  # the run of tab-indented lines ends, or climbs out of the reported line's block
        width = base + (_levels(indent_of(line), unit) - first) * unit
        lines[i] = " " * width + line.lstrip(" \t")
        count += 1
    return f"tab indentation → spaces ({count} line{'s' if count != 1 else ''})"


def _neighbour_indent(prev: str, unit: int) -> int:
    """Where the line after `prev` belongs: under it when it opens a block, else beside its last key."""
    content = re.sub(r"\s+#.*$", "", prev).rstrip()
    key_column = len(re.match(r"\s*(?:-\s+)*", content).group(0))  # type: ignore[union-attr]
    return key_column + unit if _OPENS_BLOCK.search(content) else key_column


def _fix_indent(lines: list[str], line_no: int, message: str) -> str | None:
    m = _WRONG.search(message)
    index = line_no - 1
    if m is None or not 0 <= index < len(lines):
        return None
    want, found = int(m.group("want")), int(m.group("found"))
    indent = indent_of(lines[index])
    if "\t" in indent or len(indent) != found or want == found:
        return None  # the line is not as the record says: the file changed since
    shift, item = want - found, _is_item(lines[index])
    moved = 0
    for i in range(index, len(lines)):
        line = lines[i]
        width = len(indent_of(line))
        if not line.strip() or (line.lstrip().startswith("#") and width < found):
            continue
        # the block: lines nested deeper, and its siblings (further items of the same sequence, or keys)
        if "\t" in indent_of(line) or width < found or (width == found and _is_item(line) != item):
            break
        lines[i] = " " * (width + shift) + line[width:]
        moved += 1
    return f"indentation {found} → {want}" + (f" ({moved} lines)" if moved > 1 else "")


def _is_item(line: str) -> bool:
    stripped = line.strip()
    return stripped == "-" or stripped.startswith("- ")


def load_yaml(text: str) -> object:
    """Every document as data (safe loader, unknown tags read as null), or UNSET when it is not YAML."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        return None  # `!reference`, `!Ref`, `!vault`: custom tags are the project's, not errors

    Loader.add_multi_constructor("", any_tag)
    try:
        return list(yaml.load_all(text, Loader=Loader))  # a SafeLoader subclass
    except (yaml.YAMLError, RecursionError, ValueError):
        return UNSET


def loads(text: str) -> bool:
    return load_yaml(text) is not UNSET


def _loads_as_expected(old: str, new: str) -> bool:
    after = load_yaml(new)
    if after is UNSET:
        return False
    before = load_yaml(old)
    return before is UNSET or before == after

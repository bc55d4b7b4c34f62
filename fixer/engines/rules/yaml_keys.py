"""A YAML mapping key indented off its level, which makes the file unparsable (spaces, not tabs).

The errors (yamllint `syntax`, PyYAML's own, or a test's traceback when it loaded the file):
- "mapping values are not allowed here": the key sits deeper than the key above it, whose value is a
  scalar, so it cannot be that key's child;
- "expected <block end>, but found '<block mapping start>'": the key sits between two levels.
The key's level is known when exactly one level is nearest and within half an indentation step (the
file's unit): one stray space in a 2-space file, up to two in a 4-space one. The levels are those of the
keys on the path above the line (a sibling of any of them is valid YAML). Left alone, the parent being
unknowable: a key halfway between two levels (` port:` between `server:` and its `  host:`); a key a
whole step deeper than a scalar-valued key (its author may have meant that key to hold a mapping); a line
right after a block scalar's header or content (it may be content typed one space short); a line that is
not a plain `key:` line; tabs (yaml_indent's).

The key moves to its level. An over-indented key takes along the keys after it at the same wrong column
and everything nested deeper under them; an under-indented key moves alone, and only when its value is on
its own line (children under it could as well be its siblings). The file must load afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path

from emitter.report import Record

from .. import FixContext
from . import Fixed, line_map, read_text, repo_file, split_lines, write_text
from .yaml_indent import by_file, indent_of, indent_unit, loads, location, meaningful

ERRORS = ("mapping values are not allowed here", "expected <block end>, but found '<block mapping start>'")
_KEY = re.compile(r"""^(?P<indent> *)(?:"[^"]*"|'[^']*'|[^\s#\-?:{}\[\]&*!|>'"%@`][^#]*?):(?:\s|$)""")
_ITEM_KEY = re.compile(r"^(?P<dash> *-\s+)(?:\"[^\"]*\"|'[^']*'|[^\s#{}\[\]&*!|>'\"%@`][^#]*?):(?:\s|$)")
_BLOCK_HEADER = re.compile(r"(?::|^\s*-|\s-)\s+[|>][-+0-9]*\s*(?:#.*)?$")
_OPENS = re.compile(r":\s*(?:#.*)?$")  # `key:` with its value on the lines below


class YamlKeys:
    name = "yaml_keys"

    def applies(self, record: Record) -> bool:
        return any(error in record.message for error in ERRORS) and (
            record.tool in ("yamllint", "pyyaml") or (record.rule or "").startswith("yaml.")
        )

    def target(self, record: Record, repo: Path) -> str | None:
        where = location(record, repo)
        return where[0] if where else None

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        fixed: list[Fixed] = []
        for rel, group in by_file(records, repo).items():
            path = repo_file(repo, rel)
            text = read_text(path) if path else None
            if path is None or text is None or loads(text):
                continue  # a file that loads has no such error (any more)
            lines, moved = split_lines(text), line_map(repo, rel, text)
            done = []
            for line, record in sorted(group, key=lambda item: item[0]):
                at = moved(line)
                what = reindent(lines, at - 1) if at else None
                if what:
                    done.append(Fixed(record, f"{rel}:{at}: {what}"))
            new = "".join(lines)
            if done and new != text and loads(new):
                write_text(path, new)
                fixed += done
        return fixed


def reindent(lines: list[str], index: int) -> str | None:
    """Moves the key at `index` (and what goes with it) to its level; what it did, or None."""
    if not 0 <= index < len(lines) or "\t" in "".join(indent_of(line) for line in lines):
        return None
    key = _KEY.match(lines[index])
    above = [i for i in range(index) if meaningful(lines[i])]
    if key is None or not above or _in_block_scalar(lines, above):
        return None
    found = len(key["indent"])
    levels = _levels(lines, above)
    nearest = sorted(levels, key=lambda level: abs(level - found))
    want = nearest[0]
    tie = len(nearest) > 1 and abs(nearest[1] - found) == abs(want - found)
    if want == found or tie or abs(want - found) * 2 > indent_unit(lines):
        return None
    if want > found:  # under-indented: only a key that holds its value on its own line moves
        if _OPENS.search(lines[index]):
            return None
        lines[index] = " " * want + lines[index].lstrip(" ")
        return f"key indentation {found} → {want}"
    count = 0
    for i in range(index, len(lines)):
        width = len(indent_of(lines[i]))
        if meaningful(lines[i]) and (width < found or (width == found and not _KEY.match(lines[i]))):
            break  # back at a lower level, or something other than the misplaced keys
        if lines[i].strip() and width >= found:
            lines[i] = " " * (width + want - found) + lines[i][width:]
            count += 1
    return f"key indentation {found} → {want}" + (f" ({count} lines)" if count > 1 else "")


def _levels(lines: list[str], above: list[int]) -> set[int]:
    """The columns where a key may sit after the line above: those of the keys on the path up to the top."""
    levels: set[int] = set()
    lowest: int | None = None
    for i in reversed(above):
        width = len(indent_of(lines[i]))
        if lowest is not None and width >= lowest:
            continue  # nested in a line already seen: not on the path
        lowest = width
        item = _ITEM_KEY.match(lines[i])
        if item:
            levels.add(len(item["dash"]))  # `- key:` holds a mapping whose keys line up after the dash
        elif _KEY.match(lines[i]):
            levels.add(width)
        if width == 0:
            break
    return levels


def _in_block_scalar(lines: list[str], above: list[int]) -> bool:
    """Whether the line just above is a block scalar's header or content (then this line may be content):
    it, or a line it is nested under, opens one."""
    lowest: int | None = None
    for i in reversed(above):
        width = len(indent_of(lines[i]))
        if lowest is not None and width >= lowest:
            continue
        if _BLOCK_HEADER.search(lines[i].rstrip()):
            return True
        lowest = width
        if width == 0:
            return False
    return False

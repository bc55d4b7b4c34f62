"""Whitespace the linters report: trailing whitespace, whitespace-only blank lines, the missing final newline,
blank lines at the end of the file (or too many in a row), and CRLF where the linter wants LF.

| tool                         | trailing        | final newline | blank lines at the end | other                 |
|------------------------------|-----------------|---------------|------------------------|-----------------------|
| flake8/pycodestyle, ruff     | W291, W293      | W292          | W391                   |                       |
| pylint                       | C0303           | C0304         | C0305                  |                       |
| yamllint                     | trailing-spaces | new-line-at-end-of-file | empty-lines (N > M) | new-lines (line endings) |

Only the reported lines of the reported files change (the end of the file for the end-of-file rules; every
line ending for `new-lines`, which yamllint reports once per file). Never where whitespace is data:
- Python: a line whose end lies inside a string literal that spans lines (tokenize) keeps its
  whitespace, and the file must parse to the same AST afterwards;
- YAML: a block scalar's content lines keep theirs, and the file must load to the same data afterwards
  (which also guards quoted and plain scalars that span lines).
A file that does not parse before the edit, or would not mean the same after it, is left alone. Other file
types are never touched: in Markdown, trailing spaces are a line break.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable
from pathlib import Path

from emitter.report import Record

from .. import FixContext
from . import Fixed, ending, line_map, split_lines, text_files, write_text
from .yaml_indent import UNSET, load_yaml

TRAILING, FINAL_NEWLINE, END_BLANKS, BLANK_RUN, LINE_ENDINGS = "trailing", "final", "end", "run", "endings"
PY_TOOLS = frozenset({"flake8", "pycodestyle", "ruff", "pylint"})
PY_RULES = {
    "W291": TRAILING,
    "W293": TRAILING,
    "C0303": TRAILING,
    "W292": FINAL_NEWLINE,
    "C0304": FINAL_NEWLINE,
    "W391": END_BLANKS,
    "C0305": END_BLANKS,
}
YAML_RULES = {
    "trailing-spaces": TRAILING,
    "new-line-at-end-of-file": FINAL_NEWLINE,
    "empty-lines": BLANK_RUN,
    "new-lines": LINE_ENDINGS,
}
WHAT = {
    TRAILING: "trailing whitespace removed",
    FINAL_NEWLINE: "final newline added",
    END_BLANKS: "blank lines at the end removed",
    BLANK_RUN: "extra blank lines removed",
    LINE_ENDINGS: "line endings converted",
}
_SPACE = " \t\v\f"
Where = Callable[[int], int | None]
_TOO_MANY = re.compile(r"too many blank lines \((?P<found>\d+) > (?P<limit>\d+)\)")
_WANTS = re.compile(r"expected (?P<nl>\\r\\n|\\n)")


def kind(record: Record) -> str | None:
    if record.tool == "yamllint":
        return YAML_RULES.get(record.rule or "")
    if record.tool in PY_TOOLS and record.file and record.file.endswith((".py", ".pyi")):
        return PY_RULES.get(record.rule or "")
    return None


class Whitespace:
    name = "whitespace"

    def applies(self, record: Record) -> bool:
        return kind(record) is not None and bool(record.file and record.line)

    def target(self, record: Record, repo: Path) -> str | None:
        return record.file

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        fixed: list[Fixed] = []
        for rel, path, text, group in text_files(repo, records):
            yaml = group[0].tool == "yamllint"
            protected = _yaml_protected(text) if yaml else _python_protected(text)
            if protected is None:
                continue  # does not parse: no telling where whitespace is data
            same: Callable[[str, str], bool] = _same_data if yaml else _same_ast
            where = line_map(repo, rel, text)
            mine = [r for r in group if (r.tool == "yamllint") == yaml]
            new, done = edit(text, mine, protected, where)
            if done and not same(text, new):
                new, done = _one_by_one(text, mine, protected, where, same)
            if not done or new == text:
                continue
            write_text(path, new)
            fixed += [Fixed(r, f"{rel}: {WHAT[kind(r) or TRAILING]} ({r.rule})", True) for r in done]
        return fixed


def _one_by_one(
    text: str, records: list[Record], protected: set[int], where: Where, same: Callable[[str, str], bool]
) -> tuple[str, list[Record]]:
    """The records whose edits, added one at a time, keep the file's meaning (one blank line too many
    may be a block scalar's content, the others not)."""
    kept: list[Record] = []
    new = text
    for record in records:
        trial, done = edit(text, [*kept, record], protected, where)
        if record in done and same(text, trial):
            kept, new = [*kept, record], trial
    return new, kept


def edit(text: str, records: list[Record], protected: set[int], where: Where) -> tuple[str, list[Record]]:
    """The text with each record's whitespace fixed where the record still holds, and the records fixed.
    `where` maps a record's line (in the committed file) to the line in `text`."""
    lines = split_lines(text)
    done: list[Record] = []
    drop: set[int] = set()  # 0-based lines to remove
    file_level: list[tuple[str, Record]] = []
    for record in records:
        what, line = kind(record), where(record.line or 0)
        index = (line or 0) - 1
        if what in (FINAL_NEWLINE, LINE_ENDINGS):
            file_level.append((what, record))  # about the whole file, wherever the record points
        elif line is None or not 0 <= index < len(lines):
            continue  # an earlier rule rewrote the line, or the file is shorter than the record says
        elif what == TRAILING and line not in protected and _trailing(lines, index, record.column):
            end = ending(lines[index])
            lines[index] = lines[index][: len(lines[index]) - len(end)].rstrip(_SPACE) + end
            done.append(record)
        elif what == BLANK_RUN and (run := _blank_run(lines, index, record.message)):
            drop |= run
            done.append(record)
        elif what == END_BLANKS:
            file_level.append((what, record))
    lines = [line for i, line in enumerate(lines) if i not in drop]
    for what, record in file_level:
        before = "".join(lines)
        if what == END_BLANKS:
            index = (where(record.line or 0) or 0) - 1
            lines = _without_end_blanks(lines, index - sum(d < index for d in drop))
        elif what == FINAL_NEWLINE and lines and not ending(lines[-1]):
            lines[-1] += _newline(lines)
        elif what == LINE_ENDINGS:
            lines = _converted(lines, record.message)
        if "".join(lines) != before:
            done.append(record)
    return "".join(lines), done


def _trailing(lines: list[str], index: int, column: int | None) -> bool:
    """Whether the line ends in whitespace where the record says it starts (a record whose column no
    longer matches is about a line that has changed since)."""
    body = lines[index][: len(lines[index]) - len(ending(lines[index]))]
    content = body.rstrip(_SPACE)
    return content != body and (column is None or column == len(content) + 1)


def _newline(lines: list[str]) -> str:
    return next((ending(line) for line in lines if ending(line)), "\n")


def _blank_run(lines: list[str], index: int, message: str) -> set[int]:
    """yamllint's "too many blank lines (N > M)" at the last line of a run of N empty lines: N - M of them."""
    m = _TOO_MANY.search(message)
    if m is None or not 0 <= index < len(lines):
        return set()
    found, limit = int(m["found"]), int(m["limit"])
    start = index
    while start > 0 and not lines[start - 1].rstrip("\r\n"):
        start -= 1
    run = range(start, index + 1)
    stale = len(run) != found or bool(lines[index].rstrip("\r\n"))  # the file moved on since
    if stale or found <= limit:
        return set()  # blank lines inside a block scalar are its content: the data check says so
    return set(run[: found - limit])


def _without_end_blanks(lines: list[str], index: int) -> list[str]:
    """Removes the blank lines after the last line with content, when the reported line is one of them."""
    last = len(lines)
    while last > 0 and not lines[last - 1].strip():
        last -= 1
    if not last <= index < len(lines):
        return lines  # stale: the reported line is not at the end any more
    kept = lines[:last]
    if kept and not ending(kept[-1]):
        kept[-1] += _newline(lines)
    return kept


def _converted(lines: list[str], message: str) -> list[str]:
    m = _WANTS.search(message)
    if m is None:
        return lines
    want = "\r\n" if m["nl"] == "\\r\\n" else "\n"
    return [line[: len(line) - len(ending(line))] + want if ending(line) else line for line in lines]


# -- where whitespace is data ------------------------------------------------------------------------------
def _python_protected(text: str) -> set[int] | None:
    """1-based lines whose end lies inside a string literal; None when the file does not tokenize."""
    protected: set[int] = set()
    open_fstrings: list[int] = []
    start_kind = getattr(tokenize, "FSTRING_START", -1)  # 3.12 splits f-strings into several tokens
    end_kind = getattr(tokenize, "FSTRING_END", -1)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
            if tok.type == start_kind:
                open_fstrings.append(tok.start[0])
            elif tok.type == end_kind and open_fstrings:
                protected |= set(range(open_fstrings.pop(), tok.end[0]))
            elif tok.type == tokenize.STRING:
                protected |= set(range(tok.start[0], tok.end[0]))
        ast.parse(text)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return protected


def _same_ast(old: str, new: str) -> bool:
    try:
        return ast.dump(ast.parse(old)) == ast.dump(ast.parse(new))
    except (SyntaxError, ValueError):
        return False


def _yaml_protected(text: str) -> set[int] | None:
    """1-based content lines of block scalars (`|`, `>`); None when the file does not scan as YAML."""
    import yaml

    protected: set[int] = set()
    lines = split_lines(text)
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
                start, end = token.start_mark.line, token.end_mark.line  # 0-based
                # the end mark sits on the next line's indentation, unless the content ends the file
                tail = lines[end][: token.end_mark.column] if end < len(lines) else ""
                last = end if tail.strip() else end - 1
                protected |= set(range(start + 2, last + 2))
    except yaml.YAMLError:
        return None
    return protected if load_yaml(text) is not UNSET else None


def _same_data(old: str, new: str) -> bool:
    after = load_yaml(new)
    return after is not UNSET and after == load_yaml(old)

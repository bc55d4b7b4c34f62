"""The agent's two tools: Anthropic's text editor (`str_replace_based_edit_tool`) and `run_verify`.

The editor is confined to the repository root: a path with `..`, an absolute path outside the root, or a
symlink that resolves outside it is refused. Inside the root the engine's FilePolicy decides (paths.py):
`view` is refused where `read_refusal` answers (secret-bearing files, `.git/` and `.selfheal/` at any depth),
`create`/`str_replace`/`insert` where `write_refusal` answers (those, protected paths, git-ignored files).
The path as given and the resolved one are both checked, so a symlink can neither smuggle a read out of a
secret file nor a write into a protected one; directory listings leave out what may not be read.

Every refusal and failure is a tool result with `is_error` set, never an exception: the model reads why
and tries something else. File text and check output go back fenced as data (prompt.fence), and every
result is redacted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from anthropic.types import ToolParam, ToolTextEditor20250728Param, ToolUnionParam

from ...context import VerifyResult
from ...paths import FilePolicy
from .prompt import EDITOR, VERIFY, describe_verify, fence

__all__ = ["EDITOR", "VERIFY", "Refused", "ToolResult", "Toolbox", "definitions", "describe_verify"]

MAX_CHARACTERS = 16_000  # per view: a whole large file would eat the token budget in one turn
MAX_LISTING = 300  # directory entries shown by view
SNIPPET = 3  # lines of context shown around an edit

VERIFY_DESCRIPTION = (
    "Rerun the check that failed in CI on the current working tree. Takes no input. Returns PASSED, or "
    "FAILED with the errors that remain as `file:line: tool [rule] message` lines. Call it after editing; "
    "the fix is only accepted when this passes."
)


def definitions(max_characters: int = MAX_CHARACTERS) -> list[ToolUnionParam]:
    """The tool list sent with every request; the last one carries the prompt-cache breakpoint."""
    editor: ToolTextEditor20250728Param = {
        "type": "text_editor_20250728",
        "name": EDITOR,
        "max_characters": max_characters,
    }
    verify: ToolParam = {
        "name": VERIFY,
        "description": VERIFY_DESCRIPTION,
        "input_schema": {"type": "object", "properties": {}},
        "cache_control": {"type": "ephemeral"},
    }
    return [editor, verify]


@dataclass(frozen=True)
class ToolResult:
    text: str
    is_error: bool = False


class Refused(Exception):
    """A command the editor will not run; its message goes back to the model."""


def _numbered(lines: list[str], first: int) -> str:
    return "\n".join(f"{first + i}: {line}" for i, line in enumerate(lines))


def _split(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


class Toolbox:
    def __init__(
        self,
        root: Path,
        files: FilePolicy,
        verify: Callable[[], VerifyResult],  # the agent binds the time cap (its remaining wall time)
        redact: Callable[[str], str],
        max_characters: int = MAX_CHARACTERS,
    ) -> None:
        self.root = root.resolve()
        self.files = files
        self.verify = verify
        self.redact = redact
        self.max_characters = max_characters
        self.edits = 0
        self.verify_runs = 0
        self.last_verify: VerifyResult | None = None
        self.edits_at_verify = 0  # edits made before the last run_verify: later ones are unverified

    def run(self, name: str, data: object) -> ToolResult:
        """Runs one tool call; never raises."""
        try:
            if name == VERIFY:
                return self._run_verify()
            if name != EDITOR:
                raise Refused(f"unknown tool {name!r}: use {EDITOR} or {VERIFY}")
            if not isinstance(data, Mapping):
                raise Refused("tool input must be an object")
            result = self._edit(data)
        except Refused as exc:
            result = ToolResult(f"Error: {exc}", is_error=True)
        except (OSError, UnicodeError, ValueError, RuntimeError) as exc:
            # the message may quote file names or text from the repository: data, like everything else
            result = ToolResult(f"Error: {type(exc).__name__}:\n{fence('untrusted_log', str(exc))}", True)
        return ToolResult(self.redact(result.text), result.is_error)

    def source(self, raw: str) -> tuple[str, list[str]] | None:
        """The lines of a readable text file and its repo-relative path, or None (for the first message)."""
        try:
            path, rel = self.resolve(raw)
            lines = self.read_text(path, rel).split("\n")
        except (Refused, OSError):
            return None
        return rel, lines[:-1] if lines[-1] == "" else lines  # a final newline ends the last line

    # --- paths ---------------------------------------------------------------------------------------

    def resolve(self, raw: object, write: bool = False) -> tuple[Path, str]:
        """The real path of `raw` inside the root and its repo-relative POSIX form, or Refused.

        The policy's answer for reading (or, with `write`, for writing) is asked for the path as given and
        for the resolved one: `notes.txt -> .env` is as unreadable as `.env`, and `.env -> calc.py` too.
        """
        if not isinstance(raw, str) or not raw.strip() or "\0" in raw:
            raise Refused("`path` must be a non-empty string, relative to the repository root")
        given = PurePosixPath(raw.strip())
        if ".." in given.parts:
            raise Refused(f"{raw}: '..' is not allowed; paths are relative to the repository root")
        if given.is_absolute():
            inside = [
                base for base in {self.root, Path(os.path.abspath(self.root))} if given.is_relative_to(base)
            ]
            if not inside:
                raise Refused(f"{raw}: outside the repository root; use a path relative to it")
            given = PurePosixPath(given.relative_to(inside[0]))
        try:
            target = (self.root / given).resolve()
        except (OSError, RuntimeError) as exc:  # symlink loops
            raise Refused(f"{raw}: cannot be resolved ({exc})") from exc
        if not target.is_relative_to(self.root):
            raise Refused(f"{raw}: resolves outside the repository root (through a symlink)")
        rel = target.relative_to(self.root).as_posix()
        refusal = self.files.write_refusal if write else self.files.read_refusal
        for name in dict.fromkeys((given.as_posix(), rel)):
            why = refusal(name)
            if why:
                raise Refused(f"{raw}: {why}")
        return target, rel

    # --- editor commands -----------------------------------------------------------------------------

    def _edit(self, data: Mapping[str, object]) -> ToolResult:
        command = data.get("command")
        if command not in ("view", "create", "str_replace", "insert"):
            raise Refused(f"unknown command {command!r}: use view, create, str_replace or insert")
        path, rel = self.resolve(data.get("path"), write=command != "view")
        if command == "view":
            return self._view(path, rel, data.get("view_range"))
        if command == "create":
            return self._create(path, rel, data.get("file_text"))
        if command == "str_replace":
            return self._str_replace(path, rel, data.get("old_str"), data.get("new_str", ""))
        text = data.get("new_str", data.get("insert_text"))
        return self._insert(path, rel, data.get("insert_line"), text)

    def read_text(self, path: Path, rel: str) -> str:
        if not path.is_file():
            raise Refused(f"{rel}: no such file")
        raw = path.read_bytes()
        if b"\0" in raw[:8000]:
            raise Refused(f"{rel}: binary file, not editable here")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Refused(f"{rel}: not UTF-8 text") from exc

    def _view(self, path: Path, rel: str, view_range: object) -> ToolResult:
        if path.is_dir():
            if view_range is not None:
                raise Refused("view_range applies to files, not directories")
            return ToolResult(self._listing(path, rel))
        lines = _split(self.read_text(path, rel))
        first, last = 1, len(lines)
        if view_range is not None:
            if not (
                isinstance(view_range, list)
                and len(view_range) == 2
                and all(type(n) is int for n in view_range)
            ):
                raise Refused(
                    "view_range must be [start_line, end_line] (end_line -1 for the end of the file)"
                )
            first, last = view_range[0], (len(lines) if view_range[1] == -1 else view_range[1])
            if not 1 <= first <= max(len(lines), 1) or last < first or last > len(lines):
                raise Refused(f"view_range {view_range} is outside {rel}, which has {len(lines)} lines")
        if not lines:
            return ToolResult(f"{rel} is empty")
        text, note = _numbered(lines[first - 1 : last], first), ""
        if len(text) > self.max_characters:
            text = text[: self.max_characters].rsplit("\n", 1)[0]
            note = f"\n[truncated at {self.max_characters} characters: use view_range to see more]"
        return ToolResult(f"{rel}, lines {first}-{last} of {len(lines)}:\n{fence('source_code', text)}{note}")

    def _listing(self, path: Path, rel: str) -> str:
        entries: list[str] = []
        for dirpath, dirnames, filenames in os.walk(path):
            depth = len(Path(dirpath).relative_to(path).parts)
            here = Path(dirpath).relative_to(self.root)
            # hidden entries are noise; secret files and .git/.selfheal may not even be named
            visible = sorted(d for d in dirnames if self._listed(here / d))
            dirnames[:] = visible if depth < 1 else []  # two levels: children and grandchildren
            entries += [f"{(here / d).as_posix()}/" for d in visible]
            entries += [(here / f).as_posix() for f in sorted(filenames) if self._listed(here / f)]
        entries.sort()
        shown = entries[:MAX_LISTING]
        more = (
            f"\n[{len(entries) - MAX_LISTING} more entries not shown]" if len(entries) > MAX_LISTING else ""
        )
        header = f"Files and directories in {rel} (2 levels; hidden and unreadable ones omitted):\n"
        return header + fence("source_code", "\n".join(shown)) + more

    def _listed(self, entry: Path) -> bool:
        return not entry.name.startswith(".") and self.files.read_refusal(entry.as_posix()) is None

    def _create(self, path: Path, rel: str, file_text: object) -> ToolResult:
        if not isinstance(file_text, str):
            raise Refused("create needs `file_text`")
        if path.exists():
            # a whole-file rewrite hides what changed from review: existing files are edited in place
            raise Refused(f"{rel} already exists: use str_replace or insert to change it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file_text.encode("utf-8"))
        self.edits += 1
        return ToolResult(f"Created {rel} ({len(_split(file_text))} lines)")

    def _str_replace(self, path: Path, rel: str, old: object, new: object) -> ToolResult:
        if not isinstance(old, str) or not old:
            raise Refused("str_replace needs a non-empty `old_str`")
        if not isinstance(new, str):
            raise Refused("`new_str` must be a string")
        content = self.read_text(path, rel)
        if "\r\n" in content and "\r" not in old:  # the model writes \n; keep a CRLF file CRLF
            old, new = old.replace("\n", "\r\n"), new.replace("\n", "\r\n")
        count = content.count(old)
        if count == 0:
            raise Refused(f"no match for old_str in {rel}; view the file and copy the text exactly")
        if count > 1:
            raise Refused(f"old_str matches {count} times in {rel}; include more context to make it unique")
        if old == new:
            raise Refused("old_str and new_str are the same: nothing to change")
        start = content.index(old)
        path.write_bytes(content.replace(old, new, 1).encode("utf-8"))
        self.edits += 1
        line = content.count("\n", 0, start) + 1
        return ToolResult(
            f"Edited {rel} at line {line}:\n{self._snippet(path, rel, line, new.count(chr(10)))}"
        )

    def _insert(self, path: Path, rel: str, insert_line: object, text: object) -> ToolResult:
        if type(insert_line) is not int:
            raise Refused("insert needs an integer `insert_line` (0 inserts at the top of the file)")
        if not isinstance(text, str):
            raise Refused("insert needs `new_str`, the text to insert")
        content = self.read_text(path, rel)
        lines = content.splitlines(keepends=True)
        if not 0 <= insert_line <= len(lines):
            raise Refused(f"insert_line {insert_line} is outside {rel}, which has {len(lines)} lines")
        newline = "\r\n" if "\r\n" in content else "\n"
        if lines and insert_line == len(lines) and not lines[-1].endswith("\n"):
            lines[-1] += newline
        block = text.replace("\n", newline) if newline != "\n" else text
        lines.insert(insert_line, block if block.endswith("\n") else block + newline)
        path.write_bytes("".join(lines).encode("utf-8"))
        self.edits += 1
        snippet = self._snippet(path, rel, insert_line + 1, text.count("\n"))
        return ToolResult(f"Inserted into {rel} after line {insert_line}:\n{snippet}")

    def _snippet(self, path: Path, rel: str, line: int, extra: int) -> str:
        lines = _split(self.read_text(path, rel))
        first = max(1, line - SNIPPET)
        return fence("source_code", _numbered(lines[first - 1 : line + extra + SNIPPET], first))

    # --- run_verify ----------------------------------------------------------------------------------

    def _run_verify(self) -> ToolResult:
        self.verify_runs += 1
        try:
            result = self.verify()
        except Exception as exc:  # any failure to run the check is news for the model
            why = fence("untrusted_log", f"{type(exc).__name__}: {exc}")
            return ToolResult(self.redact(f"run_verify could not run the check:\n{why}"), is_error=True)
        self.last_verify, self.edits_at_verify = result, self.edits
        return ToolResult(self.redact(describe_verify(result)))

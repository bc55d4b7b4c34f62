"""ansible-lint `fqcn[action-core]` / `fqcn[action]`: a bare module name becomes its fully qualified name.

The name comes from, in order: the FQCN the message itself suggests, when its last part is the bare name
(`Use \\`ansible.builtin.copy\\` or …`); else, for `action-core`, the table of ansible.builtin modules below.
A bare name outside the table with no suggestion is left alone: guessing a collection is not a rule's job.
The replacement is matched against a strict `namespace.collection.module` pattern, so a report cannot
smuggle other text into the file.

ansible-lint points at the module's key, or at the start of its task: the key is looked for on that line,
then on the lines of the same task. The file must still load as YAML afterwards, else it is put back.
"""

from __future__ import annotations

import re
from pathlib import Path

from emitter.report import Record

from .. import FixContext
from . import Fixed, split_lines, text_files, write_text
from .yaml_indent import loads

RULES = ("fqcn[action-core]", "fqcn[action]")
# ansible.builtin modules (and the action plugins used like them) that playbooks name bare most often
_BUILTIN_NAMES = """
    add_host apt apt_key apt_repository assemble assert async_status blockinfile command copy cron
    deb822_repository debconf debug dnf dnf5 dpkg_selections expect fail fetch file find gather_facts
    get_url getent git group group_by hostname import_playbook import_role import_tasks include_role
    include_tasks include_vars iptables known_hosts lineinfile meta mount_facts package package_facts
    pause ping pip raw reboot replace rpm_key script service service_facts set_fact set_stats setup
    shell slurp stat subversion systemd systemd_service sysvinit tempfile template unarchive uri user
    validate_argument_spec wait_for wait_for_connection yum_repository
"""
BUILTIN = frozenset(_BUILTIN_NAMES.split())
_FQCN = re.compile(r"`(?P<fqcn>[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.(?P<name>[a-z][a-z0-9_]*))`")
_NAMED = re.compile(r"\((?P<name>[a-z][a-z0-9_]*)\)")  # "Use FQCN for builtin module actions (copy)."
_KEY = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<name>[a-z][a-z0-9_]*)(?P<rest>\s*:(?:\s|$))")


def target(record: Record) -> tuple[str, str] | None:
    """(bare name, FQCN) this record asks for, or None when it cannot be known for sure."""
    first = record.message.splitlines()[0] if record.message else ""
    named = _NAMED.search(first)
    suggested = [m for m in _FQCN.finditer(record.message) if not named or m["name"] == named["name"]]
    if suggested:
        return suggested[0]["name"], suggested[0]["fqcn"]
    if record.rule == "fqcn[action-core]" and named and named["name"] in BUILTIN:
        return named["name"], f"ansible.builtin.{named['name']}"
    return None


class AnsibleFqcn:
    name = "ansible_fqcn"

    def applies(self, record: Record) -> bool:
        return record.tool == "ansible-lint" and record.rule in RULES and bool(record.file and record.line)

    def target(self, record: Record, repo: Path) -> str | None:
        return record.file

    def apply(self, repo: Path, records: list[Record], ctx: FixContext) -> list[Fixed]:
        fixed: list[Fixed] = []
        for rel, path, text, group in text_files(repo, records):
            lines = split_lines(text)
            done = []
            for record in group:
                wanted = target(record)
                index = _key_line(lines, (record.line or 0) - 1, wanted[0]) if wanted else None
                if wanted is None or index is None:
                    continue
                bare, fqcn = wanted
                key = _KEY.match(lines[index])
                assert key is not None  # _key_line found it
                lines[index] = key["lead"] + fqcn + lines[index][key.start("rest") :]
                done.append(Fixed(record, f"{rel}:{index + 1}: {bare} → {fqcn} ({record.rule})"))
            new = "".join(lines)
            if done and new != text and loads(new):
                write_text(path, new)
                fixed += done
        return fixed


def _key_line(lines: list[str], index: int, bare: str) -> int | None:
    """The line of the task at `index` whose key is `bare`: that line, or one further down the same task."""
    if not 0 <= index < len(lines):
        return None
    m = _KEY.match(lines[index])
    if m and m["name"] == bare:
        return index
    task = re.match(r"\s*-\s+", lines[index])
    if task is None:
        return None
    column = len(task.group(0))  # the task's keys line up after its dash
    for i in range(index + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        width = len(line) - len(line.lstrip(" "))
        if width < column:
            return None  # past the end of the task
        m = _KEY.match(line)
        if width == column and m and m["name"] == bare:
            return i
    return None

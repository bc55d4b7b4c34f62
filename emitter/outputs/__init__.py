"""Platform-native outputs behind `selfheal run --format NAME[=PATH]` (repeatable).

An output is a module with a `name`, a default file `suffix` (None: it writes to a stream when no path is
given) and `write(report, dest, redactor=None)`; every output redacts all text it writes (rule 5). The
registry below is explicit, reviewdog-style: adding an output means adding a module and one line here.

Default destinations sit next to the report (`.selfheal/<slug>.json`): `buildkite` →
`<slug>.annotation.md`, `codequality` → `<slug>.codequality.json`, `sarif` → `<slug>.sarif`, `json` → the
report path; `github` → stdout and `summary` → stderr. A destination of `-` means that stream.

Outputs are never fatal: `write_outputs` turns any failure into a one-line warning and goes on.
"""

from __future__ import annotations

from typing import Protocol

from ..redact import Redactor
from ..report import Report
from . import buildkite, codequality, github, json_report, sarif_out, summary


class Output(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def suffix(self) -> str | None: ...

    def write(self, report: Report, dest: str, redactor: Redactor | None = None) -> None: ...


OUTPUTS: dict[str, Output] = {
    "json": json_report,
    "buildkite": buildkite,
    "codequality": codequality,
    "sarif": sarif_out,
    "github": github,
    "summary": summary,
}


def parse_spec(spec: str) -> tuple[str, str | None]:
    """`NAME` or `NAME=PATH` → (name, path or None). Only the first `=` splits: paths may contain one."""
    name, _, path = spec.partition("=")
    return name.strip().lower(), path or None


def default_dest(output: Output, report_path: str) -> str:
    if output.suffix is None:
        return "-"
    base = report_path[: -len(".json")] if report_path.endswith(".json") else report_path
    return base + output.suffix


def write_outputs(
    report: Report, specs: list[str], report_path: str, redactor: Redactor | None = None
) -> list[str]:
    """Write each requested output; return one-line warnings for those that failed (never raises)."""
    redactor = redactor or Redactor.from_env()
    warnings: list[str] = []
    for spec in specs:
        name, path = parse_spec(spec)
        output = OUTPUTS.get(name)
        if output is None:
            warnings.append(f"unknown output format {name!r} (known: {', '.join(OUTPUTS)})")
            continue
        dest = path or default_dest(output, report_path)
        try:
            output.write(report, dest, redactor)
        except Exception as exc:  # an output that cannot be written must not fail the build step
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())
            warnings.append(redactor.redact(f"could not write {name} output to {dest}: {reason}"))
    return warnings

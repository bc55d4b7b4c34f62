"""Platform-native outputs behind `selfheal run --format NAME[=PATH]` (repeatable).

An output is a module with a `name`, a default file `suffix` (None: it writes to a stream when no path is
given) and `write(report, dest, redactor=None)`; every output redacts all text it writes (rule 5). The
registry below is explicit, reviewdog-style: adding an output means adding a module and one line here.
Each module is imported when first asked for: the annotation's and SARIF's code is not `selfheal run`'s
to load unless it writes them.

Default destinations sit next to the report (`.selfheal/<slug>.json`): `buildkite` →
`<slug>.annotation.md`, `codequality` → `<slug>.codequality.json`, `sarif` → `<slug>.sarif`, `json` → the
report path; `github` → stdout and `summary` → stderr. A destination of `-` means that stream.

Outputs are never fatal: `write_outputs` turns any failure into a one-line warning and goes on.

`selfheal run` hands over its report in light form (emitter/light.py). An output that can write it as it
is says so with `reads_light = True` (the report file, the summary); the others get the pydantic Report,
built once when the first of them needs it, so a run without `--format` never imports pydantic.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Protocol, TypeGuard, cast

from ..light import Document, as_dict
from ..redact import Redactor

if TYPE_CHECKING:
    from ..report import Report


class Output(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def suffix(self) -> str | None: ...

    def write(self, report: Report, dest: str, redactor: Redactor | None = None) -> None: ...


class ReadsLight(Output, Protocol):
    """An optional ability: the output writes the light Document too (it says `reads_light = True`)."""

    @property
    def reads_light(self) -> bool: ...

    def write(self, report: Report | Document, dest: str, redactor: Redactor | None = None) -> None: ...


_MODULES = {
    "json": "json_report",
    "buildkite": "buildkite",
    "codequality": "codequality",
    "sarif": "sarif_out",
    "github": "github",
    "summary": "summary",
}

if TYPE_CHECKING:  # mypy holds each module to the protocol; at run time they come in when asked for
    from . import buildkite, codequality, github, json_report, sarif_out, summary

    _TYPED: tuple[Output, ...] = (json_report, buildkite, codequality, sarif_out, github, summary)


class _Registry(Mapping[str, Output]):
    """Name → output module, imported on first access."""

    def __getitem__(self, name: str) -> Output:
        return cast("Output", importlib.import_module(f"{__name__}.{_MODULES[name]}"))

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


OUTPUTS: Mapping[str, Output] = _Registry()


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
    report: Report | Document, specs: list[str], report_path: str, redactor: Redactor | None = None
) -> list[str]:
    """Write each requested output; return one-line warnings for those that failed (never raises)."""
    redactor = redactor or Redactor.from_env()
    warnings: list[str] = []
    model: Report | None = None
    for spec in specs:
        name, path = parse_spec(spec)
        output = OUTPUTS.get(name)
        if output is None:
            warnings.append(f"unknown output format {name!r} (known: {', '.join(OUTPUTS)})")
            continue
        dest = path or default_dest(output, report_path)
        try:
            if isinstance(report, Document) and _reads_light(output):
                output.write(report, dest, redactor)
            else:
                model = model or _model(report)
                output.write(model, dest, redactor)
        except Exception as exc:  # an output that cannot be written must not fail the build step
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())
            warnings.append(redactor.redact(f"could not write {name} output to {dest}: {reason}"))
    return warnings


def _reads_light(output: Output) -> TypeGuard[ReadsLight]:
    return getattr(output, "reads_light", False) is True


def _model(report: Report | Document) -> Report:
    if not isinstance(report, Document):
        return report
    from ..report import Report

    return Report.model_validate(as_dict(report))

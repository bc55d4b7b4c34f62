"""How the configuration layers combine into the one model (`fixer/config.py`), and where each value came from.

Trusted layers, lowest first: the model's defaults, the default branch's `.selfheal.yml` (read from the remote
by the caller), an operator's `--config FILE`, the run's SELFHEAL_* variables, command-line flags. The branch
under repair's own `.selfheal.yml` comes last and may only tighten (`fixer/policy.py` owns that rule). The
model's hard ceilings bound every source. Bad input anywhere is one UsageError naming every problem's origin.
`fixer.config` re-exports the public names here (Loaded, resolve, describe, load).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict, SettingsError

from emitter.errors import UsageError

from . import policy
from .config import (
    CONFIG_FILE,
    ENV_ALIASES,
    ENV_NESTED,
    ENV_PREFIX,
    LEAVES,
    MAX_CONFIG_BYTES,
    MAX_PROBLEMS_SHOWN,
    PRICES,
    SCALARS,
    Config,
    Leaves,
    Path_,
    _flatten,
    _unflatten,
)


@dataclass(frozen=True)
class Loaded:
    config: Config
    sources: dict[str, str]  # dotted setting (prices: per model) -> the layer its value came from
    notes: list[str]  # one line per branch setting that was ignored or clamped, with why


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in path)


def _origin(path: tuple[Any, ...], names: Mapping[Path_, str]) -> tuple[str, Path_]:
    """The name (file, variable, flag) whose setting path shares the longest prefix with `path`."""

    def shared(candidate: Path_) -> int:
        count = 0
        while count < min(len(candidate), len(path)) and candidate[count] == path[count]:
            count += 1
        return count

    best = max(names, key=shared, default=())
    if best not in names:  # no layer claims it; cannot happen for a layer that produced values
        return "configuration", ()
    return names[best], best


def _validate(data: Mapping[str, Any], names: Mapping[Path_, str], problems: list[str]) -> Leaves | None:
    try:
        return _flatten(Config.model_validate(data).model_dump(exclude_unset=True))
    except ValidationError as exc:
        for err in exc.errors():
            name, at = _origin(err["loc"], names)
            where = "" if err["loc"] == at else f"{_dotted(err['loc'])}: "
            problems.append(f"{name}: {where}{err['msg']}")
        return None


class _EnvNames(BaseSettings, Config):
    """Config's fields under the SELFHEAL_* naming scheme. Never instantiated: that would read os.environ."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_nested_delimiter=ENV_NESTED)


class _MappingEnvSource(EnvSettingsSource):
    """pydantic-settings' environment source over the run's env mapping instead of `os.environ`."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ  # read by _load_env_vars, which the base constructor calls
        super().__init__(_EnvNames, case_sensitive=False, env_ignore_empty=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items() if value != ""}

    def decode_complex_value(self, field_name: str, field: FieldInfo | None, value: Any) -> Any:
        if field is not None and get_origin(field.annotation) is list and not value.lstrip().startswith("["):
            return [part.strip() for part in value.split(",") if part.strip()]  # `main,release/*`
        try:
            return json.loads(value)
        except ValueError:  # left to validation, which names the type it wanted
            return value


def _env_layer(env: Mapping[str, str], problems: list[str]) -> tuple[Leaves, dict[Path_, str]] | None:
    ours = {name: value for name, value in env.items() if name.upper().startswith(ENV_PREFIX) and value != ""}
    names: dict[Path_, str] = {}
    for name, value in list(ours.items()):
        path = tuple(name[len(ENV_PREFIX) :].lower().split(ENV_NESTED))
        if name.upper() in ENV_ALIASES:
            path = LEAVES[ENV_ALIASES[name.upper()]]
            canonical = ENV_PREFIX + ENV_NESTED.join(path).upper()
            del ours[name]
            if any(other.upper() == canonical for other in ours):
                continue  # the long name wins
            ours[canonical] = value
        if path not in SCALARS and value.lstrip()[:1] in ("[", "{"):  # SELFHEAL_VERIFY='[ -f x ]' is no JSON
            try:
                json.loads(value)
            except json.JSONDecodeError as exc:
                problems.append(f"env {name}: not valid JSON ({exc.msg}, column {exc.colno})")
                ours.pop(ENV_PREFIX + ENV_NESTED.join(path).upper() if name.upper() in ENV_ALIASES else name)
                continue
        names[path] = f"env {name}"
    try:
        data = _MappingEnvSource(ours)()
    except SettingsError as exc:  # decoding is lenient above, so this is pydantic-settings' own surprise
        problems.append(f"environment: {exc}")
        return None
    if not data:
        return {}, names
    leaves = _validate(data, names, problems)
    return None if leaves is None else (leaves, names)


def _parse_yaml(text: str, label: str, problems: list[str]) -> dict[str, Any] | None:
    import yaml

    if len(text.encode("utf-8", "replace")) > MAX_CONFIG_BYTES:
        problems.append(f"{label}: larger than {MAX_CONFIG_BYTES // 1024} KiB, refused")
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(f"{label}: not valid YAML" + (f" (line {mark.line + 1})" if mark is not None else ""))
        return None
    except RecursionError:
        problems.append(f"{label}: not valid YAML (nested too deeply)")
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{label}: expected a mapping of settings, not a {type(data).__name__}")
        return None
    return data


def _read(path: Path, label: str, problems: list[str]) -> str | None:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)  # bounded: never slurp a huge or endless file
        return raw.decode("utf-8")
    except OSError as exc:
        problems.append(f"{label}: cannot read ({exc.strerror})")
    except UnicodeDecodeError:
        problems.append(f"{label}: not UTF-8 text")
    return None


def _file_layer(text: str | None, label: str, problems: list[str]) -> tuple[Leaves, dict[Path_, str]] | None:
    data = None if text is None else _parse_yaml(text, label, problems)
    leaves = None if data is None else _validate(data, {(): label}, problems)
    return None if leaves is None else (leaves, {(): label})


def _branch_layer(text: str, label: str, problems: list[str]) -> dict[str, Any] | None:
    """The branch's settings by dotted name; a value past its ceiling is kept raw for the policy to refuse."""
    data = _parse_yaml(text, label, problems)
    if data is None:
        return None
    over: dict[str, Any] = {}
    try:
        Config.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            if err["type"] == "less_than_equal" and _dotted(err["loc"]) in LEAVES:
                over[_dotted(err["loc"])] = err["input"]
                node: Any = data
                for part in err["loc"][:-1]:
                    node = node[part]
                del node[err["loc"][-1]]
    leaves = _validate(data, {(): label}, problems)
    return None if leaves is None else {**{_dotted(p): v for p, v in leaves.items()}, **over}


def _flag_layer(flags: Mapping[str, Any], problems: list[str]) -> tuple[Leaves, dict[Path_, str]] | None:
    given = {key: value for key, value in flags.items() if value is not None}  # None: flag not given
    names = {tuple(key.split(".")): "flag --" + key.split(".")[-1].replace("_", "-") for key in given}
    data = _unflatten({tuple(key.split(".")): value for key, value in given.items()})
    leaves = _validate(data, names, problems) if data else {}
    return None if leaves is None else (leaves, names)


def _apply(values: Leaves, sources: dict[str, str], leaves: Leaves, names: Mapping[Path_, str]) -> None:
    """A trusted layer over the ones below it; a price table merges per model."""
    for path, value in leaves.items():
        if path == PRICES:
            values[path] = {**values[path], **value}
            sources.update({f"{_dotted(path)}.{m}": _origin((*path, m), names)[0] for m in value})
        else:
            values[path] = value
            sources[_dotted(path)] = _origin(path, names)[0]


def _tighten(values: Leaves, sources: dict[str, str], branch: Mapping[str, Any], label: str) -> list[str]:
    result = policy.tighten({_dotted(p): v for p, v in values.items()}, branch, label)
    for key, value in result.changes.items():
        path = LEAVES[key]
        if path == PRICES:
            for model in (m for m in value if value[m] != values[path].get(m)):
                sources[f"{key}.{model}"] += f" + {label}"
        else:
            sources[key] = f"{sources[key]} + {label}" if key in policy.COMBINED else label
        values[path] = value
    return result.notes


def _fail(problems: list[str]) -> UsageError:
    if len(problems) == 1:
        return UsageError(problems[0])
    shown = problems[:MAX_PROBLEMS_SHOWN]
    more = [f"… and {len(problems) - len(shown)} more"] if len(problems) > len(shown) else []
    return UsageError("\n  ".join([f"configuration has {len(problems)} problems:", *shown, *more]))


def resolve(
    root: Path,
    env: Mapping[str, str],
    flags: Mapping[str, Any] | None = None,
    config_file: Path | None = None,
    default_branch_text: str | None = None,
    branch_text: str | None = None,
    default_branch_label: str = "default branch .selfheal.yml",
    branch_label: str = ".selfheal.yml (branch)",
) -> Loaded:
    """The effective configuration, where each value came from, and what the branch asked for in vain.

    `env` is the run's environment (the process's is never read); `flags` maps dotted settings to values
    (None = not given); `branch_text` None reads `root/.selfheal.yml` when it exists.
    """
    root, config_file = Path(root), (None if config_file is None else Path(config_file))
    problems: list[str] = []
    trusted: list[tuple[Leaves, Mapping[Path_, str]] | None] = []
    tightening: list[tuple[str, str | None]] = []  # (label, text) of the layers the branch controls
    if default_branch_text is not None:
        trusted.append(_file_layer(default_branch_text, default_branch_label, problems))
    if config_file is not None:
        label = f"--config {config_file}"
        if not config_file.is_file():
            problems.append(f"config file not found: {config_file}")
        elif config_file.resolve().is_relative_to(root.resolve()):
            # a file in the checkout is written by the branch under repair, whoever names it
            tightening.append(
                (f"{label} (in the checkout: tightening only)", _read(config_file, label, problems))
            )
        else:
            trusted.append(_file_layer(_read(config_file, label, problems), label, problems))
    trusted += [_env_layer(env, problems), _flag_layer(flags or {}, problems)]
    tightening.append(
        (branch_label, _branch_file(root, branch_label, problems) if branch_text is None else branch_text)
    )
    wanted = [(label, _branch_layer(text, label, problems)) for label, text in tightening if text is not None]
    if problems:
        raise _fail(problems)
    values = _flatten(Config().model_dump())
    sources = {key: "default" for key in _describe_keys(values)}
    for layer in filter(None, trusted):
        _apply(values, sources, *layer)
    notes = [note for label, branch in wanted for note in _tighten(values, sources, branch or {}, label)]
    try:
        return Loaded(config=Config.model_validate(_unflatten(values)), sources=sources, notes=notes)
    except ValidationError as exc:  # each layer was valid alone: only a combination could fail here
        raise _fail([f"configuration: {_dotted(e['loc'])}: {e['msg']}" for e in exc.errors()]) from None


def _branch_file(root: Path, label: str, problems: list[str]) -> str | None:
    path = root / CONFIG_FILE
    if path.is_symlink():  # the branch could point it anywhere on the machine (or at /dev/zero)
        problems.append(f"{label}: is a symbolic link, not followed")
        return None
    return _read(path, label, problems) if path.exists() else None


def _describe_keys(values: Leaves) -> dict[str, Any]:
    """Every leaf by dotted name, the price table one line per model."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        if path == PRICES:
            out.update({f"{_dotted(path)}.{m}": p for m, p in value.items()})
        else:
            out[_dotted(path)] = value
    return out


def describe(loaded: Loaded) -> str:
    """The effective configuration for `selfheal fix --dry-run`: `key: value  # source` per leaf, then notes."""
    values = _describe_keys(_flatten(loaded.config.model_dump()))
    lines = [
        f"{key}: {json.dumps(value)}  # {loaded.sources.get(key, 'default')}" for key, value in values.items()
    ]
    return "\n".join(lines + [f"# {note}" for note in loaded.notes]) + "\n"


def load(
    root: str | Path,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    path: str | Path | None = None,
) -> Config:
    """The old entry point: `resolve(...).config`. `env` None means an empty environment, never os.environ."""
    config_file = Path(path) if path else None
    return resolve(Path(root), env or {}, overrides, config_file).config

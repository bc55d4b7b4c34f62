"""A working stand-in for the `buildkite-agent` CLI, for end-to-end builds on this machine.

Where the bats tests use stubs that verify each call, a whole build needs an agent that keeps state between
jobs: artifacts uploaded by one job and downloaded by another, build meta-data, annotations by context,
uploaded pipeline steps. Everything lives under $FAKE_BUILDKITE_STORE; the current job is $BUILDKITE_JOB_ID,
and a step key resolves to its jobs through $FAKE_BUILDKITE_STORE/steps.json. `install(bin_dir)` puts an
executable `buildkite-agent` there. Only the subcommands and flags selfheal uses are understood; anything
else exits 2, as the real CLI does for a bad call.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import stat
import sys
from pathlib import Path


def install(bin_dir: Path) -> Path:
    bin_dir.mkdir(parents=True, exist_ok=True)
    shim = bin_dir / "buildkite-agent"
    shim.write_text(f"#!/bin/sh\nexec '{sys.executable}' '{Path(__file__).resolve()}' \"$@\"\n")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return shim


def _store() -> Path:
    return Path(os.environ["FAKE_BUILDKITE_STORE"])


def _load(name: str, default: object) -> object:
    path = _store() / name
    return json.loads(path.read_text()) if path.exists() else default


def _save(name: str, data: object) -> None:
    path = _store() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))


def _flags(args: list[str], *names: str) -> tuple[list[str], dict[str, str | bool]]:
    """Positional arguments, and the given flags (`--x value`, `--x=value`, or a bare switch)."""
    positional: list[str] = []
    flags: dict[str, str | bool] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--"):
            key, eq, value = arg[2:].partition("=")
            if eq:
                flags[key] = value
            elif key in names and i + 1 < len(args):
                flags[key] = args[i + 1]
                i += 1
            else:
                flags[key] = True
        else:
            positional.append(arg)
        i += 1
    return positional, flags


def _log(entry: dict[str, object]) -> None:
    calls = _load("calls.json", [])
    assert isinstance(calls, list)
    calls.append({"job": os.environ.get("BUILDKITE_JOB_ID"), **entry})
    _save("calls.json", calls)


def artifact_upload(args: list[str]) -> int:
    positional, _ = _flags(args)
    job = os.environ["BUILDKITE_JOB_ID"]
    cwd = Path.cwd()
    count = 0
    for pattern in positional[0].split(";"):
        for path in cwd.glob(pattern):
            if path.is_file():
                rel = path.relative_to(cwd).as_posix()
                target = _store() / "artifacts" / job / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                count += 1
    _log({"call": "artifact upload", "pattern": positional[0], "files": count})
    return 0


def artifact_download(args: list[str]) -> int:
    positional, flags = _flags(args, "step", "build")
    pattern, dest = positional[0], Path(positional[1])
    step = flags.get("step")
    steps = _load("steps.json", {})
    assert isinstance(steps, dict)
    jobs = steps.get(step, [step]) if isinstance(step, str) else os.listdir(_store() / "artifacts")
    found = 0
    for job in jobs:
        root = _store() / "artifacts" / str(job)
        for path in root.rglob("*") if root.is_dir() else []:
            rel = path.relative_to(root).as_posix()
            if path.is_file() and fnmatch.fnmatch(rel, pattern):
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                found += 1
    _log({"call": "artifact download", "pattern": pattern, "step": step, "files": found})
    if not found:
        sys.stderr.write("fatal: failed to download artifacts: No artifacts found for downloading\n")
        return 1
    return 0


def meta_data(args: list[str]) -> int:
    action, key, *rest = args
    data = _load("meta-data.json", {})
    assert isinstance(data, dict)
    if action == "exists":
        return 0 if key in data else 100
    if action == "get":
        if key not in data:
            sys.stderr.write(f'fatal: failed to get meta-data: No key "{key}" found\n')
            return 1
        sys.stdout.write(data[key])
        return 0
    if action == "set":
        data[key] = rest[0] if rest else sys.stdin.read()
        _save("meta-data.json", data)
        _log({"call": "meta-data set", "key": key})
        return 0
    return 2


def annotate(args: list[str]) -> int:
    positional, flags = _flags(args, "style", "context")
    body = positional[0] if positional else sys.stdin.read()
    context = str(flags.get("context", "default"))
    annotations = _load("annotations.json", {})
    assert isinstance(annotations, dict)
    previous = annotations.get(context, {}).get("body", "") if flags.get("append") else ""
    annotations[context] = {"style": flags.get("style", "default"), "body": previous + body}
    _save("annotations.json", annotations)
    _log({"call": "annotate", "context": context, "style": flags.get("style")})
    return 0


def pipeline_upload(args: list[str]) -> int:
    positional, flags = _flags(args)
    text = Path(positional[0]).read_text() if positional else sys.stdin.read()
    uploads = _load("pipelines.json", [])
    assert isinstance(uploads, list)
    uploads.append(
        {
            "job": os.environ.get("BUILDKITE_JOB_ID"),
            "yaml": text,
            "no_interpolation": bool(flags.get("no-interpolation")),
        }
    )
    _save("pipelines.json", uploads)
    _log({"call": "pipeline upload"})
    return 0


def main(argv: list[str]) -> int:
    if argv[:2] == ["artifact", "upload"]:
        return artifact_upload(argv[2:])
    if argv[:2] == ["artifact", "download"]:
        return artifact_download(argv[2:])
    if argv[:1] == ["meta-data"]:
        return meta_data(argv[1:])
    if argv[:1] == ["annotate"]:
        return annotate(argv[1:])
    if argv[:2] == ["pipeline", "upload"]:
        return pipeline_upload(argv[2:])
    sys.stderr.write(f"buildkite-agent (fake): unknown call {argv}\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

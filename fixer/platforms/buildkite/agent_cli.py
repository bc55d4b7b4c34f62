"""A thin wrapper over the `buildkite-agent` CLI: annotations, artifacts, meta-data, pipeline upload.

The agent finds the job through its own variables (BUILDKITE_AGENT_ACCESS_TOKEN, BUILDKITE_JOB_ID, …), so
every call runs with the mapping the object was built with, never a stripped one. Bodies and pipelines go on
stdin: a command line is visible to every process on the machine and is limited in size. A failed call is
an AgentError with one readable line; the callers decide whether it matters.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

PROGRAM = "buildkite-agent"
TIMEOUT_S = 600.0  # the agent retries its API calls itself; this only stops a call that hangs for good
META_DATA_ABSENT = 100  # `meta-data exists`: the key is not set
NO_ARTIFACTS = "No artifacts found"
GROUPS = ("artifact", "meta-data", "pipeline")  # subcommands named by two words


class AgentError(Exception):
    """A `buildkite-agent` call failed; the message is one line."""


class AgentCLI:
    def __init__(self, env: Mapping[str, str], program: str = PROGRAM, timeout_s: float = TIMEOUT_S) -> None:
        self.env = dict(env)
        self.program = program
        self.timeout_s = timeout_s

    def annotate(self, body: str, context: str, style: str, append: bool = False) -> None:
        args = ["annotate", "--style", style, "--context", context]
        self._check([*args, "--append"] if append else args, body)

    def artifact_upload(self, pattern: str, cwd: Path | str) -> None:
        self._check(["artifact", "upload", pattern], cwd=cwd)

    def artifact_download(
        self, pattern: str, dest: Path | str, step: str | None = None, build: str | None = None
    ) -> bool:
        """True when something was downloaded, False when nothing matched; other failures raise."""
        args = ["artifact", "download", pattern, str(dest)]
        if step:
            args += ["--step", step]
        if build:
            args += ["--build", build]
        done = self._run(args)
        if done.returncode == 0:
            return True
        if NO_ARTIFACTS.lower() in done.stderr.lower():
            return False
        raise AgentError(self._failure(args, done))

    def meta_data_exists(self, key: str) -> bool:
        args = ["meta-data", "exists", key]
        done = self._run(args)
        if done.returncode in (0, META_DATA_ABSENT):
            return done.returncode == 0
        raise AgentError(self._failure(args, done))

    def meta_data_set(self, key: str, value: str) -> None:
        self._check(["meta-data", "set", key], value)  # on stdin: values may be large or multi-line

    def meta_data_get(self, key: str) -> str | None:
        """The value, or None when the key is not set (`get` alone cannot tell absent from failed)."""
        if not self.meta_data_exists(key):
            return None
        return self._check(["meta-data", "get", key])

    def pipeline_upload(self, yaml_text: str) -> None:
        # No interpolation: the text is ours and final; `$` in a label or a verify command stays itself
        # instead of being expanded (or rejected) by the agent with this job's environment.
        self._check(["pipeline", "upload", "--no-interpolation"], yaml_text)

    def _check(self, args: Sequence[str], stdin: str | None = None, cwd: Path | str | None = None) -> str:
        done = self._run(args, stdin, cwd)
        if done.returncode != 0:
            raise AgentError(self._failure(args, done))
        return done.stdout

    def _run(
        self, args: Sequence[str], stdin: str | None = None, cwd: Path | str | None = None
    ) -> subprocess.CompletedProcess[str]:
        program = shutil.which(self.program, path=self.env.get("PATH"))
        if program is None:
            raise AgentError(f"{self.program} not found on PATH")
        try:
            # stdin is always given: an inherited one could be a pipe that never closes
            return subprocess.run(
                [program, *args],
                input=stdin if stdin is not None else "",
                capture_output=True,
                text=True,
                errors="replace",
                env=self.env,
                cwd=cwd,
                timeout=self.timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise AgentError(f"{self.program} {args[0]} did not finish in {self.timeout_s:.0f}s") from exc
        except OSError as exc:
            raise AgentError(f"{self.program} {args[0]}: {exc.strerror or exc}") from exc

    def _failure(self, args: Sequence[str], done: subprocess.CompletedProcess[str]) -> str:
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        reason = lines[-1][:300] if lines else "no output"
        words = args[:2] if args[0] in GROUPS else args[:1]
        return f"{self.program} {' '.join(words)} failed ({done.returncode}): {reason}"

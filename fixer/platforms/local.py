"""The local platform: reports from a folder, any git remote, retry = rerun the command, outcome on stderr.
Powers `selfheal demo`; everything it does is the shared base."""

from __future__ import annotations

from .base import GitPlatform


class LocalPlatform(GitPlatform):
    name = "local"

"""The emitter: wraps a build step and turns its output into a `selfheal.report/v1` document."""

__version__ = "0.1.0"

"""Errors that mean the user asked for something we cannot do: one line on stderr, exit code 2."""

USAGE_ERROR = 2  # the exit code of every usage error, `selfheal parse`'s unreadable inputs included


class UsageError(Exception):
    pass

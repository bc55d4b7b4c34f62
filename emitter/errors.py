"""Errors that mean the user asked for something we cannot do: one line on stderr, exit code 2."""


class UsageError(Exception):
    pass

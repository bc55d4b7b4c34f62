"""Greetings."""


def banner(name: str) -> str:
    title = "Welcome"
    return f"{title}, {name}!"

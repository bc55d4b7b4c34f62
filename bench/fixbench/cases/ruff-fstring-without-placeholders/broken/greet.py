"""Greetings."""


def banner(name: str) -> str:
    title = f"Welcome"
    return f"{title}, {name}!"

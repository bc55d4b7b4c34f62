"""Email bodies."""

# RFC 3676: the signature follows a line that is exactly "-- "
FOOTER = "-- \nSent by the shop.\n"


def body(text: str) -> str:
    return text + "\n" + FOOTER

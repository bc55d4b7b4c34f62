"""Email bodies."""

# RFC 3676: the signature follows a line that is exactly "-- "
FOOTER = """\
-- 
Sent by the shop.
"""


def body(text: str) -> str:
    return text + "\n" + FOOTER

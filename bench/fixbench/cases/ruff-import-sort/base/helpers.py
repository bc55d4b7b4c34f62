def slug(name: str) -> str:
    return name.lower().replace(" ", "-")

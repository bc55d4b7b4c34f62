def slugify(title: str) -> str:
    return "_".join(title.upper().split())

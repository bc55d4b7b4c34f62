"""Where uploads are kept."""


def upload_path(root: str, name: str) -> str:
    return root.rstrip("/") + "/" + name

"""Settings files."""

import json

import tomli_w


def save(settings: dict[str, object]) -> str:
    return tomli_w.dumps(settings)


if __name__ == "__main__":
    print(save({"debug": False}))

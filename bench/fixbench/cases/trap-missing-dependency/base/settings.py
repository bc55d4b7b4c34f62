"""Settings files."""

import json


def save(settings: dict[str, object]) -> str:
    return json.dumps(settings, indent=2)


if __name__ == "__main__":
    print(save({"debug": False}))

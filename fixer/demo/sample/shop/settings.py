"""Loads the shop's settings from config/shop.yaml."""

from pathlib import Path

import yaml

CONFIG = Path(__file__).resolve().parent.parent / "config" / "shop.yaml"


def load() -> dict:
    with CONFIG.open() as fh:
        return yaml.safe_load(fh)

"""Where files go."""

import sys
from helpers import slug
from pathlib import Path
import os


def target(name: str) -> Path:
    return Path(os.getcwd()) / slug(name) / sys.platform

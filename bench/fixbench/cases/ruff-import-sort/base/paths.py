"""Where files go."""

import os
import sys
from pathlib import Path

from helpers import slug


def target(name: str) -> Path:
    return Path(os.getcwd()) / slug(name) / sys.platform

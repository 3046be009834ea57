"""Development settings: the default for ``manage.py`` and the test suite.

DEBUG defaults to on here so that a fresh clone runs with no configuration at all.
"""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403
from .base import STATIC_ROOT

# WhiteNoise serves static files from the finders in development; it only needs the directory.
STATIC_ROOT.mkdir(exist_ok=True)

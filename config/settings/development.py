"""Development settings: the default of ``manage.py`` (``make run``) and of the test suite.

DEBUG defaults to on here, and a development secret key stands in when none is set, so that a
fresh clone runs with no configuration at all.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=True)

if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=1 for a "
            "development key."
        )
    SECRET_KEY = "development-only-not-secret-" + "x" * 32

# WhiteNoise serves static files from the finders in development and reads no collected files.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

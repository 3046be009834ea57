"""Production settings: refuse to start without a real secret and a real database."""

import os

from django.core.exceptions import ImproperlyConfigured

_missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need " + " and ".join(_missing) + " in the environment; "
        "see .env.example."
    )
os.environ["DEBUG"] = "0"

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

"""Production settings: refuse to start without a real secret and a real database; never debug;
HTTPS only (HSTS, a redirect, secure cookies); persistent database connections; JSON logs;
Sentry when ``SENTRY_DSN`` is set.

This module reads the environment and never writes to it. ``python manage.py check --deploy
--fail-level WARNING`` passes with it (tests/test_settings.py runs it).
"""

import os

from django.core.exceptions import ImproperlyConfigured

_missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need " + " and ".join(_missing) + " in the environment; "
        "see .env.example."
    )

from .base import *  # noqa: E402, F403
from .base import DATABASES, LOG_LEVEL, NUM_PROXIES, env, logging_config  # noqa: E402

DEBUG = False

# HTTPS only. Behind a proxy that ends TLS (NUM_PROXIES > 0), its X-Forwarded-Proto says whether
# the client used HTTPS; with no proxy, no client-supplied header is trusted.
if NUM_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The health check answers over plain HTTP: orchestrators probe the container directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Persistent connections, checked before reuse (base.py sets CONN_HEALTH_CHECKS): opening a
# connection per request costs the tally about a third of its throughput (docs/BENCHMARKS.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

# Errors to Sentry only when a DSN is given; no personal data is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

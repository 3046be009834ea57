"""Settings shared by every environment, read from the environment (see ``.env.example``).

``development`` and ``production`` import this module and decide what it leaves open: whether
DEBUG may be on and where the secret key comes from. The embedded defaults serve a newcomer:
with no ``DATABASE_URL`` the app uses an SQLite file under ``var/`` (``make run`` creates the
folder); with no ``REDIS_URL`` Celery tasks run in-process and the cache is local memory.

Importing a settings module changes nothing outside it: it makes no folder and leaves
``os.environ`` as it is (a ``.env`` file is read into this module's own copy). The one exception
is ``django_stubs_ext.monkeypatch()``, which only makes Django's generic classes subscriptable.
"""

import datetime as dt
import os
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
import structlog
from csp.constants import NONCE, NONE, SELF

# Django's generic classes (ModelAdmin, ModelForm, the inlines and formsets) subscriptable at
# run time, as their stubs are: admin.ModelAdmin[Draft].
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


class _Env(environ.Env):  # type: ignore[misc]  # stub gap: django-environ ships no types, Env is Any
    # A copy of the environment: reading ``.env`` fills it, never the process's own.
    ENVIRON = dict(os.environ)


env = _Env()
_Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Empty here: ``development`` supplies a development key, ``production`` refuses to start.
SECRET_KEY = env.str("SECRET_KEY", default="")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_structlog",
    "simple_history",
    "members",
    "resolutions",
    "votes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who made each change, for the audit trail (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A request id bound to every log line of the request (and to the tasks it sends).
    "django_structlog.middlewares.RequestMiddleware",
    # Last, as django-axes asks: refuses sign-ins from a locked-out user and address.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
        }
    }
# Persistent connections are checked before each request reuses them, so a connection the
# server dropped (a restart, pg_terminate_backend) is replaced instead of failing the request.
# Development keeps one connection per request; production persists them (production.py).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# With persistent connections, the tally's and projection's one-draft state queries are
# prepared once per connection (votes.projections._prepared). Off behind a pooler in
# transaction mode, which hands one database session to many clients.
STATE_QUERY_PREPARED = env.bool("STATE_QUERY_PREPARED", default=True)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request (and /healthz) instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT_SECONDS", default=3)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []


# Redis: the Celery broker, the cache and the rate limits' counts. Unset, tasks run in-process
# and the cache and counts are local to the process.
#
# Every Redis call is bounded: a Redis that is down or hung costs a request one short timeout,
# after which api.redis_guard skips Redis for REDIS_RETRY_AFTER_SECONDS (the cache answers
# misses, the rate limits count locally, a refresh is left for the periodic repair). A saved
# position never waits for Redis beyond that. docs/OPERATIONS.md describes each failure.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
REDIS_RETRY_AFTER_SECONDS = env.float("REDIS_RETRY_AFTER_SECONDS", default=5.0)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "api.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
# Each process keeps the tally and projection bodies it served last in front of the shared
# cache (``api.cache.body``): their keys name the state they were computed from, so a copy is
# never out of date, and a hit saves a Redis round trip on every read.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "bodies",
    "OPTIONS": {"MAX_ENTRIES": 500},
}

CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Nothing reads task results (requests never consult the result backend): none are stored.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
# A task is acknowledged when it is done, so a worker killed mid-task leaves it in the queue;
# Redis hands an unacknowledged task to another worker once CELERY_VISIBILITY_TIMEOUT_SECONDS
# have passed, checked every few seconds. Tasks are stopped well before that (the time limits),
# so a task still running is never handed out twice. The refresh is idempotent either way.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=1)
CELERY_VISIBILITY_TIMEOUT_SECONDS = env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=30)
CELERY_TASK_TIME_LIMIT = max(1, CELERY_VISIBILITY_TIMEOUT_SECONDS - 5)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_VISIBILITY_TIMEOUT_SECONDS - 10)
# Publishing: short timeouts and at most one quick retry, so sending a task never holds a
# request for long; a task that could not be sent leaves the projection stale for the repair.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker outlives a Redis restart
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS,
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    # Above the broker's one-second blocking pop, which a worker waits on by design.
    "socket_timeout": max(REDIS_TIMEOUT_SECONDS, 2.0),
    "retry_on_timeout": False,
    "max_retries": 1,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT_SECONDS
# Workers write a heartbeat to Redis (config/celery.py) that /healthz reads.
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=10)
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env.int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", default=30)

# The REST API (api/): tokens for REST clients, sessions (with CSRF) for browsers.
API_PUBLIC_READ = env.bool("API_PUBLIC_READ", default=False)
# PATCH of a draft or a term must send If-Match with the ETag it read (else 428).
API_REQUIRE_IF_MATCH = env.bool("API_REQUIRE_IF_MATCH", default=True)
# History is read in the admin, never reverted there: a revert would skip a save's checks.
SIMPLE_HISTORY_REVERT_DISABLED = True
API_RATE_ANON = env.str("API_RATE_ANON", default="120/minute")
API_RATE_USER = env.str("API_RATE_USER", default="1200/minute")
# How many reverse proxies stand in front of the app. 0: the client's address is the TCP peer's,
# and X-Forwarded-For is ignored (anyone can write it). n > 0: the n-th address from the right
# of X-Forwarded-For, the one the outermost proxy saw. The rate limits and sign-in lockouts
# both count by this address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOrEdit"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.UserThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": "format",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.Negotiation",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "UN Security Council sanctions tracker API",
    "DESCRIPTION": (
        "Tallies, exact projections and recorded votes on Security Council sanctions drafts.\n\n"
        "Authenticate with the header `Authorization: Token <your token>` (REST clients; the "
        "Authorize button takes the whole value `Token <your token>`) or a session (browsers, "
        "with CSRF). Errors are JSON: `{detail, code, errors: [{field, message, code}]}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OutcomeEnum": ["adopted", "vetoed", "failed"],
        "StanceEnum": "votes.models.Stance",
        "VoteEnum": "votes.models.Vote",
        "VoteKindEnum": "votes.models.VoteKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# Logs: structlog renders every line, ours and the libraries', with the request id that
# django-structlog binds to each request. LOG_FORMAT=json (production's default) writes one JSON
# object a line; console is for people.
LOG_FORMAT = env.str("LOG_FORMAT", default="console")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
_LOG_PRE_CHAIN = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ExtraAdder(),
]


def logging_config(log_format: str, level: str) -> dict[str, object]:
    """The LOGGING dict for ``json`` or ``console`` lines at ``level``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.dict_tracebacks,
                    structlog.processors.JSONRenderer(),
                ],
                "foreign_pre_chain": _LOG_PRE_CHAIN,
            },
            "console": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.dev.ConsoleRenderer(colors=False),
                ],
                "foreign_pre_chain": _LOG_PRE_CHAIN,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
        # Django's own loggers only propagate to the root handler, so nothing is printed twice.
        "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
    }


LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.UnicodeDecoder(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
# Tasks sent from a request log with its request id.
DJANGO_STRUCTLOG_CELERY_ENABLED = True

# Sign-in: django-axes locks a user out from an address after LOGIN_FAILURE_LIMIT failures in a
# row there, for LOGIN_LOCKOUT_MINUTES; the address is the one NUM_PROXIES decides.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if NUM_PROXIES else ["REMOTE_ADDR"]
)

# --- Content-Security-Policy (django-csp) -------------------------------------------------
# The one place the policy is set, for the API, the admin and the site's pages alike: only this
# origin's own scripts, styles and images; no inline script or style, except one carrying the
# request's nonce (``request.csp_nonce`` in a template; the header names a nonce only on pages
# that use one); no plugins, no framing, no foreign form targets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# --- end of Content-Security-Policy ----------------------------------------------------------

# Projections: refreshed after each change of positions and, as a repair, on this schedule.
PROJECTION_REFRESH_INTERVAL_SECONDS = env.int("PROJECTION_REFRESH_INTERVAL_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "refresh-stale-projections": {
        "task": "votes.tasks.refresh_stale_projections",
        "schedule": float(PROJECTION_REFRESH_INTERVAL_SECONDS),
    },
}

# Stance -> probabilities of yes/no/abstain. None uses the engine's documented default table;
# to override, map every stance to {"yes": p, "no": p, "abstain": p} (see docs/ENGINE.md).
VOTE_STANCE_TABLE = env.json("VOTE_STANCE_TABLE", default=None)


# --- The analysts' UI (templates/, static/, the site's views): apps, middleware, templates. --
# The Content-Security-Policy of the pages is the one set above, for the whole site.
INSTALLED_APPS += ["django_htmx", "template_partials"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "django_htmx.middleware.HtmxMiddleware"
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("config.context_processors.site")
# /favicon.ico and other files served at the root of the site.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Who may show the embeddable widget (/embed/drafts/<key>/) in a frame: any site by default.
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=["*"])
# --- end of the UI block ----------------------------------------------------------------------

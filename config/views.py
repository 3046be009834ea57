"""Project-level views: the health check."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from api import redis_guard
from config.celery import HEARTBEATS_KEY


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _redis_and_workers() -> tuple[str, str]:
    client = redis_guard.client()
    if client is None:
        return "not configured (local cache)", "not needed (tasks run in-process)"
    since = time.time() - int(settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)
    # Directly, not through the breaker: the health check says how Redis is now.
    pipe = client.pipeline(transaction=False)
    pipe.ping()
    pipe.zrangebyscore(HEARTBEATS_KEY, since, "+inf", withscores=True)
    _, alive = pipe.execute()
    if not alive:
        raise LookupError(
            f"no worker heartbeat in the last {settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS} s"
        )
    newest = max(score for _, score in alive)
    return "ok", f"ok ({len(alive)} alive, last heartbeat {time.time() - newest:.0f} s ago)"


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database, Redis and at least one worker answer; 503 naming what does not.
    Each check is bounded by its connection's short timeouts (the database's connect timeout,
    ``REDIS_TIMEOUT_SECONDS``), so a service that is down is reported within about a second."""
    checks: dict[str, str] = {}
    try:
        checks["database"] = _database()
    except Exception as error:
        checks["database"] = f"unavailable: {type(error).__name__}: {error}".strip()
    try:
        checks["redis"], checks["worker"] = _redis_and_workers()
    except LookupError as error:
        checks["redis"], checks["worker"] = "ok", f"unavailable: {error}"
    except Exception as error:
        checks["redis"] = f"unavailable: {type(error).__name__}: {error}".strip()
        checks["worker"] = "unknown (Redis is unavailable)"
    healthy = all(not value.startswith(("unavailable", "unknown")) for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )

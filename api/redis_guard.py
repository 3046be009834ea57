"""Redis calls that never hold a request for long, and one client per process.

Redis holds the cache, the rate limits' counts and the task queue; none of them may take the
API down. Every call here has the short timeouts of the settings (``REDIS_TIMEOUT_SECONDS``).
The first call that fails opens the breaker: for ``REDIS_RETRY_AFTER_SECONDS`` every guarded
call answers its fallback at once, without trying Redis, so a hung Redis costs one request one
timeout, not every request every timeout. One line is logged when the breaker opens and one
when Redis answers again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from django.conf import settings
from django.core.signals import setting_changed

log = logging.getLogger(__name__)

T = TypeVar("T")

# What a failing Redis raises through redis-py (timeouts and refused connections included),
# and OSError for a socket that breaks below it.
REDIS_ERRORS: tuple[type[BaseException], ...] = (redis.RedisError, OSError)


class Breaker:
    """Open for ``retry_after`` seconds after a failure; closed again by the next success."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._failing = False

    def allows(self) -> bool:
        return time.monotonic() >= self._open_until

    def failed(self, what: str, error: BaseException) -> None:
        retry_after = float(settings.REDIS_RETRY_AFTER_SECONDS)
        with self._lock:
            self._open_until = time.monotonic() + retry_after
            first = not self._failing
            self._failing = True
        if first:
            log.warning(
                "Redis unavailable (%s: %s: %s); %s, and Redis is skipped for %.0f s at a time "
                "until it answers",
                what,
                type(error).__name__,
                error,
                "failing open",
                retry_after,
            )

    def succeeded(self) -> None:
        if self._failing:
            with self._lock:
                was, self._failing = self._failing, False
            if was:
                log.warning("Redis answers again")

    def reset(self) -> None:
        with self._lock:
            self._open_until, self._failing = 0.0, False


breaker = Breaker()


def guarded(what: str, call: Callable[[], T], fallback: Callable[[], T]) -> T:
    """``call()``, or ``fallback()`` when Redis fails or the breaker is open."""
    if not breaker.allows():
        return fallback()
    try:
        result = call()
    except REDIS_ERRORS as error:
        breaker.failed(what, error)
        return fallback()
    breaker.succeeded()
    return result


_client: redis.Redis | None = None
_client_lock = threading.Lock()


def client() -> redis.Redis | None:
    """The process's Redis client (its connection pool is shared by every thread), or None
    without ``REDIS_URL``. Built once: building a client costs more than the call it makes."""
    global _client
    if _client is None and settings.REDIS_URL:
        with _client_lock:
            if _client is None:
                timeout = float(settings.REDIS_TIMEOUT_SECONDS)
                _client = redis.Redis.from_url(
                    settings.REDIS_URL,
                    socket_connect_timeout=timeout,
                    socket_timeout=timeout,
                    retry_on_timeout=False,
                    health_check_interval=30,
                )
    return _client


def _forget(*, setting: str, **_: object) -> None:
    # Tests that point the app at another Redis get a client for it.
    global _client
    if setting in {"REDIS_URL", "REDIS_TIMEOUT_SECONDS"}:
        _client = None
        breaker.reset()


setting_changed.connect(_forget)

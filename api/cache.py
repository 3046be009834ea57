"""A Redis cache that an unavailable Redis turns into a cache that stores nothing.

Django's ``RedisCache`` raises when Redis is down, which made every API request a 500. Here a
read answers a miss, a write stores nothing and ``add`` answers False (nothing was stored),
each within the short timeouts of the settings, and at once while the breaker of
``api.redis_guard`` is open. ``incr`` is left as it is: a caller that counts must know that
the count failed (``api.throttling`` counts with its own atomic script).

``body`` reads a response body through the process's own memory first, then the shared cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from api.redis_guard import guarded


class ResilientRedisCache(RedisCache):
    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return guarded(
            "cache add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: False,
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return guarded(
            "cache get",
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: default,
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        guarded(
            "cache set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: None,
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return guarded(
            "cache touch",
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: False,
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return guarded(
            "cache delete",
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: False,
        )

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return guarded(
            "cache get_many",
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            dict,
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return guarded(
            "cache has_key",
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: False,
        )

    def set_many(
        self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return guarded(
            "cache set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
        )

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        guarded(
            "cache delete_many",
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: None,
        )

    def clear(self) -> bool:  # type: ignore[override]  # stub gap: RedisCache.clear returns a bool, the stubs None
        # Django's RedisCache.clear returns whether Redis flushed; the stubs give it
        # BaseCache's None.
        flush: Callable[[], Any] = super().clear
        return bool(guarded("cache clear", flush, lambda: False))


def body(key: str, build: Callable[[], Any], *, timeout: int = 3600) -> Any:
    """The body stored under ``key``, from this process's memory (the ``local`` cache), else
    the shared cache, else ``build()`` (then stored in both). Only for keys that name the state
    the body was computed from (an ETag): a body under such a key never changes, so a copy kept
    in one process is as good as the shared one, and a hit costs no Redis round trip."""
    local = caches["local"]
    found = local.get(key)
    if found is None:
        found = cache.get(key)
        if found is None:
            found = build()
            cache.set(key, found, timeout=timeout)
        local.set(key, found, timeout=timeout)
    return found

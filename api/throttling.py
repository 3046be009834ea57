"""Rate limits for anonymous and signed-in clients.

Each client has a count per window (``API_RATE_ANON``, ``API_RATE_USER``: "120/minute"): the
window opens with the client's first request and every request in it adds one, in a single
atomic Redis script (INCR, and PEXPIRE when the window opens), so concurrent requests, from any
number of web processes, can never pass more than the limit between them. DRF's own throttles
keep a list of timestamps per client that each request reads, appends to and writes back:
concurrent requests overwrite each other's entries, and the list grows with the rate.

A process does not ask Redis for every request: it reserves a small share of a client's limit
at a time (a lease: ``INCRBY`` by the lease's size, 1/200 of the limit, at most 50 requests and
at least 1) and admits from it locally until it is spent or the window ends. Every request
admitted was counted in Redis in its window, so the limit still holds exactly between all
processes; at worst a window ends with a few leased requests unused in other processes, so a
client may be refused slightly before its limit (under 0.5% of it per other process). Limits
under 400 requests have leases of one: a round trip per request, as without leases.

Without ``REDIS_URL`` the count lives in the default (local memory) cache. When Redis fails,
the limit falls back to a count local to the process, and ``api.redis_guard`` logs it: the API
keeps answering, within the short timeout of one Redis call.

The client's address is the TCP peer's unless ``NUM_PROXIES`` says how many proxies of ours
stand in front: only then is X-Forwarded-For read, and only the address our outermost proxy
wrote into it (a client can put anything in the header, but not on the proxy's side of it).
Rates come from settings at request time, so they can be changed without touching code.
"""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import BaseThrottle

from api import redis_guard

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from redis.commands.core import Script
    from rest_framework.request import Request
    from rest_framework.views import APIView

# One round trip: count the requests reserved, open the window if these are its first (or if a
# key was somehow left without an expiry), and say how long the window has left.
HIT_SCRIPT = """
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""

LEASE_SHARE = 200
"""A lease is this fraction of the client's limit (1/200)..."""
LEASE_MAX = 50
"""...and at most this many requests."""
LEASES_KEPT = 10_000
"""Past this many clients with a lease, spent and ended leases are dropped."""

_script_lock = threading.Lock()
_scripts: dict[int, Script] = {}
_lease_lock = threading.Lock()
_leases: dict[str, tuple[int, float]] = {}
"""Per process: a client key's leased requests left, and when its window ends (monotonic)."""
# Counts while Redis is failing: per process, so the limit still holds for each of them.
_fallback = LocMemCache("api-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/minute"`` -> (120, 60): requests allowed and the window in seconds."""
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[0]]


def client_address(request: Request) -> str:
    """The client's address: the TCP peer, or with ``NUM_PROXIES`` = n > 0 the n-th address
    from the right of X-Forwarded-For (the one our outermost proxy saw)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(settings.NUM_PROXIES)
    forwarded = request.headers.get("x-forwarded-for")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote


def lease_size(limit: int) -> int:
    """How many requests a process reserves at once for a client whose limit is ``limit``."""
    return max(1, min(LEASE_MAX, limit // LEASE_SHARE))


def _from_lease(key: str) -> bool:
    """Admit one request from this process's lease for ``key``, if it has one left."""
    with _lease_lock:
        left, until = _leases.get(key, (0, 0.0))
        if left <= 0 or time.monotonic() >= until:
            return False
        _leases[key] = (left - 1, until)
        return True


def _keep_lease(key: str, left: int, seconds: float) -> None:
    with _lease_lock:
        if len(_leases) >= LEASES_KEPT:
            now = time.monotonic()
            for old in [k for k, (n, until) in _leases.items() if n <= 0 or until <= now]:
                del _leases[old]
        if left > 0:
            _leases[key] = (left, time.monotonic() + seconds)
        else:
            _leases.pop(key, None)


def forget_leases() -> None:
    """Drop this process's leases (tests start each from none)."""
    with _lease_lock:
        _leases.clear()


def _reserve_in_redis(key: str, window: int, size: int) -> tuple[int, float]:
    client = redis_guard.client()
    assert client is not None
    script = _scripts.get(id(client))
    if script is None:
        with _script_lock:
            script = _scripts.setdefault(id(client), client.register_script(HIT_SCRIPT))
    count, ttl_ms = script(keys=[key], args=[window * 1000, size])
    return int(count), int(ttl_ms) / 1000


def _admit_in_redis(key: str, limit: int, window: int) -> tuple[bool, float]:
    if _from_lease(key):
        return True, 0.0
    size = lease_size(limit)
    count, left = _reserve_in_redis(key, window, size)
    granted = min(size, max(0, limit - (count - size)))  # what was still free in the window
    if granted <= 0:
        return False, left
    _keep_lease(key, granted - 1, left)  # this request takes one
    return True, left


def _count_in(store: BaseCache, key: str, window: int) -> tuple[int, float]:
    """The same window counted in a Django cache (local memory: ``add`` and ``incr`` are
    atomic in it)."""
    now = time.time()
    for _ in range(3):
        store.add(f"{key}:opened", now, window)
        store.add(key, 0, window)
        try:
            count = store.incr(key)
        except ValueError:  # the window closed between add and incr: open the next one
            continue
        opened = store.get(f"{key}:opened", now)
        return count, max(0.0, window - (now - float(opened)))
    return 1, float(window)


def _admit_in(store: BaseCache, key: str, limit: int, window: int) -> tuple[bool, float]:
    count, left = _count_in(store, key, window)
    return count <= limit, left


def admit(key: str, limit: int, window: int) -> tuple[bool, float]:
    """Count one request against ``key``: whether it is within ``limit`` for the window, and
    the seconds the window has left."""
    if not settings.REDIS_URL:
        return _admit_in(cache, key, limit, window)
    return redis_guard.guarded(
        "rate limit count",
        lambda: _admit_in_redis(key, limit, window),
        lambda: _admit_in(_fallback, key, limit, window),
    )


class WindowThrottle(BaseThrottle):
    """At most N requests per window per client; the window opens at the client's first
    request."""

    scope = ""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def get_rate(self) -> str | None:
        raise NotImplementedError

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def get_client_key(self, request: Request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view: APIView) -> bool:
        rate = self.get_rate()
        client = self.get_client_key(request) if rate else None
        if rate is None or client is None:
            return True
        limit, window = parse_rate(rate)
        allowed, left = admit(f"throttle:{self.scope}:{client}", limit, window)
        if allowed:
            return True
        self.retry_after = left
        return False

    def wait(self) -> float | None:
        if self.retry_after is None:
            return None
        return max(1.0, math.ceil(self.retry_after))


class AnonThrottle(WindowThrottle):
    """Anonymous clients, counted by address."""

    scope = "anon"

    def get_rate(self) -> str | None:
        return settings.API_RATE_ANON or None

    def get_client_key(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class UserThrottle(WindowThrottle):
    """Signed-in clients only, counted by user: anonymous ones are held to the anonymous rate
    alone."""

    scope = "user"

    def get_rate(self) -> str | None:
        return settings.API_RATE_USER or None

    def get_client_key(self, request: Request) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return str(request.user.pk)

"""Rate limits for anonymous and signed-in clients, counted in the default cache (Redis when
``REDIS_URL`` is set, so every web process shares the count). Rates come from settings at
request time, so they can be changed without touching code."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return settings.API_RATE_ANON or None


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        return settings.API_RATE_USER or None

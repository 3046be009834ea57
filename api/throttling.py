"""Rate limits for anonymous and signed-in clients, counted in the default cache (Redis when
``REDIS_URL`` is set, so every web process shares the count). Rates come from settings at
request time, so they can be changed without touching code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.request import Request
    from rest_framework.views import APIView


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return settings.API_RATE_ANON or None


class UserThrottle(UserRateThrottle):
    """Signed-in clients only: anonymous ones are held to the anonymous rate alone."""

    def get_rate(self) -> str | None:
        return settings.API_RATE_USER or None

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)

"""What every page's template needs to know about the visitor."""

from __future__ import annotations

from django.http import HttpRequest

from api.permissions import can_edit


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {"user_can_edit": can_edit(user)}

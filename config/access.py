"""Who may see the site's pages: the same rule as the API's reads (``api.permissions``), so a
deployment that keeps its data private (``API_PUBLIC_READ`` off) keeps its pages private too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase

from api.permissions import can_read

View = Callable[..., HttpResponseBase]


def readable(view: View) -> View:
    """Serve ``view`` to whoever may read; send anyone else to the sign-in page and back."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_read(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded

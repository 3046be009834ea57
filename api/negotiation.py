"""Content negotiation that answers a wrong ``?format=`` with a 400 naming the parameter,
instead of DRF's bare 404; a method the endpoint does not have is a 405 whatever the format
(DRF negotiates before it looks for the method)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from api.params import EMPTY


class Negotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> Any:
        renderers = list(renderers)
        view = (request.parser_context or {}).get("view")
        method = (request.method or "").lower()
        if view is not None and (method not in view.http_method_names or not hasattr(view, method)):
            return renderers[0], renderers[0].media_type
        name = self.settings.URL_FORMAT_OVERRIDE
        if name and name in request.query_params and not format_suffix:
            value = request.query_params.get(name, "")
            formats = [renderer.format for renderer in renderers]
            if value == "":
                raise serializers.ValidationError({name: [EMPTY]})
            if value not in formats:
                raise serializers.ValidationError(
                    {name: [f"{value!r} is not one of: {', '.join(formats)}."]}
                )
        return super().select_renderer(request, renderers, format_suffix)

"""One JSON shape for every API error, naming the field and the problem::

{"detail": "member: Belgium is not on the Security Council on 2021-03-01.",
 "errors": [{"field": "member",
             "message": "Belgium is not on the Security Council on 2021-03-01."}]}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CONFLICT_CODES = frozenset({"stale_version", "older_than_current"})
"""Codes of validation errors that mean "someone changed it since you read it": a 409."""


def _codes(error: DjangoValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors if e.code}
    return {e.code for e in error.error_list if e.code}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed since you read it."
    default_code = "conflict"


def _flatten(detail: Any, field: str | None = None) -> list[dict[str, str]]:
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            name = key if field is None else f"{field}.{key}"
            if key in ("non_field_errors", "__all__"):
                name = field or "non_field_errors"
            items.extend(_flatten(value, name))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict)
            items.extend(_flatten(value, f"{field}[{index}]" if nested and field else field))
        return items
    return [{"field": field or "non_field_errors", "message": str(detail)}]


def error_body(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict | list):
        errors = _flatten(detail)
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return {"detail": summary, "errors": errors}
    return {"detail": str(detail), "errors": []}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError) and _codes(exc) & CONFLICT_CODES:
        exc = Conflict(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(detail={"body": [f"Malformed request body: {exc.detail}"]})
    elif isinstance(exc, Http404) and exc.args:
        exc = exceptions.NotFound(detail=str(exc.args[0]))
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        # Errors are JSON whatever format was asked for (a CSV of an error helps no one).
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    if response is not None:
        if isinstance(exc, exceptions.APIException):
            detail = exc.detail
        else:
            detail = response.data.get("detail", response.data)
        response.data = error_body(detail)
        if (
            response.status_code == status.HTTP_429_TOO_MANY_REQUESTS
            and "Retry-After" not in response
        ):
            response["Retry-After"] = "1"
    return response

"""One JSON shape for every API error, naming the field and the problem, each with a stable,
machine-readable code::

{"detail": "member: Belgium is not on the Security Council on 2021-03-01.",
 "code": "not_seated",
 "errors": [{"field": "member", "code": "not_seated",
             "message": "Belgium is not on the Security Council on 2021-03-01."}]}

The codes are those of ``ERROR_CODES`` (the OpenAPI schema's enum): a code DRF or a service
gives that is not one of them is reported as ``invalid``, so clients can rely on the list.
The top-level code is the errors' code when they share one, else ``invalid``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import get_error_detail
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

ERROR_CODES: dict[str, str] = {
    "invalid": "The value is wrong; the message says why (the code of any problem without a "
    "more precise one).",
    "required": "A field the request needs is missing, null or empty.",
    "unknown_field": "The body has a field this request does not take (a typo?).",
    "read_only_field": "The body sets a field only the server sets.",
    "unknown_member": "No Council member has this code.",
    "not_seated": "The member is not on the Security Council on the day that counts.",
    "stale_version": "Someone changed it since you read it (409): reload and try again.",
    "older_than_current": "The position is older than the member's current one, so it cannot "
    "supersede it (409); send it without supersedes to keep it as history.",
    "precondition_failed": "The If-Match ETag is not the resource's current one: someone "
    "changed it since you read it (412). GET it again, then send the change with its ETag.",
    "precondition_required": "The update needs an If-Match header with the ETag of the "
    "resource as you read it (428).",
    "parse_error": "The body is not valid JSON.",
    "too_deep": "The JSON body is nested deeper than the limit.",
    "not_found": "No such object or endpoint (404).",
    "not_authenticated": "No credentials were sent (401).",
    "authentication_failed": "The credentials sent are wrong (401).",
    "permission_denied": "Signed in without the role needed, or no CSRF token (403).",
    "method_not_allowed": "The endpoint does not take this HTTP method (405).",
    "not_acceptable": "The endpoint cannot answer in the format asked for (406).",
    "unsupported_media_type": "The body is not JSON (415).",
    "throttled": "Too many requests; see Retry-After (429).",
}
"""Every code an error body can carry, and what it means."""

_ALIASES = {"null": "required", "blank": "required"}

CONFLICT_CODES = frozenset({"stale_version", "older_than_current"})
"""Codes of validation errors that mean "someone changed it since you read it": a 409."""


def error_code(code: str | None) -> str:
    """The code of ``ERROR_CODES`` that a DRF or Django error code is reported as."""
    if code in ERROR_CODES:
        return code
    return _ALIASES.get(code or "", "invalid")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed since you read it."
    default_code = "stale_version"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it: GET it again and resend."
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send If-Match with the ETag of the resource as you read it."
    default_code = "precondition_required"


def _flatten(detail: Any, field: str | None = None) -> list[dict[str, str]]:
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            name = str(key) if field is None else f"{field}.{key}"
            if isinstance(key, int):  # an item of a list (DRF keys list errors by index)
                name = f"{field or ''}[{key}]"
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
    return [
        {
            "field": field or "non_field_errors",
            "message": str(detail),
            "code": error_code(getattr(detail, "code", None)),
        }
    ]


def error_body(detail: Any) -> dict[str, Any]:
    """The body of an error whose DRF ``detail`` is a message, or a list or dict of them."""
    if isinstance(detail, dict | list):
        errors = _flatten(detail)
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        codes = {e["code"] for e in errors}
        code = codes.pop() if len(codes) == 1 else "invalid"
        return {"detail": summary, "code": code, "errors": errors}
    return {"detail": str(detail), "code": error_code(getattr(detail, "code", None)), "errors": []}


def _validation_error(error: DjangoValidationError) -> exceptions.APIException:
    """A service's ValidationError as DRF's, its codes kept (``invalid`` where it has none):
    a 409 when one of them says the client's copy is stale."""
    detail = get_error_detail(error)
    if isinstance(detail, list):
        detail = {"non_field_errors": detail}
    if {e["code"] for e in _flatten(detail)} & CONFLICT_CODES:
        return Conflict(detail=detail)
    return exceptions.ValidationError(detail=detail)


def _body_error(error: exceptions.ParseError) -> exceptions.ParseError:
    detail = error.detail
    code = getattr(detail, "code", "parse_error")
    message = str(detail) if code == "too_deep" else f"Malformed request body: {detail}"
    return exceptions.ParseError(detail={"body": [ErrorDetail(message, code=code)]})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _validation_error(exc)
    elif isinstance(exc, exceptions.ParseError):
        exc = _body_error(exc)
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

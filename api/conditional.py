"""ETag and Last-Modified for responses computed from a versioned state (a draft's tally and
projection): a 304 when the client's copy is current. And the ETag of an editable row's
version, with ``If-Match`` on its updates: a 412 when stale, a 428 when missing."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.conf import settings
from django.utils.http import http_date, parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import PreconditionFailed, PreconditionRequired


class Versioned(Protocol):
    """What a conditional response is keyed on: a strong ETag and when it last changed."""

    @property
    def etag(self) -> str: ...

    @property
    def last_modified(self) -> dt.datetime: ...


def matches(state: Versioned, request: Request) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x", as proxies that
    # compress responses hand clients the weak form.
    tags = {tag.removeprefix("W/") for tag in parse_etags(header)}
    return "*" in tags or state.etag in tags


def stamp(state: Versioned, response: Response) -> Response:
    response["ETag"] = state.etag
    response["Last-Modified"] = http_date(state.last_modified.timestamp())
    response["Cache-Control"] = "private, no-cache"
    return response


def not_modified(state: Versioned) -> Response:
    return stamp(state, Response(status=304))


def version_etag(kind: str, pk: int, updated_at: dt.datetime) -> str:
    """The strong ETag of an editable row's version: it changes with every save."""
    return f'"{kind}-{pk}-{int(updated_at.timestamp() * 1_000_000)}"'


def check_if_match(request: Request, etag: str) -> None:
    """Honour ``If-Match`` on an update (RFC 9110 13.1.1, strong comparison): a 412 when the
    client's ETag is not the current one, a 428 when it sent none and
    ``API_REQUIRE_IF_MATCH`` says it must. Call it with the row locked."""
    header = request.headers.get("If-Match")
    if not header:
        if settings.API_REQUIRE_IF_MATCH:
            raise PreconditionRequired()
        return
    tags = parse_etags(header)
    if "*" in tags or etag in tags:
        return
    raise PreconditionFailed(
        f"The ETag you sent is not the current one ({etag}): someone changed it since you "
        "read it. GET it again, then send your change with its ETag."
    )


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the resource as you read it (GET). A stale one gives 412; none "
    "gives 428 while the server's API_REQUIRE_IF_MATCH is on (the default; a server that turns "
    "it off takes an update without it).",
)
"""The header every update takes (for the schema)."""

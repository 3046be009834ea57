"""ETag and Last-Modified for responses computed from a versioned state (a draft's tally and
projection): a 304 when the client's copy is current."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.utils.http import http_date, parse_etags
from rest_framework.request import Request
from rest_framework.response import Response


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

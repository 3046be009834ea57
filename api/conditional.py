"""ETag and Last-Modified for the tally and projection, from the draft's state
(``votes.projections.draft_state``): a 304 when the client's copy is current."""

from __future__ import annotations

from django.utils.http import http_date, parse_etags
from rest_framework.request import Request
from rest_framework.response import Response

from votes.projections import DraftState


def matches(state: DraftState, request: Request) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x", as proxies that
    # compress responses hand clients the weak form.
    tags = {tag.removeprefix("W/") for tag in parse_etags(header)}
    return "*" in tags or state.etag in tags


def stamp(state: DraftState, response: Response) -> Response:
    response["ETag"] = state.etag
    response["Last-Modified"] = http_date(state.last_modified.timestamp())
    response["Cache-Control"] = "private, no-cache"
    return response


def not_modified(state: DraftState) -> Response:
    return stamp(state, Response(status=304))

"""ETag and Last-Modified for responses derived from a draft's state.

A draft's state is its own ``updated_at``, its latest position, its latest projection and the
Council's terms. One query reads all of it. The ETag hashes that state, so it changes exactly
when a recomputation could give a different answer. The same hash keys the cached body, so a
new position invalidates the cache by changing the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Subquery
from django.utils.http import http_date, parse_etags
from rest_framework.request import Request
from rest_framework.response import Response

from members.models import Term
from resolutions.models import Draft
from votes.models import Position, Projection


@dataclass(frozen=True)
class DraftState:
    etag: str
    last_modified: dt.datetime

    def matches(self, request: Request) -> bool:
        header = request.headers.get("If-None-Match")
        if not header:
            return False
        # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x", as proxies that
        # compress responses hand clients the weak form.
        tags = {tag.removeprefix("W/") for tag in parse_etags(header)}
        return "*" in tags or self.etag in tags

    def not_modified(self) -> Response:
        response = Response(status=304)
        self.stamp(response)
        return response

    def stamp(self, response: Response) -> Response:
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified.timestamp())
        response["Cache-Control"] = "private, no-cache"
        return response


def draft_state(draft: Draft, kind: str) -> DraftState:
    """The state ``kind`` (``tally`` or ``projection``) of ``draft`` depends on: two queries."""
    latest_position = Position.objects.filter(draft=OuterRef("pk")).order_by("-id")
    latest_projection = Projection.objects.filter(draft=OuterRef("pk")).order_by(
        "-computed_at", "-id"
    )
    row = (
        Draft.objects.filter(pk=draft.pk)
        .annotate(
            position_id=Subquery(latest_position.values("id")[:1]),
            position_at=Subquery(latest_position.values("created_at")[:1]),
            projection_id=Subquery(latest_projection.values("id")[:1]),
            projection_at=Subquery(latest_projection.values("checked_at")[:1]),
        )
        .values("updated_at", "position_id", "position_at", "projection_id", "projection_at")
        .get()
    )
    terms = Term.objects.aggregate(last=Max("updated_at"), n=Count("id"))
    parts: list[object] = [
        kind,
        draft.pk,
        row["updated_at"],
        row["position_id"],
        terms["last"],
        terms["n"],
        settings.VOTE_STANCE_TABLE,
    ]
    moments = [row["updated_at"], row["position_at"], terms["last"]]
    if kind == "projection":
        parts += [row["projection_id"], row["projection_at"]]
        moments.append(row["projection_at"])
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return DraftState(f'"{digest}"', max(m for m in moments if m is not None))

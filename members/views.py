"""The site's page of the Council on any day (``/members/``); a member's own page, which shows
its positions and ballots, lives with them in ``votes.views``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from members.selectors import council_on, horseshoe, parse_day
from web.seats import CouncilSeat, council_diagram_svg


def council(request: HttpRequest) -> HttpResponse:
    day, error = parse_day(request.GET.get("on"), default=timezone.localdate(), field="on")
    return render(request, "members/council.html", council_context(day, error))


def council_context(day: dt.date, error: str | None) -> dict[str, Any]:
    """Everything the Council page shows, read in two queries."""
    council = council_on(day)
    seats = [
        CouncilSeat(
            s.member.code,
            s.name,
            s.member.permanent,
            "permanent member"
            if s.term_end is None
            else f"term {s.term_start.isoformat()} to {s.term_end.isoformat()}",
        )
        for s in horseshoe(council.members, lambda s: s.member.permanent)
    ]
    diagram = council_diagram_svg(
        seats,
        seats=council.seats,
        quota=council.quota,
        caption=f"{day.day} {day:%B %Y}",
        id_prefix="council",
    )
    return {"council": council, "diagram": diagram, "error": error, "day": day}

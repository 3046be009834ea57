"""Figures over the Council's record, for the charts of the votes page and the ``/stats/``
endpoints alike: vetoes cast by member and year, vetoed drafts by year, and decisions by
outcome and kind by year. Each is one grouped query; years without any are simply absent."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import ExtractYear

from votes.models import Outcome, RecordedVote, Veto


def vetoes_cast(first: int, last: int) -> dict[int, dict[int, int]]:
    """Member id -> year -> vetoes it cast in that year (a draft vetoed by two members counts
    once for each)."""
    rows = (
        Veto.objects.filter(
            recorded_vote__voted_on__year__gte=first, recorded_vote__voted_on__year__lte=last
        )
        .annotate(year=ExtractYear("recorded_vote__voted_on"))
        .values_list("member_id", "year")
        .annotate(n=Count("id"))
        .order_by()
    )
    cast: dict[int, dict[int, int]] = {}
    for member_id, year, n in rows:
        cast.setdefault(member_id, {})[year] = n
    return cast


def vetoed_drafts(first: int, last: int) -> dict[int, int]:
    """Year -> drafts vetoed in that year."""
    rows = (
        RecordedVote.objects.filter(
            outcome=Outcome.VETOED, voted_on__year__gte=first, voted_on__year__lte=last
        )
        .annotate(year=ExtractYear("voted_on"))
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def decisions(first: int, last: int) -> list[tuple[int, str, str, int]]:
    """(year, outcome, kind, number of decisions) for every combination that occurs."""
    rows = (
        RecordedVote.objects.filter(voted_on__year__gte=first, voted_on__year__lte=last)
        .annotate(year=ExtractYear("voted_on"))
        .values_list("year", "outcome", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return list(rows)

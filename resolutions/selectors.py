"""What the site's sector pages read: sectors with the measures they are under, and the
drafts that would lift or ease them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from resolutions.models import Measure, Provision, Sector

EASING = (Provision.Action.LIFT, Provision.Action.EASE)


def _measures() -> Prefetch[str, QuerySet[Measure], str]:
    return Prefetch(
        "measures",
        queryset=Measure.objects.select_related("resolution").order_by(
            "resolution__adopted_on", "resolution__number"
        ),
        to_attr="measures_in_order",
    )


def sectors_page() -> QuerySet[Sector]:
    """Every sector with its regime, its measures in order and how many drafts would lift or
    ease it, in three queries."""
    return (
        Sector.objects.select_related("regime")
        .prefetch_related(_measures())
        .annotate(easing_drafts=Count("provisions", filter=Q(provisions__action__in=EASING)))
        .order_by("regime__resolution", "name")
    )


@dataclass(frozen=True)
class SectorPage:
    sector: Sector
    measures: list[Measure]
    provisions: list[Provision]
    provisions_total: int


PROVISIONS_SHOWN = 50


def sector_page(slug: str) -> SectorPage:
    """A sector's measures over time and the latest draft provisions that would lift or ease
    it (the latest fifty, and how many there are)."""
    sector = Sector.objects.select_related("regime").filter(slug=slug).first()
    if sector is None:
        raise Http404(f"No sector {slug!r}.")
    measures = sector.measures.select_related("resolution").order_by(
        "resolution__adopted_on", "resolution__number"
    )
    provisions = (
        Provision.objects.filter(sector=sector, action__in=EASING)
        .select_related("draft")
        .order_by("-draft__circulated_on", "-draft_id")
    )
    return SectorPage(
        sector, list(measures), list(provisions[:PROVISIONS_SHOWN]), provisions.count()
    )

"""REST endpoints for regimes and sectors, and the parts of the draft endpoints that belong to
drafts themselves: finding a draft by its key, its filters, and the serializers of its
sponsors, provisions and versions. (The draft endpoints, which carry tallies and projections,
live in ``votes.api.drafts``.)"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, serializers
from rest_framework.exceptions import ErrorDetail, NotFound

from api.fields import StrictDateField
from api.filters import StrictFilterSet
from api.serializers import StrictSerializer
from members.api import MemberCodeField
from resolutions.models import (
    Draft,
    DraftQuerySet,
    DraftVersion,
    Measure,
    Provision,
    SanctionsRegime,
    Sector,
    Sponsorship,
)


def draft_or_404(key: str, queryset: DraftQuerySet | None = None) -> Draft:
    """The draft whose id, slug or symbol is ``key``, or a 404 that says what was looked for.
    Every endpoint that names a draft in its path finds it here."""
    drafts = queryset if queryset is not None else Draft.objects.select_related("regime")
    try:
        return drafts.by_key(key)
    except Draft.DoesNotExist:
        raise NotFound(f"No draft with the id, slug or symbol {key!r}.") from None


class DraftLookupMixin:
    """For views whose path names a draft (``<key>``): ``self.get_draft()`` finds it once per
    request, or answers 404."""

    kwargs: dict[str, Any]

    def draft_queryset(self) -> DraftQuerySet:
        return Draft.objects.select_related("regime")

    def get_draft(self) -> Draft:
        cached: Draft | None = getattr(self, "_draft", None)
        if cached is None:
            cached = draft_or_404(self.kwargs["key"], self.draft_queryset())
            self._draft = cached
        return cached


class RegimeSerializer(serializers.ModelSerializer[SanctionsRegime]):
    class Meta:
        model = SanctionsRegime
        fields = ["slug", "name", "resolution", "committee", "established_on", "source"]


class RegimeList(generics.ListAPIView[SanctionsRegime]):
    """The sanctions regimes and their committees."""

    queryset = SanctionsRegime.objects.all()
    serializer_class = RegimeSerializer
    pagination_class = None


class MeasureSerializer(serializers.ModelSerializer[Measure]):
    resolution = serializers.IntegerField(source="resolution.number")
    adopted_on = serializers.DateField(source="resolution.adopted_on")

    class Meta:
        model = Measure
        fields = ["resolution", "adopted_on", "kind", "detail", "source"]


class SectorSerializer(serializers.ModelSerializer[Sector]):
    regime: serializers.SlugRelatedField[SanctionsRegime] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Sector
        fields = [
            "slug",
            "name",
            "regime",
            "estimated_annual_export_usd",
            "export_value_source",
            "measures",
        ]


class SectorFilter(StrictFilterSet):
    regime = django_filters.CharFilter(field_name="regime__slug", help_text="Regime slug.")

    class Meta:
        model = Sector
        fields: list[str] = []


class SectorList(generics.ListAPIView[Sector]):
    """Sanctioned sectors, each with the measures resolutions imposed on it over time."""

    serializer_class = SectorSerializer
    pagination_class = None
    filter_backends = [DjangoFilterBackend]
    filterset_class = SectorFilter

    def get_queryset(self) -> QuerySet[Sector]:
        return Sector.objects.select_related("regime").prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("resolution").order_by(
                    "resolution__adopted_on"
                ),
            )
        )


class SponsorSerializer(serializers.ModelSerializer[Sponsorship]):
    code = serializers.CharField(source="member.code")
    name = serializers.CharField(source="member.name")

    class Meta:
        model = Sponsorship
        fields = ["code", "name", "penholder"]


class VersionSerializer(serializers.ModelSerializer[DraftVersion]):
    class Meta:
        model = DraftVersion
        fields = ["number", "dated", "text", "source", "source_url"]


class ProvisionSerializer(serializers.ModelSerializer[Provision]):
    sector: serializers.SlugRelatedField[Sector] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    sector_name = serializers.CharField(source="sector.name")

    class Meta:
        model = Provision
        fields = ["sector", "sector_name", "action", "note"]


class DraftFilter(StrictFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Draft.Status.choices)
    matter = django_filters.ChoiceFilter(choices=Draft.Matter.choices)
    regime = django_filters.CharFilter(field_name="regime__slug", help_text="Regime slug.")
    sector = django_filters.CharFilter(
        field_name="provisions__sector__slug", distinct=True, help_text="Sector slug."
    )
    sponsor = django_filters.CharFilter(method="filter_sponsor", help_text="ISO3 code.")
    circulated_after = django_filters.DateFilter(field_name="circulated_on", lookup_expr="gte")
    circulated_before = django_filters.DateFilter(field_name="circulated_on", lookup_expr="lte")
    voted_after = django_filters.DateFilter(field_name="vote_on", lookup_expr="gte")
    voted_before = django_filters.DateFilter(field_name="vote_on", lookup_expr="lte")

    class Meta:
        model = Draft
        fields: list[str] = []

    def filter_sponsor(self, queryset: QuerySet[Draft], name: str, value: str) -> QuerySet[Draft]:
        return queryset.filter(sponsorships__member__code=value.strip().upper()).distinct()


def drafts_with_sponsors() -> DraftQuerySet:
    """Drafts with their regime and sponsors, in a fixed number of queries."""
    return Draft.objects.select_related("regime").prefetch_related(
        Prefetch("sponsorships", queryset=Sponsorship.objects.select_related("member"))
    )


class SponsorInputSerializer(StrictSerializer):
    code = MemberCodeField()
    penholder = serializers.BooleanField(default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A PATCH is partial, and DRF passes that on to each sponsor: a sponsor without its
        # code would get through unless asked for here.
        if "code" not in attrs:
            raise serializers.ValidationError(
                {"code": ErrorDetail("This field is required.", code="required")}
            )
        return attrs


class DraftUpdateSerializer(StrictSerializer):
    """The fields of a draft an editor changes through the API (``PATCH``); any other field is
    refused (400 naming it). ``sponsors`` replaces the whole list. The rules are the model's,
    checked by ``resolutions.services.draft_update`` as for the admin."""

    status = serializers.ChoiceField(choices=Draft.Status.choices)
    title = serializers.CharField(max_length=300)
    circulated_on = StrictDateField(allow_null=True)
    vote_on = StrictDateField(allow_null=True)
    notes = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=20000)
    sponsors = SponsorInputSerializer(many=True)

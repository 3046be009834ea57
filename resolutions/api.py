"""REST endpoints for regimes, sectors and drafts."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.filters import SearchFilter
from rest_framework.renderers import JSONRenderer

from api.filters import NullsLastOrderingFilter, StrictFilterSet
from api.renderers import CSVRenderer
from members.models import CouncilCalendar, charter_seats
from resolutions.models import (
    Draft,
    DraftVersion,
    Measure,
    Provision,
    SanctionsRegime,
    Sector,
    Sponsorship,
)
from votes import engine
from votes.models import Position
from votes.projections import with_projection_state

CSV_FORMAT = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: every row, no pages."
)


def draft_or_404(key: str) -> Draft:
    try:
        return Draft.objects.select_related("regime").by_key(key)
    except Draft.DoesNotExist:
        raise NotFound(f"No draft with the id, slug or symbol {key!r}.") from None


class RegimeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SanctionsRegime
        fields = ["slug", "name", "resolution", "committee", "established_on", "source"]


class RegimeList(generics.ListAPIView):
    """The sanctions regimes and their committees."""

    queryset = SanctionsRegime.objects.all()
    serializer_class = RegimeSerializer
    pagination_class = None


class MeasureSerializer(serializers.ModelSerializer):
    resolution = serializers.IntegerField(source="resolution.number")
    adopted_on = serializers.DateField(source="resolution.adopted_on")

    class Meta:
        model = Measure
        fields = ["resolution", "adopted_on", "kind", "detail", "source"]


class SectorSerializer(serializers.ModelSerializer):
    regime = serializers.SlugRelatedField(slug_field="slug", read_only=True)
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


class SectorList(generics.ListAPIView):
    """Sanctioned sectors, each with the measures resolutions imposed on it over time."""

    serializer_class = SectorSerializer
    pagination_class = None
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
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


class SponsorSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="member.code")
    name = serializers.CharField(source="member.name")

    class Meta:
        model = Sponsorship
        fields = ["code", "name", "penholder"]


class TallySummarySerializer(serializers.Serializer):
    seated = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    permanent_opposed = serializers.ListField(child=serializers.CharField())
    outcome_if_held_now = serializers.ChoiceField(choices=[r.value for r in engine.Result])
    votes_needed = serializers.IntegerField()


class ProjectionSummarySerializer(serializers.Serializer):
    p_adopted = serializers.FloatField(allow_null=True)
    checked_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField()


class DraftListSerializer(serializers.ModelSerializer):
    regime = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    sponsors = SponsorSerializer(source="sponsorships", many=True, read_only=True)
    tally = serializers.SerializerMethodField()
    projection = serializers.SerializerMethodField()

    class Meta:
        model = Draft
        fields = [
            "id",
            "slug",
            "symbol",
            "title",
            "status",
            "matter",
            "regime",
            "circulated_on",
            "vote_on",
            "resolution_number",
            "sponsors",
            "tally",
            "projection",
        ]

    @extend_schema_field(TallySummarySerializer(allow_null=True))
    def get_tally(self, draft: Draft) -> dict[str, Any] | None:
        calendar: CouncilCalendar = self.context["calendar"]
        day = draft.council_date
        if day is None:
            return None
        seated = calendar.seated(day)
        try:
            seats, _ = charter_seats(day)
        except DjangoValidationError:
            return None
        if len(seated) != seats:
            return None
        rule = engine.rule_for(
            day, [(m.code, m.permanent) for m in seated], engine.Matter(draft.matter)
        )
        positions = {
            p.member.code: p.as_engine_input()
            for p in draft.current_positions
            if p.member.code in rule.members
        }
        tally = engine.tally(rule, positions)
        return {
            "seated": tally.seated,
            "counts": {k.value: v for k, v in tally.counts.items()},
            "permanent_opposed": list(tally.permanent_opposed),
            "outcome_if_held_now": tally.outcome_if_held_now.result.value,
            "votes_needed": tally.votes_needed,
        }

    @extend_schema_field(ProjectionSummarySerializer)
    def get_projection(self, draft: Draft) -> dict[str, Any]:
        checked = draft.projection_checked_at
        stale = bool(draft.current_positions) and (
            checked is None
            or draft.last_change_at > checked
            or draft.projection_model_version != engine.MODEL_VERSION
        )
        return {"p_adopted": draft.projected_p_adopted, "checked_at": checked, "stale": stale}


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DraftVersion
        fields = ["number", "dated", "text", "source", "source_url"]


class ProvisionSerializer(serializers.ModelSerializer):
    sector = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sector_name = serializers.CharField(source="sector.name")

    class Meta:
        model = Provision
        fields = ["sector", "sector_name", "action", "note"]


class DraftDetailSerializer(DraftListSerializer):
    provisions = ProvisionSerializer(many=True, read_only=True)
    versions = VersionSerializer(many=True, read_only=True)

    class Meta(DraftListSerializer.Meta):
        fields = [
            *DraftListSerializer.Meta.fields,
            "notes",
            "sources",
            "provisions",
            "versions",
            "created_at",
            "updated_at",
        ]


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


def drafts_for_api() -> QuerySet[Draft]:
    """Drafts with everything a list item shows, in a fixed number of queries."""
    return with_projection_state(
        Draft.objects.select_related("regime").prefetch_related(
            Prefetch("sponsorships", queryset=Sponsorship.objects.select_related("member")),
            Prefetch(
                "positions",
                queryset=Position.objects.current().select_related("member"),
                to_attr="current_positions",
            ),
        )
    )


class DraftContextMixin:
    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]
        context["calendar"] = CouncilCalendar()
        return context


@extend_schema(parameters=[CSV_FORMAT])
class DraftList(DraftContextMixin, generics.ListAPIView):
    """Drafts, filtered and ordered, each with its tally summary and projected adoption."""

    serializer_class = DraftListSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        SearchFilter,
        NullsLastOrderingFilter,
    ]
    filterset_class = DraftFilter
    search_fields = ["symbol", "title", "versions__text"]
    ordering_fields = [
        "circulated_on",
        "vote_on",
        "symbol",
        "title",
        "status",
        "updated_at",
        "projected_p_adopted",
    ]
    ordering = ["-circulated_on", "-id"]

    def get_queryset(self) -> QuerySet[Draft]:
        return drafts_for_api()


class DraftDetail(DraftContextMixin, generics.RetrieveAPIView):
    """One draft: sponsors, provisions, versions, status, tally summary and projection."""

    serializer_class = DraftDetailSerializer

    def get_object(self) -> Draft:
        key = self.kwargs["key"]
        queryset = drafts_for_api().prefetch_related(
            Prefetch("provisions", queryset=Provision.objects.select_related("sector")),
            "versions",
        )
        try:
            return queryset.by_key(key)
        except Draft.DoesNotExist:
            raise NotFound(f"No draft with the id, slug or symbol {key!r}.") from None

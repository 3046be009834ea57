"""The drafts list and a draft's detail, each item with its tally summary and projection."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.renderers import JSONRenderer

import charter
from api.filters import NullsLastOrderingFilter, SearchFilter
from api.renderers import CSV_FORMAT, CSVRenderer
from members.models import CouncilCalendar, charter_seats
from resolutions.api import (
    DraftFilter,
    DraftLookupMixin,
    ProvisionSerializer,
    SponsorSerializer,
    VersionSerializer,
    drafts_with_sponsors,
)
from resolutions.models import Draft, Provision
from votes.models import Position
from votes.projections import with_projection_state

StanceCountsSerializer = type(
    "StanceCountsSerializer",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "How many members hold each stance (every stance, so every CSV row has the "
        "same columns).",
        **{stance.value: serializers.IntegerField() for stance in charter.Stance},
    },
)


class TallySummarySerializer(serializers.Serializer):
    seated = serializers.IntegerField()
    counts = StanceCountsSerializer()
    permanent_opposed = serializers.ListField(child=serializers.CharField())
    outcome_if_held_now = serializers.ChoiceField(choices=[r.value for r in charter.Result])
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
        rule = charter.rule_for(
            day, [(m.code, m.permanent) for m in seated], charter.Matter(draft.matter)
        )
        positions = {
            p.member.code: p.as_engine_input()
            for p in draft.current_positions
            if p.member.code in rule.members
        }
        tally = charter.tally(rule, positions)
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
            or draft.projection_model_version != charter.MODEL_VERSION
        )
        return {"p_adopted": draft.projected_p_adopted, "checked_at": checked, "stale": stale}


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


def drafts_for_api() -> QuerySet[Draft]:
    """Drafts with everything a list item shows, in a fixed number of queries."""
    return with_projection_state(
        drafts_with_sponsors().prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.current().select_related("member"),
                to_attr="current_positions",
            ),
        )
    )


class DraftContextMixin:
    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
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


class DraftDetail(DraftContextMixin, DraftLookupMixin, generics.RetrieveAPIView):
    """One draft: sponsors, provisions, versions, status, tally summary and projection."""

    serializer_class = DraftDetailSerializer

    def draft_queryset(self) -> QuerySet[Draft]:
        return drafts_for_api().prefetch_related(
            Prefetch("provisions", queryset=Provision.objects.select_related("sector")),
            "versions",
        )

    def get_object(self) -> Draft:
        return self.get_draft()

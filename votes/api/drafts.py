"""The drafts list and a draft's detail, each item with its tally summary and projection."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.renderers import JSONRenderer

import charter
from api.filters import NullsLastOrderingFilter, SearchFilter
from api.renderers import CSV_FORMAT, CSVRenderer
from resolutions.api import (
    DraftFilter,
    DraftLookupMixin,
    ProvisionSerializer,
    SponsorSerializer,
    VersionSerializer,
    drafts_with_sponsors,
)
from resolutions.models import Draft, Provision
from votes.api.tally import RECORDED_OUTCOME_HELP
from votes.models import Outcome
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
    council_on = serializers.DateField(help_text="The day whose Council it counts.")
    seated = serializers.IntegerField()
    counts = StanceCountsSerializer()
    permanent_opposed = serializers.ListField(child=serializers.CharField())
    outcome_if_held_now = serializers.ChoiceField(choices=[r.value for r in charter.Result])
    votes_needed = serializers.IntegerField()
    not_counted = serializers.ListField(
        child=serializers.CharField(),
        help_text="ISO3 codes of members with a current position who are not seated on "
        "council_on (not counted).",
    )
    recorded_outcome = serializers.ChoiceField(
        choices=Outcome.choices, allow_null=True, help_text=RECORDED_OUTCOME_HELP
    )


class ProjectionSummarySerializer(serializers.Serializer):
    p_adopted = serializers.FloatField(allow_null=True)
    checked_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField(
        help_text="The stored projection (and the tally summary, taken from it) is missing or "
        "out of date; the periodic job or a read of the projection refreshes it."
    )


class DraftListSerializer(serializers.ModelSerializer):
    """A draft with the tally summary and projected adoption of its stored projection (nothing
    is computed here; see ``drafts_for_api``)."""

    regime = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    sponsors = SponsorSerializer(source="sponsorships", many=True, read_only=True)
    tally = serializers.SerializerMethodField(
        help_text="From the stored projection; null until one is stored."
    )
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
        summary: dict[str, Any] | None = draft.projection_summary  # type: ignore[attr-defined]
        return summary or None

    @extend_schema_field(ProjectionSummarySerializer)
    def get_projection(self, draft: Draft) -> dict[str, Any]:
        return {
            "p_adopted": draft.projected_p_adopted,  # type: ignore[attr-defined]
            "checked_at": draft.projection_checked_at,  # type: ignore[attr-defined]
            "stale": draft.projection_stale,  # type: ignore[attr-defined]
        }


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
    """Drafts with everything a list item shows, in a fixed number of queries: sponsors, and
    the stored projection with its staleness (``with_projection_state``)."""
    return with_projection_state(drafts_with_sponsors())


@extend_schema(parameters=[CSV_FORMAT])
class DraftList(generics.ListAPIView):
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


class DraftDetail(DraftLookupMixin, generics.RetrieveAPIView):
    """One draft: sponsors, provisions, versions, status, tally summary and projection."""

    serializer_class = DraftDetailSerializer

    def draft_queryset(self) -> QuerySet[Draft]:
        return drafts_for_api().prefetch_related(
            Prefetch("provisions", queryset=Provision.objects.select_related("sector")),
            "versions",
        )

    def get_object(self) -> Draft:
        return self.get_draft()

"""The drafts list and a draft's detail, each item with its tally summary and projection; the
draft's update (``PATCH``, with ``If-Match``) and its history."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

import charter
from api.conditional import IF_MATCH, check_if_match, version_etag
from api.filters import NullsLastOrderingFilter, SearchFilter
from api.history import HistoryEntrySerializer, HistorySource, history_entries, history_response
from api.renderers import CSV_FORMAT, CSVRenderer
from resolutions.api import (
    DraftFilter,
    DraftLookupMixin,
    DraftUpdateSerializer,
    ProvisionSerializer,
    SponsorSerializer,
    VersionSerializer,
    drafts_with_sponsors,
)
from resolutions.models import Draft, DraftQuerySet, Provision, SanctionsRegime, Sponsorship
from resolutions.services import draft_update, sponsors_from_codes
from votes.api.tally import RECORDED_OUTCOME_HELP
from votes.models import Outcome, Position, RecordedVote
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


class TallySummarySerializer(serializers.Serializer[Any]):
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


class ProjectionSummarySerializer(serializers.Serializer[Any]):
    p_adopted = serializers.FloatField(allow_null=True)
    checked_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField(
        help_text="The stored projection (and the tally summary, taken from it) is missing or "
        "out of date; the periodic job or a read of the projection refreshes it."
    )


class DraftListSerializer(serializers.ModelSerializer[Draft]):
    """A draft with the tally summary and projected adoption of its stored projection (nothing
    is computed here; see ``drafts_for_api``)."""

    regime: serializers.SlugRelatedField[SanctionsRegime] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
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
        # with_projection_state annotates these; the django-stubs plugin cannot see that
        # from here.
        summary: dict[str, Any] | None = draft.projection_summary  # type: ignore[attr-defined]  # plugin gap: with_projection_state's annotation unseen
        return summary or None

    @extend_schema_field(ProjectionSummarySerializer)
    def get_projection(self, draft: Draft) -> dict[str, Any]:
        # Annotations of with_projection_state, which the plugin cannot see from here.
        return {
            "p_adopted": draft.projected_p_adopted,  # type: ignore[attr-defined]  # plugin gap: with_projection_state's annotation unseen
            "checked_at": draft.projection_checked_at,  # type: ignore[attr-defined]  # plugin gap: with_projection_state's annotation unseen
            "stale": draft.projection_stale,  # type: ignore[attr-defined]  # plugin gap: with_projection_state's annotation unseen
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


def drafts_for_api() -> DraftQuerySet:
    """Drafts with everything a list item shows, in a fixed number of queries: sponsors, and
    the stored projection with its staleness (``with_projection_state``)."""
    return with_projection_state(drafts_with_sponsors())


@extend_schema(parameters=[CSV_FORMAT])
class DraftList(generics.ListAPIView[Draft]):
    """Drafts, filtered and ordered, each with its tally summary and projected adoption."""

    serializer_class = DraftListSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [
        DjangoFilterBackend,
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


def draft_etag(draft: Draft) -> str:
    """The ETag of a draft's version (its own fields and sponsors: every save changes it)."""
    return version_etag("draft", draft.pk, draft.updated_at)


class DraftPatchSerializer(DraftUpdateSerializer):
    output_serializer = DraftDetailSerializer


class DraftDetail(DraftLookupMixin, generics.RetrieveAPIView[Draft]):
    """One draft: sponsors, provisions, versions, status, tally summary and projection. Its
    ETag names the draft's version, for ``If-Match`` on ``PATCH``."""

    serializer_class = DraftDetailSerializer

    def draft_queryset(self) -> DraftQuerySet:
        return drafts_for_api().prefetch_related(
            Prefetch("provisions", queryset=Provision.objects.select_related("sector")),
            "versions",
        )

    def get_object(self) -> Draft:
        return self.get_draft()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = draft_etag(self.get_draft())
        response["Cache-Control"] = "private, no-cache"
        return response

    @extend_schema(
        summary="Change a draft's status, title, dates, notes or sponsors (editors)",
        request=DraftPatchSerializer,
        responses=DraftDetailSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, key: str) -> Response:
        """Only the fields sent change; ``sponsors`` replaces the list. One transaction: the
        draft is locked, its ETag compared with ``If-Match``, the model's rules checked (the
        admin's), and its projection marked stale for a refresh."""
        serializer = DraftPatchSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        sponsors = changes.pop("sponsors", None)
        with transaction.atomic():
            locked = Draft.objects.select_for_update().get(pk=self.get_draft().pk)
            check_if_match(request, draft_etag(locked))
            draft_update(
                draft=locked,
                changes=changes,
                sponsors=None if sponsors is None else sponsors_from_codes(sponsors),
            )
        self.__dict__.pop("_draft", None)  # read it again, with what the save changed
        draft = self.get_draft()
        response = Response(DraftDetailSerializer(draft, context={"request": request}).data)
        response["ETag"] = draft_etag(draft)
        return response


class DraftHistory(DraftLookupMixin, generics.GenericAPIView[Draft]):
    serializer_class = HistoryEntrySerializer

    @extend_schema(
        summary="Who changed the draft, its sponsors, its positions and its recorded vote, when, "
        "and what (newest first)",
        responses=HistoryEntrySerializer(many=True),
    )
    def get(self, request: Request, key: str) -> Response:
        draft = self.get_draft()
        symbol = draft.symbol or str(draft)
        entries = history_entries(
            [
                HistorySource("draft", Draft.history.filter(id=draft.pk), lambda r: str(r.title)),
                HistorySource(
                    "sponsor",
                    Sponsorship.history.filter(draft_id=draft.pk).select_related("member"),
                    lambda r: f"{r.member.code}: {'penholder' if r.penholder else 'sponsor'}",
                ),
                HistorySource(
                    "position",
                    Position.history.filter(draft_id=draft.pk).select_related("member"),
                    lambda r: f"{r.member.code}: {r.stance} as of {r.as_of.isoformat()}",
                ),
                HistorySource(
                    "vote",
                    RecordedVote.history.filter(draft_id=draft.pk),
                    lambda r: f"Vote on {symbol} ({r.voted_on.isoformat()}): {r.outcome}",
                ),
            ]
        )
        return history_response(self, entries)

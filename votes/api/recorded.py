"""Recorded votes: their ballots, counts and the engine's outcome; editors record new ones."""

from __future__ import annotations

from collections import Counter
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import KeyedDictField, StrictDateField, StrictIntegerField
from api.filters import StrictFilterSet
from api.renderers import CSV_FORMAT, CSVRenderer
from api.serializers import StrictSerializer
from members.api import MemberCodeField
from resolutions.models import Draft
from votes.api.tally import RESULTS
from votes.models import RecordedVote, Vote
from votes.services import recorded_vote_create


class CountsSerializer(serializers.Serializer):
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    abstain = serializers.IntegerField()
    not_participating = serializers.IntegerField()


class BallotSerializer(serializers.Serializer):
    member = serializers.CharField(source="member.code")
    name = serializers.CharField(source="member.name")
    permanent = serializers.BooleanField(source="member.permanent")
    vote = serializers.ChoiceField(choices=Vote.choices)


class RecordedVoteSerializer(serializers.ModelSerializer):
    draft = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    vetoed_by = serializers.SerializerMethodField()

    class Meta:
        model = RecordedVote
        fields = [
            "id",
            "draft",
            "resolution_number",
            "voted_on",
            "matter",
            "meeting_record",
            "subject",
            "recorded_outcome",
            "outcome",
            "vetoed_by",
            "counts",
            "source",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_draft(self, vote: RecordedVote) -> str | None:
        return vote.draft.slug if vote.draft_id else None

    @extend_schema_field(serializers.ChoiceField(choices=RESULTS))
    def get_outcome(self, vote: RecordedVote) -> str:
        # The engine's reading, stored when the vote was recorded (votes are never edited).
        return vote.outcome

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_vetoed_by(self, vote: RecordedVote) -> list[str]:
        return vote.vetoed_by.split(",") if vote.vetoed_by else []

    @extend_schema_field(CountsSerializer)
    def get_counts(self, vote: RecordedVote) -> dict[str, int]:
        cast = Counter(b.vote for b in vote.ballots.all())  # prefetched by votes_for_api()
        return {v: cast[v] for v in Vote.values}


class RecordedVoteDetailSerializer(RecordedVoteSerializer):
    ballots = BallotSerializer(many=True, read_only=True)

    class Meta(RecordedVoteSerializer.Meta):
        fields = [*RecordedVoteSerializer.Meta.fields, "ballots"]


class RecordedVoteInputSerializer(StrictSerializer):
    output_serializer = RecordedVoteDetailSerializer

    draft = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="The draft's id, slug or symbol."
    )
    resolution_number = StrictIntegerField(
        required=False, allow_null=True, min_value=1, default=None
    )
    voted_on = StrictDateField()
    matter = serializers.ChoiceField(choices=Draft.Matter.choices, default="substantive")
    meeting_record = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40
    )
    subject = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    ballots = KeyedDictField(
        key=MemberCodeField(),
        child=serializers.ChoiceField(choices=Vote.choices),
        help_text="ISO3 code -> vote, one for each seated member.",
    )


class VoteFilter(StrictFilterSet):
    voted_after = django_filters.DateFilter(field_name="voted_on", lookup_expr="gte")
    voted_before = django_filters.DateFilter(field_name="voted_on", lookup_expr="lte")
    outcome = django_filters.ChoiceFilter(
        choices=[(r, r) for r in RESULTS], help_text="The engine's outcome."
    )
    member = django_filters.CharFilter(
        method="filter_member", help_text="ISO3 code of a member that cast a ballot."
    )
    member_vote = django_filters.ChoiceFilter(
        choices=Vote.choices, method="filter_member_vote", help_text="With member: how it voted."
    )
    draft = django_filters.CharFilter(method="filter_draft", help_text="Draft slug or symbol.")

    class Meta:
        model = RecordedVote
        fields: list[str] = []

    def filter_member(self, queryset: QuerySet[RecordedVote], name: str, value: str) -> Any:
        code = value.strip().upper()
        vote = self.data.get("member_vote")
        ballots = {"ballots__member__code": code}
        if vote in Vote.values:
            ballots["ballots__vote"] = vote
        return queryset.filter(**ballots).distinct()

    def filter_member_vote(self, queryset: QuerySet[RecordedVote], name: str, value: str) -> Any:
        if not self.data.get("member"):
            return queryset.filter(ballots__vote=value).distinct()
        return queryset  # applied together with member

    def filter_draft(self, queryset: QuerySet[RecordedVote], name: str, value: str) -> Any:
        text = value.strip()
        if "/" in text:
            return queryset.filter(draft__symbol__iexact=text)
        return queryset.filter(draft__slug=text.lower())


def votes_for_api() -> QuerySet[RecordedVote]:
    return RecordedVote.objects.select_related("draft").prefetch_related("ballots__member")


@extend_schema(parameters=[CSV_FORMAT])
class RecordedVoteList(generics.ListCreateAPIView):
    """Recorded votes with their counts and the engine's outcome; editors record new ones."""

    serializer_class = RecordedVoteSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = VoteFilter

    def get_queryset(self) -> QuerySet[RecordedVote]:
        return votes_for_api()

    @extend_schema(
        request=RecordedVoteInputSerializer, responses={201: RecordedVoteDetailSerializer}
    )
    def post(self, request: Request) -> Response:
        given = RecordedVoteInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        key = data.pop("draft")
        draft = None
        if key:
            try:
                draft = Draft.objects.by_key(key)
            except Draft.DoesNotExist:
                raise serializers.ValidationError(
                    {"draft": [f"No draft with the id, slug or symbol {key!r}."]}
                ) from None
        recorded = recorded_vote_create(draft=draft, entered_by=request.user, **data)
        recorded = votes_for_api().get(pk=recorded.pk)
        return Response(RecordedVoteDetailSerializer(recorded).data, status=status.HTTP_201_CREATED)


class RecordedVoteDetail(generics.RetrieveAPIView):
    """One recorded vote: ballots, counts and the engine's outcome."""

    serializer_class = RecordedVoteDetailSerializer
    queryset = votes_for_api()
    lookup_field = "pk"

    def get_object(self) -> RecordedVote:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except RecordedVote.DoesNotExist:
            raise NotFound(f"No recorded vote with id {self.kwargs['pk']}.") from None

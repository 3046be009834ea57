"""Recorded votes: their ballots, counts and the engine's outcome; editors record new ones."""

from __future__ import annotations

from collections import Counter
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import KeyedDictField, StrictDateField, StrictIntegerField
from api.filters import StrictFilterSet
from api.permissions import signed_in
from api.renderers import CSV_FORMAT, CSVRenderer
from api.serializers import StrictSerializer
from members.api import MemberCodeField
from members.codes import SeatDirectory
from resolutions.models import Draft
from votes.api.tally import RESULTS
from votes.models import Ballot, RecordedVote, Vote, VoteKind
from votes.services import recorded_vote_create


class CountsSerializer(serializers.Serializer[Any]):
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    abstain = serializers.IntegerField()
    not_participating = serializers.IntegerField()


class BallotSerializer(serializers.Serializer[Any]):
    member = serializers.CharField(source="member.code")
    name = serializers.SerializerMethodField(help_text="The member's name on the day of the vote.")
    permanent = serializers.BooleanField(source="member.permanent")
    vote = serializers.ChoiceField(choices=Vote.choices)

    def get_name(self, ballot: Ballot) -> str:
        return ballot.member.name_on(ballot.recorded_vote.voted_on)


class VetoSerializer(serializers.Serializer[Any]):
    member = serializers.CharField(source="code")
    name = serializers.CharField()


class RecordedVoteSerializer(serializers.ModelSerializer[RecordedVote]):
    draft = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    vetoed_by = serializers.SerializerMethodField()
    vetoed_by_names = serializers.SerializerMethodField()
    meeting_record_url = serializers.CharField(
        help_text="The meeting record in the UN's Official Document System ('' without one)."
    )
    ballots = serializers.SerializerMethodField()

    class Meta:
        model = RecordedVote
        fields = [
            "id",
            "kind",
            "draft",
            "draft_symbol",
            "resolution_number",
            "voted_on",
            "matter",
            "meeting_record",
            "meeting_record_url",
            "subject",
            "recorded_outcome",
            "outcome",
            "vetoed_by",
            "vetoed_by_names",
            "counts",
            "ballots",
            "note",
            "source",
            "source_url",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_draft(self, vote: RecordedVote) -> str | None:
        return vote.draft.slug if vote.draft is not None else None

    @extend_schema_field(serializers.ChoiceField(choices=RESULTS))
    def get_outcome(self, vote: RecordedVote) -> str:
        # The engine's reading, stored when the vote was recorded (votes are never edited).
        return vote.outcome

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_vetoed_by(self, vote: RecordedVote) -> list[str]:
        return sorted(m.code for m in vote.vetoed_by.all())

    @extend_schema_field(VetoSerializer(many=True))
    def get_vetoed_by_names(self, vote: RecordedVote) -> list[dict[str, str]]:
        members = sorted(vote.vetoed_by.all(), key=lambda m: m.code)
        return [{"member": m.code, "name": m.name_on(vote.voted_on)} for m in members]

    @extend_schema_field(CountsSerializer(allow_null=True))
    def get_counts(self, vote: RecordedVote) -> dict[str, int | None] | None:
        if vote.kind == VoteKind.BALLOTS:
            cast = Counter(b.vote for b in vote.ballots.all())  # prefetched by for_api()
            return {v: cast[v] for v in Vote.values}
        if not vote.counts_known:
            return None  # "adopted unanimously", "without vote": the record gives no numbers
        return {
            "yes": vote.yes,
            "no": vote.no,
            "abstain": vote.abstain,
            "not_participating": vote.not_participating,
        }

    @extend_schema_field(BallotSerializer(many=True, allow_null=True))
    def get_ballots(self, vote: RecordedVote) -> list[Any] | None:
        if vote.kind != VoteKind.BALLOTS:
            return None  # the record has no per-member ballots
        ballots = sorted(vote.ballots.all(), key=lambda b: (not b.member.permanent, b.member.code))
        for ballot in ballots:
            ballot.recorded_vote = vote  # the prefetched vote: its day names the members
        return list(BallotSerializer(ballots, many=True).data)


class RecordedVoteDetailSerializer(RecordedVoteSerializer):
    class Meta(RecordedVoteSerializer.Meta):
        pass


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
    subject = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    source = serializers.CharField(  # type: ignore[assignment]  # stub gap: DRF's stubs see Field.source
        required=False, allow_blank=True, default="", max_length=300
    )
    ballots = KeyedDictField(
        key=MemberCodeField(),
        child=serializers.ChoiceField(choices=Vote.choices),
        help_text="ISO3 code -> vote, one for each seated member.",
    )


class VoteFilter(StrictFilterSet):
    voted_after = django_filters.DateFilter(field_name="voted_on", lookup_expr="gte")
    voted_before = django_filters.DateFilter(field_name="voted_on", lookup_expr="lte")
    year_from = django_filters.NumberFilter(
        field_name="voted_on",
        lookup_expr="year__gte",
        help_text="From this year on, e.g. 1946.",
        min_value=1,
        max_value=9999,
        decimal_places=0,
    )
    year_to = django_filters.NumberFilter(
        field_name="voted_on",
        lookup_expr="year__lte",
        help_text="Up to this year, included.",
        min_value=1,
        max_value=9999,
        decimal_places=0,
    )
    outcome = django_filters.ChoiceFilter(
        choices=[(r, r) for r in RESULTS], help_text="The engine's outcome."
    )
    kind = django_filters.ChoiceFilter(
        choices=VoteKind.choices, help_text="ballots, counts_only or without_vote."
    )
    member = django_filters.CharFilter(
        method="filter_member", help_text="ISO3 code of a member that cast a ballot."
    )
    member_vote = django_filters.ChoiceFilter(
        choices=Vote.choices, method="filter_member_vote", help_text="With member: how it voted."
    )
    vetoed_by = django_filters.CharFilter(
        method="filter_vetoed_by",
        help_text="Code of a permanent member that vetoed (RUS also finds the USSR's vetoes).",
    )
    q = django_filters.CharFilter(
        method="filter_text",
        help_text="Words in the subject, symbols, meeting record or note.",
    )
    draft = django_filters.CharFilter(method="filter_draft", help_text="Draft slug or symbol.")

    class Meta:
        model = RecordedVote
        fields: list[str] = []

    def filter_member(self, queryset: QuerySet[RecordedVote], name: str, value: str) -> Any:
        code = value.strip().upper()
        vote = (self.data or {}).get("member_vote")
        ballots = {"ballots__member__code": code}
        if vote in Vote.values:
            ballots["ballots__vote"] = vote
        return queryset.filter(**ballots).distinct()

    def filter_member_vote(self, queryset: QuerySet[RecordedVote], name: str, value: str) -> Any:
        if not (self.data or {}).get("member"):
            return queryset.filter(ballots__vote=value).distinct()
        return queryset  # applied together with member

    def filter_vetoed_by(self, queryset: QuerySet[RecordedVote], name: str, value: str) -> Any:
        member = SeatDirectory().resolve(value, value)
        if member is None:
            raise serializers.ValidationError({"vetoed_by": [f"Unknown member {value!r}."]})
        return queryset.filter(vetoes__member=member).distinct()

    def filter_text(self, queryset: QuerySet[RecordedVote], name: str, value: str) -> Any:
        return queryset.filter(pk__in=RecordedVote.objects.search(value).values("pk"))

    def filter_draft(self, queryset: QuerySet[RecordedVote], name: str, value: str) -> Any:
        text = value.strip()
        if "/" in text:
            return queryset.filter(Q(draft__symbol__iexact=text) | Q(draft_symbol__iexact=text))
        return queryset.filter(draft__slug=text.lower())


def votes_for_api() -> QuerySet[RecordedVote]:
    return RecordedVote.objects.for_api()


@extend_schema(parameters=[CSV_FORMAT])
class RecordedVoteList(generics.ListCreateAPIView[RecordedVote]):
    """Recorded votes with their counts and the engine's outcome; editors record new ones."""

    serializer_class = RecordedVoteSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [DjangoFilterBackend]
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
        recorded = recorded_vote_create(draft=draft, entered_by=signed_in(request.user), **data)
        recorded = votes_for_api().get(pk=recorded.pk)
        return Response(RecordedVoteDetailSerializer(recorded).data, status=status.HTTP_201_CREATED)


class RecordedVoteDetail(generics.RetrieveAPIView[RecordedVote]):
    """One recorded vote: ballots, counts and the engine's outcome."""

    serializer_class = RecordedVoteDetailSerializer
    queryset = votes_for_api()
    lookup_field = "pk"

    def get_object(self) -> RecordedVote:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except RecordedVote.DoesNotExist:
            raise NotFound(f"No recorded vote with id {self.kwargs['pk']}.") from None

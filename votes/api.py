"""REST endpoints for tallies, projections, scenarios, positions, recorded votes and voting
power. Views validate, call a service or the engine, and render."""

from __future__ import annotations

from collections import Counter
from typing import Any

import django_filters
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Max, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api import conditional
from api.filters import StrictFilterSet
from api.params import bool_param, choice_param
from api.permissions import Compute
from api.renderers import CSVRenderer
from members.api import day_param
from members.models import Composition
from resolutions.api import CSV_FORMAT, draft_or_404
from resolutions.models import Draft
from votes import engine, projections
from votes.models import Position, Projection, RecordedVote, Stance, Vote
from votes.projections import draft_analysis, draft_composition
from votes.services import member_from_code, position_record, recorded_vote_create

RESULTS = [r.value for r in engine.Result]
STANCES = [s.value for s in engine.Stance]


def _state(key: str, kind: str) -> projections.DraftState:
    try:
        return projections.draft_state(key, kind)
    except Draft.DoesNotExist as missing:
        raise NotFound(str(missing)) from None


# Tally -------------------------------------------------------------------------------------


class TallySerializer(serializers.Serializer):
    draft = serializers.CharField(help_text="The draft's slug.")
    council_on = serializers.DateField(help_text="The day whose Council decides the draft.")
    quota = serializers.IntegerField()
    seated = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="One per stance.")
    permanent_opposed = serializers.ListField(child=serializers.CharField())
    outcome_if_held_now = serializers.ChoiceField(choices=RESULTS)
    vetoed_by_if_held_now = serializers.ListField(child=serializers.CharField())
    votes_needed = serializers.IntegerField()
    as_of = serializers.DateField(allow_null=True, help_text="Latest as-of date of a position.")


def _tally_payload(draft: Draft, tally: engine.Tally, as_of: Any) -> dict[str, Any]:
    return {
        "draft": draft.slug,
        "council_on": draft_composition(draft).day,
        "quota": tally.quota,
        "seated": tally.seated,
        "counts": {k.value: v for k, v in tally.counts.items()},
        "permanent_opposed": list(tally.permanent_opposed),
        "outcome_if_held_now": tally.outcome_if_held_now.result.value,
        "vetoed_by_if_held_now": list(tally.outcome_if_held_now.vetoed_by),
        "votes_needed": tally.votes_needed,
        "as_of": as_of,
    }


@extend_schema(
    summary="Who stands where on a draft, and the outcome if voted now", responses=TallySerializer
)
@api_view(["GET"])
def draft_tally(request: Request, key: str) -> Response:
    state = _state(key, "tally")
    if conditional.matches(state, request):
        return conditional.not_modified(state)
    cache_key = f"tally:{state.draft_id}:{state.etag}"
    data = cache.get(cache_key)
    if data is None:
        draft = draft_or_404(key)
        as_of = draft.positions.aggregate(last=Max("as_of"))["last"]
        data = TallySerializer(_tally_payload(draft, projections.draft_tally(draft), as_of)).data
        cache.set(cache_key, data, timeout=3600)
    return conditional.stamp(state, Response(data))


# Projection --------------------------------------------------------------------------------


class InfluenceSerializer(serializers.Serializer):
    member = serializers.CharField()
    permanent = serializers.BooleanField()
    p_adopted_if_yes = serializers.FloatField()
    p_adopted_if_no = serializers.FloatField()
    swing = serializers.FloatField()
    flips_most_likely_to = serializers.ChoiceField(choices=RESULTS, allow_null=True)


class ChangeSerializer(serializers.Serializer):
    member = serializers.CharField()
    permanent = serializers.BooleanField()
    from_stance = serializers.ChoiceField(choices=STANCES)
    to = serializers.ChoiceField(choices=[v.value for v in engine.Vote])


class ClosestPathSerializer(serializers.Serializer):
    feasible = serializers.BooleanField()
    changes = ChangeSerializer(many=True)
    reason = serializers.CharField(allow_null=True)
    elected_only_feasible = serializers.BooleanField()
    elected_only_reason = serializers.CharField(allow_null=True)


class ProjectionSerializer(serializers.Serializer):
    draft = serializers.CharField()
    p_adopted = serializers.FloatField()
    p_vetoed = serializers.FloatField()
    p_failed = serializers.FloatField()
    expected_yes = serializers.FloatField()
    yes_distribution = serializers.ListField(
        child=serializers.FloatField(), help_text="P(exactly k yes votes) for k = 0..seated."
    )
    most_likely = serializers.ChoiceField(choices=RESULTS)
    pivotal = InfluenceSerializer(many=True)
    closest_path = ClosestPathSerializer()
    fingerprint = serializers.CharField()
    computed_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField()


def _projection_data(draft: Draft, analysis: dict[str, Any], **extra: Any) -> dict[str, Any]:
    projection = analysis["projection"]
    return {
        "draft": draft.slug,
        **{
            k: projection[k]
            for k in (
                "p_adopted",
                "p_vetoed",
                "p_failed",
                "expected_yes",
                "yes_distribution",
                "most_likely",
                "fingerprint",
            )
        },
        "pivotal": analysis["pivotal"],
        "closest_path": analysis["closest_path"],
        **extra,
    }


@extend_schema(
    summary="The exact probability that a draft is adopted, vetoed or fails",
    responses=ProjectionSerializer,
)
@api_view(["GET"])
def draft_projection(request: Request, key: str) -> Response:
    state = _state(key, "projection")
    if state.projection_stale:
        # A stale or missing projection is repaired by this read (as by the periodic job).
        projections.projection_refresh(draft_id=state.draft_id)
        state = _state(key, "projection")
    if conditional.matches(state, request):
        return conditional.not_modified(state)
    cache_key = f"projection:{state.draft_id}:{state.etag}"
    cached = cache.get(cache_key)
    if cached is not None:
        return conditional.stamp(state, Response(cached))
    projection = (
        Projection.objects.select_related("draft").filter(pk=state.projection_id).first()
        if state.projection_id
        else None
    )
    if projection is None:  # a draft with no positions at all
        draft = draft_or_404(key)
        analysis, computed_at = draft_analysis(draft).to_dict(), None
    else:
        draft = projection.draft
        analysis, computed_at = projection.results, projection.computed_at
    data = _projection_data(draft, analysis, computed_at=computed_at, stale=state.projection_stale)
    body = ProjectionSerializer(data).data
    cache.set(cache_key, body, timeout=3600)
    return conditional.stamp(state, Response(body))


class ScenarioInputSerializer(serializers.Serializer):
    overrides = serializers.DictField(
        child=serializers.ChoiceField(choices=STANCES),
        allow_empty=True,
        help_text='ISO3 code -> stance, e.g. {"USA": "abstain"}; each held with confidence 1.',
    )


class ScenarioSerializer(ProjectionSerializer):
    overrides = serializers.DictField(child=serializers.CharField())
    tally = TallySerializer()
    computed_at = None  # type: ignore[assignment]
    stale = None  # type: ignore[assignment]


@extend_schema(
    summary="The projection under what-if overrides; nothing is written",
    request=ScenarioInputSerializer,
    responses=ScenarioSerializer,
)
@api_view(["POST"])
@permission_classes([Compute])
def draft_scenarios(request: Request, key: str) -> Response:
    draft = draft_or_404(key)
    if not isinstance(request.data, dict):
        raise serializers.ValidationError({"body": ["Send a JSON object with 'overrides'."]})
    unknown = sorted(set(request.data) - {"overrides"})
    if unknown:
        raise serializers.ValidationError({k: ["Unknown field."] for k in unknown})
    given = ScenarioInputSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    overrides: dict[str, str] = {}
    for code, stance in given.validated_data["overrides"].items():
        key = code.strip().upper()
        if key in overrides:
            raise serializers.ValidationError({"overrides": [f"{key} is given twice."]})
        overrides[key] = stance
    analysis = draft_analysis(draft, overrides)
    data = _projection_data(
        draft,
        analysis.to_dict(),
        overrides=overrides,
        tally=_tally_payload(draft, analysis.tally, None),
    )
    return Response(ScenarioSerializer(data).data)


# Positions ---------------------------------------------------------------------------------


class MemberRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    permanent = serializers.BooleanField()


class PositionSerializer(serializers.ModelSerializer):
    draft = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    member = MemberRefSerializer(read_only=True)
    confidence = serializers.FloatField()
    entered_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Position
        fields = [
            "id",
            "draft",
            "member",
            "stance",
            "confidence",
            "as_of",
            "source",
            "source_url",
            "entered_by",
            "created_at",
        ]


class StrictFloatField(serializers.FloatField):
    """A number, and not a JSON boolean in disguise (``true`` is not a confidence of 1)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


class PositionInputSerializer(serializers.Serializer):
    member = serializers.CharField(max_length=3, help_text="ISO3 code, e.g. USA.")
    stance = serializers.ChoiceField(choices=Stance.choices)
    confidence = StrictFloatField(min_value=0, max_value=1)
    as_of = serializers.DateField()
    source = serializers.CharField(max_length=5000)
    source_url = serializers.URLField(required=False, allow_blank=True, max_length=500, default="")
    supersedes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        default=None,
        help_text="The id of the position you saw as current; 409 if another editor has "
        "recorded a newer one since.",
    )


HISTORY = OpenApiParameter(
    "history", OpenApiTypes.BOOL, description="true: every position ever recorded, newest first."
)


class DraftPositions(generics.ListCreateAPIView):
    """A draft's current positions (or their whole history); editors record new ones."""

    serializer_class = PositionSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = None

    def get_queryset(self) -> QuerySet[Position]:
        draft = draft_or_404(self.kwargs["key"])
        positions = draft.positions.select_related("draft", "member", "entered_by")
        if bool_param(self.request, "history"):
            return positions.latest_first()
        return positions.current().order_by("-member__permanent", "member__name")

    @extend_schema(parameters=[HISTORY, CSV_FORMAT])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=PositionInputSerializer, responses={201: PositionSerializer})
    def post(self, request: Request, key: str) -> Response:
        draft = draft_or_404(key)
        given = PositionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        position = position_record(
            draft=draft,
            member=member_from_code(data["member"]),
            stance=data["stance"],
            confidence=data["confidence"],
            as_of=data["as_of"],
            source=data["source"],
            source_url=data["source_url"],
            entered_by=request.user,
            supersedes=data["supersedes"],
        )
        return Response(PositionSerializer(position).data, status=status.HTTP_201_CREATED)


# Recorded votes ----------------------------------------------------------------------------


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


class RecordedVoteInputSerializer(serializers.Serializer):
    draft = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="The draft's id, slug or symbol."
    )
    resolution_number = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, default=None
    )
    voted_on = serializers.DateField()
    matter = serializers.ChoiceField(choices=Draft.Matter.choices, default="substantive")
    meeting_record = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40
    )
    subject = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    ballots = serializers.DictField(
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


# Voting power ------------------------------------------------------------------------------


class PowerIndexSerializer(serializers.Serializer):
    member = serializers.CharField()
    name = serializers.CharField()
    permanent = serializers.BooleanField()
    shapley_shubik = serializers.CharField(help_text="Exact fraction, e.g. 421/2145.")
    shapley_shubik_float = serializers.FloatField()
    banzhaf_raw = serializers.CharField()
    banzhaf_raw_float = serializers.FloatField()
    banzhaf_normalised = serializers.CharField()
    banzhaf_normalised_float = serializers.FloatField()


class PowerIndicesSerializer(serializers.Serializer):
    on = serializers.DateField()
    matter = serializers.ChoiceField(choices=Draft.Matter.choices)
    quota = serializers.IntegerField()
    seated = serializers.IntegerField()
    members = PowerIndexSerializer(many=True)


@extend_schema(
    summary="Shapley–Shubik and Banzhaf power of each member seated on a day",
    parameters=[
        OpenApiParameter("on", OpenApiTypes.DATE, description="Default: today."),
        OpenApiParameter("matter", OpenApiTypes.STR, enum=["substantive", "procedural"]),
    ],
    responses=PowerIndicesSerializer,
)
@api_view(["GET"])
def power_indices(request: Request) -> Response:
    day = day_param(request)
    matter = choice_param(request, "matter", Draft.Matter.values, default="substantive")
    try:
        composition = Composition.on(day)
    except DjangoValidationError as error:
        raise serializers.ValidationError({"on": error.messages}) from None
    if not composition.complete:
        raise serializers.ValidationError({"on": [composition.describe() + "."]})
    rule = engine.rule_for(
        day, [(m.code, m.permanent) for m in composition.members], engine.Matter(matter)
    )
    names = {m.code: m.name for m in composition.members}
    members = [
        {
            "member": i.member,
            "name": names[i.member],
            "permanent": i.permanent,
            "shapley_shubik": str(i.shapley_shubik),
            "shapley_shubik_float": float(i.shapley_shubik),
            "banzhaf_raw": str(i.banzhaf_raw),
            "banzhaf_raw_float": float(i.banzhaf_raw),
            "banzhaf_normalised": str(i.banzhaf_normalised),
            "banzhaf_normalised_float": float(i.banzhaf_normalised),
        }
        for i in engine.power_indices(rule)
    ]
    data = {
        "on": day,
        "matter": matter,
        "quota": rule.quota,
        "seated": len(rule.members),
        "members": members,
    }
    return Response(PowerIndicesSerializer(data).data)

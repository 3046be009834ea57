"""A draft's projection: the exact probability that it is adopted, vetoed or fails, with its
pivotal members, the most probable paths to adoption and to failure, and what went into it
(each member's stance, confidence and chances; the blocs and the consensus class)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api import cache as api_cache
from api import conditional
from api.params import bool_param
from resolutions.api import DraftLookupMixin
from resolutions.models import Draft
from votes import projections
from votes.api.tally import (
    RECORDED_OUTCOME_HELP,
    RESULTS,
    NotCountedSerializer,
    RecordedVoteSummarySerializer,
    draft_state_or_404,
)
from votes.models import Outcome, Projection, Stance, Vote

STANCES = Stance.choices
"""Stance fields share one choice set, so the schema has one ``StanceEnum``."""


class InfluenceSerializer(serializers.Serializer[Any]):
    member = serializers.CharField()
    permanent = serializers.BooleanField()
    p_adopted_if_yes = serializers.FloatField()
    p_adopted_if_no = serializers.FloatField()
    swing = serializers.FloatField()
    flips_most_likely_to = serializers.ChoiceField(choices=RESULTS, allow_null=True)


VOTES = Vote.choices


class ChangeSerializer(serializers.Serializer[Any]):
    member = serializers.CharField()
    permanent = serializers.BooleanField()
    from_stance = serializers.ChoiceField(choices=STANCES)
    from_vote = serializers.ChoiceField(
        choices=VOTES, required=False, help_text="Its most likely vote as things stand."
    )
    to = serializers.ChoiceField(choices=VOTES)


class PathSerializer(serializers.Serializer[Any]):
    changes = ChangeSerializer(many=True)
    probability = serializers.FloatField(
        help_text="The chance, on the members' records, that they cast the votes named."
    )
    n_changes = serializers.IntegerField()
    summary = serializers.CharField(help_text='e.g. "FRA and GBR abstain: 4.0% on their records"')


class ClosestPathSerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(choices=["adopted", "not_adopted"], required=False)
    feasible = serializers.BooleanField()
    changes = ChangeSerializer(many=True)
    probability = serializers.FloatField(
        required=False,
        help_text="The chance, on the members' records, that they cast the votes named "
        "(the most probable path, not the fewest changes).",
    )
    n_changes = serializers.IntegerField(required=False)
    summary = serializers.CharField(required=False)
    reason = serializers.CharField(allow_null=True)
    elected_only_feasible = serializers.BooleanField()
    elected_only_reason = serializers.CharField(allow_null=True)
    alternatives = PathSerializer(
        many=True,
        required=False,
        help_text="Less probable paths with fewer changes: for each smaller number of changes, "
        "the most probable path with that many.",
    )


class ChancesSerializer(serializers.Serializer[Any]):
    yes = serializers.FloatField()
    no = serializers.FloatField()
    abstain = serializers.FloatField(help_text="Abstaining or not taking part.")


class MemberInputSerializer(serializers.Serializer[Any]):
    member = serializers.CharField()
    permanent = serializers.BooleanField()
    known = serializers.BooleanField(help_text="Whether a position is recorded.")
    stance = serializers.ChoiceField(choices=STANCES)
    confidence = serializers.FloatField()
    prior = ChancesSerializer(help_text="Its chances on its record, before any position.")
    stated = ChancesSerializer(
        help_text="confidence x the stance's row + (1 - confidence) x prior."
    )
    used = ChancesSerializer(
        help_text="Its chances once every member's position is taken into account (blocs and "
        "the consensus class link members): what the projection used."
    )
    bloc = serializers.ListField(child=serializers.CharField(), allow_null=True)


class BlocAssumptionSerializer(serializers.Serializer[Any]):
    members = serializers.ListField(child=serializers.CharField())
    weight = serializers.FloatField(help_text="The chance it votes as one on a contested draft.")
    common = ChancesSerializer(help_text="Its vote when it votes as one, on its record.")
    weight_given_positions = serializers.FloatField()
    common_given_positions = ChancesSerializer(allow_null=True)


class AssumptionsSerializer(serializers.Serializer[Any]):
    source = serializers.CharField(  # type: ignore[assignment]  # stub gap: DRF's stubs see Field.source
        help_text="The recorded votes the priors come from."
    )
    blocs_enabled = serializers.BooleanField()
    consensus = serializers.FloatField(
        allow_null=True, help_text="The chance, on the record, that every member votes yes."
    )
    consensus_given_positions = serializers.FloatField(allow_null=True)
    blocs = BlocAssumptionSerializer(many=True)


class ProjectionFiguresSerializer(serializers.Serializer[Any]):
    """The engine's figures for a draft, stored or computed for a what-if scenario."""

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
    closest_path = ClosestPathSerializer(help_text="The most probable path to adoption.")
    path_to_failure = ClosestPathSerializer(
        required=False, help_text="The most probable path to the draft's not being adopted."
    )
    inputs = MemberInputSerializer(many=True, required=False)
    assumptions = AssumptionsSerializer(required=False)
    fingerprint = serializers.CharField()


class ProjectionSerializer(ProjectionFiguresSerializer):
    council_on = serializers.DateField(
        allow_null=True, help_text="The day whose Council the projection counts."
    )
    not_counted = NotCountedSerializer(
        many=True,
        help_text="Current positions of members not seated on council_on: not counted.",
    )
    recorded_outcome = serializers.ChoiceField(
        choices=Outcome.choices, allow_null=True, help_text=RECORDED_OUTCOME_HELP
    )
    recorded_vote = RecordedVoteSummarySerializer(
        allow_null=True, help_text="The draft's recorded vote: counts and vetoing members."
    )
    computed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the stored projection was computed; null when none is stored yet.",
    )
    stale = serializers.BooleanField(
        help_text="The stored projection is missing or older than a change to the draft, its "
        "positions or its Council; a refresh has been sent, and a later read will show it."
    )
    computed_in_request = serializers.BooleanField(
        help_text="The figures were computed for this response from the data as it is now "
        "(?fresh=1, or no projection stored yet) instead of read from the store. Nothing is "
        "written either way."
    )


PROJECTION_KEYS = (
    "p_adopted",
    "p_vetoed",
    "p_failed",
    "expected_yes",
    "yes_distribution",
    "most_likely",
    "fingerprint",
)


FORECAST_KEYS = ("path_to_failure", "inputs", "assumptions")


def projection_payload(draft: Draft, analysis: dict[str, Any], **extra: Any) -> dict[str, Any]:
    projection = analysis["projection"]
    return {
        "draft": draft.slug,
        **{key: projection[key] for key in PROJECTION_KEYS},
        "pivotal": analysis["pivotal"],
        "closest_path": analysis["closest_path"],
        **{key: analysis[key] for key in FORECAST_KEYS if key in analysis},
        **extra,
    }


def stored_extras(projection: Projection) -> dict[str, Any]:
    """What a stored projection carries beside the engine's figures (rows stored before these
    existed carry none, and are stale)."""
    results = projection.results
    return {
        "council_on": results.get("council_on", projection.council_on),
        "not_counted": results.get("not_counted", []),
        "recorded_outcome": results.get("recorded_outcome"),
        "recorded_vote": results.get("recorded_vote"),
    }


FRESH = OpenApiParameter(
    "fresh",
    OpenApiTypes.BOOL,
    description="true: compute the projection in this request from the data as it is now "
    "(computed_in_request is true); nothing is written.",
)


class DraftProjection(DraftLookupMixin, generics.GenericAPIView[Draft]):
    """A draft's stored projection. A read never writes: when the stored projection is stale
    (or missing) the answer says so and one refresh is sent to the workers."""

    serializer_class = ProjectionSerializer

    @extend_schema(
        summary="The exact probability that a draft is adopted, vetoed or fails",
        parameters=[FRESH],
    )
    def get(self, request: Request, key: str) -> Response:
        fresh = bool_param(request, "fresh")
        state = draft_state_or_404(key, "projection")
        try:
            if fresh:
                return Response(self._computed(state))
            if conditional.matches(state, request):
                return conditional.not_modified(state)
            cache_key = f"projection:{state.draft_id}:{state.etag}"
            body = api_cache.body(cache_key, lambda: self._stored(state))
            return conditional.stamp(state, Response(body))
        finally:
            if state.projection_stale:
                # Sent once the answer is made, so that it shows the state the read found.
                projections.projection_refresh_enqueue(state.draft_id)

    def _stored(self, state: projections.DraftState) -> Any:
        projection = (
            Projection.objects.select_related("draft").filter(pk=state.projection_id).first()
            if state.projection_id
            else None
        )
        if projection is None:  # nothing stored yet: computed here, in memory only
            return self._computed(state)
        data = projection_payload(
            projection.draft,
            projection.results,
            **stored_extras(projection),
            computed_at=projection.computed_at,
            stale=state.projection_stale,
            computed_in_request=False,
        )
        return ProjectionSerializer(data).data

    def _computed(self, state: projections.DraftState) -> Any:
        draft = self.get_draft()
        reading = projections.draft_reading(draft)
        data = projection_payload(
            draft,
            reading.analysis.to_dict(),
            **reading.extras(),
            computed_at=state.projection_computed_at,
            stale=state.projection_stale,
            computed_in_request=True,
        )
        return ProjectionSerializer(data).data

"""A draft's projection: the exact probability that it is adopted, vetoed or fails, with its
pivotal members and the closest path to adoption."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

import charter
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
from votes.models import Outcome, Projection

STANCES = [s.value for s in charter.Stance]


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
    to = serializers.ChoiceField(choices=[v.value for v in charter.Vote])


class ClosestPathSerializer(serializers.Serializer):
    feasible = serializers.BooleanField()
    changes = ChangeSerializer(many=True)
    reason = serializers.CharField(allow_null=True)
    elected_only_feasible = serializers.BooleanField()
    elected_only_reason = serializers.CharField(allow_null=True)


class ProjectionFiguresSerializer(serializers.Serializer):
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
    closest_path = ClosestPathSerializer()
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


def projection_payload(draft: Draft, analysis: dict[str, Any], **extra: Any) -> dict[str, Any]:
    projection = analysis["projection"]
    return {
        "draft": draft.slug,
        **{key: projection[key] for key in PROJECTION_KEYS},
        "pivotal": analysis["pivotal"],
        "closest_path": analysis["closest_path"],
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


class DraftProjection(DraftLookupMixin, generics.GenericAPIView):
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
            body = cache.get(cache_key)
            if body is None:
                body = self._stored(state)
                cache.set(cache_key, body, timeout=3600)
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

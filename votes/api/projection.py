"""A draft's projection: the exact probability that it is adopted, vetoed or fails, with its
pivotal members and the closest path to adoption."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

import charter
from api import conditional
from resolutions.api import DraftLookupMixin
from resolutions.models import Draft
from votes import projections
from votes.api.tally import RESULTS, draft_state_or_404
from votes.models import Projection

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


class DraftProjection(DraftLookupMixin, generics.GenericAPIView):
    serializer_class = ProjectionSerializer

    @extend_schema(summary="The exact probability that a draft is adopted, vetoed or fails")
    def get(self, request: Request, key: str) -> Response:
        state = draft_state_or_404(key, "projection")
        if state.projection_stale:
            # A stale or missing projection is repaired by this read (as by the periodic job).
            projections.projection_refresh(draft_id=state.draft_id)
            state = draft_state_or_404(key, "projection")
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
            draft = self.get_draft()
            analysis, computed_at = projections.draft_analysis(draft).to_dict(), None
        else:
            draft = projection.draft
            analysis, computed_at = projection.results, projection.computed_at
        data = projection_payload(
            draft, analysis, computed_at=computed_at, stale=state.projection_stale
        )
        body = ProjectionSerializer(data).data
        cache.set(cache_key, body, timeout=3600)
        return conditional.stamp(state, Response(body))

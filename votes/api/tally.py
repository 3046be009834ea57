"""A draft's tally: who stands where, and the outcome if it were voted now."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Max
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

import charter
from api import conditional
from resolutions.api import DraftLookupMixin
from resolutions.models import Draft
from votes import projections

RESULTS = [r.value for r in charter.Result]


def draft_state_or_404(key: str, kind: str) -> projections.DraftState:
    try:
        return projections.draft_state(key, kind)
    except Draft.DoesNotExist as missing:
        raise NotFound(str(missing)) from None


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


def tally_payload(draft: Draft, tally: charter.Tally, as_of: Any) -> dict[str, Any]:
    return {
        "draft": draft.slug,
        "council_on": projections.draft_composition(draft).day,
        "quota": tally.quota,
        "seated": tally.seated,
        "counts": {k.value: v for k, v in tally.counts.items()},
        "permanent_opposed": list(tally.permanent_opposed),
        "outcome_if_held_now": tally.outcome_if_held_now.result.value,
        "vetoed_by_if_held_now": list(tally.outcome_if_held_now.vetoed_by),
        "votes_needed": tally.votes_needed,
        "as_of": as_of,
    }


class DraftTally(DraftLookupMixin, generics.GenericAPIView):
    serializer_class = TallySerializer

    @extend_schema(summary="Who stands where on a draft, and the outcome if voted now")
    def get(self, request: Request, key: str) -> Response:
        state = draft_state_or_404(key, "tally")
        if conditional.matches(state, request):
            return conditional.not_modified(state)
        cache_key = f"tally:{state.draft_id}:{state.etag}"
        data = cache.get(cache_key)
        if data is None:
            draft = self.get_draft()
            as_of = draft.positions.aggregate(last=Max("as_of"))["last"]
            payload = tally_payload(draft, projections.draft_tally(draft), as_of)
            data = TallySerializer(payload).data
            cache.set(cache_key, data, timeout=3600)
        return conditional.stamp(state, Response(data))

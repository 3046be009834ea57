"""A draft's tally: who stands where, and the outcome if it were voted now."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

import charter
from api import cache as api_cache
from api import conditional
from resolutions.api import DraftLookupMixin
from resolutions.models import Draft
from votes import projections
from votes.models import Outcome, Stance

RESULTS = [r.value for r in charter.Result]


def draft_state_or_404(key: str, kind: str) -> projections.DraftState:
    try:
        return projections.draft_state(key, kind)
    except Draft.DoesNotExist as missing:
        raise NotFound(str(missing)) from None


class NotCountedSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField(help_text="The position's id.")
    member = serializers.CharField(help_text="ISO3 code.")
    name = serializers.CharField()
    stance = serializers.ChoiceField(choices=Stance.choices)
    as_of = serializers.DateField()
    reason = serializers.CharField(help_text='e.g. "not on the Council on 2026-12-02".')


class RecordedVoteCountsSerializer(serializers.Serializer[Any]):
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    abstain = serializers.IntegerField()
    not_participating = serializers.IntegerField()


class RecordedVoteSummarySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The recorded vote (/api/v1/votes/{id}/).")
    voted_on = serializers.DateField()
    meeting_record = serializers.CharField(help_text="e.g. S/PV.8697; empty when unknown.")
    recorded_outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        help_text="The outcome as the records state it (the engine's reading of the ballots "
        "when they state none).",
    )
    counts = RecordedVoteCountsSerializer()
    vetoed_by = serializers.ListField(
        child=serializers.CharField(), help_text="ISO3 codes of the vetoing members."
    )


RECORDED_OUTCOME_HELP = (
    "What happened at the vote, once the draft has a recorded vote (adopted, vetoed or "
    "failed); null before. The forecast fields beside it describe the positions, not the vote."
)


class TallySerializer(serializers.Serializer[Any]):
    draft = serializers.CharField(help_text="The draft's slug.")
    council_on = serializers.DateField(
        help_text="The day whose Council decides the draft: the vote's date; today while the "
        "draft is open without one; its last date once closed without one."
    )
    quota = serializers.IntegerField()
    seated = serializers.IntegerField()
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="One per stance, over the members seated on council_on (no position: undecided).",
    )
    permanent_opposed = serializers.ListField(child=serializers.CharField())
    outcome_if_held_now = serializers.ChoiceField(
        choices=RESULTS, help_text="The forecast from firm positions only."
    )
    vetoed_by_if_held_now = serializers.ListField(child=serializers.CharField())
    votes_needed = serializers.IntegerField()
    as_of = serializers.DateField(allow_null=True, help_text="Latest as-of date of a position.")
    not_counted = NotCountedSerializer(
        many=True,
        help_text="Current positions of members not seated on council_on: listed, not counted.",
    )
    recorded_outcome = serializers.ChoiceField(
        choices=Outcome.choices, allow_null=True, help_text=RECORDED_OUTCOME_HELP
    )
    recorded_vote = RecordedVoteSummarySerializer(
        allow_null=True, help_text="The draft's recorded vote: counts and vetoing members."
    )


def tally_payload(reading: projections.DraftReading, as_of: Any) -> dict[str, Any]:
    tally = reading.tally
    return {
        "draft": reading.draft.slug,
        "quota": tally.quota,
        "seated": tally.seated,
        "counts": {k.value: v for k, v in tally.counts.items()},
        "permanent_opposed": list(tally.permanent_opposed),
        "outcome_if_held_now": tally.outcome_if_held_now.result.value,
        "vetoed_by_if_held_now": list(tally.outcome_if_held_now.vetoed_by),
        "votes_needed": tally.votes_needed,
        "as_of": as_of,
        **reading.extras(),
    }


class DraftTally(DraftLookupMixin, generics.GenericAPIView[Draft]):
    serializer_class = TallySerializer

    @extend_schema(
        summary="Who stands where on a draft, the outcome if voted now, and its recorded vote"
    )
    def get(self, request: Request, key: str) -> Response:
        state = draft_state_or_404(key, "tally")
        if conditional.matches(state, request):
            return conditional.not_modified(state)
        data = api_cache.body(f"tally:{state.draft_id}:{state.etag}", lambda: self._built(state))
        return conditional.stamp(state, Response(data))

    def _built(self, state: projections.DraftState) -> Any:
        # The state found the draft: read it by id, with its dates (one query, not two).
        draft = Draft.objects.select_related("regime").with_dates().get(pk=state.draft_id)
        reading = projections.draft_reading(draft)
        return TallySerializer(tally_payload(reading, reading.last_as_of)).data

"""What-if scenarios: a draft's projection with some members' stances overridden. Nothing is
written."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import Compute
from resolutions.api import DraftLookupMixin
from votes.api.projection import STANCES, ProjectionSerializer, projection_payload
from votes.api.tally import TallySerializer, tally_payload
from votes.projections import draft_analysis


class ScenarioInputSerializer(serializers.Serializer):
    overrides = serializers.DictField(
        child=serializers.ChoiceField(choices=STANCES),
        allow_empty=True,
        help_text='ISO3 code -> stance, e.g. {"USA": "abstain"}; each held with confidence 1.',
    )
    blocs = serializers.BooleanField(
        required=False,
        default=True,
        help_text="false: members vote independently, without the blocs learned from the record.",
    )


class ScenarioSerializer(ProjectionSerializer):
    overrides = serializers.DictField(child=serializers.CharField())
    blocs = serializers.BooleanField()
    tally = TallySerializer()
    computed_at = None  # type: ignore[assignment]
    stale = None  # type: ignore[assignment]


class DraftScenarios(DraftLookupMixin, generics.GenericAPIView):
    serializer_class = ScenarioSerializer
    permission_classes = [Compute]

    @extend_schema(
        summary="The projection under what-if overrides; nothing is written",
        request=ScenarioInputSerializer,
        responses=ScenarioSerializer,
    )
    def post(self, request: Request, key: str) -> Response:
        draft = self.get_draft()
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"body": ["Send a JSON object with 'overrides'."]})
        unknown = sorted(set(request.data) - set(ScenarioInputSerializer().fields))
        if unknown:
            raise serializers.ValidationError({k: ["Unknown field."] for k in unknown})
        given = ScenarioInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        overrides: dict[str, str] = {}
        for code, stance in given.validated_data["overrides"].items():
            member = code.strip().upper()
            if member in overrides:
                raise serializers.ValidationError({"overrides": [f"{member} is given twice."]})
            overrides[member] = stance
        blocs = given.validated_data["blocs"]
        analysis = draft_analysis(draft, overrides, blocs=blocs)
        data = projection_payload(
            draft,
            analysis.to_dict(),
            overrides=overrides,
            blocs=blocs,
            tally=tally_payload(draft, analysis.tally, None),
        )
        return Response(ScenarioSerializer(data).data)

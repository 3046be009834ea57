"""What-if scenarios: a draft's projection with some members' stances overridden. Nothing is
written."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import KeyedDictField
from api.permissions import Compute
from api.serializers import StrictSerializer
from members.api import MemberCodeField
from resolutions.api import DraftLookupMixin
from resolutions.models import Draft
from votes.api.projection import STANCES, ProjectionFiguresSerializer, projection_payload
from votes.api.tally import TallySerializer, tally_payload
from votes.projections import draft_reading


class ScenarioInputSerializer(StrictSerializer):
    overrides = KeyedDictField(
        key=MemberCodeField(),
        child=serializers.ChoiceField(choices=STANCES),
        allow_empty=True,
        help_text='ISO3 code -> stance, e.g. {"USA": "abstain"}; each held with confidence 1.',
    )
    blocs = serializers.BooleanField(
        required=False,
        default=True,
        help_text="false: members vote independently, without the blocs learned from the record.",
    )


class ScenarioSerializer(ProjectionFiguresSerializer):
    overrides = serializers.DictField(child=serializers.CharField())
    blocs = serializers.BooleanField()
    tally = TallySerializer()


class DraftScenarios(DraftLookupMixin, generics.GenericAPIView[Draft]):
    serializer_class = ScenarioSerializer
    permission_classes = [Compute]

    @extend_schema(
        summary="The projection under what-if overrides; nothing is written",
        request=ScenarioInputSerializer,
        responses=ScenarioSerializer,
    )
    def post(self, request: Request, key: str) -> Response:
        draft = self.get_draft()
        given = ScenarioInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        overrides: dict[str, str] = given.validated_data["overrides"]
        blocs = given.validated_data["blocs"]
        reading = draft_reading(draft, overrides, blocs=blocs)
        data = projection_payload(
            draft,
            reading.analysis.to_dict(),
            overrides=overrides,
            blocs=blocs,
            tally=tally_payload(reading, None),
        )
        return Response(ScenarioSerializer(data).data)

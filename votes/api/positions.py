"""A draft's positions: the current one of each member, or their whole history; editors
record new ones (positions are never edited)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import StrictDateField, StrictFloatField, StrictIntegerField
from api.params import bool_param
from api.renderers import CSV_FORMAT, CSVRenderer
from api.serializers import StrictSerializer
from members.api import MemberCodeField
from resolutions.api import DraftLookupMixin
from votes.models import Position, Stance
from votes.services import member_from_code, position_record


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


class PositionInputSerializer(StrictSerializer):
    output_serializer = PositionSerializer

    member = MemberCodeField(help_text="ISO3 code, e.g. USA.")
    stance = serializers.ChoiceField(choices=Stance.choices)
    confidence = StrictFloatField(min_value=0, max_value=1)
    as_of = StrictDateField()
    source = serializers.CharField(max_length=5000)
    source_url = serializers.URLField(required=False, allow_blank=True, max_length=500, default="")
    supersedes = StrictIntegerField(
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


class DraftPositions(DraftLookupMixin, generics.ListCreateAPIView):
    """A draft's current positions (or their whole history); editors record new ones."""

    serializer_class = PositionSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = None

    def get_queryset(self) -> QuerySet[Position]:
        positions = self.get_draft().positions.select_related("draft", "member", "entered_by")
        if bool_param(self.request, "history"):
            return positions.latest_first()
        return positions.current().order_by("-member__permanent", "member__name")

    @extend_schema(parameters=[HISTORY, CSV_FORMAT])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=PositionInputSerializer, responses={201: PositionSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        draft = self.get_draft()
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

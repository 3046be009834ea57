"""A draft's positions: the current one of each member, or their whole history; editors
record new ones (positions are never edited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import StrictDateField, StrictFloatField, StrictIntegerField
from api.params import bool_param
from api.permissions import signed_in
from api.renderers import CSV_FORMAT, CSVRenderer
from api.serializers import StrictSerializer
from members.api import MemberCodeField
from resolutions.api import DraftLookupMixin
from resolutions.models import Draft
from votes.models import Position, PositionQuerySet, Stance
from votes.projections import position_standing
from votes.services import member_from_code, position_record


class MemberRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    permanent = serializers.BooleanField()


class PositionSerializer(serializers.ModelSerializer[Position]):
    """A position, and whether the draft's tally and projection count it (annotated by
    ``PositionQuerySet.with_standing``; the reason is ``votes.projections.position_standing``)."""

    draft: serializers.SlugRelatedField[Draft] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    member = MemberRefSerializer(read_only=True)
    confidence = serializers.FloatField()
    entered_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    current = serializers.BooleanField(
        source="is_current",
        read_only=True,
        help_text="The member's current position on the draft: its latest by as-of date.",
    )
    counted = serializers.SerializerMethodField(
        help_text="Counted in the draft's tally and projection: current, and the member sits "
        "on the Council of the draft's Council day."
    )
    reason = serializers.SerializerMethodField(
        help_text='Why it is not counted, e.g. "not on the Council on 2026-12-02"; null when '
        "counted."
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
            "current",
            "counted",
            "reason",
        ]

    def get_counted(self, position: Position) -> bool:
        return self.get_reason(position) is None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reason(self, position: Position) -> str | None:
        # Annotations of PositionQuerySet.with_standing, which the plugin cannot see from here.
        return position_standing(
            is_current=position.is_current,  # type: ignore[attr-defined]  # plugin gap: with_standing's annotation unseen
            seated=position.seated,  # type: ignore[attr-defined]  # plugin gap: with_standing's annotation unseen
            council_day=self.context["council_day"],
        )


class PositionInputSerializer(StrictSerializer):
    output_serializer = PositionSerializer

    member = MemberCodeField(help_text="ISO3 code, e.g. USA.")
    stance = serializers.ChoiceField(choices=Stance.choices)
    confidence = StrictFloatField(min_value=0, max_value=1)
    as_of = StrictDateField()
    source = serializers.CharField(  # type: ignore[assignment]  # stub gap: DRF's stubs see Field.source
        max_length=5000
    )
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


class DraftPositions(DraftLookupMixin, generics.ListCreateAPIView[Position]):
    """A draft's current positions (or their whole history), each saying whether it is
    counted; editors record new ones."""

    serializer_class = PositionSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = None

    def council_day(self) -> dt.date:
        day: dt.date | None = getattr(self, "_council_day", None)
        if day is None:
            day = self._council_day = self.get_draft().council_date
        return day

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "council_day": self.council_day()}

    def positions(self) -> PositionQuerySet:
        return (
            Position.objects.filter(draft=self.get_draft())
            .select_related("draft", "member", "entered_by")
            .with_standing(self.council_day())
        )

    def get_queryset(self) -> QuerySet[Position]:
        positions = self.positions()
        if bool_param(self.request, "history"):
            return positions.latest_first()
        return positions.current().order_by("-member__permanent", "member__name")

    @extend_schema(parameters=[HISTORY, CSV_FORMAT])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=PositionInputSerializer,
        responses={201: PositionSerializer},
        description="Records a position. With supersedes it must become the member's current "
        "position: 409 if another editor has recorded one since, or if its as_of is older "
        "than the current one's. Without supersedes, an older position is kept as history "
        "(the answer says current: false).",
    )
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
            entered_by=signed_in(request.user),
            supersedes=data["supersedes"],
        )
        recorded = self.positions().get(pk=position.pk)
        body = PositionSerializer(recorded, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

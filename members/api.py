"""REST endpoints for the Council's membership."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.params import date_param
from api.values import quoted
from members.models import Composition, Member, Term, charter_seats, iso3_validator


def day_param(request: Request, name: str = "on") -> dt.date:
    """A date from the query string (default today), or a 400 naming the parameter."""
    day = date_param(request, name)
    return timezone.localdate() if day is None else day


@extend_schema_field({"type": "string", "pattern": r"^\s*[A-Za-z]{3}\s*$", "example": "USA"})
class MemberCodeField(serializers.Field):
    """A member's ISO3 code as a client types it, spaces and case forgiven (``' usa '`` is
    ``USA``): three letters. Whether a member has the code is the service's question."""

    default_error_messages = {
        "invalid": "{value} is not a member code: use three letters, e.g. USA.",
    }

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid", value=quoted(data))
        code = data.strip().upper()
        try:
            iso3_validator(code)
        except DjangoValidationError:
            self.fail("invalid", value=quoted(data))
        return code

    def to_representation(self, value: str) -> str:
        return value


class TermSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)


class SeatedMemberSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    permanent = serializers.BooleanField()
    term = serializers.SerializerMethodField()

    @extend_schema_field(TermSerializer(allow_null=True))
    def get_term(self, member: Member) -> dict[str, object] | None:
        terms = getattr(member, "terms_on_day", [])
        return TermSerializer(terms[0]).data if terms else None


class CouncilSerializer(serializers.Serializer):
    on = serializers.DateField()
    seats = serializers.IntegerField(help_text="Seats under the Charter on that day.")
    known = serializers.IntegerField(help_text="Seats whose holder is known.")
    complete = serializers.BooleanField()
    note = serializers.CharField()
    members = SeatedMemberSerializer(many=True)


class CouncilOnDay(generics.GenericAPIView):
    serializer_class = CouncilSerializer

    @extend_schema(
        summary="The members seated on a day",
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="Default: today.")],
    )
    def get(self, request: Request) -> Response:
        day = day_param(request)
        members = Member.objects.seated_on(day).prefetch_related(
            Prefetch("terms", queryset=Term.objects.covering(day), to_attr="terms_on_day")
        )
        try:
            seats = charter_seats(day)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"on": error.messages}) from None
        composition = Composition(day, tuple(members), *seats)
        data = {
            "on": day,
            "seats": composition.seats,
            "known": composition.known,
            "complete": composition.complete,
            "note": composition.describe(),
            "members": composition.members,
        }
        return Response(CouncilSerializer(data).data)

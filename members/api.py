"""REST endpoints for the Council's membership: who sits on a day, a member's terms (read and
updated with ``If-Match``) and its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.conditional import IF_MATCH, check_if_match, version_etag
from api.fields import StrictDateField
from api.history import HistoryEntrySerializer, HistorySource, history_entries, history_response
from api.params import date_param
from api.serializers import StrictSerializer
from api.values import quoted
from members.codes import SeatDirectory
from members.models import Composition, Member, MemberName, Term, iso3_validator
from members.services import term_update


def day_param(request: Request, name: str = "on") -> dt.date:
    """A date from the query string (default today), or a 400 naming the parameter."""
    day = date_param(request, name)
    return timezone.localdate() if day is None else day


@extend_schema_field({"type": "string", "pattern": r"^\s*[A-Za-z]{3}\s*$", "example": "USA"})
class MemberCodeField(serializers.Field[str, object, str, Any]):
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


class TermSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)


class SeatedMemberSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.SerializerMethodField(help_text="The member's name on that day.")
    permanent = serializers.BooleanField()
    term = serializers.SerializerMethodField()

    def get_name(self, member: Member) -> str:
        return member.name_on(self.context["day"])

    @extend_schema_field(TermSerializer(allow_null=True))
    def get_term(self, member: Member) -> dict[str, object] | None:
        terms = getattr(member, "terms_on_day", [])
        return TermSerializer(terms[0]).data if terms else None


class CouncilSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    seats = serializers.IntegerField(help_text="Seats under the Charter on that day.")
    known = serializers.IntegerField(help_text="Seats whose holder is known.")
    complete = serializers.BooleanField()
    note = serializers.CharField()
    members = SeatedMemberSerializer(many=True)


class CouncilOnDay(generics.GenericAPIView[Any]):
    serializer_class = CouncilSerializer

    @extend_schema(
        operation_id="council_on_day",
        summary="The members seated on a day",
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="Default: today.")],
    )
    def get(self, request: Request) -> Response:
        day = day_param(request)
        composition = composition_param(day)
        data = {
            "on": day,
            "seats": composition.seats,
            "known": composition.known,
            "complete": composition.complete,
            "note": composition.describe(),
            "members": composition.members,
        }
        return Response(CouncilSerializer(data, context={"day": day}).data)


def composition_param(day: dt.date, name: str = "on") -> Composition:
    """The Council on ``day`` (with each member's term of that day), or a 400 naming the
    parameter before the Council first met."""
    try:
        composition = Composition.on(day)
    except DjangoValidationError as error:
        raise serializers.ValidationError({name: error.messages}) from None
    terms: dict[int, list[Term]] = {}
    for term in Term.objects.covering(day).filter(member__in=composition.members):
        terms.setdefault(term.member_id, []).append(term)
    for member in composition.members:
        # The attribute members.selectors' Prefetch(to_attr=...) sets; no field declares it.
        member.terms_on_day = terms.get(member.pk, [])  # type: ignore[attr-defined]  # wrong on purpose: set by hand, as the Prefetch would
    return composition


class MemberNameSerializer(serializers.ModelSerializer[MemberName]):
    code = serializers.SerializerMethodField(help_text="The code of the time.")
    to = serializers.DateField(source="end", allow_null=True)

    class Meta:
        model = MemberName
        fields = ["name", "code", "start", "to"]

    def get_code(self, name: MemberName) -> str:
        return name.code or name.member.code


class MemberSerializer(serializers.Serializer[Any]):
    """A member, its terms and its names over time."""

    code = serializers.CharField()
    name = serializers.CharField(help_text="The latest name.")
    permanent = serializers.BooleanField()
    names = MemberNameSerializer(many=True)
    terms = TermSerializer(many=True)


def member_or_404(code: str) -> Member:
    """The member with this code (or a code of the time, such as SUN), or a JSON 404."""
    member = SeatDirectory().by_file_code(code)
    if member is None:
        raise NotFound(f"No Council member with the code {code!r}.")
    return (
        Member.objects.with_names()
        .prefetch_related(Prefetch("terms", queryset=Term.objects.order_by("start")))
        .get(pk=member.pk)
    )


def term_etag(term: Term) -> str:
    """The ETag of a term's version: every save changes it."""
    return version_etag("term", term.pk, term.updated_at)


class TermDetailSerializer(serializers.ModelSerializer[Term]):
    member = serializers.CharField(source="member.code", read_only=True)

    class Meta:
        model = Term
        fields = ["id", "member", "start", "end", "source", "updated_at"]


class TermUpdateSerializer(StrictSerializer):
    """A term's dates and source (``PATCH``); the rules are ``Term.clean``'s, as in the admin:
    no overlap, no seat beyond the Charter's, an end date for an elected member only."""

    output_serializer = TermDetailSerializer

    start = StrictDateField()
    end = StrictDateField(allow_null=True)
    # A field named like DRF's Field.source; the serializer's metaclass takes it off the class.
    source = serializers.CharField(allow_blank=True, max_length=5000)  # type: ignore[assignment]  # stub gap: DRF's stubs see Field.source


def term_or_404(code: str, pk: int) -> Term:
    member = member_or_404(code)
    term = Term.objects.select_related("member").filter(member=member, pk=pk).first()
    if term is None:
        raise NotFound(f"{member} has no term {pk}.")
    return term


class TermDetail(generics.GenericAPIView[Term]):
    """One term of a member; its ETag names its version, for ``If-Match`` on ``PATCH``."""

    serializer_class = TermDetailSerializer

    @extend_schema(summary="A member's term")
    def get(self, request: Request, code: str, pk: int) -> Response:
        term = term_or_404(code, pk)
        response = Response(TermDetailSerializer(term).data)
        response["ETag"] = term_etag(term)
        response["Cache-Control"] = "private, no-cache"
        return response

    @extend_schema(
        summary="Move a term's dates or change its source (editors)",
        request=TermUpdateSerializer,
        responses=TermDetailSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, code: str, pk: int) -> Response:
        """One transaction: the term is locked, its ETag compared with ``If-Match``, the
        Council's rules checked; the projections of the days it covered and covers are then
        stale and refreshed."""
        term = term_or_404(code, pk)
        serializer = TermUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            locked = Term.objects.select_for_update().get(pk=term.pk)
            check_if_match(request, term_etag(locked))
            saved = term_update(term=locked, changes=dict(serializer.validated_data))
        response = Response(TermDetailSerializer(saved).data)
        response["ETag"] = term_etag(saved)
        return response


class MemberHistory(generics.GenericAPIView[Member]):
    serializer_class = HistoryEntrySerializer

    @extend_schema(
        summary="Who changed the member, its names and its terms, when, and what (newest first)",
        responses=HistoryEntrySerializer(many=True),
    )
    def get(self, request: Request, code: str) -> Response:
        member = member_or_404(code)
        entries = history_entries(
            [
                HistorySource("member", Member.history.filter(id=member.pk), lambda r: r.name),
                HistorySource(
                    "name", MemberName.history.filter(member_id=member.pk), lambda r: r.name
                ),
                HistorySource(
                    "term",
                    Term.history.filter(member_id=member.pk),
                    lambda r: f"{r.start.isoformat()}–{r.end.isoformat() if r.end else '…'}",
                ),
            ]
        )
        return history_response(self, entries)

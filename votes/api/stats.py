"""Figures over the Council's history for charts: vetoes by member and year, outcomes by
year. Every year of the range is present (zeros included), so a series can be drawn as is."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Min
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.params import query_value
from members.api import MemberNameSerializer
from members.models import Member
from votes import stats
from votes.models import RecordedVote, VoteKind

YEAR_PARAMS = [
    OpenApiParameter("year_from", OpenApiTypes.INT, description="First year (default: the first)."),
    OpenApiParameter("year_to", OpenApiTypes.INT, description="Last year (default: the last)."),
]


def _year(request: Request, name: str) -> int | None:
    text = query_value(request, name)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or not 1945 <= int(text) <= 2100:
        raise serializers.ValidationError({name: [f"{text!r} is not a year (e.g. 1946)."]})
    return int(text)


def year_range(request: Request) -> tuple[int, int]:
    """The years asked for, within those the records cover; a 400 naming the parameter when
    a year is not one or the range is empty."""
    first, last = _year(request, "year_from"), _year(request, "year_to")
    span = RecordedVote.objects.aggregate(first=Min("voted_on"), last=Max("voted_on"))
    known_first = span["first"].year if span["first"] else 1946
    known_last = span["last"].year if span["last"] else known_first
    first = known_first if first is None else first
    last = known_last if last is None else last
    if first > last:
        raise serializers.ValidationError(
            {"year_to": [f"year_to ({last}) comes before year_from ({first})."]}
        )
    return first, last


class VetoYearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    vetoes = serializers.IntegerField()


class VetoMemberSerializer(serializers.Serializer[Any]):
    member = serializers.CharField()
    name = serializers.CharField(help_text="The latest name.")
    names = MemberNameSerializer(many=True)
    total = serializers.IntegerField()
    years = VetoYearSerializer(many=True, required=False)


class VetoTotalsYearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    vetoed_drafts = serializers.IntegerField()
    vetoes_cast = serializers.IntegerField(help_text="A draft vetoed by two members counts two.")


class VetoStatsSerializer(serializers.Serializer[Any]):
    by = serializers.ListField(child=serializers.CharField())
    year_from = serializers.IntegerField()
    year_to = serializers.IntegerField()
    vetoed_drafts = serializers.IntegerField()
    vetoes_cast = serializers.IntegerField()
    members = VetoMemberSerializer(many=True, required=False)
    years = VetoTotalsYearSerializer(many=True, required=False)


BY_CHOICES = {"member": ["member"], "year": ["year"], "member,year": ["member", "year"]}


class VetoStats(generics.GenericAPIView[Any]):
    serializer_class = VetoStatsSerializer

    @extend_schema(
        summary="Vetoes by member and year",
        parameters=[
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=list(BY_CHOICES),
                description="member: a series per permanent member; year: totals per year; "
                "member,year (default): both, each member's series year by year.",
            ),
            *YEAR_PARAMS,
        ],
    )
    def get(self, request: Request) -> Response:
        by_text = (query_value(request, "by") or "member,year").replace(" ", "")
        if by_text == "year,member":
            by_text = "member,year"
        if by_text not in BY_CHOICES:
            raise serializers.ValidationError(
                {"by": [f"{by_text!r} is not one of: {', '.join(BY_CHOICES)}."]}
            )
        by = BY_CHOICES[by_text]
        first, last = year_range(request)
        years = range(first, last + 1)
        cast = stats.vetoes_cast(first, last)
        drafts = stats.vetoed_drafts(first, last)
        data: dict[str, Any] = {
            "by": by,
            "year_from": first,
            "year_to": last,
            "vetoed_drafts": sum(drafts.values()),
            "vetoes_cast": sum(sum(y.values()) for y in cast.values()),
        }
        if "member" in by:
            members = Member.objects.filter(permanent=True).with_names().order_by("code")
            data["members"] = [
                {
                    "member": m.code,
                    "name": m.name,
                    "names": list(m.names.all()),
                    "total": sum(cast.get(m.pk, {}).values()),
                    **(
                        {
                            "years": [
                                {"year": y, "vetoes": cast.get(m.pk, {}).get(y, 0)} for y in years
                            ]
                        }
                        if "year" in by
                        else {}
                    ),
                }
                for m in members
            ]
        if by == ["year"] or "year" in by:
            data["years"] = [
                {
                    "year": y,
                    "vetoed_drafts": drafts.get(y, 0),
                    "vetoes_cast": sum(c.get(y, 0) for c in cast.values()),
                }
                for y in years
            ]
        return Response(VetoStatsSerializer(data).data)


class OutcomeYearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    adopted = serializers.IntegerField()
    vetoed = serializers.IntegerField()
    failed = serializers.IntegerField(help_text="Not adopted for lack of votes.")
    total = serializers.IntegerField()
    with_ballots = serializers.IntegerField()
    counts_only = serializers.IntegerField()
    without_vote = serializers.IntegerField()


class OutcomeStatsSerializer(serializers.Serializer[Any]):
    by = serializers.ListField(child=serializers.CharField())
    year_from = serializers.IntegerField()
    year_to = serializers.IntegerField()
    totals = OutcomeYearSerializer(help_text="All years together (year is 0).")
    years = OutcomeYearSerializer(many=True)


KIND_KEYS = {
    VoteKind.BALLOTS: "with_ballots",
    VoteKind.COUNTS_ONLY: "counts_only",
    VoteKind.WITHOUT_VOTE: "without_vote",
}


class OutcomeStats(generics.GenericAPIView[Any]):
    serializer_class = OutcomeStatsSerializer

    @extend_schema(
        summary="Decisions by outcome and year",
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, enum=["year"], description="year (default)."),
            *YEAR_PARAMS,
        ],
    )
    def get(self, request: Request) -> Response:
        by = query_value(request, "by") or "year"
        if by != "year":
            raise serializers.ValidationError({"by": [f"{by!r} is not one of: year."]})
        first, last = year_range(request)
        empty = dict.fromkeys(["adopted", "vetoed", "failed", "total", *KIND_KEYS.values()], 0)
        years = {y: {"year": y, **empty} for y in range(first, last + 1)}
        for year, outcome, kind, n in stats.decisions(first, last):
            counts = years[year]
            counts[outcome] += n
            counts[KIND_KEYS[VoteKind(kind)]] += n
            counts["total"] += n
        series = [years[y] for y in sorted(years)]
        totals = {"year": 0, **{key: sum(r[key] for r in series) for key in empty}}
        data = {
            "by": ["year"],
            "year_from": first,
            "year_to": last,
            "totals": totals,
            "years": series,
        }
        return Response(OutcomeStatsSerializer(data).data)

"""One member: its terms, its names over time and its voting record, year by year."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractYear
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from members.api import MemberSerializer, member_or_404
from votes.models import Ballot, Veto, Vote

VOTE_LETTERS = {
    Vote.YES: "Y",
    Vote.NO: "N",
    Vote.ABSTAIN: "A",
    Vote.NOT_PARTICIPATING: "X",
}
"""The letters the UN's voting records use: X is a seated member that did not vote."""


class YearRecordSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    Y = serializers.IntegerField(help_text="Yes votes.")
    N = serializers.IntegerField(help_text="No votes.")
    A = serializers.IntegerField(help_text="Abstentions.")
    X = serializers.IntegerField(help_text="Seated but did not vote (not an abstention).")
    votes = serializers.IntegerField(help_text="Votes with ballots it was seated for.")
    vetoes = serializers.IntegerField(help_text="Drafts it vetoed (counts-only records too).")


class MemberDetailSerializer(MemberSerializer):
    voting_record = YearRecordSerializer(many=True)
    totals = YearRecordSerializer(help_text="All years together (year is 0).")


def voting_record(member_id: int) -> tuple[list[dict[str, int]], dict[str, int]]:
    """The member's ballots counted by year and letter (Y, N, A, X), with its vetoes, for each
    year it cast a ballot or a veto; and the totals. Two queries."""
    years: dict[int, dict[str, int]] = {}

    def year_row(year: int) -> dict[str, int]:
        return years.setdefault(
            year, {"year": year, "Y": 0, "N": 0, "A": 0, "X": 0, "votes": 0, "vetoes": 0}
        )

    ballots = (
        Ballot.objects.filter(member_id=member_id)
        .annotate(year=ExtractYear("recorded_vote__voted_on"))
        .values("year", "vote")
        .annotate(n=Count("id"))
    )
    for row in ballots:
        counts = year_row(row["year"])
        counts[VOTE_LETTERS[Vote(row["vote"])]] += row["n"]
        counts["votes"] += row["n"]
    vetoes = (
        Veto.objects.filter(member_id=member_id)
        .annotate(year=ExtractYear("recorded_vote__voted_on"))
        .values("year")
        .annotate(n=Count("id"))
    )
    for veto_row in vetoes:
        year_row(veto_row["year"])["vetoes"] += veto_row["n"]
    record = [years[y] for y in sorted(years)]
    totals = {key: sum(r[key] for r in record) for key in ("Y", "N", "A", "X", "votes", "vetoes")}
    return record, {"year": 0, **totals}


class MemberDetail(generics.GenericAPIView[Any]):
    serializer_class = MemberDetailSerializer

    @extend_schema(summary="A member: terms, names over time and voting record by year")
    def get(self, request: Request, code: str) -> Response:
        member = member_or_404(code)
        record, totals = voting_record(member.pk)
        data: dict[str, Any] = {
            "code": member.code,
            "name": member.name,
            "permanent": member.permanent,
            "names": list(member.names.all()),
            "terms": list(member.terms.all()),
            "voting_record": record,
            "totals": totals,
        }
        return Response(MemberDetailSerializer(data).data)

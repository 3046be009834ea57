"""What the site's pages about recorded votes read: the votes list and its charts, one vote,
a member's record (terms, positions, ballots, record by year, agreement with every other
member) and two members compared. One function per page; each page's queries are fixed in
number, whatever the number of votes or members."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import ExtractYear
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString

from members.models import Member, Term
from members.selectors import member_name, parse_day
from votes import stats
from votes.models import Ballot, Outcome, Position, RecordedVote, Veto
from votes.selectors import RecordedView, recorded_view
from web.charts import bar_chart_svg

FIRST_YEAR = 1946
"""The Council first met in January 1946: the charts start there."""
VOTES_PER_PAGE = 50
BALLOTS_PER_PAGE = 25
POSITIONS_SHOWN = 25
COMPARED_VOTES = 50
VOTE_COLORS = {"yes": "#1a7f37", "no": "#b3261e", "abstain": "#9a6700"}


def with_counts(votes: QuerySet[RecordedVote]) -> QuerySet[RecordedVote]:
    """Each vote with its yes, no and abstain counts as stored with it (counted from its
    ballots, or as recorded for a vote known only by its counts; none for an adoption without
    a vote)."""
    return votes.annotate(yes_count=F("yes"), no_count=F("no"), abstain_count=F("abstain"))


# --- The votes list ------------------------------------------------------------------------


class VoteSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    year = forms.IntegerField(required=False, min_value=1946, max_value=2100)
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *Outcome.choices])
    member = forms.ChoiceField(label="Member voting", required=False)
    veto = forms.ChoiceField(
        label="Veto",
        required=False,
        choices=[("", "With or without"), ("yes", "Vetoed"), ("no", "Not vetoed")],
    )

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = cast(forms.ChoiceField, self.fields["member"])
        member.choices = [("", "Anyone"), *members]


@dataclass(frozen=True)
class VotesList:
    form: VoteSearchForm
    page: Page[RecordedVote]
    total: int
    query: str
    veto_chart: SafeString
    veto_table: list[tuple[int, list[int]]]
    veto_members: list[tuple[str, str]]
    outcome_chart: SafeString
    outcome_table: list[tuple[int, list[int]]]


def votes_page(params: QueryDict) -> VotesList:
    """Every recorded vote, filtered and one page of them, with two charts over all votes:
    vetoes per permanent member per year, and outcomes per year."""
    permanent = list(Member.objects.filter(permanent=True).order_by("name"))
    form = VoteSearchForm(
        params, members=list(Member.objects.order_by("name").values_list("code", "name"))
    )
    form.is_valid()
    given = form.cleaned_data
    votes = RecordedVote.objects.select_related("draft").prefetch_related("vetoed_by")
    if text := (given.get("q") or "").strip():
        votes = votes.filter(
            Q(subject__icontains=text)
            | Q(meeting_record__icontains=text)
            | Q(draft__symbol__icontains=text)
            | Q(draft__title__icontains=text)
        )
    if year := given.get("year"):
        votes = votes.filter(voted_on__year=year)
    if outcome := given.get("outcome"):
        votes = votes.filter(outcome=outcome)
    if code := given.get("member"):
        votes = votes.filter(
            Exists(Ballot.objects.filter(recorded_vote=OuterRef("pk"), member__code=code))
        )
    vetoed = Exists(Veto.objects.filter(recorded_vote=OuterRef("pk")))
    if given.get("veto") == "yes":
        votes = votes.filter(vetoed)
    elif given.get("veto") == "no":
        votes = votes.exclude(vetoed)
    paginator = Paginator(with_counts(votes).order_by("-voted_on", "-id"), VOTES_PER_PAGE)
    page = paginator.get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)

    first, last = FIRST_YEAR, timezone.localdate().year
    by_id = stats.vetoes_cast(first, last)
    vetoes: dict[str, dict[int, int]] = {m.code: by_id.get(m.pk, {}) for m in permanent}
    names = {m.code: m.name for m in permanent}
    veto_chart = bar_chart_svg(
        vetoes,
        title="Vetoes per permanent member per year",
        id_prefix="vetoes",
        y_label="Vetoes",
        labels=names,
    )
    outcomes: dict[str, dict[int, int]] = {o: {} for o in Outcome.values}
    for year, outcome, _kind, n in stats.decisions(first, last):
        outcomes[outcome][year] = outcomes[outcome].get(year, 0) + n
    outcome_chart = bar_chart_svg(
        outcomes,
        title="Outcomes of recorded votes per year",
        id_prefix="outcomes",
        stacked=True,
        y_label="Votes",
        labels=dict(Outcome.choices),
    )
    return VotesList(
        form=form,
        page=page,
        total=paginator.count,
        query=query.urlencode(),
        veto_chart=veto_chart,
        veto_table=_table(vetoes),
        veto_members=[(code, names.get(code, code)) for code in vetoes],
        outcome_chart=outcome_chart,
        outcome_table=_table(outcomes),
    )


def _table(series: dict[str, dict[int, int]]) -> list[tuple[int, list[int]]]:
    """A chart's numbers as table rows: each year with a count per series, newest first."""
    years = sorted({year for counts in series.values() for year in counts}, reverse=True)
    return [(year, [counts.get(year, 0) for counts in series.values()]) for year in years]


def vote_or_404(pk: int) -> RecordedView:
    vote = (
        RecordedVote.objects.select_related("draft")
        .prefetch_related(Prefetch("ballots", queryset=Ballot.objects.select_related("member")))
        .filter(pk=pk)
        .first()
    )
    if vote is None:
        raise Http404(f"No recorded vote with id {pk}.")
    return recorded_view(vote)


# --- A member's record ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date | None
    end: dt.date | None
    errors: list[str]

    def q(self, prefix: str = "") -> Q:
        query = Q()
        if self.start:
            query &= Q(**{f"{prefix}voted_on__gte": self.start})
        if self.end:
            query &= Q(**{f"{prefix}voted_on__lte": self.end})
        return query

    def describe(self) -> str:
        if self.start and self.end:
            return f"from {self.start.isoformat()} to {self.end.isoformat()}"
        if self.start:
            return f"since {self.start.isoformat()}"
        if self.end:
            return f"until {self.end.isoformat()}"
        return "over every recorded vote"


def period_from(params: QueryDict) -> Period:
    errors = []
    days = []
    for name in ("from", "to"):
        day, error = parse_day(params.get(name), default=dt.date.min, field=name)
        if error:
            errors.append(f"{name}: {error}")
        days.append(None if day == dt.date.min else day)
    start, end = days
    if start and end and end < start:
        errors.append("to: the end of the period comes before its start.")
        end = None
    return Period(start, end, errors)


@dataclass(frozen=True)
class Agreement:
    member: Member
    votes: int
    same: int

    @property
    def share(self) -> float:
        return self.same / self.votes if self.votes else 0.0


AGREEMENT_SORTS = {
    "agreement": lambda a: (-a.share, -a.votes, a.member.name),
    "disagreement": lambda a: (a.share, -a.votes, a.member.name),
    "votes": lambda a: (-a.votes, a.member.name),
    "name": lambda a: (a.member.name,),
}


def agreement_with_others(member: Member, period: Period) -> list[Agreement]:
    """For every other member, how many recorded votes both cast a ballot on in ``period``,
    and on how many they voted the same way (not participating counts as a way of voting).
    Two queries, whatever the number of votes."""
    mine = Ballot.objects.filter(recorded_vote=OuterRef("recorded_vote"), member=member)
    rows = (
        Ballot.objects.exclude(member=member)
        .filter(period.q("recorded_vote__"))
        .annotate(mine=Subquery(mine.values("vote")[:1]))
        .filter(mine__isnull=False)
        .values("member")
        .annotate(votes=Count("id"), same=Count("id", filter=Q(vote=F("mine"))))
        .order_by()
    )
    counted = {row["member"]: row for row in rows}
    others = Member.objects.in_bulk(list(counted))
    return [
        Agreement(others[pk], row["votes"], row["same"])
        for pk, row in counted.items()
        if pk in others
    ]


@dataclass(frozen=True)
class YearRecord:
    year: int
    yes: int
    no: int
    abstain: int
    not_participating: int

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain + self.not_participating


def record_by_year(member: Member) -> list[YearRecord]:
    rows = (
        Ballot.objects.filter(member=member)
        .annotate(year=ExtractYear("recorded_vote__voted_on"))
        .values_list("year", "vote")
        .annotate(n=Count("id"))
        .order_by()
    )
    years: dict[int, dict[str, int]] = defaultdict(dict)
    for year, vote, n in rows:
        years[year][vote] = n
    return [
        YearRecord(
            year,
            counts.get("yes", 0),
            counts.get("no", 0),
            counts.get("abstain", 0),
            counts.get("not_participating", 0),
        )
        for year, counts in sorted(years.items(), reverse=True)
    ]


def record_chart(member: Member, years: list[YearRecord], id_prefix: str) -> SafeString:
    series = {
        "yes": {r.year: r.yes for r in years},
        "no": {r.year: r.no for r in years},
        "abstain": {r.year: r.abstain for r in years},
    }
    return bar_chart_svg(
        series,
        title=f"Ballots of {member.name} per year",
        id_prefix=id_prefix,
        stacked=True,
        y_label="Ballots",
        labels={"yes": "Yes", "no": "No", "abstain": "Abstain"},
        colors=VOTE_COLORS,
    )


@dataclass(frozen=True)
class MemberPage:
    member: Member
    name: str
    terms: list[Term]
    positions: list[Position]
    positions_total: int
    ballots: Page[Ballot]
    years: list[YearRecord]
    chart: SafeString
    agreement: list[Agreement]
    period: Period
    sort: str
    query: str


def member_or_404(code: str) -> Member:
    try:
        return Member.objects.by_code(code)
    except Member.DoesNotExist:
        raise Http404(f"No member with the code {code!r}.") from None


def member_page(code: str, params: QueryDict) -> MemberPage:
    """A member's terms, its positions on drafts, its ballots (a page of them), its record
    by year and its agreement with every other member over the chosen period."""
    member = member_or_404(code)
    period = period_from(params)
    sort = params.get("sort", "agreement")
    if sort not in AGREEMENT_SORTS:
        sort = "agreement"
    agreement = sorted(agreement_with_others(member, period), key=AGREEMENT_SORTS[sort])
    positions = Position.objects.filter(member=member).select_related("draft")
    ballots = (
        Ballot.objects.filter(member=member)
        .select_related("recorded_vote__draft")
        .order_by("-recorded_vote__voted_on", "-recorded_vote_id")
    )
    years = record_by_year(member)
    query = params.copy()
    query.pop("ballots", None)
    return MemberPage(
        member=member,
        name=member_name(member),
        terms=list(member.terms.order_by("start")),
        positions=list(positions.order_by("-id")[:POSITIONS_SHOWN]),  # latest recorded
        positions_total=positions.count(),
        ballots=Paginator(ballots, BALLOTS_PER_PAGE).get_page(params.get("ballots")),
        years=years,
        chart=record_chart(member, years, "record"),
        agreement=agreement,
        period=period,
        sort=sort,
        query=query.urlencode(),
    )


# --- Two members compared ------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    member: Member
    terms: list[Term]
    years: list[YearRecord]
    chart: SafeString


@dataclass(frozen=True)
class ComparePage:
    members: list[tuple[str, str]]
    a: Side | None
    b: Side | None
    period: Period
    together: int
    same: int
    votes: list[RecordedVote]
    errors: list[str]

    @property
    def share(self) -> float | None:
        return self.same / self.together if self.together else None


def compare_page(params: QueryDict) -> ComparePage:
    """Two members side by side: terms, records by year, and the votes both cast a ballot
    on in the period, with how each voted (the latest fifty)."""
    period = period_from(params)
    errors = list(period.errors)
    members = list(Member.objects.order_by("name").values_list("code", "name"))
    codes = {code for code, _ in members}
    sides: list[Side | None] = []
    for name, default in (("a", "USA"), ("b", "RUS")):
        code = (params.get(name) or default).strip().upper()
        if code not in codes:
            if params.get(name):
                errors.append(f"{name}: there is no member with the code {code!r}.")
            sides.append(None)
            continue
        member = Member.objects.prefetch_related(
            Prefetch("terms", queryset=Term.objects.order_by("start"))
        ).get(code=code)
        years = record_by_year(member)
        sides.append(
            Side(
                member, list(member.terms.all()), years, record_chart(member, years, f"rec-{name}")
            )
        )
    a, b = sides
    together = same = 0
    shared: list[RecordedVote] = []
    if a and b:

        def vote_of(member: Member) -> Subquery:
            return Subquery(
                Ballot.objects.filter(recorded_vote=OuterRef("pk"), member=member).values("vote")[
                    :1
                ]
            )

        both = (
            RecordedVote.objects.filter(period.q())
            .annotate(vote_a=vote_of(a.member), vote_b=vote_of(b.member))
            .filter(vote_a__isnull=False, vote_b__isnull=False)
        )
        totals = both.aggregate(
            together=Count("id"), same=Count("id", filter=Q(vote_a=F("vote_b")))
        )
        together, same = totals["together"], totals["same"]
        shared = list(both.select_related("draft").order_by("-voted_on", "-id")[:COMPARED_VOTES])
    return ComparePage(members, a, b, period, together, same, shared, errors)

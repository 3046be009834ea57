"""Every list and detail endpoint uses the same, small number of queries however many rows it
shows: counted at 2 rows, then required at 50 (no query per row)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from members.models import Member, Term
from resolutions.models import (
    Draft,
    DraftVersion,
    Measure,
    Provision,
    Resolution,
    SanctionsRegime,
    Sector,
    Sponsorship,
)
from tests.api.conftest import API
from tests.factories import (
    DraftFactory,
    MemberFactory,
    SanctionsRegimeFactory,
    SectorFactory,
    TermFactory,
)
from votes.models import Ballot, Position, RecordedVote, Stance, Vote
from votes.tasks import refresh_stale_projections

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 6, 1)  # inside the factories' default elected terms (2030-2031)
# Drafts are scheduled for a vote on DAY, so that DAY's Council (and not today's) decides them.
SMALL, LARGE = 2, 50
BUDGET = 12
STANCE_CYCLE = [Stance.YES, Stance.NO, Stance.ABSTAIN, Stance.UNDECIDED, Stance.LEANING_YES]


@pytest.fixture
def council(db: None) -> list[Member]:
    """A complete Council of 15 (5 permanent, 10 elected for 2030-2031), from the factories."""
    members = []
    for n in range(15):
        member = MemberFactory.create(permanent=n < 5)
        TermFactory.create(member=member)
        members.append(member)
    return members


@pytest.fixture
def regime(db: None) -> SanctionsRegime:
    return SanctionsRegimeFactory.create()


def _count(client: APIClient, url: str) -> int:
    """Queries of one GET, measured after a warming GET, with the cache cleared."""
    assert client.get(url).status_code == 200
    for each in caches.all():
        each.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries.captured_queries)


def _same_at_large(
    client: APIClient, url: str, small: int, django_assert_num_queries: Callable[..., Any]
) -> Any:
    assert client.get(url).status_code == 200  # warm, as at the small size
    for each in caches.all():
        each.clear()
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    return response


def _positions(draft: Draft, members: list[Member], n: int, start: int = 0) -> None:
    """``n`` positions on ``draft``, cycling over the members and moving as_of forward."""
    Position.objects.bulk_create(
        Position(
            draft=draft,
            member=members[i % len(members)],
            stance=STANCE_CYCLE[i % len(STANCE_CYCLE)],
            confidence=Decimal("0.7"),
            as_of=dt.date(2019, 1, 1) + dt.timedelta(days=i),
            source="budget test",
        )
        for i in range(start, start + n)
    )


def _resolutions(n: int, start: int = 0) -> list[Resolution]:
    return [
        Resolution.objects.create(number=50_000 + i, adopted_on=dt.date(2020, 1, 1))
        for i in range(start, start + n)
    ]


def _full_drafts(n: int, council: list[Member], regime: SanctionsRegime) -> list[Draft]:
    """Drafts each with two sponsors, two provisions, a version and a position from all 15."""
    sectors = list(Sector.objects.filter(regime=regime)[:2])
    while len(sectors) < 2:
        sectors.append(SectorFactory.create(regime=regime))
    drafts = []
    for _ in range(n):
        draft = DraftFactory.create(circulated_on=DAY, vote_on=DAY, regime=regime)
        Sponsorship.objects.create(draft=draft, member=council[0], penholder=True)
        Sponsorship.objects.create(draft=draft, member=council[5])
        for sector in sectors:
            Provision.objects.create(draft=draft, sector=sector, action=Provision.Action.LIFT)
        DraftVersion.objects.create(draft=draft, number=1, dated=DAY, text="text")
        _positions(draft, council, 15)
        drafts.append(draft)
    return drafts


# Members, regimes, sectors, power indices ---------------------------------------------------


def test_members_list(analyst_client: APIClient, django_assert_num_queries: Any) -> None:
    day = dt.date(2040, 6, 1)

    def seat(n: int) -> None:
        for _ in range(n):
            Term.objects.create(
                member=MemberFactory.create(),
                start=dt.date(2040, 1, 1),
                end=dt.date(2041, 12, 31),
                source="budget test",
            )

    url = API + f"members/?on={day.isoformat()}"
    seat(SMALL)
    small = _count(analyst_client, url)
    assert small <= BUDGET
    seat(LARGE - SMALL)
    response = _same_at_large(analyst_client, url, small, django_assert_num_queries)
    assert response.json()["known"] == LARGE


def test_regimes_list(analyst_client: APIClient, django_assert_num_queries: Any) -> None:
    SanctionsRegimeFactory.create_batch(SMALL)
    small = _count(analyst_client, API + "regimes/")
    assert small <= BUDGET
    SanctionsRegimeFactory.create_batch(LARGE - SMALL)
    response = _same_at_large(analyst_client, API + "regimes/", small, django_assert_num_queries)
    assert len(response.json()) == LARGE


def test_sectors_list(
    regime: SanctionsRegime, analyst_client: APIClient, django_assert_num_queries: Any
) -> None:
    resolutions = _resolutions(3)

    def sectors(n: int) -> None:
        for _ in range(n):
            sector = SectorFactory.create(regime=SanctionsRegimeFactory.create())
            for resolution in resolutions:
                Measure.objects.create(
                    sector=sector, resolution=resolution, kind=Measure.Kind.BAN, detail="ban"
                )

    sectors(SMALL)
    small = _count(analyst_client, API + "sectors/")
    assert small <= BUDGET
    sectors(LARGE - SMALL)
    response = _same_at_large(analyst_client, API + "sectors/", small, django_assert_num_queries)
    assert len(response.json()) == LARGE
    assert all(len(s["measures"]) == 3 for s in response.json())


def test_power_indices(
    council: list[Member], analyst_client: APIClient, django_assert_num_queries: Any
) -> None:
    """The Council is 15 on any day; what grows is the table of terms around it."""

    def other_terms(n: int, start: int) -> None:
        for i in range(start, start + n):
            Term.objects.create(
                member=MemberFactory.create(),
                start=dt.date(2050 + 2 * i, 1, 1),
                end=dt.date(2051 + 2 * i, 12, 31),
                source="budget test",
            )

    url = API + f"power-indices/?on={DAY.isoformat()}"
    other_terms(SMALL, 0)
    small = _count(analyst_client, url)
    assert small <= BUDGET
    other_terms(LARGE - SMALL, SMALL)
    response = _same_at_large(analyst_client, url, small, django_assert_num_queries)
    assert response.json()["seated"] == 15


# Drafts -------------------------------------------------------------------------------------


def test_drafts_list(
    council: list[Member],
    regime: SanctionsRegime,
    analyst_client: APIClient,
    django_assert_num_queries: Any,
) -> None:
    _full_drafts(SMALL, council, regime)
    assert refresh_stale_projections()  # as the workers do: every draft's projection stored
    small = _count(analyst_client, API + "drafts/")
    assert small <= BUDGET
    _full_drafts(LARGE - SMALL, council, regime)
    assert len(refresh_stale_projections()) == LARGE - SMALL
    response = _same_at_large(analyst_client, API + "drafts/", small, django_assert_num_queries)
    body = response.json()
    assert body["count"] == LARGE
    assert len(body["results"]) == LARGE
    # The tally summaries are the stored projections' (the list runs no engine).
    assert all(item["tally"]["seated"] == 15 for item in body["results"])
    assert all(item["projection"]["stale"] is False for item in body["results"])
    assert all(len(item["sponsors"]) == 2 for item in body["results"])


def test_drafts_csv(
    council: list[Member],
    regime: SanctionsRegime,
    analyst_client: APIClient,
    django_assert_num_queries: Any,
) -> None:
    url = API + "drafts/?format=csv"
    _full_drafts(SMALL, council, regime)
    small = _count(analyst_client, url)
    assert small <= BUDGET
    _full_drafts(LARGE - SMALL, council, regime)
    response = _same_at_large(analyst_client, url, small, django_assert_num_queries)
    assert response.content.decode().count("\n") == LARGE + 1


def test_draft_detail(
    council: list[Member],
    regime: SanctionsRegime,
    analyst_client: APIClient,
    django_assert_num_queries: Any,
) -> None:
    (draft,) = _full_drafts(1, council, regime)
    url = API + f"drafts/{draft.slug}/"

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            DraftVersion.objects.create(draft=draft, number=i + 2, dated=DAY, text=f"v{i}")
            Provision.objects.create(
                draft=draft,
                sector=SectorFactory.create(regime=regime),
                action=Provision.Action.EASE,
            )
        _positions(draft, council, n, start=100 + start)

    grow(SMALL, 0)
    small = _count(analyst_client, url)
    assert small <= BUDGET
    grow(LARGE - SMALL, SMALL)
    response = _same_at_large(analyst_client, url, small, django_assert_num_queries)
    assert len(response.json()["versions"]) == LARGE + 1


@pytest.mark.parametrize("kind", ["tally", "projection"])
def test_tally_and_projection(
    council: list[Member],
    regime: SanctionsRegime,
    analyst_client: APIClient,
    django_assert_num_queries: Any,
    kind: str,
) -> None:
    """Rows are positions on the draft: a history of 2, then of 50. The first read after new
    positions finds the projection stale and sends a refresh (run in-process here); the reads
    compared are the ones after it."""
    draft = DraftFactory.create(circulated_on=DAY, vote_on=DAY, regime=regime)
    url = API + f"drafts/{draft.slug}/{kind}/"
    _positions(draft, council, SMALL)
    small = _count(analyst_client, url)
    assert small <= BUDGET
    _positions(draft, council, LARGE - SMALL, start=SMALL)
    assert Position.objects.filter(draft=draft).count() == LARGE
    response = _same_at_large(analyst_client, url, small, django_assert_num_queries)
    if kind == "tally":
        assert sum(response.json()["counts"].values()) == 15
    else:
        assert response.json()["stale"] is False


@pytest.mark.parametrize("history", ["false", "true"])
def test_positions_list(
    council: list[Member],
    regime: SanctionsRegime,
    analyst_client: APIClient,
    django_assert_num_queries: Any,
    history: str,
) -> None:
    draft = DraftFactory.create(circulated_on=DAY, vote_on=DAY, regime=regime)
    url = API + f"drafts/{draft.slug}/positions/?history={history}"
    _positions(draft, council, SMALL)
    small = _count(analyst_client, url)
    assert small <= BUDGET
    _positions(draft, council, LARGE - SMALL, start=SMALL)
    response = _same_at_large(analyst_client, url, small, django_assert_num_queries)
    assert len(response.json()) == (LARGE if history == "true" else 15)


def test_scenarios(
    council: list[Member],
    regime: SanctionsRegime,
    analyst_client: APIClient,
    django_assert_num_queries: Any,
) -> None:
    draft = DraftFactory.create(circulated_on=DAY, vote_on=DAY, regime=regime)
    url = API + f"drafts/{draft.slug}/scenarios/"
    body = {"overrides": {council[0].code: "abstain"}}

    def post() -> Any:
        response = analyst_client.post(url, body, format="json")
        assert response.status_code == 200, response.content
        return response

    _positions(draft, council, SMALL)
    post()
    with CaptureQueriesContext(connection) as queries:
        post()
    small = len(queries.captured_queries)
    assert small <= BUDGET
    _positions(draft, council, LARGE - SMALL, start=SMALL)
    post()
    with django_assert_num_queries(small):
        post()


# Recorded votes -----------------------------------------------------------------------------


def _votes(council: list[Member], n: int, start: int = 0) -> list[RecordedVote]:
    """``n`` adopted votes (the permanent members yes, the elected ones mixed), 15 ballots each."""
    votes = []
    elected = itertools.cycle([Vote.YES, Vote.YES, Vote.NO, Vote.ABSTAIN])
    for i in range(start, start + n):
        vote = RecordedVote.objects.create(
            resolution_number=60_000 + i,
            voted_on=DAY - dt.timedelta(days=i),
            subject=f"v{i}",
            outcome="adopted",
        )
        Ballot.objects.bulk_create(
            Ballot(
                recorded_vote=vote,
                member=member,
                vote=Vote.YES if member.permanent else next(elected),
            )
            for member in council
        )
        votes.append(vote)
    return votes


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_votes_list(
    council: list[Member], analyst_client: APIClient, django_assert_num_queries: Any, fmt: str
) -> None:
    url = API + f"votes/?format={fmt}"
    _votes(council, SMALL)
    small = _count(analyst_client, url)
    assert small <= BUDGET
    _votes(council, LARGE - SMALL, start=SMALL)
    response = _same_at_large(analyst_client, url, small, django_assert_num_queries)
    if fmt == "json":
        assert response.json()["count"] == LARGE
        assert all(sum(v["counts"].values()) == 15 for v in response.json()["results"])
        assert {v["outcome"] for v in response.json()["results"]} == {"adopted"}


def test_vote_detail(
    council: list[Member], analyst_client: APIClient, django_assert_num_queries: Any
) -> None:
    """A vote has one ballot per seated member (15): what grows is the table of votes."""
    first = _votes(council, SMALL)[0]
    small = _count(analyst_client, API + f"votes/{first.pk}/")
    assert small <= BUDGET
    last = _votes(council, LARGE - SMALL, start=SMALL)[-1]
    response = _same_at_large(
        analyst_client, API + f"votes/{last.pk}/", small, django_assert_num_queries
    )
    assert len(response.json()["ballots"]) == 15

"""Fixtures for the page tests: public reads (as in the demo), a clean cache, users in roles,
and a way to grow the database to many drafts for the query-count tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client

DPRK = "dprk-relief-2019"


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture
def public(settings: Any) -> None:
    settings.API_PUBLIC_READ = True


def _user(username: str, role: str | None) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-123456")
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def analyst_browser(db: None) -> Client:
    client = Client()
    client.force_login(_user("ana", "analyst"))
    return client


@pytest.fixture
def editor_browser(db: None) -> Client:
    client = Client()
    client.force_login(_user("eddie", "editor"))
    return client


@pytest.fixture
def many_drafts(db: None) -> Callable[[int], None]:
    """Add drafts (each with sponsors, a version, a provision, positions of the seed's 2019
    Council, a projection and a recorded vote with ballots) until there are ``n`` more."""
    from members.models import Member
    from resolutions.models import Draft, DraftVersion, Provision, Sector, Sponsorship
    from votes.models import Ballot, Position, Projection, RecordedVote

    def grow(n: int) -> None:
        seated = list(Member.objects.seated_on(dt.date(2019, 12, 16)))
        sector = Sector.objects.first()
        start = Draft.objects.count()
        for i in range(start, start + n):
            draft = Draft.objects.create(
                title=f"Scale draft {i}",
                regime=sector.regime if sector else None,
                status=Draft.Status.IN_NEGOTIATION,
                circulated_on=dt.date(2019, 12, 16),
            )
            Sponsorship.objects.create(draft=draft, member=seated[0], penholder=True)
            Sponsorship.objects.create(draft=draft, member=seated[1])
            DraftVersion.objects.create(
                draft=draft, number=1, dated=dt.date(2019, 12, 16), text="a"
            )
            DraftVersion.objects.create(
                draft=draft, number=2, dated=dt.date(2019, 12, 17), text="b"
            )
            if sector:
                Provision.objects.create(draft=draft, sector=sector, action="lift")
            Position.objects.bulk_create(
                Position(
                    draft=draft,
                    member=m,
                    stance="yes",
                    confidence=Decimal("0.8"),
                    as_of=dt.date(2019, 12, 16),
                    source="scale",
                )
                for m in seated
            )
            Projection.objects.create(
                draft=draft,
                fingerprint="x",
                p_adopted=0.5,
                p_vetoed=0.2,
                p_failed=0.3,
                expected_yes=9,
                most_likely="adopted",
                results={},
            )
            vote = RecordedVote.objects.create(
                resolution_number=50000 + i, voted_on=dt.date(2019, 12, 20), outcome="adopted"
            )
            Ballot.objects.bulk_create(
                Ballot(recorded_vote=vote, member=m, vote="yes") for m in seated
            )

    return grow

"""The votes list with its filters and charts, one vote, and the sector pages."""

from __future__ import annotations

import pytest
from django.test import Client

from votes.models import RecordedVote

pytestmark = pytest.mark.django_db


def _votes(body: str) -> list[str]:
    table = body.split('data-list="votes"')[1].split("</table>")[0]
    return [chunk.split('"')[0] for chunk in table.split('data-outcome="')[1:]]


def test_every_recorded_vote_is_listed_with_two_charts(seeded: None, public: None) -> None:
    body = Client().get("/votes/").content.decode()

    assert len(_votes(body)) == RecordedVote.objects.count() == 12
    assert 'class="chart chart--bar"' in body
    assert "Vetoes per permanent member per year" in body
    assert "Outcomes of recorded votes per year" in body
    assert 'data-series="RUS"' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("veto=yes", 8),
        ("veto=no", 4),
        ("outcome=adopted", 4),
        ("year=2017", 6),
        ("q=Syria", 4),
    ],
)
def test_the_filters(seeded: None, public: None, query: str, expected: int) -> None:
    assert len(_votes(Client().get(f"/votes/?{query}").content.decode())) == expected


def test_one_vote_shows_its_ballots_as_seats(seeded: None, public: None) -> None:
    vote = RecordedVote.objects.get(draft__symbol="S/2022/431")

    body = Client().get(f"/votes/{vote.pk}/").content.decode()

    assert body.count('data-vote="yes"') == 13
    assert "vetoed" in body


def test_the_sectors_and_a_sectors_timeline(seeded: None, public: None) -> None:
    listing = Client().get("/sectors/").content.decode()
    assert 'data-sector="seafood"' in listing

    body = Client().get("/sectors/seafood/").content.decode()
    assert 'data-timeline="measures"' in body
    assert "Resolution 2371" in body
    assert 'data-draft="dprk-relief-2019"' in body
    assert Client().get("/sectors/no-such-sector/").status_code == 404

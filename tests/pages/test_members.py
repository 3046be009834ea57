"""The Council on any day, a member's record and agreement, and two members compared."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from members.models import Composition
from tests.factories import MemberFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_the_council_today_has_fifteen_seats(seeded: None, public: None) -> None:
    body = Client().get("/members/?on=2019-12-16").content.decode()

    assert 'data-council-seats="15"' in body
    table = body.split('data-table="council"')[1].split("</table>")[0]
    assert table.count("data-member=") == 15
    assert "15 seats, 9 votes needed" in body


def test_the_council_of_1960_has_eleven_seats(db: None, public: None) -> None:
    # Only the terms the database lacks: the seed (or the history) may hold some of them.
    day = dt.date(1960, 6, 1)
    if not Composition.on(day).permanent:
        for code in ("QCH", "QFR", "QSU", "QGB", "QUS"):
            TermFactory.create(member=MemberFactory.create(code=code, permanent=True))
    for index in range(11 - Composition.on(day).known):
        TermFactory.create(
            member=MemberFactory.create(code=f"QE{chr(65 + index)}"),
            start=dt.date(1959, 1, 1),
            end=dt.date(1960, 12, 31),
        )

    body = Client().get("/members/?on=1960-06-01").content.decode()

    assert 'data-council-seats="11"' in body
    assert "11 seats, 7 votes needed" in body
    svg = body.split('class="seat-diagram seat-diagram--council"')[1].split("</svg>")[0]
    assert svg.count('class="seat seat--seated') == 11


def test_a_bad_date_is_explained(seeded: None, public: None) -> None:
    body = Client().get("/members/?on=1900-01-01").content.decode()

    assert "before the Charter entered into force" in body


def test_a_members_page_shows_terms_positions_ballots_record_and_agreement(
    seeded: None, public: None
) -> None:
    body = Client().get("/members/USA/").content.decode()

    assert "Permanent seat since" in body
    assert "Reuters 2019-12-30" in body
    assert 'data-table="ballots"' in body
    assert 'data-table="record-by-year"' in body
    agreement = body.split('data-table="agreement"')[1].split("</table>")[0]
    assert 'data-member="GBR"' in agreement and 'data-member="RUS"' in agreement
    shares = [float(s) for s in __import__("re").findall(r'data-share="([0-9.]+)"', agreement)]
    assert shares == sorted(shares, reverse=True)


def test_agreement_sorted_by_least_and_over_a_period(seeded: None, public: None) -> None:
    import re

    body = Client().get("/members/USA/?sort=disagreement&from=2022-01-01").content.decode()
    agreement = body.split('data-table="agreement"')[1].split("</table>")[0]
    shares = [float(s) for s in re.findall(r'data-share="([0-9.]+)"', agreement)]

    assert shares == sorted(shares)
    assert "since 2022-01-01" in body


def test_a_lower_case_code_redirects_and_an_unknown_one_is_404(seeded: None, public: None) -> None:
    assert Client().get("/members/usa/")["Location"] == "/members/USA/"
    assert Client().get("/members/XXX/").status_code == 404


def test_two_members_side_by_side(seeded: None, public: None) -> None:
    body = Client().get("/members/compare/?a=USA&b=RUS").content.decode()

    assert 'class="card compare__side" data-member="USA"' in body
    assert 'class="card compare__side" data-member="RUS"' in body
    assert 'data-table="shared-votes"' in body
    assert "voted the same way on" in body

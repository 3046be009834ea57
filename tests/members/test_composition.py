"""Who sits on the Council on a given day, from the seed's terms."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError

from members.models import Composition, Member, Term

FIRST_DAY = dt.date(2013, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
ONE_DAY = dt.timedelta(days=1)


def _every_day(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _seated_in_memory(terms: list[Term], day: dt.date) -> set[str]:
    return {t.member.code for t in terms if t.start <= day and (t.end is None or day <= t.end)}


def _orm_check_days(terms: list[Term]) -> set[dt.date]:
    """Every 1 January, every term's first and last day with the days either side, and a
    fixed sample of other days."""
    days = {dt.date(year, 1, 1) for year in range(FIRST_DAY.year, LAST_DAY.year + 1)}
    for term in terms:
        days |= {term.start, term.start - ONE_DAY}
        if term.end is not None:
            days |= {term.end, term.end + ONE_DAY}
    sample = random.Random(2019)
    span = (LAST_DAY - FIRST_DAY).days
    days |= {FIRST_DAY + dt.timedelta(days=sample.randrange(span + 1)) for _ in range(40)}
    return {d for d in days if FIRST_DAY <= d <= LAST_DAY}


def test_it_seats_fifteen_members_five_permanent_on_every_day_from_2013_to_2026(seeded):
    terms = list(Term.objects.select_related("member"))
    permanent = {t.member.code for t in terms if t.member.permanent}
    assert len(permanent) == 5

    wrong = []
    for day in _every_day(FIRST_DAY, LAST_DAY):
        seated = _seated_in_memory(terms, day)
        if len(seated) != 15 or len(seated & permanent) != 5:
            wrong.append((day.isoformat(), len(seated), len(seated & permanent)))
    assert wrong == []


def test_it_agrees_with_the_terms_on_boundaries_new_years_and_a_sample_of_days(seeded):
    terms = list(Term.objects.select_related("member"))
    days = _orm_check_days(terms)
    assert {dt.date(2017, 12, 31), dt.date(2018, 1, 1), dt.date(2026, 1, 1)} <= days

    disagreements = []
    for day in sorted(days):
        seated = list(Member.objects.seated_on(day))
        codes = {m.code for m in seated}
        if (
            codes != _seated_in_memory(terms, day)
            or len(seated) != 15
            or sum(m.permanent for m in seated) != 5
        ):
            disagreements.append((day.isoformat(), sorted(codes)))
    assert disagreements == []


def test_it_lists_permanent_members_first_then_by_name(seeded):
    names = [m.name for m in Member.objects.seated_on(dt.date(2019, 12, 30))]

    assert names[:5] == [
        "China",
        "France",
        "Russian Federation",
        "United Kingdom",
        "United States",
    ]
    assert names[5:] == sorted(names[5:])


@pytest.mark.parametrize(
    ("day", "seated"),
    [
        (dt.date(2017, 6, 1), True),
        (dt.date(2020, 6, 1), False),
        (dt.date(2023, 6, 1), True),
        (dt.date(2015, 12, 31), False),
        (dt.date(2016, 1, 1), True),
        (dt.date(2024, 12, 31), True),
        (dt.date(2025, 1, 1), False),
    ],
)
def test_it_seats_japan_for_each_of_its_two_terms_only(seeded, day, seated):
    japan = Member.objects.by_code("JPN")

    assert japan.terms.count() == 2
    assert Member.objects.seated_on(day).filter(code="JPN").exists() is seated
    assert japan.is_seated_on(day) is seated


def test_it_splits_the_2017_18_seat_between_italy_and_the_netherlands(seeded):
    def seated(day: dt.date) -> set[str]:
        return set(Member.objects.seated_on(day).values_list("code", flat=True)) & {"ITA", "NLD"}

    assert seated(dt.date(2016, 12, 31)) == set()
    assert seated(dt.date(2017, 1, 1)) == {"ITA"}
    assert seated(dt.date(2017, 12, 31)) == {"ITA"}
    assert seated(dt.date(2018, 1, 1)) == {"NLD"}
    assert seated(dt.date(2018, 12, 31)) == {"NLD"}
    assert seated(dt.date(2019, 1, 1)) == set()


def test_it_reports_a_complete_council_as_complete(seeded):
    composition = Composition.on(dt.date(2019, 12, 30))

    assert composition.complete
    assert composition.describe() == "the Council on 2019-12-30: all 15 seats known"
    composition.require_complete()  # does not raise
    assert len(composition.permanent) == 5
    assert "DEU" in composition.codes and "JPN" not in composition.codes


@pytest.mark.parametrize("day", [dt.date(2012, 6, 1), dt.date(2027, 3, 1)])
def test_it_says_how_many_seats_are_known_outside_the_seeded_years(seeded, day):
    composition = Composition.on(day)

    expected = f"the Council on {day.isoformat()} is known for 10 of 15 seats"
    assert composition.describe() == expected
    assert not composition.complete
    with pytest.raises(ValidationError) as raised:
        composition.require_complete()
    assert raised.value.messages == [
        f"The Council on {day.isoformat()} is known for 10 of 15 seats: "
        "add the missing terms first."
    ]


def test_it_reports_the_charters_eleven_seats_for_1960(seeded):
    composition = Composition.on(dt.date(1960, 6, 1))

    assert composition.seats == 11
    assert composition.quota == 7
    assert sorted(composition.codes) == ["CHN", "FRA", "GBR", "RUS", "USA"]
    assert composition.describe() == "the Council on 1960-06-01 is known for 5 of 11 seats"
    with pytest.raises(ValidationError, match="is known for 5 of 11 seats"):
        composition.require_complete()

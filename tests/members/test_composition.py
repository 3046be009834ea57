"""Who sits on the Council on a given day, from the seed's terms (1946 to 2028)."""

import datetime as dt
import random
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from members.models import Composition, Member, Term

FIRST_DAY = dt.date(1946, 1, 17)
LAST_DAY = dt.date(2027, 12, 31)
ENLARGED = dt.date(1966, 1, 1)
ONE_DAY = dt.timedelta(days=1)


def _every_day(first: dt.date, last: dt.date) -> Iterator[dt.date]:
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


def _seats(day: dt.date) -> int:
    return 11 if day < ENLARGED else 15


def test_it_seats_eleven_then_fifteen_members_five_permanent_every_day_from_1946_to_2027(
    seeded: None,
) -> None:
    terms = list(Term.objects.select_related("member"))
    permanent = {t.member.code for t in terms if t.member.permanent}
    assert len(permanent) == 5

    wrong = []
    days = 0
    for day in _every_day(FIRST_DAY, LAST_DAY):
        days += 1
        seated = _seated_in_memory(terms, day)
        if len(seated) != _seats(day) or len(seated & permanent) != 5:
            wrong.append((day.isoformat(), len(seated), len(seated & permanent)))
    assert wrong == []
    assert days == (LAST_DAY - FIRST_DAY).days + 1


def test_it_agrees_with_the_terms_on_boundaries_new_years_and_a_sample_of_days(
    seeded: None,
) -> None:
    terms = list(Term.objects.select_related("member"))
    days = _orm_check_days(terms)
    assert {dt.date(2017, 12, 31), dt.date(2018, 1, 1), dt.date(2026, 1, 1)} <= days

    disagreements = []
    for day in sorted(days):
        seated = list(Member.objects.seated_on(day))
        codes = {m.code for m in seated}
        if (
            codes != _seated_in_memory(terms, day)
            or len(seated) != _seats(day)
            or sum(m.permanent for m in seated) != 5
        ):
            disagreements.append((day.isoformat(), sorted(codes)))
    assert disagreements == []


def test_it_lists_permanent_members_first_then_by_name(seeded: None) -> None:
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
def test_it_seats_japan_for_each_of_its_two_terms_only(
    seeded: None, day: dt.date, seated: bool
) -> None:
    japan = Member.objects.by_code("JPN")

    assert japan.terms.filter(start__year__gte=2016).count() == 2
    assert Member.objects.seated_on(day).filter(code="JPN").exists() is seated
    assert japan.is_seated_on(day) is seated


def test_it_splits_the_2017_18_seat_between_italy_and_the_netherlands(seeded: None) -> None:
    def seated(day: dt.date) -> set[str]:
        return set(Member.objects.seated_on(day).values_list("code", flat=True)) & {"ITA", "NLD"}

    assert seated(dt.date(2016, 12, 31)) == set()
    assert seated(dt.date(2017, 1, 1)) == {"ITA"}
    assert seated(dt.date(2017, 12, 31)) == {"ITA"}
    assert seated(dt.date(2018, 1, 1)) == {"NLD"}
    assert seated(dt.date(2018, 12, 31)) == {"NLD"}
    assert seated(dt.date(2019, 1, 1)) == set()


def test_it_reports_a_complete_council_as_complete(seeded: None) -> None:
    composition = Composition.on(dt.date(2019, 12, 30))

    assert composition.complete
    assert composition.describe() == "the Council on 2019-12-30: all 15 seats known"
    composition.require_complete()  # does not raise
    assert len(composition.permanent) == 5
    assert "DEU" in composition.codes and "JPN" not in composition.codes


def test_it_says_2028_is_known_in_part(seeded: None) -> None:
    day = dt.date(2028, 3, 1)
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


def test_it_seats_the_eleven_of_1960_under_their_names_of_the_time(seeded: None) -> None:
    composition = Composition.on(dt.date(1960, 6, 1))

    assert (composition.seats, composition.quota) == (11, 7)
    assert composition.complete
    assert composition.names == {
        "CHN": "Republic of China",
        "FRA": "France",
        "RUS": "Union of Soviet Socialist Republics",
        "GBR": "United Kingdom",
        "USA": "United States",
        "ARG": "Argentina",
        "LKA": "Ceylon",
        "ECU": "Ecuador",
        "ITA": "Italy",
        "POL": "Poland",
        "TUN": "Tunisia",
    }
    assert [m.code for m in composition.permanent] == ["FRA", "CHN", "RUS", "GBR", "USA"]


@pytest.mark.parametrize(
    ("code", "before", "name_before", "after", "name_after"),
    [
        (
            "RUS",
            "1991-12-24",
            "Union of Soviet Socialist Republics",
            "1991-12-25",
            "Russian Federation",
        ),
        ("CHN", "1971-10-24", "Republic of China", "1971-10-25", "China"),
        ("BFA", "1984-08-03", "Upper Volta", "1984-08-04", "Burkina Faso"),
    ],
)
def test_a_seat_keeps_its_identity_when_the_state_changes_its_name(
    seeded: None, code: str, before: str, name_before: str, after: str, name_after: str
) -> None:
    day_before, day_after = dt.date.fromisoformat(before), dt.date.fromisoformat(after)
    member = Member.objects.by_code(code)

    assert Composition.on(day_before).names[code] == name_before
    assert Composition.on(day_after).names[code] == name_after
    assert member.name == name_after
    across = member.terms.filter(start__lte=day_before).filter(
        models.Q(end__isnull=True) | models.Q(end__gte=day_after)
    )
    assert across.count() == 1  # one term across the change of name


def test_the_two_yemens_share_one_term_in_1990(seeded: None) -> None:
    assert "YMD" in Composition.on(dt.date(1990, 5, 21)).codes
    after = Composition.on(dt.date(1990, 5, 22))
    assert "YEM" in after.codes and "YMD" not in after.codes
    assert after.complete


def test_elected_members_carry_their_names_of_the_time(seeded: None) -> None:
    assert Composition.on(dt.date(1983, 6, 1)).names["COD"] == "Zaire"
    assert Composition.on(dt.date(1974, 6, 1)).names["BLR"] == (
        "Byelorussian Soviet Socialist Republic"
    )
    assert Composition.on(dt.date(1961, 6, 1)).names["EGY"] == "United Arab Republic"
    assert Composition.on(dt.date(1978, 6, 1)).names["CSK"] == "Czechoslovakia"
    assert Composition.on(dt.date(2026, 6, 1)).names["COD"] == "Democratic Republic of the Congo"


def test_it_refuses_a_day_before_the_first_meeting(seeded: None) -> None:
    with pytest.raises(ValidationError) as raised:
        Composition.on(dt.date(1946, 1, 16))

    assert raised.value.messages == [
        "1946-01-16 is before the Security Council first met (1946-01-17): there is no "
        "Council to compose on that day."
    ]

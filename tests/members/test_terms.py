"""Adding terms: overlaps, the Charter's number of seats, and what the database itself refuses."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from members.models import Member, Term
from members.services import term_create
from tests.factories import MemberFactory, TermFactory

pytestmark = pytest.mark.django_db


def _fill_the_council_in_2030() -> None:
    """Five permanent members and ten elected members for 2030-31: every seat is held."""
    TermFactory.create_batch(5, member__permanent=True)
    TermFactory.create_batch(10, start=dt.date(2030, 1, 1), end=dt.date(2031, 12, 31))


def test_it_accepts_a_second_term_that_does_not_overlap_the_first() -> None:
    japan = MemberFactory.create(code="JPN", name="Japan")

    term_create(member=japan, start=dt.date(2016, 1, 1), end=dt.date(2017, 12, 31))
    term_create(member=japan, start=dt.date(2023, 1, 1), end=dt.date(2024, 12, 31))

    assert [(t.start.year, t.end and t.end.year) for t in japan.terms.order_by("start")] == [
        (2016, 2017),
        (2023, 2024),
    ]
    assert Member.objects.seated_on(dt.date(2023, 6, 1)).filter(code="JPN").exists()
    assert not Member.objects.seated_on(dt.date(2020, 6, 1)).filter(code="JPN").exists()


def test_it_refuses_a_term_overlapping_another_term_of_the_same_member() -> None:
    japan = MemberFactory.create(code="JPN", name="Japan")
    term_create(member=japan, start=dt.date(2016, 1, 1), end=dt.date(2017, 12, 31))

    with pytest.raises(ValidationError) as raised:
        term_create(member=japan, start=dt.date(2017, 1, 1), end=dt.date(2018, 12, 31))

    assert raised.value.message_dict == {
        "start": ["Japan already has a term that overlaps this one: 2016-01-01–2017-12-31."]
    }
    assert japan.terms.count() == 1


def test_it_refuses_a_term_that_swallows_another_term_of_the_same_member() -> None:
    japan = MemberFactory.create(code="JPN", name="Japan")
    term_create(member=japan, start=dt.date(2016, 1, 1), end=dt.date(2017, 12, 31))

    with pytest.raises(
        ValidationError,
        match="Japan already has a term that overlaps this one: 2016-01-01–2017-12-31",
    ):
        term_create(member=japan, start=dt.date(2015, 1, 1), end=dt.date(2018, 12, 31))

    assert japan.terms.count() == 1


def test_it_accepts_a_term_starting_the_day_after_the_last_one_ends() -> None:
    japan = MemberFactory.create(code="JPN", name="Japan")
    term_create(member=japan, start=dt.date(2016, 1, 1), end=dt.date(2017, 12, 31))

    term_create(member=japan, start=dt.date(2018, 1, 1), end=dt.date(2019, 12, 31))

    assert japan.terms.count() == 2


def test_it_refuses_a_sixteenth_seat() -> None:
    _fill_the_council_in_2030()
    extra = MemberFactory.create(name="Extraland")

    with pytest.raises(ValidationError) as raised:
        term_create(member=extra, start=dt.date(2030, 1, 1), end=dt.date(2031, 12, 31))

    assert raised.value.message_dict == {
        "start": [
            "The Council has 15 seats and all 15 are held on 2030-01-01; "
            "this term would add a seat number 16."
        ]
    }
    assert Term.objects.count() == 15


def test_it_refuses_a_sixteenth_seat_that_begins_after_the_new_term_starts() -> None:
    # The new term starts when there is room, but the Council fills up during it.
    _fill_the_council_in_2030()
    extra = MemberFactory.create(name="Extraland")

    with pytest.raises(ValidationError) as raised:
        term_create(member=extra, start=dt.date(2029, 1, 1), end=dt.date(2030, 12, 31))

    assert raised.value.messages == [
        "The Council has 15 seats and all 15 are held on 2030-01-01; "
        "this term would add a seat number 16."
    ]
    assert not extra.terms.exists()


def test_it_accepts_a_fifteenth_seat() -> None:
    TermFactory.create_batch(5, member__permanent=True)
    TermFactory.create_batch(9, start=dt.date(2030, 1, 1), end=dt.date(2031, 12, 31))

    term_create(member=MemberFactory.create(), start=dt.date(2030, 1, 1), end=dt.date(2031, 12, 31))

    assert Member.objects.seated_on(dt.date(2030, 6, 1)).count() == 15


def test_it_counts_the_charters_eleven_seats_before_1966() -> None:
    TermFactory.create_batch(5, member__permanent=True)
    TermFactory.create_batch(6, start=dt.date(1960, 1, 1), end=dt.date(1961, 12, 31))

    with pytest.raises(ValidationError) as raised:
        term_create(
            member=MemberFactory.create(), start=dt.date(1960, 1, 1), end=dt.date(1960, 12, 31)
        )

    assert raised.value.messages == [
        "The Council has 11 seats and all 11 are held on 1960-01-01; "
        "this term would add a seat number 12."
    ]


def test_it_refuses_a_term_before_the_charter_with_a_message_not_a_crash() -> None:
    # A mistyped year (1045 for 1945) must come back as a message on the start date, as every
    # other refusal does; an EngineError here is a server error in the admin's term form.
    elected = MemberFactory.create(name="Estonia", code="EST")

    with pytest.raises(ValidationError) as raised:
        term_create(member=elected, start=dt.date(1940, 1, 1), end=dt.date(1941, 12, 31))

    assert list(raised.value.message_dict) == ["start"]
    assert raised.value.message_dict["start"][0].startswith(
        "1940-01-01 is before the Charter entered into force (1945-10-24)"
    )
    assert not Term.objects.exists()


def test_it_refuses_an_elected_term_without_an_end() -> None:
    elected = MemberFactory.create(name="Estonia", code="EST")

    with pytest.raises(ValidationError) as raised:
        term_create(member=elected, start=dt.date(2020, 1, 1), end=None)

    assert raised.value.message_dict == {
        "end": ["Estonia is an elected member: its term needs an end date."]
    }
    assert not Term.objects.exists()


def test_it_refuses_a_permanent_term_with_an_end() -> None:
    france = MemberFactory.create(name="France", code="FRA", permanent=True)

    with pytest.raises(ValidationError) as raised:
        term_create(member=france, start=dt.date(1945, 10, 24), end=dt.date(2045, 10, 23))

    assert raised.value.message_dict == {
        "end": ["France is a permanent member: its term has no end date."]
    }
    assert not Term.objects.exists()


def test_it_refuses_a_term_ending_before_it_starts() -> None:
    elected = MemberFactory.create(name="Estonia", code="EST")

    with pytest.raises(ValidationError) as raised:
        term_create(member=elected, start=dt.date(2021, 12, 31), end=dt.date(2020, 1, 1))

    assert raised.value.message_dict == {
        "end": ["The term cannot end (2020-01-01) before it starts (2021-12-31)."]
    }
    assert not Term.objects.exists()


def test_the_database_refuses_a_term_ending_before_it_starts_even_without_clean() -> None:
    elected = MemberFactory.create()

    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(member=elected, start=dt.date(2021, 12, 31), end=dt.date(2020, 1, 1))

    assert not Term.objects.exists()


def test_the_database_refuses_two_members_with_one_code() -> None:
    Member.objects.create(code="JPN", name="Japan")

    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(code="JPN", name="Japan again")

    assert list(Member.objects.values_list("name", flat=True)) == ["Japan"]


def test_the_database_refuses_a_lowercase_code() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(code="jpn", name="Japan")

    assert not Member.objects.exists()


@pytest.mark.parametrize("code", ["JP", "J1N"])
def test_the_database_refuses_a_code_that_is_not_three_letters(code: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(code=code, name="Japan")

    assert not Member.objects.exists()


def test_the_database_refuses_a_four_letter_code() -> None:
    # SQLite ignores the column's length and the ISO3 check refuses it (IntegrityError);
    # PostgreSQL's varchar(3) refuses it before the check is reached (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Member.objects.create(code="JAPN", name="Japan")

    assert not Member.objects.exists()


def test_full_clean_explains_a_bad_code() -> None:
    member = Member(code="jpn", name="Japan")

    with pytest.raises(ValidationError) as raised:
        member.full_clean()

    assert (
        "Enter an ISO 3166-1 alpha-3 code: three capital letters, e.g. USA."
        in raised.value.message_dict["code"]
    )

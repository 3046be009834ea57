"""Positions and ballots: append-only history, the current position, and database guards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories import DraftFactory, MemberFactory, PositionFactory
from votes.models import AppendOnlyError, Ballot, Position, RecordedVote, Stance, Vote


def _recorded_vote() -> RecordedVote:
    return RecordedVote.objects.create(resolution_number=2397, voted_on=dt.date(2017, 12, 22))


@pytest.mark.django_db
def test_a_saved_position_cannot_be_changed() -> None:
    position = PositionFactory.create(stance=Stance.UNDECIDED)

    position.stance = Stance.YES
    with pytest.raises(AppendOnlyError) as raised:
        position.save()

    assert raised.value.messages == ["position records are append-only: record a new one instead."]
    assert Position.objects.get(pk=position.pk).stance == Stance.UNDECIDED


@pytest.mark.django_db
def test_a_saved_position_cannot_be_deleted() -> None:
    position = PositionFactory.create()

    with pytest.raises(AppendOnlyError) as raised:
        position.delete()

    assert raised.value.messages == ["position records are append-only."]
    assert Position.objects.filter(pk=position.pk).exists()


@pytest.mark.django_db
def test_recorded_votes_and_ballots_cannot_be_changed_or_deleted() -> None:
    recorded = _recorded_vote()
    ballot = Ballot.objects.create(
        recorded_vote=recorded, member=MemberFactory.create(), vote=Vote.YES
    )

    ballot.vote = Vote.NO
    with pytest.raises(AppendOnlyError, match="ballot records are append-only"):
        ballot.save()
    with pytest.raises(AppendOnlyError, match="ballot records are append-only"):
        ballot.delete()
    recorded.subject = "changed"
    with pytest.raises(AppendOnlyError, match="recorded vote records are append-only"):
        recorded.save()

    assert Ballot.objects.get(pk=ballot.pk).vote == Vote.YES
    assert RecordedVote.objects.get(pk=recorded.pk).subject == ""


def test_the_database_refuses_to_update_a_position_with_raw_sql(postgres: None) -> None:
    position = PositionFactory.create(stance=Stance.UNDECIDED)

    with (
        pytest.raises(IntegrityError, match="votes_position is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE votes_position SET stance = 'yes' WHERE id = %s", [position.pk])

    assert Position.objects.get(pk=position.pk).stance == Stance.UNDECIDED


def test_the_database_refuses_to_delete_a_position_with_raw_sql(postgres: None) -> None:
    position = PositionFactory.create()

    with (
        pytest.raises(IntegrityError, match="votes_position is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM votes_position WHERE id = %s", [position.pk])

    assert Position.objects.filter(pk=position.pk).exists()


def test_the_database_refuses_a_bulk_delete_of_positions(postgres: None) -> None:
    # QuerySet.delete() never calls Model.delete(): only the trigger stands in its way.
    PositionFactory.create_batch(2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.all().delete()

    assert Position.objects.count() == 2


def test_the_database_refuses_to_update_or_delete_ballots_with_raw_sql(postgres: None) -> None:
    ballot = Ballot.objects.create(
        recorded_vote=_recorded_vote(), member=MemberFactory.create(), vote=Vote.YES
    )

    with (
        pytest.raises(IntegrityError, match="votes_ballot is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE votes_ballot SET vote = 'no' WHERE id = %s", [ballot.pk])
    with (
        pytest.raises(IntegrityError, match="votes_recordedvote is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM votes_recordedvote")

    assert Ballot.objects.get(pk=ballot.pk).vote == Vote.YES


@pytest.mark.django_db
def test_the_current_position_is_the_latest_as_of_date_even_if_entered_earlier() -> None:
    draft, member = DraftFactory.create(), MemberFactory.create()
    entered = timezone.now()
    newest = PositionFactory.create(
        draft=draft,
        member=member,
        stance=Stance.NO,
        as_of=dt.date(2019, 12, 30),
        created_at=entered - dt.timedelta(hours=2),
    )
    PositionFactory.create(
        draft=draft,
        member=member,
        stance=Stance.YES,
        as_of=dt.date(2019, 12, 16),
        created_at=entered,
    )

    assert list(Position.objects.current()) == [newest]


@pytest.mark.django_db
def test_on_the_same_as_of_date_the_last_entered_position_is_current() -> None:
    draft, member = DraftFactory.create(), MemberFactory.create()
    entered = timezone.now()
    PositionFactory.create(
        draft=draft,
        member=member,
        stance=Stance.NO,
        as_of=dt.date(2019, 12, 30),
        created_at=entered - dt.timedelta(minutes=5),
    )
    last = PositionFactory.create(
        draft=draft,
        member=member,
        stance=Stance.LEANING_NO,
        as_of=dt.date(2019, 12, 30),
        created_at=entered,
    )
    PositionFactory.create(
        draft=draft,
        member=member,
        stance=Stance.YES,
        as_of=dt.date(2019, 12, 30),
        created_at=entered - dt.timedelta(minutes=10),
    )

    assert list(Position.objects.current()) == [last]


@pytest.mark.django_db
def test_there_is_one_current_position_per_member_and_draft() -> None:
    first_draft, second_draft = DraftFactory.create_batch(2)
    usa, chn = (
        MemberFactory.create(code="USA", name="United States"),
        MemberFactory.create(code="CHN"),
    )
    expected = set()
    for draft in (first_draft, second_draft):
        for member in (usa, chn):
            PositionFactory.create(draft=draft, member=member, as_of=dt.date(2019, 12, 1))
            expected.add(
                PositionFactory.create(draft=draft, member=member, as_of=dt.date(2019, 12, 2)).pk
            )

    current = Position.objects.current()

    assert set(current.values_list("pk", flat=True)) == expected
    assert set(current.filter(draft=first_draft).values_list("member__code", flat=True)) == {
        "USA",
        "CHN",
    }


@pytest.mark.django_db
def test_a_member_has_one_ballot_per_vote() -> None:
    recorded, member = _recorded_vote(), MemberFactory.create()
    Ballot.objects.create(recorded_vote=recorded, member=member, vote=Vote.YES)

    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(recorded_vote=recorded, member=member, vote=Vote.NO)

    assert list(recorded.ballots.values_list("vote", flat=True)) == [Vote.YES]


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_vote() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            recorded_vote=_recorded_vote(), member=MemberFactory.create(), vote="maybe"
        )

    assert not Ballot.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("confidence", [Decimal("1.5"), Decimal("-0.1")])
def test_the_database_refuses_a_confidence_outside_zero_to_one(confidence: Decimal) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory.create(confidence=confidence)

    assert not Position.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_stance_off_the_scale() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory.create(stance="maybe")

    assert not Position.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("confidence", [Decimal("0"), Decimal("1")])
def test_the_database_accepts_the_ends_of_the_confidence_scale(confidence: Decimal) -> None:
    position = PositionFactory.create(confidence=confidence)

    assert Position.objects.get(pk=position.pk).confidence == confidence

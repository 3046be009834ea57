"""Recording positions and votes through the services, with the seed's Council terms."""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from members.models import Composition, Member
from resolutions.models import Draft
from tests.factories import DraftFactory
from votes.models import Ballot, Position, RecordedVote, Stance
from votes.services import (
    PositionConflict,
    PositionEntry,
    position_record,
    positions_record,
    recorded_vote_create,
    recorded_vote_outcome,
)
from votes.tasks import refresh_draft_projection

MARCH_2021 = dt.date(2021, 3, 1)


@pytest.fixture
def draft_of_march_2021(seeded: None) -> Draft:
    return DraftFactory.create(circulated_on=MARCH_2021, title="A draft of March 2021")


@pytest.fixture
def dprk_2019(seeded: None) -> Draft:
    return Draft.objects.get(regime__slug="dprk-1718", circulated_on=dt.date(2019, 12, 16))


def _record(draft: Draft, code: str = "IND", **overrides: Any) -> Position:
    values: dict[str, Any] = {
        "draft": draft,
        "member": Member.objects.by_code(code),
        "stance": Stance.LEANING_YES,
        "confidence": "0.7",
        "as_of": MARCH_2021,
        "source": "Statement in the Council, 2021-03-01",
    }
    values.update(overrides)
    return position_record(**values)


def _refused(draft: Draft, **overrides: Any) -> dict[str, list[str]]:
    """Record a position that must be refused; return the errors, having checked that nothing
    was written."""
    before = Position.objects.count()
    with pytest.raises(ValidationError) as raised:
        _record(draft, **overrides)
    assert Position.objects.count() == before
    return raised.value.message_dict


def _ballots(day: dt.date, vote: str = "yes") -> dict[str, str]:
    return dict.fromkeys(Composition.on(day).codes, vote)


def _refused_vote(**kwargs: Any) -> dict[str, list[str]]:
    counts = (RecordedVote.objects.count(), Ballot.objects.count())
    with pytest.raises(ValidationError) as raised:
        recorded_vote_create(resolution_number=9999, **kwargs)
    assert (RecordedVote.objects.count(), Ballot.objects.count()) == counts
    return raised.value.message_dict


# Positions


def test_it_records_a_position_of_a_seated_member(
    draft_of_march_2021: Draft, django_user_model: type[User]
) -> None:
    editor = django_user_model.objects.create(username="editor")

    position = _record(draft_of_march_2021, "IND", entered_by=editor, source="  Speech  ")

    position.refresh_from_db()
    assert (position.member.code, position.stance, position.confidence) == (
        "IND",
        Stance.LEANING_YES,
        Decimal("0.700"),
    )
    assert position.source == "Speech"
    assert position.entered_by == editor


def test_it_refuses_a_position_of_a_member_not_on_the_council(draft_of_march_2021: Draft) -> None:
    errors = _refused(draft_of_march_2021, code="BEL")

    assert errors == {"member": ["Belgium is not on the Security Council on 2021-03-01."]}


def test_it_judges_the_seat_by_the_positions_date_not_the_drafts(seeded: None) -> None:
    # Belgium sat in 2019-20, India from 2021: on an open draft circulated in 2020, Belgium's
    # position of 2020 is accepted and India's of the same day refused.
    draft = DraftFactory.create(circulated_on=dt.date(2020, 6, 1))

    position = _record(draft, "BEL", as_of=dt.date(2020, 6, 2))
    errors = _refused(draft, code="IND", as_of=dt.date(2020, 6, 2))

    assert position.member.name == "Belgium"
    assert errors == {"member": ["India is not on the Security Council on 2020-06-02."]}


def test_todays_position_of_a_member_no_longer_seated_is_refused(
    dprk_2019: Draft, today: dt.date
) -> None:
    # What the admin's "Today" link used to let through: Germany left the Council in 2020.
    errors = _refused(dprk_2019, code="DEU", as_of=today)

    assert errors == {"member": ["Germany is not on the Security Council on 2026-12-02."]}


@pytest.mark.parametrize("as_of", [dt.date(2001, 5, 1), dt.date(1, 1, 1), dt.date(2019, 12, 15)])
def test_it_refuses_a_position_older_than_the_draft(dprk_2019: Draft, as_of: dt.date) -> None:
    errors = _refused(dprk_2019, code="USA", as_of=as_of)

    assert errors == {
        "as_of": [
            f"{as_of} is before the draft's first date (2019-12-16): a position cannot be "
            "older than the draft."
        ]
    }


def test_it_refuses_a_position_dated_after_the_vote(seeded: None) -> None:
    draft = DraftFactory.create(circulated_on=dt.date(2020, 6, 1), vote_on=dt.date(2020, 6, 10))

    errors = _refused(draft, code="BEL", as_of=dt.date(2020, 6, 11))

    assert errors == {"as_of": ["2020-06-11 is after the vote on it (2020-06-10)."]}
    assert _record(draft, "BEL", as_of=dt.date(2020, 6, 10)).as_of == dt.date(2020, 6, 10)


def test_a_closed_draft_without_a_vote_date_ends_on_its_last_date(seeded: None) -> None:
    draft = DraftFactory.create(circulated_on=dt.date(2020, 6, 1), status=Draft.Status.WITHDRAWN)

    errors = _refused(draft, code="BEL", as_of=dt.date(2020, 6, 2))

    assert errors == {"as_of": ["2020-06-02 is after its last date (2020-06-01; it is withdrawn)."]}


def test_it_refuses_a_stance_off_the_scale(draft_of_march_2021: Draft) -> None:
    errors = _refused(draft_of_march_2021, stance="maybe")

    assert errors == {
        "stance": [
            "'maybe' is not a stance; use one of yes, leaning_yes, undecided, leaning_no, no, "
            "abstain, not_participating."
        ]
    }


@pytest.mark.parametrize("confidence", ["1.5", -0.1, Decimal("1.001"), float("nan")])
def test_it_refuses_a_confidence_outside_zero_to_one(
    draft_of_march_2021: Draft, confidence: object
) -> None:
    errors = _refused(draft_of_march_2021, confidence=confidence)

    assert errors == {"confidence": [f"Confidence must be between 0 and 1, not {confidence}."]}


@pytest.mark.parametrize("confidence", ["high", None, ""])
def test_it_refuses_a_confidence_that_is_not_a_number(
    draft_of_march_2021: Draft, confidence: object
) -> None:
    errors = _refused(draft_of_march_2021, confidence=confidence)

    assert errors == {"confidence": [f"{confidence!r} is not a number."]}


def test_it_refuses_a_position_dated_in_the_future(draft_of_march_2021: Draft) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    errors = _refused(draft_of_march_2021, as_of=tomorrow)

    assert errors == {"as_of": [f"{tomorrow.isoformat()} is in the future."]}


@pytest.mark.parametrize("source", ["", "   "])
def test_it_refuses_a_position_without_a_source(draft_of_march_2021: Draft, source: str) -> None:
    errors = _refused(draft_of_march_2021, source=source)

    assert errors == {"source": ["Say where this position comes from."]}


def test_it_writes_none_of_several_positions_when_one_is_refused(
    draft_of_march_2021: Draft,
) -> None:
    entries = [
        PositionEntry(Member.objects.by_code(code), Stance.YES, 0.8, MARCH_2021, "Speech")
        for code in ("USA", "IND", "BEL", "NOR")
    ]

    with pytest.raises(ValidationError) as raised:
        positions_record(draft=draft_of_march_2021, entries=entries)

    assert raised.value.message_dict == {
        "member": ["Belgium is not on the Security Council on 2021-03-01."]
    }
    assert not Position.objects.filter(draft=draft_of_march_2021).exists()


def test_it_records_a_position_that_supersedes_the_current_one(dprk_2019: Draft) -> None:
    current = Position.objects.filter(draft=dprk_2019, member__code="BEL").current().get()

    newer = _record(
        dprk_2019,
        "BEL",
        stance=Stance.LEANING_NO,
        as_of=dt.date(2020, 1, 2),
        supersedes=current.pk,
    )

    assert Position.objects.filter(draft=dprk_2019, member__code="BEL").current().get() == newer


def test_it_refuses_to_supersede_a_position_another_editor_has_replaced(dprk_2019: Draft) -> None:
    seen = Position.objects.filter(draft=dprk_2019, member__code="BEL").current().get()
    other_editors = _record(
        dprk_2019, "BEL", stance=Stance.LEANING_NO, as_of=dt.date(2020, 1, 2), supersedes=seen.pk
    )
    before = Position.objects.count()

    with pytest.raises(PositionConflict) as raised:
        _record(dprk_2019, "BEL", stance=Stance.YES, as_of=dt.date(2020, 1, 3), supersedes=seen.pk)

    assert raised.value.message_dict == {
        "supersedes": [
            f"Belgium's current position on this draft is position {other_editors.pk}, "
            f"not {seen.pk}: another editor changed it. Reload and try again."
        ]
    }
    assert Position.objects.count() == before


def test_it_refuses_to_supersede_when_there_is_no_position_yet(draft_of_march_2021: Draft) -> None:
    with pytest.raises(PositionConflict, match="current position on this draft is no position"):
        _record(draft_of_march_2021, "IND", supersedes=123456)

    assert not Position.objects.filter(draft=draft_of_march_2021).exists()


def test_a_superseding_position_older_than_the_current_one_is_refused(dprk_2019: Draft) -> None:
    current = Position.objects.filter(draft=dprk_2019, member__code="USA").current().get()
    before = Position.objects.count()

    with pytest.raises(PositionConflict) as raised:
        _record(
            dprk_2019, "USA", stance=Stance.YES, as_of=dt.date(2019, 12, 20), supersedes=current.pk
        )

    assert raised.value.message_dict == {
        "as_of": [
            f"United States's current position on this draft (position {current.pk}) is as of "
            "2019-12-30; one as of 2019-12-20 is older and cannot replace it. Send it without "
            "supersedes to record it as history."
        ]
    }
    assert Position.objects.count() == before


def test_an_older_position_without_supersedes_is_kept_as_history(dprk_2019: Draft) -> None:
    current = Position.objects.filter(draft=dprk_2019, member__code="USA").current().get()

    older = _record(dprk_2019, "USA", stance=Stance.YES, as_of=dt.date(2019, 12, 20))

    assert Position.objects.filter(draft=dprk_2019, member__code="USA").count() == 2
    assert Position.objects.filter(draft=dprk_2019, member__code="USA").current().get() == current
    assert older.pk != current.pk


def _refresh_sends_for(sent: mock.MagicMock, draft: Draft) -> int:
    return sum(1 for call in sent.call_args_list if call.kwargs.get("args") == [draft.pk])


def test_fifteen_positions_saved_together_refresh_the_projection_once(
    draft_of_march_2021: Draft, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    entries = [
        PositionEntry(member, Stance.YES, "0.9", MARCH_2021, "Speech")
        for member in Composition.on(MARCH_2021).members
    ]

    with (
        mock.patch.object(refresh_draft_projection, "apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        positions_record(draft=draft_of_march_2021, entries=entries)
        assert sent.call_count == 0  # nothing is sent before the commit

    assert Position.objects.filter(draft=draft_of_march_2021).count() == 15
    assert _refresh_sends_for(sent, draft_of_march_2021) == 1


def test_fifteen_positions_recorded_one_by_one_in_a_transaction_refresh_once(
    draft_of_march_2021: Draft, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with (
        mock.patch.object(refresh_draft_projection, "apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        for member in Composition.on(MARCH_2021).members:
            _record(draft_of_march_2021, member.code)

    assert Position.objects.filter(draft=draft_of_march_2021).count() == 15
    assert _refresh_sends_for(sent, draft_of_march_2021) == 1


def test_a_refused_position_schedules_no_refresh(
    draft_of_march_2021: Draft, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with (
        mock.patch.object(refresh_draft_projection, "apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _refused(draft_of_march_2021, code="BEL")

    assert _refresh_sends_for(sent, draft_of_march_2021) == 0


# Recorded votes


def test_it_records_a_vote_with_a_ballot_for_each_seated_member(seeded: None) -> None:
    ballots = _ballots(MARCH_2021) | {"ind": "abstain"}
    del ballots["IND"]

    recorded = recorded_vote_create(voted_on=MARCH_2021, resolution_number=9999, ballots=ballots)

    assert recorded.ballots.count() == 15
    assert recorded.ballots.get(member__code="IND").vote == "abstain"
    outcome = recorded_vote_outcome(recorded)
    assert (outcome.result, outcome.yes, outcome.no, outcome.abstain) == ("adopted", 14, 0, 1)


def test_it_refuses_a_ballot_of_a_member_not_on_the_council(seeded: None) -> None:
    errors = _refused_vote(voted_on=MARCH_2021, ballots=_ballots(MARCH_2021) | {"BEL": "yes"})

    assert errors == {"ballots": ["Belgium is not on the Security Council on 2021-03-01."]}


def test_it_refuses_a_vote_with_missing_ballots_and_lists_them(seeded: None) -> None:
    ballots = _ballots(MARCH_2021)
    del ballots["USA"], ballots["IND"]

    errors = _refused_vote(voted_on=MARCH_2021, ballots=ballots)

    assert errors == {
        "ballots": ["Every member seated on 2021-03-01 needs a ballot; missing: IND, USA."]
    }


def test_it_refuses_a_ballot_that_is_not_a_vote(seeded: None) -> None:
    errors = _refused_vote(voted_on=MARCH_2021, ballots=_ballots(MARCH_2021) | {"IND": "maybe"})

    assert errors == {
        "ballots": ["IND: 'maybe' is not a vote; use one of yes, no, abstain, not_participating."]
    }


def test_it_lists_every_problem_with_the_ballots_at_once(seeded: None) -> None:
    ballots = _ballots(MARCH_2021) | {"BEL": "yes", "IND": "maybe"}
    del ballots["USA"]

    errors = _refused_vote(voted_on=MARCH_2021, ballots=ballots)

    assert errors == {
        "ballots": [
            "IND: 'maybe' is not a vote; use one of yes, no, abstain, not_participating.",
            "Belgium is not on the Security Council on 2021-03-01.",
            "Every member seated on 2021-03-01 needs a ballot; missing: USA.",
        ]
    }


def test_it_refuses_a_vote_on_a_day_whose_council_is_not_fully_known(seeded: None) -> None:
    day = dt.date(2028, 6, 1)

    errors = _refused_vote(voted_on=day, ballots=_ballots(day))

    assert errors == {
        "voted_on": [
            "The Council on 2028-06-01 is known for 10 of 15 seats: add the missing terms first."
        ]
    }


def test_it_refuses_a_vote_on_neither_a_draft_nor_a_resolution(seeded: None) -> None:
    with pytest.raises(ValidationError) as raised:
        recorded_vote_create(voted_on=MARCH_2021, ballots=_ballots(MARCH_2021))

    assert raised.value.message_dict == {
        "draft": ["Name the draft or the resolution that was voted on."]
    }
    assert not RecordedVote.objects.filter(voted_on=MARCH_2021).exists()


def _seed_vote_records() -> dict[str, dict[str, str]]:
    """The seed's vote records, by the label the app gives each vote (symbol or S/RES/n)."""
    path = Path(settings.BASE_DIR) / "seed" / "recorded_vote_records.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["draft_symbol"] or f"S/RES/{row['resolution']}": row for row in rows}


def test_the_engine_reads_the_seeds_s_2019_961_as_vetoed_by_china_and_russia(seeded: None) -> None:
    outcome = recorded_vote_outcome(RecordedVote.objects.get(draft__symbol="S/2019/961"))

    assert outcome.result == "vetoed"
    assert outcome.vetoed_by == ("CHN", "RUS")
    assert (outcome.yes, outcome.no, outcome.abstain) == (13, 2, 0)


def test_the_engine_reads_resolution_2397_as_adopted_unanimously(seeded: None) -> None:
    outcome = recorded_vote_outcome(RecordedVote.objects.get(resolution_number=2397))

    assert outcome.result == "adopted"
    assert (outcome.yes, outcome.no, outcome.abstain, outcome.vetoed_by) == (15, 0, 0, ())


def test_a_permanent_members_abstention_is_not_a_veto(seeded: None) -> None:
    recorded = RecordedVote.objects.get(resolution_number=2393)
    abstaining = set(recorded.ballots.filter(vote="abstain").values_list("member__code", flat=True))

    outcome = recorded_vote_outcome(recorded)

    assert {"CHN", "RUS"} <= abstaining
    assert outcome.result == "adopted"
    assert (outcome.yes, outcome.no, outcome.abstain, outcome.vetoed_by) == (12, 0, 3, ())


def test_the_engine_agrees_with_every_recorded_outcome_in_the_seed(seeded: None) -> None:
    records = _seed_vote_records()
    readings = {}
    for recorded in RecordedVote.objects.select_related("draft"):
        outcome = recorded_vote_outcome(recorded)
        readings[recorded.label] = (
            str(outcome.result),
            f"{outcome.yes}-{outcome.no}-{outcome.abstain}",
        )

    assert readings == {
        label: (row["recorded_outcome"], row["vote_text"]) for label, row in records.items()
    }

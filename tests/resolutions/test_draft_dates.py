"""The days that bound a draft (``DraftQuerySet.with_dates``, read by ``Draft.dates``): its
first date, its last date and its Council day, the same in a list as for one draft."""

import datetime as dt

import pytest
from django.utils import timezone

from resolutions.models import Draft, DraftVersion
from tests.factories import DraftFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def _text(draft: Draft, number: int, day: dt.date) -> None:
    DraftVersion.objects.create(draft=draft, number=number, dated=day, text=f"v{number}")


def _dates(draft: Draft) -> tuple[dt.date, dt.date, dt.date]:
    single = Draft.objects.get(pk=draft.pk).dates  # one query of its own
    listed = Draft.objects.with_dates().get(pk=draft.pk).dates  # from a list's annotation
    assert single == listed
    return single.first, single.last, single.council


def test_an_open_draft_without_a_vote_date_is_decided_by_todays_council() -> None:
    draft = DraftFactory.create(circulated_on=dt.date(2019, 12, 16))

    assert _dates(draft) == (dt.date(2019, 12, 16), dt.date(2019, 12, 16), TODAY)


def test_a_scheduled_or_recorded_vote_date_decides_it() -> None:
    draft = DraftFactory.create(
        circulated_on=dt.date(2030, 5, 1),
        vote_on=dt.date(2030, 6, 1),
        status=Draft.Status.IN_BLUE,
    )

    assert _dates(draft)[2] == dt.date(2030, 6, 1)
    assert draft.council_date == dt.date(2030, 6, 1)


def test_texts_move_the_first_and_last_dates() -> None:
    draft = DraftFactory.create(circulated_on=dt.date(2019, 12, 16))
    _text(draft, 1, dt.date(2019, 12, 10))  # a zero draft shared before circulation
    _text(draft, 2, dt.date(2020, 1, 8))

    assert _dates(draft)[:2] == (dt.date(2019, 12, 10), dt.date(2020, 1, 8))


def test_a_closed_draft_without_a_vote_date_is_decided_on_its_last_date() -> None:
    draft = DraftFactory.create(circulated_on=dt.date(2019, 12, 16), status=Draft.Status.WITHDRAWN)
    _text(draft, 1, dt.date(2020, 1, 8))

    assert _dates(draft) == (dt.date(2019, 12, 16), dt.date(2020, 1, 8), dt.date(2020, 1, 8))


def test_a_draft_known_only_by_its_vote_dates_its_positions_on_that_day() -> None:
    draft = DraftFactory.create(circulated_on=None, vote_on=dt.date(2022, 5, 26), status="vetoed")

    assert _dates(draft) == (dt.date(2022, 5, 26),) * 3


def test_a_draft_with_no_date_at_all_starts_on_the_day_it_was_entered() -> None:
    draft = DraftFactory.create(circulated_on=None)
    entered = draft.created_at.date()

    assert _dates(draft) == (entered, entered, TODAY)

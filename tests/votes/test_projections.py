"""Projections kept honest: history rows only when the result changes, the Council of the
draft's Council day, one staleness rule for one draft and for lists, refreshes sent when the
Council's terms or members change, the periodic repair, and a save that succeeds when the
broker cannot be reached."""

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from config.celery import app as celery_app
from members.models import Member, Term
from resolutions.models import Draft
from votes import projections
from votes.models import Position, Projection
from votes.services import position_record
from votes.tasks import refresh_draft_projection as projection_refresh
from votes.tasks import refresh_stale_projections as projections_refresh_stale

# Celery's private connection pools, which its stubs do not declare.
_celery: Any = celery_app

ELECTED_2019 = ["BEL", "CIV", "DOM", "GNQ", "DEU", "IDN", "KWT", "PER", "POL", "ZAF"]


@pytest.fixture
def dprk_draft(seeded: None) -> Draft:
    return Draft.objects.get(symbol=None, regime__slug="dprk-1718")


def _record(draft: Draft, code: str, stance: str, confidence: float = 1.0) -> Position:
    return position_record(
        draft=draft,
        member=Member.objects.get(code=code),
        stance=stance,
        confidence=confidence,
        as_of=dt.date(2019, 12, 31),
        source="Test statement",
    )


def _stale(draft: Draft) -> bool:
    return projections.draft_state(draft.pk, "projection").projection_stale


def _stale_ids() -> set[int]:
    return set(projections.stale_drafts().values_list("pk", flat=True))


def test_the_2019_draft_is_almost_certainly_not_adopted(dprk_draft: Draft) -> None:
    analysis = projections.draft_analysis(dprk_draft)

    assert analysis.projection.p_adopted < 0.01
    assert analysis.tally.permanent_opposed == ("FRA", "GBR", "USA")
    assert not analysis.closest_path.elected_only_feasible
    assert "no change by elected members can adopt" in (
        analysis.closest_path.elected_only_reason or ""
    )


def test_the_open_2019_draft_is_decided_by_todays_council(
    dprk_draft: Draft, today: dt.date
) -> None:
    reading = projections.draft_reading(dprk_draft)

    assert reading.council_on == today
    assert set(reading.positions) == {"CHN", "FRA", "RUS", "GBR", "USA"}
    assert [item.member for item in reading.not_counted] == ELECTED_2019
    assert {item.reason for item in reading.not_counted} == {"not on the Council on 2026-12-02"}
    assert reading.tally.seated == 15


def test_it_writes_a_history_row_only_when_the_result_changes(dprk_draft: Draft) -> None:
    projection_refresh(dprk_draft.pk)
    first = dprk_draft.projections.count()

    projection_refresh(dprk_draft.pk)
    assert dprk_draft.projections.count() == first

    _record(dprk_draft, "USA", "abstain")
    projection_refresh(dprk_draft.pk)
    rows = list(dprk_draft.projections.order_by("computed_at", "id"))
    assert len(rows) == first + 1
    assert rows[-1].p_adopted > rows[-2].p_adopted
    assert rows[-1].results["tally"]["counts"]["abstain"] == 1


def test_every_draft_gets_a_stored_projection_with_its_tally_and_recorded_vote(
    seeded: None,
) -> None:
    refreshed = projections_refresh_stale()

    assert sorted(refreshed) == sorted(Draft.objects.values_list("pk", flat=True))
    vetoed = Projection.objects.get(draft__symbol="S/2019/961")
    assert vetoed.council_on == dt.date(2019, 12, 20)
    assert vetoed.summary["recorded_outcome"] == "vetoed"
    assert vetoed.summary["counts"]["undecided"] == 15
    assert vetoed.results["recorded_vote"]["vetoed_by"] == ["CHN", "RUS"]
    assert vetoed.results["recorded_vote"]["counts"]["yes"] == 13
    assert vetoed.seats.count() == 15
    assert not projections.stale_drafts().exists()


def test_a_new_position_makes_the_projection_stale_until_refreshed(dprk_draft: Draft) -> None:
    projections_refresh_stale()
    assert _stale(dprk_draft) is False

    _record(dprk_draft, "GBR", "leaning_no", 0.6)

    assert _stale(dprk_draft) is True
    assert _stale_ids() == {dprk_draft.pk}
    projection_refresh(dprk_draft.pk)
    assert _stale(dprk_draft) is False
    latest = dprk_draft.projections.latest()
    assert latest.results["tally"]["counts"]["leaning_no"] == 1


def test_a_change_to_the_draft_makes_its_projection_stale(dprk_draft: Draft) -> None:
    projections_refresh_stale()

    dprk_draft.status = Draft.Status.WITHDRAWN
    dprk_draft.save()

    assert _stale_ids() == {dprk_draft.pk}
    projections_refresh_stale()
    # Withdrawn, with no vote date: its last date (the circulation) is its Council day.
    assert dprk_draft.projections.latest().council_on == dt.date(2019, 12, 16)
    assert dprk_draft.projections.latest().results["not_counted"] == []


def test_an_open_drafts_council_moves_with_today(
    dprk_draft: Draft, move_today: Callable[[dt.date], None]
) -> None:
    projections_refresh_stale()

    move_today(dt.date(2026, 6, 1))  # the same elected members as on 2026-12-02
    assert _stale(dprk_draft) is False
    move_today(dt.date(2025, 6, 1))  # another Council
    assert _stale(dprk_draft) is True
    assert dprk_draft.pk in projections_refresh_stale()
    assert dprk_draft.projections.latest().council_on == dt.date(2025, 6, 1)
    assert _stale(dprk_draft) is False


def test_the_periodic_job_repairs_missing_and_stale_projections(dprk_draft: Draft) -> None:
    Projection.objects.all().delete()

    refreshed = projections_refresh_stale()

    assert dprk_draft.pk in refreshed
    assert not projections.stale_drafts().exists()
    assert projections_refresh_stale() == []


def test_a_position_change_enqueues_the_refresh_after_commit(
    dprk_draft: Draft, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    Projection.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        _record(dprk_draft, "USA", "abstain", 0.8)

    latest = dprk_draft.projections.latest()
    assert latest.results["tally"]["counts"]["abstain"] == 1


def test_a_save_succeeds_quickly_and_leaves_the_projection_stale_when_the_broker_is_down(
    dprk_draft: Draft, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    projection_refresh(dprk_draft.pk)
    conf = celery_app.conf
    saved = {k: conf[k] for k in ("broker_url", "task_always_eager")}
    # Port 9 on loopback: nothing listens, so the connection is refused at once.
    conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)
    _celery._pool = None
    _celery.amqp._producer_pool = None
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            position = _record(dprk_draft, "GBR", "leaning_no", 0.7)
        elapsed = time.monotonic() - started
    finally:
        conf.update(saved)
        _celery._pool = None
        _celery.amqp._producer_pool = None

    assert position.pk is not None
    assert _stale(dprk_draft) is True
    # A hang guard, not a benchmark: the broker timeouts are 2 s.
    assert elapsed < 15
    projections_refresh_stale()
    assert _stale(dprk_draft) is False


# One rule, for one draft and for lists --------------------------------------------------------


def test_one_drafts_state_and_the_list_annotation_agree_on_staleness(
    dprk_draft: Draft, move_today: Callable[[dt.date], None]
) -> None:
    def both() -> list[tuple[bool, bool]]:
        listed = _stale_ids()
        return [
            (projections.draft_state(d.pk, "projection").projection_stale, d.pk in listed)
            for d in Draft.objects.all()
        ]

    Projection.objects.all().delete()
    missing = both()
    projections_refresh_stale()
    fresh = both()
    _record(dprk_draft, "CHN", "leaning_yes", 0.8)
    changed = both()
    projections_refresh_stale()
    assert not any(single for single, _ in both())
    Projection.objects.filter(draft=dprk_draft).update(model_version="an older engine")
    older = both()
    projections_refresh_stale()
    Member.objects.filter(code="CHN").update(permanent=False)
    flag = both()
    Member.objects.filter(code="CHN").update(permanent=True)
    Term.objects.filter(member__code="ZAF").delete()
    deleted = both()
    move_today(dt.date(2025, 6, 1))
    moved = both()

    for answers in (missing, fresh, changed, older, flag, deleted, moved):
        assert all(single == listed for single, listed in answers), answers
    assert all(single for single, _ in missing)
    assert not any(single for single, _ in fresh)
    assert [single for single, _ in changed].count(True) == 1
    assert [single for single, _ in older].count(True) == 1
    assert all(single for single, _ in flag)  # China sits on every Council day
    with_zaf = Draft.objects.filter(vote_on__range=(dt.date(2019, 1, 1), dt.date(2020, 12, 31)))
    assert [single for single, _ in deleted].count(True) == with_zaf.count() > 0
    # ... and the open draft, whose Council is today's.
    assert [single for single, _ in moved].count(True) == with_zaf.count() + 1

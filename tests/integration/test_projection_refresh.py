"""A position, or a change to the Council's terms, committed in PostgreSQL is picked up by a real
Celery worker through the real Redis, which writes the drafts' new projections."""

import datetime as dt
import time
from collections.abc import Callable

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django import Settings
from rest_framework.test import APIClient

from members.models import Member, Term
from members.services import term_create
from resolutions.models import Draft
from votes import projections
from votes.models import Projection
from votes.seed import load_seed
from votes.services import PositionEntry, positions_record

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed's open 2019 draft is decided by today's Council; its terms end in 2027."""
    day = dt.date(2026, 12, 2)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def _wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_refreshes_the_projection_after_a_position_is_committed(
    celery_worker: object, postgres: None
) -> None:
    load_seed()
    draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")
    assert _wait_for(lambda: Projection.objects.filter(draft=draft).exists())
    before = Projection.objects.filter(draft=draft).count()

    positions_record(
        draft=draft,
        entries=[
            PositionEntry(
                Member.objects.get(code=code),
                "abstain",
                1,
                dt.date(2020, 1, 10),
                "Integration test: a change of heart",
            )
            for code in ("USA", "FRA", "GBR")
        ],
    )

    assert _wait_for(lambda: Projection.objects.filter(draft=draft).count() > before)
    assert Projection.objects.filter(draft=draft).count() == before + 1
    latest = Projection.objects.filter(draft=draft).latest()
    assert latest.results["tally"]["counts"]["abstain"] == 3
    assert latest.results["tally"]["permanent_opposed"] == []
    assert latest.p_vetoed == 0
    assert latest.p_adopted > 0.01


def test_a_worker_refreshes_the_projections_a_term_edit_concerns(
    celery_worker: object, postgres: None, settings: Settings
) -> None:
    load_seed()
    vetoed = Draft.objects.get(symbol="S/2019/961")  # voted on 2019-12-20
    assert _wait_for(lambda: not projections.stale_drafts().exists())
    settings.API_PUBLIC_READ = True
    url = f"/api/v1/drafts/{vetoed.slug}/projection/"
    assert "BEL" in {p["member"] for p in APIClient().get(url).json()["pivotal"]}

    # Belgium's seat in 2019 was in fact someone else's (a correction, in one transaction).
    with transaction.atomic():
        term = Term.objects.get(member__code="BEL", start=dt.date(2019, 1, 1))
        term.start = dt.date(2020, 1, 1)
        term.full_clean()
        term.save()
        term_create(
            member=Member.objects.get(code="LUX"),
            start=dt.date(2019, 1, 1),
            end=dt.date(2019, 12, 31),
        )

    def refreshed() -> bool:
        body = APIClient().get(url).json()
        return body["stale"] is False and "LUX" in {p["member"] for p in body["pivotal"]}

    assert _wait_for(refreshed)
    body = APIClient().get(url).json()
    assert "BEL" not in {p["member"] for p in body["pivotal"]}
    assert body["recorded_outcome"] == "vetoed"
    assert not projections.stale_drafts().exists()

"""A position committed in PostgreSQL is picked up by a real Celery worker through the real
Redis, which writes the draft's new projection."""

import datetime as dt
import time

import pytest

from members.models import Member
from resolutions.models import Draft
from votes.models import Projection
from votes.seed import load_seed
from votes.services import PositionEntry, positions_record

pytestmark = pytest.mark.integration


def _wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_refreshes_the_projection_after_a_position_is_committed(celery_worker, postgres):
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

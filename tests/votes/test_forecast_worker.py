"""The priors refresh on a real Celery worker through the real Redis, with the votes committed
in the real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest

from members.models import Member
from resolutions.models import Draft
from votes.models import PriorSet, Projection
from votes.seed import load_seed
from votes.services import recorded_vote_create

pytestmark = pytest.mark.integration


def _wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _latest_source(draft: Draft) -> str:
    latest = Projection.objects.filter(draft=draft).order_by("-computed_at", "-id").first()
    return "" if latest is None else str(latest.results["assumptions"]["source"])


def test_a_worker_re_estimates_the_priors_after_votes_are_committed(
    celery_worker: object, postgres: None
) -> None:
    load_seed()  # its twelve recorded votes send one refresh after the commit
    assert _wait_for(PriorSet.objects.exists)
    first = PriorSet.objects.get()
    assert first.n_votes == 1717
    assert "database (12 recorded votes, 1 not in the files)" in first.sources

    draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")
    council = Member.objects.seated_on(dt.date(2019, 12, 30))
    recorded_vote_create(
        voted_on=dt.date(2019, 12, 30),
        resolution_number=9990,
        ballots={m.code: "yes" for m in council},
        subject="DPRK non-proliferation (sanctions)",
    )

    assert _wait_for(lambda: PriorSet.objects.count() == 2)
    latest = PriorSet.objects.order_by("-id").first()
    assert latest is not None and latest.n_votes == 1718
    assert _wait_for(lambda: _latest_source(draft).startswith("1,718 recorded votes"))

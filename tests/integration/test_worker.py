"""A real Celery worker on the real Redis, with data committed in the real PostgreSQL."""

import pytest

from resolutions.models import Draft
from votes.models import Projection
from votes.seed import load_seed
from votes.tasks import refresh_draft_projection

pytestmark = pytest.mark.integration


def test_it_gets_a_task_result_back_from_a_real_worker_when_asked_for_one(
    celery_worker: object, postgres: None
) -> None:
    """Results are not stored unless a caller asks (nothing in a request reads one)."""
    load_seed()
    draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")

    result = refresh_draft_projection.apply_async(args=(draft.pk,), ignore_result=False)

    # "changed" depends on whether the refresh the seed's positions sent ran first.
    assert result.get(timeout=30)["draft_id"] == draft.pk
    assert result.backend.__class__.__name__ == "RedisBackend"
    latest = Projection.objects.filter(draft=draft).latest()
    assert latest.results["tally"]["permanent_opposed"] == ["FRA", "GBR", "USA"]


def test_refreshes_leave_no_result_in_redis(
    celery_worker: object, postgres: None, redis_server: str
) -> None:
    import redis

    from tests.integration.services import wait_for

    load_seed()
    draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")
    client = redis.Redis.from_url(redis_server)
    before = set(client.scan_iter("celery-task-meta-*"))
    assert wait_for(lambda: Projection.objects.filter(draft=draft).exists(), 30) is not None
    checked = Projection.objects.filter(draft=draft).latest().checked_at

    for _ in range(5):
        refresh_draft_projection.delay(draft.pk)

    assert (
        wait_for(lambda: Projection.objects.filter(draft=draft).latest().checked_at > checked, 30)
        is not None
    )
    assert set(client.scan_iter("celery-task-meta-*")) == before

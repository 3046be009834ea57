"""A real Celery worker on the real Redis, with data committed in the real PostgreSQL."""

import pytest

from resolutions.models import Draft
from votes.models import Projection
from votes.seed import load_seed
from votes.tasks import refresh_draft_projection

pytestmark = pytest.mark.integration


def test_it_gets_a_task_result_back_from_a_real_worker(celery_worker, postgres):
    load_seed()
    draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")

    result = refresh_draft_projection.delay(draft.pk)

    # "changed" depends on whether the refresh the seed's positions sent ran first.
    assert result.get(timeout=30)["draft_id"] == draft.pk
    assert result.backend.__class__.__name__ == "RedisBackend"
    latest = Projection.objects.filter(draft=draft).latest()
    assert latest.results["tally"]["permanent_opposed"] == ["FRA", "GBR", "USA"]

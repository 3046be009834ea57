"""A real Celery worker on the real Redis, with data committed in the real PostgreSQL."""

import datetime as dt

import pytest

from members.tasks import council_on
from votes.seed import load_seed

pytestmark = pytest.mark.integration


def test_it_gets_a_task_result_back_from_a_real_worker(celery_worker, postgres):
    load_seed()

    result = council_on.delay("2019-12-30")

    answer = result.get(timeout=30)
    assert answer["seats"] == 15
    assert answer["known"] == 15
    assert sorted(answer["permanent"]) == ["CHN", "FRA", "GBR", "RUS", "USA"]
    assert "DEU" in answer["members"] and "JPN" not in answer["members"]
    assert result.backend.__class__.__name__ == "RedisBackend"
    assert dt.date.fromisoformat(answer["day"]) == dt.date(2019, 12, 30)

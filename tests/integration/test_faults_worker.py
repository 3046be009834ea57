"""A whole Celery worker killed (SIGKILL to the master and its children) while it runs a
projection refresh: the task is acknowledged only when done, so it stays in Redis, and another
worker runs it again once the visibility timeout has passed, well within a minute. The refresh
is idempotent: one new projection row, not two.

The refresh is held mid-task by a real lock: the test locks the draft's row, which the refresh
locks first (``select_for_update``), so the worker is killed while it waits inside the task.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from celery.contrib.testing.worker import start_worker  # noqa: F401  (the app's tasks load)

from config.celery import app as celery_app
from members.models import Member
from resolutions.models import Draft
from tests.integration.services import RedisServer, Stack, database_url, wait_for
from votes.models import Projection
from votes.seed import load_seed
from votes.services import PositionEntry, positions_record

# Celery's private connection pools, which its stubs do not declare.
_celery: Any = celery_app

pytestmark = pytest.mark.integration

REDELIVERY_GUARD_SECONDS = 60


def _waiting_on_a_lock(dsn: str, dbname: str) -> bool:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [dbname],
        )
        row = cursor.fetchone()
        assert row is not None
        return bool(row[0])


def test_a_killed_workers_refresh_runs_again_within_a_minute_and_writes_one_row(
    postgres: None, tmp_path: Path
) -> None:
    redis = RedisServer(tmp_path)
    redis.start()
    stack = Stack(redis.url, tmp_path)
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}
    lock = psycopg2.connect(database_url())
    try:
        load_seed()  # in-process: the seed's projection is written now
        draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")
        rows_before = Projection.objects.filter(draft=draft).count()

        # The next refresh goes through the test's Redis, where no worker listens yet.
        conf.update(broker_url=redis.url, task_always_eager=False)
        _celery._pool = None
        _celery.amqp._producer_pool = None
        positions_record(
            draft=draft,
            entries=[
                PositionEntry(
                    Member.objects.get(code="USA"), "abstain", 1, dt.date(2020, 1, 15), "Fault test"
                )
            ],
        )
        assert redis.client().llen("celery") == 1

        with lock.cursor() as cursor:
            cursor.execute("SELECT id FROM resolutions_draft WHERE id = %s FOR UPDATE", [draft.pk])
        first = stack.worker("first", "--concurrency", "1")
        dbname = database_url().rsplit("/", 1)[1]
        assert wait_for(lambda: _waiting_on_a_lock(database_url(), dbname), 60), first.output()
        assert redis.client().hlen("unacked") == 1  # taken, not acknowledged

        first.kill()
        killed_at = time.monotonic()
        lock.rollback()
        assert Projection.objects.filter(draft=draft).count() == rows_before

        stack.worker("second", "--concurrency", "1")
        ran_after = wait_for(
            lambda: Projection.objects.filter(draft=draft).count() > rows_before,
            REDELIVERY_GUARD_SECONDS + 30,
            0.5,
        )
        assert ran_after is not None, stack.processes[-1].output()[-3000:]
        assert time.monotonic() - killed_at < REDELIVERY_GUARD_SECONDS

        # Done once and acknowledged: nothing left to run, and a single new row.
        assert wait_for(lambda: redis.client().hlen("unacked") == 0, 15) is not None
        assert redis.client().llen("celery") == 0
        time.sleep(2)
        assert Projection.objects.filter(draft=draft).count() == rows_before + 1
        latest = Projection.objects.filter(draft=draft).latest()
        assert "USA" not in latest.results["tally"]["permanent_opposed"]
    finally:
        lock.close()
        conf.update(saved)
        _celery._pool = None
        _celery.amqp._producer_pool = None
        stack.stop()
        redis.stop()

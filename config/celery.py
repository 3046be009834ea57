"""The Celery app: broker from ``REDIS_URL``, tasks autodiscovered, and a heartbeat.

Production settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise (only ``manage.py``
defaults to development). Each worker records a heartbeat in Redis every
``WORKER_HEARTBEAT_SECONDS``; ``/healthz`` reports the workers whose heartbeat is recent.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

log = logging.getLogger(__name__)

app = Celery("unsc_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEATS_KEY = "workers:heartbeats"
"""A Redis sorted set: each worker's hostname, scored by the time of its last heartbeat."""


def heartbeat(hostname: str) -> None:
    """Record that ``hostname`` is alive now (nothing without Redis)."""
    from django.conf import settings

    from api import redis_guard

    client = redis_guard.client()
    if client is None:
        return
    now = time.time()
    stale = now - 10 * int(settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)

    def write() -> None:
        pipe = client.pipeline(transaction=False)
        pipe.zadd(HEARTBEATS_KEY, {hostname: now})
        pipe.zremrangebyscore(HEARTBEATS_KEY, 0, stale)  # workers long gone
        pipe.execute()

    redis_guard.guarded("worker heartbeat", write, lambda: None)


def heartbeat_stop(hostname: str) -> None:
    from api import redis_guard

    client = redis_guard.client()
    if client is not None:
        redis_guard.guarded("worker heartbeat", lambda: client.zrem(HEARTBEATS_KEY, hostname), int)


class Heartbeat(bootsteps.StartStopStep):
    """Writes the worker's heartbeat at start, then every ``WORKER_HEARTBEAT_SECONDS``."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.timer_entry: Any = None

    def start(self, worker: Any) -> None:
        from django.conf import settings

        heartbeat(worker.hostname)
        self.timer_entry = worker.timer.call_repeatedly(
            float(settings.WORKER_HEARTBEAT_SECONDS), heartbeat, (worker.hostname,), priority=10
        )

    def stop(self, worker: Any) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None
        heartbeat_stop(worker.hostname)


app.steps["worker"].add(Heartbeat)

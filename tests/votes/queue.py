"""Tasks held in a broker instead of run in-process, so that a test sees what a read or a
write sends, and that nothing has run yet (as in production, where a worker runs it later)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery.signals import before_task_publish

from config.celery import app as celery_app
from votes.projections import projection_refresh_started
from votes.tasks import refresh_draft_projection

# Celery's private connection pools, which its stubs do not declare.
_celery: Any = celery_app


def _forget_pools() -> None:
    _celery._pool = None
    _celery.amqp._producer_pool = None


@contextmanager
def refreshes_held() -> Iterator[list[int]]:
    """Yield the list of draft ids whose refresh is sent meanwhile. The tasks go to Celery's
    in-memory broker, which no worker reads; it is emptied afterwards, and the "refresh
    waiting" marks of the tasks dropped are cleared, as a worker starting them would."""
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}
    sent: list[int] = []

    def record(sender: str | None = None, body: Any = None, **kwargs: Any) -> None:
        if sender == refresh_draft_projection.name:
            args, _kwargs, _embed = body
            sent.append(args[0])

    before_task_publish.connect(record, weak=False)
    conf.update(broker_url="memory://", task_always_eager=False)
    _forget_pools()
    try:
        yield sent
    finally:
        before_task_publish.disconnect(record)
        celery_app.control.purge()
        for draft_id in sent:
            projection_refresh_started(draft_id)
        conf.update(saved)
        _forget_pools()

"""Enqueue projection refreshes after a commit, once per draft per transaction, without ever
letting an unreachable broker fail or slow down the write that triggered them."""

from __future__ import annotations

import logging
import threading

from django.db import transaction

log = logging.getLogger(__name__)

_pending = threading.local()


def _pending_ids() -> set[int]:
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    return _pending.ids  # type: ignore[no-any-return]


def schedule_projection_refresh(draft_id: int) -> None:
    """Ask for ``draft_id``'s projection to be refreshed once the transaction commits.

    Fifteen positions saved in one transaction enqueue one task: the first commit callback
    sends every pending draft and the others find nothing left to send. Ids left behind by a
    rolled-back transaction are sent with the next commit; the task is idempotent, so that
    costs one cheap recomputation at most.
    """
    _pending_ids().add(draft_id)
    transaction.on_commit(_flush)


def _flush() -> None:
    ids = _pending_ids()
    while ids:
        draft_id = ids.pop()
        enqueue_projection_refresh(draft_id)


def enqueue_projection_refresh(draft_id: int) -> bool:
    """Send the refresh task; if the broker cannot be reached, log it and leave the projection
    stale for the periodic job or the next read to repair. Returns whether it was sent."""
    from votes.tasks import projection_refresh

    try:
        projection_refresh.apply_async(args=[draft_id], retry=False)
    except Exception as error:
        log.warning(
            "Projection refresh for draft %s not enqueued (%s); it stays stale.", draft_id, error
        )
        return False
    return True

"""Celery tasks about the Council's membership."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from members.models import Composition


@shared_task
def council_on(day: str) -> dict[str, object]:
    """The Council on ``day`` (ISO date) as far as it is known."""
    composition = Composition.on(dt.date.fromisoformat(day))
    return {
        "day": day,
        "seats": composition.seats,
        "known": composition.known,
        "members": list(composition.codes),
        "permanent": [m.code for m in composition.permanent],
    }

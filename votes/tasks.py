"""Celery tasks of the votes app: thin wrappers that take ids, call a service, and retry on
failure."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import DatabaseError

from resolutions.models import Draft
from votes import forecast, projections

log = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=6,
)
def refresh_draft_projection(draft_id: int) -> dict[str, object]:
    """Recompute one draft's projection; idempotent (skips when nothing changed)."""
    projections.projection_refresh_started(draft_id)
    created = projections.projection_refresh(draft_id=draft_id)
    return {"draft_id": draft_id, "changed": created is not None}


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=3)
def refresh_stale_projections() -> list[int]:
    """The periodic repair: refresh every projection that is missing or out of date."""
    refreshed = []
    for draft_id in projections.stale_drafts().values_list("pk", flat=True):
        try:
            projections.projection_refresh(draft_id=draft_id)
        except Exception:
            log.exception("Refreshing the projection of draft %s failed", draft_id)
            continue
        refreshed.append(draft_id)
    return refreshed


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=3)
def refresh_priors() -> dict[str, object]:
    """Re-estimate the forecast's priors from the recorded votes (sent after votes are saved);
    when they changed, refresh the projection of every draft with positions."""
    forecast.priors_refresh_started()
    row = forecast.prior_set_refresh()
    refreshed = 0
    if row is not None:
        drafts = Draft.objects.filter(positions__isnull=False).distinct()
        for draft_id in drafts.values_list("pk", flat=True):
            try:
                if projections.projection_refresh(draft_id=draft_id) is not None:
                    refreshed += 1
            except Exception:
                log.exception("Refreshing the projection of draft %s failed", draft_id)
    return {"prior_set": None if row is None else row.pk, "projections_changed": refreshed}

"""Projections of drafts: the engine applied to the current positions of the draft's Council,
and the stored history of its results."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

import charter
from members.models import Composition
from resolutions.models import Draft
from votes.forecast import engine_priors
from votes.models import Position, Projection

log = logging.getLogger(__name__)


def stance_table() -> Mapping[charter.Stance, charter.VoteProbabilities]:
    """The stance-to-probabilities table: the engine's default unless settings override it."""
    override = getattr(settings, "VOTE_STANCE_TABLE", None)
    if override:
        return charter.stance_table_from_mapping(override)
    return charter.DEFAULT_STANCE_TABLE


def draft_composition(draft: Draft) -> Composition:
    """The Council that decides the draft: on the vote's day, else the circulation's, else
    today's."""
    return Composition.on(draft.council_date or timezone.localdate())


def draft_rule(draft: Draft) -> charter.Rule:
    """The voting rule of the Council that decides the draft."""
    return draft_composition(draft).rule(charter.Matter(draft.matter))


def current_positions(draft: Draft) -> dict[str, charter.PositionInput]:
    positions = Position.objects.filter(draft=draft).current().select_related("member")
    return {p.member.code: p.as_engine_input() for p in positions}


def _rule_and_positions(
    draft: Draft, overrides: Mapping[str, str] | None = None
) -> tuple[charter.Rule, dict[str, charter.PositionInput]]:
    rule = draft_rule(draft)
    positions = {code: p for code, p in current_positions(draft).items() if code in rule.members}
    if overrides:
        try:
            positions = charter.apply_overrides(rule, positions, overrides)
        except charter.EngineError as error:
            raise ValidationError({"overrides": str(error)}) from None
    return rule, positions


def draft_tally(draft: Draft) -> charter.Tally:
    """Who stands where on the draft, and the outcome if it were voted now."""
    return charter.tally(*_rule_and_positions(draft))


def draft_analysis(
    draft: Draft, overrides: Mapping[str, str] | None = None, *, blocs: bool = True
) -> charter.Analysis:
    """Tally, projection, pivotal members and paths for the draft as it stands, or under
    ``overrides`` (ISO3 -> stance) without writing anything; members follow their records
    (``votes.forecast``), with blocs unless ``blocs`` is False."""
    rule, positions = _rule_and_positions(draft, overrides)
    return charter.analyse(
        rule, positions, stance_table(), priors=engine_priors(draft, rule), blocs=blocs
    )


def projection_refresh(*, draft_id: int) -> Projection | None:
    """Recompute a draft's projection from the database. Writes a history row only when the
    result changed; otherwise marks the latest row as checked. Returns the new row, if any.
    Safe to run twice or concurrently: the draft's row is locked while it runs."""
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(pk=draft_id).first()
        if draft is None:
            return None
        analysis = draft_analysis(draft)
        now = timezone.now()
        latest = draft.projections.order_by("-computed_at", "-id").first()
        if (
            latest is not None
            and latest.fingerprint == analysis.projection.fingerprint
            and latest.model_version == charter.MODEL_VERSION
        ):
            latest.checked_at = now
            latest.save(update_fields=["checked_at"])
            return None
        projection = analysis.projection
        return Projection.objects.create(
            draft=draft,
            computed_at=now,
            checked_at=now,
            fingerprint=projection.fingerprint,
            model_version=charter.MODEL_VERSION,
            p_adopted=projection.p_adopted,
            p_vetoed=projection.p_vetoed,
            p_failed=projection.p_failed,
            expected_yes=projection.expected_yes,
            most_likely=projection.most_likely.value,
            results=analysis.to_dict(),
        )


def with_projection_state(drafts: QuerySet[Draft]) -> QuerySet[Draft]:
    """Annotate each draft with its latest projection's probability and whether it is stale
    (positions or the draft changed after it was last checked), in one query."""
    latest = Projection.objects.filter(draft=OuterRef("pk")).order_by("-computed_at", "-id")
    return drafts.annotate(
        projection_checked_at=Subquery(latest.values("checked_at")[:1]),
        projection_model_version=Subquery(latest.values("model_version")[:1]),
        projected_p_adopted=Subquery(latest.values("p_adopted")[:1]),
        last_position_at=Subquery(
            Position.objects.filter(draft=OuterRef("pk"))
            .values("draft")
            .annotate(last=Max("created_at"))
            .values("last")[:1]
        ),
    ).annotate(
        last_change_at=Greatest(F("updated_at"), Coalesce(F("last_position_at"), F("updated_at"))),
    )


def stale_drafts() -> QuerySet[Draft]:
    """Drafts with positions whose projection is missing or older than their last change."""
    return with_projection_state(Draft.objects.filter(positions__isnull=False).distinct()).filter(
        Q(projection_checked_at__isnull=True)
        | Q(last_change_at__gt=F("projection_checked_at"))
        | ~Q(projection_model_version=charter.MODEL_VERSION)
    )


@dataclass(frozen=True)
class DraftState:
    """What a draft's tally and projection depend on, read in one query: an ETag for it, when
    it last changed, and whether the stored projection is stale."""

    etag: str
    last_modified: dt.datetime
    draft_id: int
    projection_id: int | None = None
    projection_stale: bool = False


# One statement for the draft and everything its tally and projection depend on. It runs on
# every tally and projection request, so it is plain SQL (no ORM compilation) that SQLite and
# PostgreSQL both run; position and projection ids only grow, so MAX(id) is the latest row.
STATE_SQL = """
SELECT d.id, d.updated_at,
       (SELECT MAX(p.id) FROM votes_position p WHERE p.draft_id = d.id),
       (SELECT MAX(p.created_at) FROM votes_position p WHERE p.draft_id = d.id),
       (SELECT MAX(r.id) FROM votes_projection r WHERE r.draft_id = d.id),
       (SELECT MAX(r.checked_at) FROM votes_projection r WHERE r.draft_id = d.id),
       (SELECT r.model_version FROM votes_projection r WHERE r.draft_id = d.id
        ORDER BY r.id DESC LIMIT 1),
       (SELECT MAX(t.updated_at) FROM members_term t),
       (SELECT COUNT(*) FROM members_term t)
FROM resolutions_draft d
WHERE {where}
"""


def _moment(value: object) -> dt.datetime | None:
    """A stored moment as an aware datetime. SQLite hands back naive datetimes for columns and
    text for aggregates; both are UTC, as Django stores them."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def draft_state(key: str | int, kind: str) -> DraftState:
    """The state ``kind`` (``tally`` or ``projection``) of the draft whose id or slug is
    ``key`` depends on, in one query; NotFound if there is no such draft."""
    text = str(key).strip()
    where, param = ("d.id = %s", int(text)) if text.isdigit() else ("d.slug = %s", text.lower())
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL.format(where=where), [param])
        row = cursor.fetchone()
    if row is None:
        raise Draft.DoesNotExist(f"No draft with the id, slug or symbol {text!r}.")
    (
        draft_id,
        updated,
        position_id,
        position_at,
        projection_id,
        checked,
        model_version,
        terms_at,
        terms_n,
    ) = row
    parts: list[object] = [
        kind,
        draft_id,
        str(updated),
        position_id,
        str(terms_at),
        terms_n,
        settings.VOTE_STANCE_TABLE,
    ]
    moments = [_moment(updated), _moment(position_at), _moment(terms_at)]
    if kind == "projection":
        parts += [projection_id, str(checked)]
        moments.append(_moment(checked))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    last = max(m for m in moments if m is not None)
    # Stale when positions or the draft changed after the projection was last checked, or it
    # came from another version of the engine: the same rule as stale_drafts() applies to many
    # drafts at once (tests/votes/test_projections.py holds the two to the same answers).
    changed = max(m for m in moments[:2] if m is not None)
    checked_at = _moment(checked)
    stale = (projection_id is None and position_id is not None) or (
        projection_id is not None
        and (checked_at is None or changed > checked_at or model_version != charter.MODEL_VERSION)
    )
    return DraftState(f'"{digest}"', last, draft_id, projection_id, stale)


REFRESH_PENDING_SECONDS = 60
"""How long a sent refresh keeps others for the same draft from being sent: the task clears
the mark when it starts, so this only matters when a task is lost (the periodic job repairs)."""


def _pending_key(draft_id: int) -> str:
    return f"projection-refresh-pending:{draft_id}"


def projection_refresh_on_commit(draft_id: int) -> None:
    """Have ``draft_id``'s projection refreshed once the current transaction commits (at
    once outside a transaction)."""
    transaction.on_commit(lambda: projection_refresh_enqueue(draft_id))


def projection_refresh_enqueue(draft_id: int) -> bool:
    """Send the refresh task, once: while one is waiting for a worker, asking again sends
    nothing (fifteen positions saved in one transaction, or many readers of a stale
    projection, send one task). If the broker or the cache cannot be reached, log it and leave
    the projection stale for the periodic job to repair: a saved position never fails for want
    of a broker. Returns whether a task was sent."""
    from votes.tasks import refresh_draft_projection

    try:
        if not cache.add(_pending_key(draft_id), 1, timeout=REFRESH_PENDING_SECONDS):
            return False
    except Exception as error:  # the cache is down: send anyway, the task is idempotent
        log.warning("Projection refresh dedup unavailable (%s); sending anyway.", error)
    try:
        refresh_draft_projection.apply_async(args=[draft_id], retry=False)
    except Exception as error:
        log.warning(
            "Projection refresh for draft %s not enqueued (%s); it stays stale.", draft_id, error
        )
        projection_refresh_started(draft_id)
        return False
    return True


def projection_refresh_started(draft_id: int) -> None:
    """Clear the "refresh waiting" mark as a refresh starts, so that any change committed
    from now on sends a task of its own."""
    try:
        cache.delete(_pending_key(draft_id))
    except Exception as error:
        log.warning("Could not clear the refresh mark of draft %s (%s).", draft_id, error)

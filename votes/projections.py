"""Projections of drafts: the engine applied to the current positions of the draft's Council,
and the stored history of its results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from members.models import Composition
from resolutions.models import Draft
from votes import engine
from votes.models import Position, Projection


def stance_table() -> Mapping[engine.Stance, engine.VoteProbabilities]:
    """The stance-to-probabilities table: the engine's default unless settings override it."""
    override = getattr(settings, "VOTE_STANCE_TABLE", None)
    if override:
        return engine.stance_table_from_mapping(override)
    return engine.DEFAULT_STANCE_TABLE


def draft_composition(draft: Draft) -> Composition:
    """The Council that decides the draft: on the vote's day, else the circulation's, else
    today's."""
    return Composition.on(draft.council_date or timezone.localdate())


def draft_rule(draft: Draft) -> engine.Rule:
    composition = draft_composition(draft)
    composition.require_complete()
    return engine.rule_for(
        composition.day,
        [(m.code, m.permanent) for m in composition.members],
        engine.Matter(draft.matter),
    )


def current_positions(draft: Draft) -> dict[str, engine.PositionInput]:
    positions = Position.objects.filter(draft=draft).current().select_related("member")
    return {p.member.code: p.as_engine_input() for p in positions}


def _rule_and_positions(
    draft: Draft, overrides: Mapping[str, str] | None = None
) -> tuple[engine.Rule, dict[str, engine.PositionInput]]:
    rule = draft_rule(draft)
    positions = {code: p for code, p in current_positions(draft).items() if code in rule.members}
    if overrides:
        try:
            positions = engine.apply_overrides(rule, positions, overrides)
        except engine.EngineError as error:
            raise ValidationError({"overrides": str(error)}) from None
    return rule, positions


def draft_tally(draft: Draft) -> engine.Tally:
    """Who stands where on the draft, and the outcome if it were voted now."""
    return engine.tally(*_rule_and_positions(draft))


def draft_analysis(draft: Draft, overrides: Mapping[str, str] | None = None) -> engine.Analysis:
    """Tally, projection, pivotal members and closest path for the draft as it stands, or
    under ``overrides`` (ISO3 -> stance) without writing anything."""
    rule, positions = _rule_and_positions(draft, overrides)
    return engine.analyse(rule, positions, stance_table())


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
            and latest.model_version == engine.MODEL_VERSION
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
            model_version=engine.MODEL_VERSION,
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
        | ~Q(projection_model_version=engine.MODEL_VERSION)
    )


def is_stale(draft: Draft, projection: Projection | None) -> bool:
    if projection is None:
        return draft.positions.exists()
    if projection.model_version != engine.MODEL_VERSION:
        return True
    last_position = draft.positions.aggregate(last=Max("created_at"))["last"]
    changed = max(filter(None, [draft.updated_at, last_position]), default=draft.updated_at)
    return changed > projection.checked_at


def latest_projection(draft: Draft, *, repair: bool = True) -> tuple[Projection | None, bool]:
    """The draft's latest projection and whether it is stale. With ``repair``, a stale or
    missing projection is recomputed on the spot (the periodic job does the same)."""
    projection = draft.projections.order_by("-computed_at", "-id").first()
    stale = is_stale(draft, projection)
    if stale and repair:
        projection_refresh(draft_id=draft.pk)
        projection = draft.projections.order_by("-computed_at", "-id").first()
        stale = False
    return projection, stale


def day_or_today(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()

"""Keep stored projections in step with what they depend on in the lower apps, which cannot
call ``votes`` themselves: the Council's terms and members (``members``), and the drafts and
their texts (``resolutions``); and keep the forecast's priors in step with the recorded votes
they are estimated from.

Each receiver sends refreshes once the transaction commits, and only for the drafts it can
affect: a term added, edited (its old days and its new days) or deleted, or a member's
permanent flag changed, concerns the drafts whose Council day falls within those days.
Staleness itself does not rest on these signals: ``votes.projections.with_projection_state``
compares each projection's stored Council with the terms as they are, so the periodic repair
also finds changes made without signals (a bulk update, raw SQL).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from members.models import Member, Term
from resolutions.models import Draft, DraftVersion
from votes.forecast import recorded_vote_saved
from votes.models import RecordedVote
from votes.projections import (
    Span,
    council_change_refresh_on_commit,
    projection_refresh_on_commit,
)

# Saved votes change the record the forecast's priors are estimated from.
post_save.connect(recorded_vote_saved, sender=RecordedVote, dispatch_uid="votes-priors")

OLD_SPAN = "_council_span_before_save"
OLD_PERMANENT = "_permanent_before_save"


@receiver(pre_save, sender=Term)
def term_remember_span(sender: type[Term], instance: Term, raw: bool, **kwargs: Any) -> None:
    """Keep the days an edited term covered before the edit: its drafts must be refreshed
    too, since the member no longer sits on them."""
    old = None
    if instance.pk is not None and not raw:
        old = Term.objects.filter(pk=instance.pk).values_list("start", "end").first()
    setattr(instance, OLD_SPAN, old)


@receiver(post_save, sender=Term)
def term_saved(sender: type[Term], instance: Term, **kwargs: Any) -> None:
    spans: list[Span] = [(instance.start, instance.end)]
    old: Span | None = getattr(instance, OLD_SPAN, None)
    if old is not None and old != spans[0]:
        spans.append(old)
    council_change_refresh_on_commit(spans)


@receiver(post_delete, sender=Term)
def term_deleted(sender: type[Term], instance: Term, **kwargs: Any) -> None:
    council_change_refresh_on_commit([(instance.start, instance.end)])


@receiver(pre_save, sender=Member)
def member_remember_permanent(
    sender: type[Member], instance: Member, raw: bool, **kwargs: Any
) -> None:
    old = None
    if instance.pk is not None and not raw:
        old = Member.objects.filter(pk=instance.pk).values_list("permanent", flat=True).first()
    setattr(instance, OLD_PERMANENT, old)


@receiver(post_save, sender=Member)
def member_saved(sender: type[Member], instance: Member, created: bool, **kwargs: Any) -> None:
    """A member made permanent or elected changes the vetoes on every day it sits."""
    old = getattr(instance, OLD_PERMANENT, None)
    if created or old is None or old == instance.permanent:
        return
    council_change_refresh_on_commit(instance.terms.values_list("start", "end"))


@receiver(post_save, sender=Draft)
def draft_saved(sender: type[Draft], instance: Draft, **kwargs: Any) -> None:
    """A new draft gets its projection; a changed one (status, dates, matter, its vote) a
    new one."""
    projection_refresh_on_commit(instance.pk)


@receiver(post_save, sender=DraftVersion)
@receiver(post_delete, sender=DraftVersion)
def draft_version_changed(
    sender: type[DraftVersion], instance: DraftVersion, **kwargs: Any
) -> None:
    """A text's date can move a draft's first or last date, hence its Council day."""
    projection_refresh_on_commit(instance.draft_id)

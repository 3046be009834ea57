"""Template filters and tags of the analysts' site: honest percentages, outcome badges and
stance marks, from ``web.numbers`` and ``web.seats``."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from members.models import Member
from web import numbers
from web.seats import STANCE_GLYPH, stance_label

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.000084 -> "under 0.1%"; never "0%" for a value that is not exactly 0."""
    return numbers.percent(value)


@register.simple_tag
def outcome_badge(outcome: str | None, prefix: str = "") -> SafeString:
    """``<span class="badge badge--vetoed">Vetoed</span>``; a dash for no outcome."""
    if not outcome:
        return format_html('<span class="muted">{}</span>', numbers.NO_VALUE)
    label, classes = numbers.outcome_badge(outcome)
    return format_html('<span class="{}">{}{}</span>', classes, prefix, label)


@register.filter
def stance_mark(stance: str) -> SafeString:
    """A stance as its glyph and words: ``✓ Yes``; the glyph is hidden from screen readers."""
    return format_html(
        '<span class="stance stance--{}"><span class="stance__glyph" aria-hidden="true">{}'
        "</span> {}</span>",
        stance,
        STANCE_GLYPH.get(stance, "?"),
        stance_label(stance),
    )


@register.filter
def status_class(status: str) -> str:
    return f"status status--{status}"


@register.filter
def get(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)


@register.filter
def codes(members: Iterable[Member]) -> str:
    """The members' codes: "CHN, RUS"."""
    return ", ".join(member.code for member in members)

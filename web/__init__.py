"""Server-side rendering for the analysts' browser UI: seat diagrams, charts, draft diffs and
honest numbers, as plain functions over plain values.

Why a package of its own: the pictures are drawn on the server so that they work under a strict
Content Security Policy and can be unit-tested without a browser or a database. Nothing here
imports the project's apps; views turn models into the dataclasses these functions take.

What every function here guarantees:

- no ``style=`` attribute, no ``<style>`` element, no script and no ``on*=`` handler in the
  output: colours are SVG presentation attributes (so an SVG also stands alone as a share
  image) and stable CSS classes let the stylesheet restyle it;
- every piece of text is escaped, and the result is a ``SafeString`` built only from escaped
  parts;
- every ``id`` starts with the caller's ``id_prefix``, so several pictures can share a page.

Modules:

- ``web.seats``: the Council seat diagram (``seat_diagram_svg``) and its legend;
- ``web.charts``: probability over time (``line_chart_svg``) and counts per year
  (``bar_chart_svg``);
- ``web.diff``: a word-level diff of two versions of a draft (``diff_texts``);
- ``web.numbers``: percentages that never claim certainty (``percent``) and outcome badges.

This module holds the small SVG writer that ``seats`` and ``charts`` share.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.html import escape

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
TEXT_COLOR = "#1f2328"
MUTED_COLOR = "#57606a"
SVG_NS = "http://www.w3.org/2000/svg"

_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}\Z")

AttrValue = str | int | float | None

# Elements that HTML parsers do not accept as self-closing.
_NEVER_EMPTY = frozenset({"p", "span", "ul", "li", "del", "ins", "svg", "text", "title", "desc"})


def check_id_prefix(id_prefix: str) -> str:
    """Return ``id_prefix`` if it can start an XML id and a ``url(#...)`` reference.

    A prefix is pasted into ids and into ``fill="url(#...)"``; anything but letters, digits,
    ``-`` and ``_`` could break the reference, so it is refused rather than escaped."""
    if not _ID_PREFIX.match(id_prefix):
        raise ValueError(
            f"id_prefix must be a letter followed by letters, digits, '-' or '_': {id_prefix!r}"
        )
    return id_prefix


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: short, stable output."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def element(tag: str, attrs: Mapping[str, AttrValue], content: str = "") -> str:
    """One SVG or HTML element; attribute values are escaped, ``None`` drops the attribute.

    ``content`` must already be markup built by this module or escaped text: that is the one
    place where trust is passed on, so callers escape text with ``text()``."""
    parts = [tag]
    for name, value in attrs.items():
        if value is None:
            continue
        shown = num(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{escape(shown)}"')
    opening = " ".join(parts)
    if not content and tag not in _NEVER_EMPTY:
        return f"<{opening}/>"
    return f"<{opening}>{content}</{tag}>"


def text(value: str) -> str:
    """Escaped text content."""
    return str(escape(value))


def text_width(value: str, font_size: float, em_per_char: float = 0.6) -> float:
    """A rough width of ``value`` in a sans-serif font, for laying out labels and the viewBox.

    SVG cannot measure text on the server; 0.6 em per character is a safe estimate for mixed
    text in the fonts we name (bold capitals need about 0.72), so layouts err towards room."""
    return len(value) * font_size * em_per_char

"""The share image of a draft: its seat diagram on a 1200 x 630 card (the size social sites
show for ``og:image``), as SVG, and as PNG through resvg (a wheel with no system library).

CSS classes: ``share-card``, ``share-card__title``, ``share-card__subtitle``,
``share-card__footer``.
"""

from __future__ import annotations

import re

from django.utils.safestring import SafeString, mark_safe

from web import FONT_FAMILY, MUTED_COLOR, SVG_NS, TEXT_COLOR, element, text, text_width

WIDTH, HEIGHT = 1200, 630
_PAD = 48
_DIAGRAM_TOP = 150
_DIAGRAM_BOTTOM = HEIGHT - 70
_OPENING = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


def _fit(value: str, font_size: float, width: float) -> str:
    """``value`` cut with an ellipsis so that it fits ``width`` at ``font_size``."""
    if text_width(value, font_size) <= width:
        return value
    keep = max(1, int(width / (font_size * 0.6)) - 1)
    return value[:keep].rstrip() + "…"


def share_card_svg(
    diagram: SafeString | None, *, title: str, subtitle: str, footer: str
) -> SafeString:
    """The card: ``title`` and ``subtitle`` above the diagram (scaled to fit), ``footer``
    below; ``diagram`` is the output of ``web.seats.seat_diagram_svg`` (None: no picture)."""
    inner = ""
    if diagram is not None:
        opening = _OPENING.match(str(diagram))
        if opening is None:
            raise ValueError("the diagram must be an <svg> element")
        tag = _SIZE.sub("", opening.group())
        placed = tag[:-1] + (
            f' x="{_PAD}" y="{_DIAGRAM_TOP}" width="{WIDTH - 2 * _PAD}" '
            f'height="{_DIAGRAM_BOTTOM - _DIAGRAM_TOP}">'
        )
        inner = placed + str(diagram)[opening.end() :]
    body = (
        element("rect", {"width": WIDTH, "height": HEIGHT, "fill": "#ffffff"})
        + element("rect", {"width": WIDTH, "height": "10", "fill": "#0b3d6e"})
        + element(
            "text",
            {
                "class": "share-card__title",
                "x": _PAD,
                "y": "76",
                "font-size": "40",
                "font-weight": "700",
                "fill": TEXT_COLOR,
            },
            text(_fit(title, 40, WIDTH - 2 * _PAD)),
        )
        + element(
            "text",
            {
                "class": "share-card__subtitle",
                "x": _PAD,
                "y": "118",
                "font-size": "24",
                "fill": MUTED_COLOR,
            },
            text(_fit(subtitle, 24, WIDTH - 2 * _PAD)),
        )
        + inner
        + element(
            "text",
            {
                "class": "share-card__footer",
                "x": _PAD,
                "y": HEIGHT - 30,
                "font-size": "26",
                "font-weight": "700",
                "fill": TEXT_COLOR,
            },
            text(_fit(footer, 26, WIDTH * 0.6)),
        )
        + element(
            "text",
            {
                "x": WIDTH - _PAD,
                "y": HEIGHT - 30,
                "text-anchor": "end",
                "font-size": "20",
                "fill": MUTED_COLOR,
            },
            text("UN Security Council sanctions tracker"),
        )
    )
    return mark_safe(  # every part is escaped or built by web.seats
        element(
            "svg",
            {
                "xmlns": SVG_NS,
                "class": "share-card",
                "viewBox": f"0 0 {WIDTH} {HEIGHT}",
                "width": WIDTH,
                "height": HEIGHT,
                "font-family": FONT_FAMILY,
            },
            body,
        )
    )


def svg_to_png(svg: str) -> bytes:
    """Rasterise an SVG with resvg, using the system's fonts."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff"))

"""The Security Council as one horseshoe of seats, drawn as SVG on the server.

Why one arc and not parliament rows: the Council has at most 15 seats, and a single arc of
220 degrees lets every seat carry its code, glyph and a VETO tag without overlap, with the
verdict in the middle where the eye lands.

Colour is never the only cue: every seat also has a glyph (check, cross, dash, question mark,
a small check or cross in brackets for a leaning, an empty dashed ring for not participating)
and its country code as text. Permanent seats are rounded squares, elected seats are circles.
Opacity shows how likely the vote the colour shows is (see ``seat_opacity``). A permanent
member voting no gets a hatch and a VETO tag.

Accessibility: the ``<svg>`` is ``role="img"`` named by the verdict, and its ``<desc>`` says
every seat in words, because an image's children are hidden from assistive technology; the
seats are still focusable list items with a ``<title>`` so sighted keyboard users and the
what-if script can reach them. Put the members' table beside the figure as well.

Stable CSS classes (the SVG also carries presentation attributes, so it looks right alone):

- ``seat-diagram`` on the ``<svg>``;
- ``seats`` on the ``<g role="list">`` of seats;
- ``seat`` on each seat ``<g>``, with ``seat--<stance>`` (``seat--yes``, ``seat--leaning_yes``,
  ``seat--undecided``, ``seat--leaning_no``, ``seat--no``, ``seat--abstain``,
  ``seat--not_participating``), ``seat--permanent`` or ``seat--elected``, and ``seat--veto``
  on a permanent member voting no;
- inside a seat: ``seat__shape``, ``seat__hatch`` (veto only), ``seat__glyph``,
  ``seat__code``, ``veto-tag`` (a ``<g>`` with ``veto-tag__box`` and ``veto-tag__text``);
- the centre: ``seat-verdict`` (the ``<text>``, one ``<tspan>`` per line), ``quota``
  (the ``<g>`` of boxes), ``quota__box`` with ``quota__box--filled`` or ``quota__box--empty``,
  ``quota__caption``;
- the legend: ``seat-legend``, ``seat-legend__item``, ``seat-legend__item--<key>``,
  ``seat-legend__swatch``, ``seat-legend__label``.

Data attributes for scripts and browser tests: ``data-member`` (the code) and
``data-stance`` on each seat, ``data-whatif="1"`` when drawn with ``interactive=True``,
``data-quota`` and ``data-yes`` on the quota strip.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from web import (
    FONT_FAMILY,
    MUTED_COLOR,
    SVG_NS,
    TEXT_COLOR,
    check_id_prefix,
    element,
    num,
    text,
    text_width,
)
from web.numbers import percent

STANCES: tuple[str, ...] = (
    "yes",
    "leaning_yes",
    "undecided",
    "leaning_no",
    "no",
    "abstain",
    "not_participating",
)

_LABELS: Mapping[str, str] = {
    "yes": "Yes",
    "leaning_yes": "Leaning yes",
    "undecided": "Undecided",
    "leaning_no": "Leaning no",
    "no": "No",
    "abstain": "Abstain",
    "not_participating": "Not participating",
}

STANCE_GLYPH: Mapping[str, str] = {
    "yes": "✓",
    "leaning_yes": "(✓)",
    "undecided": "?",
    "leaning_no": "(✗)",
    "no": "✗",
    "abstain": "–",
    "not_participating": "○",
}
"""A text glyph per stance for tables and legends; the SVG draws the same marks as paths."""

STANCE_COLOR: Mapping[str, str] = {
    "yes": "#1a7f37",
    "leaning_yes": "#4d8b31",
    "undecided": "#6e7781",
    "leaning_no": "#c2553a",
    "no": "#b3261e",
    "abstain": "#9a6700",
    "not_participating": "#6e7781",
}
"""Fill per stance; each has at least 3:1 contrast against white (WCAG 1.4.11 for graphics)."""

MIN_OPACITY = 0.25
"""The faintest a seat is drawn, so that an unlikely vote still shows where the seat is."""

MAX_SEATS = 15

_YES_SIDE = frozenset({"yes", "leaning_yes"})
_NO_SIDE = frozenset({"no", "leaning_no"})

# Geometry, in user units with the centre of the arc at (0, 0).
_ARC_DEGREES = 220.0
_RADIUS = 200.0
_SEAT = 21.0  # half the width of a seat
_LABEL_GAP = 5.0  # between a seat, its code label and its VETO tag
_CAPS_EM = 0.72  # the width of a bold capital, in em
_VETO_HALF = (19.0, 8.0)  # half the width and height of the VETO tag
_CODE_FONT = 13.0
_VERDICT_FONT = 17.0
_VERDICT_ONE_LINE = 30  # a longer verdict is set on two lines
_VERDICT_LINE_CHARS = 34  # a verdict line longer than this is set in a smaller font
_VERDICT_Y = -58.0  # the middle of the verdict's lines
_QUOTA_Y = -26.0  # the top of the quota boxes
_QUOTA_BOX = 12.0
_QUOTA_GAP = 4.0
_MARGIN = 8.0
_HATCH_COLOR = "#5c0f0b"
_BACKGROUND = "#ffffff"

# Glyphs centred on (0, 0), about 18 units wide. A leaning is the mark it leans to, smaller and
# in brackets, as STANCE_GLYPH writes it: "(✓)". The question mark's dot is a round cap on a
# tiny segment, so every glyph is one stroked path.
_BRACKETS = "M-8.5-8.5Q-13 0-8.5 8.5M8.5-8.5Q13 0 8.5 8.5"
_GLYPH_PATHS: Mapping[str, str] = {
    "yes": "M-8 0.5L-2.5 6L8.5-6",
    "leaning_yes": "M-4.8 0.4L-1.5 3.7L5-3.7" + _BRACKETS,
    "undecided": "M-5.5-5C-5.5-11.5 5.5-11.5 5.5-5C5.5-1.5 0-1.5 0 3M0 8.5v0.01",
    "leaning_no": "M-3.8-3.8L3.8 3.8M3.8-3.8L-3.8 3.8" + _BRACKETS,
    "no": "M-6.5-6.5L6.5 6.5M6.5-6.5L-6.5 6.5",
    "abstain": "M-7.5 0H7.5",
}
_SURE_GLYPHS = frozenset({"yes", "undecided", "no", "abstain"})


@dataclass(frozen=True)
class Seat:
    """One member at the table for this draft, as the diagram needs it.

    ``name`` is the name of the time ("USSR", not "Russia"), ``detail`` says where the stance
    comes from ("Statement of 2019-12-30 (Reuters)"), shown on hover and focus."""

    code: str
    name: str
    permanent: bool
    stance: str
    p_yes: float | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        if not self.code:
            raise ValueError("a seat needs a member code")
        if self.stance not in _LABELS:
            raise ValueError(f"unknown stance {self.stance!r}; expected one of {STANCES}")
        if self.p_yes is not None and not 0 <= self.p_yes <= 1:
            raise ValueError(f"p_yes must lie in [0, 1]: {self.p_yes!r}")

    @property
    def veto(self) -> bool:
        """A permanent member voting no blocks the draft; an abstention does not."""
        return self.permanent and self.stance == "no"


@dataclass(frozen=True)
class _Box:
    """An axis-aligned extent, to fit the viewBox tightly around what was drawn."""

    x0: float
    y0: float
    x1: float
    y1: float


def stance_label(stance: str) -> str:
    """The words for a stance ("Leaning yes"), for the legend, tables and tooltips."""
    try:
        return _LABELS[stance]
    except KeyError:
        raise ValueError(f"unknown stance {stance!r}; expected one of {STANCES}") from None


def seat_opacity(stance: str, p_yes: float | None) -> float:
    """The fill opacity of a seat: how likely the vote its colour shows is.

    For the yes side that is ``p_yes``; for the no side it is ``1 - p_yes``, so a sure "no"
    is drawn solid rather than faded. Undecided, abstaining and absent members show no side,
    and a seat without an estimate is drawn solid. Never below ``MIN_OPACITY``."""
    if p_yes is None or stance not in _YES_SIDE | _NO_SIDE:
        return 1.0
    likely = p_yes if stance in _YES_SIDE else 1.0 - p_yes
    return max(MIN_OPACITY, min(1.0, likely))


def seat_title(seat: Seat) -> str:
    """The tooltip of a seat: "United States: No (chance of yes 10%) — Statement of ..."."""
    return _seat_words(seat, seat.name)


def _seat_words(seat: Seat, who: str) -> str:
    words = f"{who}: {stance_label(seat.stance)}"
    if seat.veto:
        words += ", a veto"
    if seat.p_yes is not None:
        words += f" (chance of yes {percent(seat.p_yes)})"
    if seat.detail:
        words += f" — {seat.detail}"
    return words


def seat_diagram_svg(
    seats: Sequence[Seat],
    *,
    verdict: str,
    quota: int,
    yes_count: int,
    id_prefix: str = "seats",
    interactive: bool = False,
) -> SafeString:
    """The seat diagram of one draft as an ``<svg role="img">``.

    ``seats`` are drawn left to right in the order given (1 to 15 of them), ``verdict`` is the
    sentence in the centre and the accessible name, ``quota`` boxes beneath it show how many
    yes votes are needed, the first ``min(yes_count, quota)`` of them filled. With
    ``interactive`` each seat carries ``data-whatif="1"`` for the what-if script."""
    prefix = check_id_prefix(id_prefix)
    _check_inputs(seats, verdict, quota, yes_count)
    boxes: list[_Box] = []
    seat_marks = [
        _seat_group(seat, angle, prefix, interactive, boxes)
        for seat, angle in zip(seats, _seat_angles(len(seats)), strict=True)
    ]
    centre = _verdict_text(verdict, boxes) + _quota_strip(quota, yes_count, boxes)
    defs = _hatch_pattern(prefix) if any(seat.veto for seat in seats) else ""
    body = (
        element("title", {"id": f"{prefix}-title"}, text(verdict))
        + element("desc", {"id": f"{prefix}-desc"}, text(_description(seats, quota, yes_count)))
        + (element("defs", {}, defs) if defs else "")
        + element("g", {"class": "seats", "role": "list"}, "".join(seat_marks))
        + centre
    )
    return mark_safe(  # every part above is escaped
        element(
            "svg",
            {
                "xmlns": SVG_NS,
                "class": "seat-diagram",
                "role": "img",
                "aria-labelledby": f"{prefix}-title {prefix}-desc",
                **_frame(boxes),
                "font-family": FONT_FAMILY,
            },
            body,
        )
    )


def legend_html(*, id_prefix: str = "seat-legend") -> SafeString:
    """The key to the diagram as an HTML ``<ul>``: each stance with its glyph and colour, the
    shapes of elected and permanent seats, and a veto. Swatches are ``aria-hidden`` because
    the words beside them say everything."""
    prefix = check_id_prefix(id_prefix)
    items = [
        _legend_item(stance, stance_label(stance), _swatch(_seat_marks(stance, False, 1.0, 0, 0)))
        for stance in STANCES
    ]
    for key, label, permanent in (
        ("elected", "Elected member", False),
        ("permanent", "Permanent member", True),
    ):
        outline = {"fill": _BACKGROUND, "stroke": MUTED_COLOR, "stroke-width": "2"}
        items.append(_legend_item(key, label, _swatch(_shape(permanent, 0, 0, outline))))
    veto = _seat_marks("no", True, 1.0, 0, 0, hatch=f"url(#{prefix}-hatch)")
    items.append(
        _legend_item(
            "veto", "Veto: a permanent member votes no", _swatch(veto, _hatch_pattern(prefix))
        )
    )
    return mark_safe(  # every part above is escaped
        element("ul", {"class": "seat-legend"}, "".join(items))
    )


def _check_inputs(seats: Sequence[Seat], verdict: str, quota: int, yes_count: int) -> None:
    if not verdict.strip():
        raise ValueError("a verdict is needed: it is the diagram's accessible name")
    if not 1 <= len(seats) <= MAX_SEATS:
        raise ValueError(f"the Council has 1 to {MAX_SEATS} seats, not {len(seats)}")
    codes = [seat.code for seat in seats]
    if len(set(codes)) != len(codes):
        raise ValueError(f"each member sits once: {codes}")
    if quota < 1:
        raise ValueError(f"quota must be at least 1: {quota}")
    if yes_count < 0:
        raise ValueError(f"yes_count cannot be negative: {yes_count}")


def _seat_angles(count: int) -> Iterator[float]:
    """Angles in radians (0 = right, counter-clockwise, as on paper), left to right, evenly
    spread over the arc, which is symmetric about the vertical; one seat sits at the top."""
    if count == 1:
        yield math.pi / 2
        return
    start = math.radians(90 + _ARC_DEGREES / 2)
    step = math.radians(_ARC_DEGREES) / (count - 1)
    for index in range(count):
        yield start - index * step


def _polar(angle: float, radius: float) -> tuple[float, float]:
    """A point on paper coordinates turned into SVG ones (y grows downwards)."""
    return radius * math.cos(angle), -radius * math.sin(angle)


def _seat_group(seat: Seat, angle: float, prefix: str, interactive: bool, boxes: list[_Box]) -> str:
    x, y = _polar(angle, _RADIUS)
    boxes.append(_Box(x - _SEAT, y - _SEAT, x + _SEAT, y + _SEAT))
    # The code, then the VETO tag, stand outwards along the seat's radius, each just clear of
    # the one before whatever the direction: wide labels need more room sideways than up.
    seat_reach = _reach(angle, _SEAT, _SEAT) if seat.permanent else _SEAT
    label_half = (text_width(seat.code, _CODE_FONT, _CAPS_EM) / 2, _CODE_FONT * 0.6)
    label_at = _RADIUS + seat_reach + _LABEL_GAP + _reach(angle, *label_half)
    code = _centred_text(seat.code, *_polar(angle, label_at), _CODE_FONT, "seat__code", boxes)
    veto_tag = ""
    if seat.veto:
        tag_at = label_at + _reach(angle, *label_half) + _LABEL_GAP + _reach(angle, *_VETO_HALF)
        veto_tag = _veto_tag(*_polar(angle, tag_at), boxes)
    classes = [
        "seat",
        f"seat--{seat.stance}",
        "seat--permanent" if seat.permanent else "seat--elected",
    ]
    if seat.veto:
        classes.append("seat--veto")
    return element(
        "g",
        {
            "class": " ".join(classes),
            "data-member": seat.code,
            "data-stance": seat.stance,
            "data-whatif": "1" if interactive else None,
            "tabindex": "0",
            "role": "listitem",
        },
        element("title", {}, text(seat_title(seat)))
        + _seat_marks(
            seat.stance,
            seat.permanent,
            seat_opacity(seat.stance, seat.p_yes),
            x,
            y,
            hatch=f"url(#{prefix}-hatch)" if seat.veto else None,
        )
        + code
        + veto_tag,
    )


def _reach(angle: float, half_width: float, half_height: float) -> float:
    """How far a box centred on a point extends from it in the direction ``angle``."""
    cos, sin = abs(math.cos(angle)), abs(math.sin(angle))
    return min(
        half_width / cos if cos > 1e-9 else math.inf,
        half_height / sin if sin > 1e-9 else math.inf,
    )


def _seat_marks(
    stance: str, permanent: bool, opacity: float, x: float, y: float, hatch: str | None = None
) -> str:
    """The shape, hatch (``hatch`` is its ``url(#...)`` fill) and glyph of a seat at (x, y)."""
    color = STANCE_COLOR[stance]
    if stance == "not_participating":
        hollow = {
            "class": "seat__shape",
            "fill": "none",
            "stroke": color,
            "stroke-width": "2",
            "stroke-dasharray": "4 3",
            "pointer-events": "all",
        }
        return _shape(permanent, x, y, hollow)
    paint = {
        "class": "seat__shape",
        "fill": color,
        "fill-opacity": opacity if opacity < 1 else None,
        "stroke": color,
        "stroke-width": "1.5",
    }
    shape = _shape(permanent, x, y, paint)
    if hatch:
        shape += _shape(permanent, x, y, {"class": "seat__hatch", "fill": hatch})
    return shape + _glyph(stance, x, y, _glyph_color(color, opacity))


def _shape(permanent: bool, x: float, y: float, attrs: Mapping[str, str | float | None]) -> str:
    """A rounded square for a permanent seat, a circle for an elected one."""
    if permanent:
        side = 2 * _SEAT
        return element(
            "rect",
            {"x": x - _SEAT, "y": y - _SEAT, "width": side, "height": side, "rx": "8", **attrs},
        )
    return element("circle", {"cx": x, "cy": y, "r": _SEAT, **attrs})


def _glyph(stance: str, x: float, y: float, color: str) -> str:
    """The mark inside a seat, drawn as strokes so it needs no font (and looks the same in a
    share image rendered without one)."""
    return element(
        "path",
        {
            "class": "seat__glyph",
            "d": _GLYPH_PATHS[stance],
            "transform": f"translate({num(x)} {num(y)})",
            "fill": "none",
            "stroke": color,
            "stroke-width": "3.2" if stance in _SURE_GLYPHS else "2.6",
            "stroke-linecap": "round",
            "stroke-linejoin": "round",
        },
    )


def _glyph_color(fill: str, opacity: float) -> str:
    """White or dark ink, whichever contrasts more with the fill as blended over white."""
    blended = tuple(opacity * c + (1 - opacity) * 255 for c in _rgb(fill))
    on_white = _contrast(blended, _rgb(_BACKGROUND))
    on_dark = _contrast(blended, _rgb(TEXT_COLOR))
    return _BACKGROUND if on_white >= on_dark else TEXT_COLOR


def contrast_ratio(foreground: str, background: str = _BACKGROUND) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (used to check the palette)."""
    return _contrast(_rgb(foreground), _rgb(background))


def _contrast(first: Sequence[float], second: Sequence[float]) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _luminance(rgb: Sequence[float]) -> float:
    """Relative luminance as WCAG defines it."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _centred_text(
    value: str, x: float, y: float, font_size: float, css_class: str, boxes: list[_Box]
) -> str:
    """A bold label centred on (x, y); ``dy`` rather than ``dominant-baseline`` because
    rasterisers for share images honour it too."""
    half_width = text_width(value, font_size, _CAPS_EM) / 2
    boxes.append(_Box(x - half_width, y - font_size * 0.6, x + half_width, y + font_size * 0.6))
    return element(
        "text",
        {
            "class": css_class,
            "x": x,
            "y": y,
            "dy": "0.35em",
            "text-anchor": "middle",
            "font-size": font_size,
            "font-weight": "600",
            "fill": TEXT_COLOR,
        },
        text(value),
    )


def _veto_tag(x: float, y: float, boxes: list[_Box]) -> str:
    """A dark tag reading VETO, centred on (x, y) just outside the seat's code."""
    width, height = 2 * _VETO_HALF[0], 2 * _VETO_HALF[1]
    boxes.append(_Box(x - width / 2, y - height / 2, x + width / 2, y + height / 2))
    box = element(
        "rect",
        {
            "class": "veto-tag__box",
            "x": x - width / 2,
            "y": y - height / 2,
            "width": width,
            "height": height,
            "rx": "3",
            "fill": _HATCH_COLOR,
        },
    )
    label = element(
        "text",
        {
            "class": "veto-tag__text",
            "x": x,
            "y": y,
            "dy": "0.35em",
            "text-anchor": "middle",
            "font-size": "10.5",
            "font-weight": "700",
            "fill": _BACKGROUND,
        },
        "VETO",
    )
    return element("g", {"class": "veto-tag"}, box + label)


def _hatch_pattern(prefix: str) -> str:
    """Dark diagonal stripes laid over a veto seat, so a veto reads even in greyscale."""
    stripe = element(
        "line",
        {
            "x1": "0",
            "y1": "0",
            "x2": "0",
            "y2": "6",
            "stroke": _HATCH_COLOR,
            "stroke-width": "2.2",
            "stroke-opacity": "0.75",
        },
    )
    return element(
        "pattern",
        {
            "id": f"{prefix}-hatch",
            "width": "6",
            "height": "6",
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
        stripe,
    )


def verdict_lines(verdict: str) -> list[str]:
    """The verdict on one line if short, else on two lines split at the space nearest the
    middle, so that both lines are about as wide."""
    words = verdict.split()
    if len(verdict) <= _VERDICT_ONE_LINE or len(words) < 2:
        return [" ".join(words)]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda pair: max(len(pair[0]), len(pair[1])))
    return [first, second]


def _verdict_text(verdict: str, boxes: list[_Box]) -> str:
    lines = verdict_lines(verdict)
    longest = max(len(line) for line in lines)
    font_size = max(11.0, min(_VERDICT_FONT, _VERDICT_FONT * _VERDICT_LINE_CHARS / max(longest, 1)))
    line_height = font_size * 1.3
    first_y = _VERDICT_Y - line_height * (len(lines) - 1) / 2
    spans = "".join(
        element("tspan", {"x": "0", "y": first_y + index * line_height}, text(line))
        for index, line in enumerate(lines)
    )
    half_width = max(text_width(line, font_size) for line in lines) / 2
    boxes.append(
        _Box(-half_width, first_y - font_size, half_width, first_y + line_height * len(lines))
    )
    return element(
        "text",
        {
            "class": "seat-verdict",
            "text-anchor": "middle",
            "font-size": font_size,
            "font-weight": "700",
            "fill": TEXT_COLOR,
        },
        spans,
    )


def _quota_strip(quota: int, yes_count: int, boxes: list[_Box]) -> str:
    """``quota`` small boxes, the first ``min(yes_count, quota)`` filled: "n of 9 needed"."""
    filled = min(yes_count, quota)
    width = quota * _QUOTA_BOX + (quota - 1) * _QUOTA_GAP
    left = -width / 2
    cells = "".join(
        element(
            "rect",
            {
                "class": "quota__box "
                + ("quota__box--filled" if index < filled else "quota__box--empty"),
                "x": left + index * (_QUOTA_BOX + _QUOTA_GAP),
                "y": _QUOTA_Y,
                "width": _QUOTA_BOX,
                "height": _QUOTA_BOX,
                "rx": "2",
                "fill": STANCE_COLOR["yes"] if index < filled else _BACKGROUND,
                "stroke": STANCE_COLOR["yes"] if index < filled else MUTED_COLOR,
                "stroke-width": "1.2",
            },
        )
        for index in range(quota)
    )
    caption_text = f"{yes_count} yes of {quota} needed"
    caption_y = _QUOTA_Y + _QUOTA_BOX + 16
    caption = element(
        "text",
        {
            "class": "quota__caption",
            "x": "0",
            "y": caption_y,
            "text-anchor": "middle",
            "font-size": "12",
            "fill": MUTED_COLOR,
        },
        text(caption_text),
    )
    caption_half = text_width(caption_text, 12) / 2
    boxes.append(_Box(min(left, -caption_half), _QUOTA_Y, max(-left, caption_half), caption_y + 4))
    return element(
        "g",
        {"class": "quota", "data-quota": str(quota), "data-yes": str(yes_count)},
        cells + caption,
    )


def _description(seats: Sequence[Seat], quota: int, yes_count: int) -> str:
    """Everything the picture shows, in words, for screen readers and text-only readers."""
    members = "; ".join(
        _seat_words(seat, f"{seat.name}, permanent member" if seat.permanent else seat.name)
        for seat in seats
    )
    return f"Seats from left to right: {members}. {yes_count} yes of {quota} needed."


def _frame(boxes: Sequence[_Box]) -> dict[str, str]:
    """The tightest viewBox around everything drawn, with a small margin, and the same size
    as width and height: a standalone share image then has a natural size, and a stylesheet
    can still scale the inline SVG (``width: 100%; height: auto``)."""
    x0 = min(box.x0 for box in boxes) - _MARGIN
    y0 = min(box.y0 for box in boxes) - _MARGIN
    width = max(box.x1 for box in boxes) + _MARGIN - x0
    height = max(box.y1 for box in boxes) + _MARGIN - y0
    return {
        "viewBox": " ".join(num(value) for value in (x0, y0, width, height)),
        "width": num(width),
        "height": num(height),
    }


def _legend_item(key: str, label: str, swatch: str) -> str:
    return element(
        "li",
        {"class": f"seat-legend__item seat-legend__item--{key}"},
        swatch + element("span", {"class": "seat-legend__label"}, text(label)),
    )


def _swatch(marks: str, defs: str = "") -> str:
    """A seat-sized picture for the legend, hidden from assistive technology: the label
    beside it says the same."""
    extent = _SEAT + 2
    return element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": "seat-legend__swatch",
            "viewBox": f"{num(-extent)} {num(-extent)} {num(2 * extent)} {num(2 * extent)}",
            "width": "24",
            "height": "24",
            "aria-hidden": "true",
            "focusable": "false",
        },
        (element("defs", {}, defs) if defs else "") + marks,
    )


COUNCIL_COLOR: Mapping[str, str] = {"permanent": "#0b3d6e", "elected": "#3a6ea5"}
"""Fills of the seats in a picture of the Council on a day (no stances): dark for permanent
members, lighter for elected ones; both carry white codes inside and at least 4.5:1 contrast."""


@dataclass(frozen=True)
class CouncilSeat:
    """A member seated on a day, for ``council_diagram_svg``; ``detail`` is its term."""

    code: str
    name: str
    permanent: bool
    detail: str = ""


def council_diagram_svg(
    members: Sequence[CouncilSeat],
    *,
    seats: int,
    quota: int,
    caption: str,
    id_prefix: str = "council",
) -> SafeString:
    """The Council on a day as the same horseshoe, without stances: ``seats`` places (11 before
    1966, 15 after), each known member's seat carrying ``data-member``, and seats whose holder
    is not known drawn hollow with ``data-member=""``. ``caption`` (the day) goes in the centre
    under "N seats, Q votes needed"."""
    prefix = check_id_prefix(id_prefix)
    if not 1 <= seats <= MAX_SEATS or len(members) > seats:
        raise ValueError(f"{len(members)} members cannot sit in {seats} seats")
    boxes: list[_Box] = []
    marks = []
    filled: list[CouncilSeat | None] = [*members, *([None] * (seats - len(members)))]
    for member, angle in zip(filled, _seat_angles(seats), strict=True):
        marks.append(_council_seat(member, angle, boxes))
    headline = f"{seats} seats, {quota} votes needed"
    centre = _verdict_text(headline, boxes) + _centred_caption(caption, boxes)
    known = "; ".join(
        m.name
        + (", permanent member" if m.permanent else "")
        + (f" ({m.detail})" if m.detail else "")
        for m in members
    )
    missing = seats - len(members)
    description = f"{headline}. {caption}. Seated: {known or 'none known'}." + (
        f" {missing} seat{'s' if missing != 1 else ''} not known." if missing else ""
    )
    body = (
        element("title", {"id": f"{prefix}-title"}, text(f"{headline}: {caption}"))
        + element("desc", {"id": f"{prefix}-desc"}, text(description))
        + element("g", {"class": "seats", "role": "list"}, "".join(marks))
        + centre
    )
    return mark_safe(  # every part above is escaped
        element(
            "svg",
            {
                "xmlns": SVG_NS,
                "class": "seat-diagram seat-diagram--council",
                "role": "img",
                "aria-labelledby": f"{prefix}-title {prefix}-desc",
                **_frame(boxes),
                "font-family": FONT_FAMILY,
            },
            body,
        )
    )


def _council_seat(member: CouncilSeat | None, angle: float, boxes: list[_Box]) -> str:
    x, y = _polar(angle, _RADIUS)
    boxes.append(_Box(x - _SEAT, y - _SEAT, x + _SEAT, y + _SEAT))
    permanent = bool(member and member.permanent)
    code = member.code if member else "?"
    seat_reach = _reach(angle, _SEAT, _SEAT) if permanent else _SEAT
    label_half = (text_width(code, _CODE_FONT, _CAPS_EM) / 2, _CODE_FONT * 0.6)
    label_at = _RADIUS + seat_reach + _LABEL_GAP + _reach(angle, *label_half)
    label = _centred_text(code, *_polar(angle, label_at), _CODE_FONT, "seat__code", boxes)
    if member is None:
        shape = _shape(
            False,
            x,
            y,
            {
                "class": "seat__shape",
                "fill": "none",
                "stroke": MUTED_COLOR,
                "stroke-width": "2",
                "stroke-dasharray": "4 3",
            },
        )
        title = "Seat holder not known"
        classes = "seat seat--unknown"
    else:
        color = COUNCIL_COLOR["permanent" if permanent else "elected"]
        shape = _shape(
            permanent,
            x,
            y,
            {"class": "seat__shape", "fill": color, "stroke": color, "stroke-width": "1.5"},
        )
        title = member.name + (", permanent member" if permanent else "")
        if member.detail:
            title += f" ({member.detail})"
        classes = "seat seat--seated " + ("seat--permanent" if permanent else "seat--elected")
    return element(
        "g",
        {
            "class": classes,
            "data-member": member.code if member else "",
            "tabindex": "0",
            "role": "listitem",
        },
        element("title", {}, text(title)) + shape + label,
    )


def _centred_caption(caption: str, boxes: list[_Box]) -> str:
    y = _QUOTA_Y + 4
    half = text_width(caption, 13) / 2
    boxes.append(_Box(-half, y - 13, half, y + 4))
    return element(
        "text",
        {
            "class": "quota__caption",
            "x": "0",
            "y": y,
            "text-anchor": "middle",
            "font-size": "13",
            "fill": MUTED_COLOR,
        },
        text(caption),
    )

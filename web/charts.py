"""Hand-built SVG charts: a probability over time, and counts per year.

Why by hand: two chart types do not justify a JavaScript library, and SVG written on the
server needs no script, carries no CSP risk and can be tested by parsing it. The templates put
the same numbers in a table beside each chart.

Stable CSS classes (the SVG also carries presentation attributes, so it looks right alone):

- ``chart`` on every ``<svg>``, with ``chart--line`` or ``chart--bar``;
- ``chart__title``, ``chart__axis``, ``chart__grid``, ``chart__tick`` (tick labels),
  ``chart__axis-label`` (the y label), ``chart__empty`` (the "No history yet" text);
- line chart: ``chart__line`` (the polyline), ``chart__point`` (one circle per point);
- bar chart: ``bar`` and ``bar--<series>`` on each bar (``bar--USA``, ``bar--adopted``; a
  series key is reduced to letters, digits, ``-`` and ``_``), ``chart-legend``,
  ``chart-legend__item``, ``chart-legend__swatch``, ``chart-legend__label``.

Data attributes: ``data-when`` and ``data-value`` on each point; ``data-series``,
``data-year`` and ``data-value`` on each bar.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

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
from web.numbers import percent as percent_text

LINE_COLOR = "#0b5cad"

OUTCOME_COLORS: Mapping[str, str] = {
    "adopted": "#1a7f37",
    "vetoed": "#b3261e",
    "failed": "#6e7781",
}
"""The outcome series keep the seat diagram's colours for yes, no and undecided."""

PALETTE: tuple[str, ...] = (
    "#0b5cad",
    "#c4480c",
    "#1a7f37",
    "#8a3ffc",
    "#9a6700",
    "#b3261e",
    "#007c89",
    "#57606a",
)
"""Colours for other series, in order; each has at least 3:1 contrast against white."""

_GRID_COLOR = "#d0d7de"
_AXIS_COLOR = "#8c959f"
_TICK_FONT = 11.0
_TITLE_FONT = 15.0
_DAY = 86400.0
_INSET = 10.0  # keeps the first and last points off the axis
# Layout: room left of the plot for tick labels and the y label, above it for the title (and
# the legend), below it for the x labels.
_PLOT_LEFT = 56.0
_PLOT_TOP = 40.0
_PLOT_WIDTH = 544.0
_PLOT_HEIGHT = 190.0
_BELOW_PLOT = 34.0
_LEGEND_TOP = 44.0
_LEGEND_ROW = 20.0


@dataclass(frozen=True)
class _Frame:
    """The plotting area inside the chart, in user units."""

    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width


def line_chart_svg(
    points: Sequence[tuple[datetime | date, float]],
    *,
    title: str,
    y_label: str,
    id_prefix: str,
    y_max: float = 1.0,
    percent: bool = True,
) -> SafeString:
    """A line of a value over time, with a dot and a tooltip per point.

    ``points`` may come in any order and may share a date; one point draws a single dot and
    none draws "No history yet". With ``percent`` the values are probabilities in [0, 1] and
    are written with ``web.numbers.percent``. Values above ``y_max`` are drawn at the top."""
    prefix = check_id_prefix(id_prefix)
    if not y_max > 0:
        raise ValueError(f"y_max must be positive: {y_max!r}")
    if percent and any(not 0 <= value <= 1 for _, value in points):
        raise ValueError("with percent=True every value must be a probability in [0, 1]")
    frame = _Frame(_PLOT_LEFT, _PLOT_TOP, _PLOT_WIDTH, _PLOT_HEIGHT)
    ordered = sorted(points, key=lambda point: _instant(point[0]))
    body = _y_axis(frame, _even_ticks(y_max), y_max, percent, y_label)
    if ordered:
        body += _line_and_points(ordered, frame, y_max, percent)
    else:
        body += _empty(frame, "No history yet")
    return _chart(
        prefix,
        "chart chart--line",
        title,
        _line_description(ordered, percent),
        body,
        width=frame.right + 40,  # room for the last date label
        height=frame.bottom + _BELOW_PLOT,
    )


def bar_chart_svg(
    series: Mapping[str, Mapping[int, int]],
    *,
    title: str,
    id_prefix: str,
    stacked: bool = False,
    y_label: str = "",
    labels: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
) -> SafeString:
    """Counts per year for a few series (vetoes per permanent member, outcomes per year), as
    grouped bars or, with ``stacked``, one stacked bar per year.

    Every year from the first to the last is a slot, so a year without any count shows as a
    gap rather than vanishing. A zero count draws no bar. ``labels`` names series in the legend
    and tooltips (default: the key); ``colors`` overrides the default fills."""
    prefix = check_id_prefix(id_prefix)
    names = {key: (labels or {}).get(key, key) for key in series}
    fills = _series_colors(series, colors or {})
    for key, counts in series.items():
        if any(count < 0 for count in counts.values()):
            raise ValueError(f"counts cannot be negative (series {key!r})")
    years = sorted({year for counts in series.values() for year in counts})
    slot = 6.0 if stacked else 3.0 * max(len(series), 1) + 2
    width = max(_PLOT_WIDTH, slot * (years[-1] - years[0] + 1)) if years else _PLOT_WIDTH
    legend, legend_height = _legend(series, names, fills, width)
    frame = _Frame(_PLOT_LEFT, _PLOT_TOP + legend_height, width, _PLOT_HEIGHT)
    body = legend
    if years:
        span = range(years[0], years[-1] + 1)
        ticks = _count_ticks(_largest(series, span, stacked))
        body += _y_axis(frame, ticks, ticks[-1], False, y_label)
        body += _bars(series, names, fills, span, frame, ticks[-1], stacked)
        body += _year_labels(span, frame)
    else:
        body += _y_axis(frame, _count_ticks(0), 1, False, y_label)
        body += _empty(frame, "No data yet")
    return _chart(
        prefix,
        "chart chart--bar",
        title,
        _bar_description(series, names, years),
        body,
        width=frame.right + 20,
        height=frame.bottom + _BELOW_PLOT,
    )


def _chart(
    prefix: str,
    css_class: str,
    title: str,
    description: str,
    body: str,
    *,
    width: float,
    height: float,
) -> SafeString:
    """The ``<svg role="img">`` shell: accessible name and description, visible title. The
    width and height give a standalone file its natural size; CSS may scale it inline."""
    return mark_safe(  # every part is escaped
        element(
            "svg",
            {
                "xmlns": SVG_NS,
                "class": css_class,
                "role": "img",
                "aria-labelledby": f"{prefix}-title {prefix}-desc",
                "viewBox": f"0 0 {num(width)} {num(height)}",
                "width": num(width),
                "height": num(height),
                "font-family": FONT_FAMILY,
            },
            element("title", {"id": f"{prefix}-title"}, text(title))
            + element("desc", {"id": f"{prefix}-desc"}, text(description))
            + element(
                "text",
                {
                    "class": "chart__title",
                    "x": "12",
                    "y": "24",
                    "font-size": _TITLE_FONT,
                    "font-weight": "700",
                    "fill": TEXT_COLOR,
                },
                text(title),
            )
            + body,
        )
    )


def _instant(when: datetime | date) -> float:
    """Seconds since the epoch; a date is its midnight UTC, a naive datetime is taken as UTC."""
    if isinstance(when, datetime):
        aware = when if when.tzinfo else when.replace(tzinfo=UTC)
        return aware.timestamp()
    return datetime(when.year, when.month, when.day, tzinfo=UTC).timestamp()


def _when_label(when: datetime | date) -> str:
    """YYYY-MM-DD for a date; with the time for a datetime, since a day may hold two points."""
    if isinstance(when, datetime):
        if when.tzinfo:
            return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return when.strftime("%Y-%m-%d %H:%M")
    return when.isoformat()


def _value_label(value: float, percent: bool) -> str:
    return percent_text(value) if percent else f"{value:g}"


def _line_and_points(
    ordered: Sequence[tuple[datetime | date, float]], frame: _Frame, y_max: float, percent: bool
) -> str:
    first, last = _instant(ordered[0][0]), _instant(ordered[-1][0])

    def x_of(moment: float) -> float:
        # Equal dates have no span to divide: the points stand in the middle.
        if last == first:
            return frame.left + frame.width / 2
        inner = frame.width - 2 * _INSET
        return frame.left + _INSET + inner * (moment - first) / (last - first)

    def y_of(value: float) -> float:
        return frame.bottom - frame.height * min(max(value, 0.0), y_max) / y_max

    xy = [(x_of(_instant(when)), y_of(value)) for when, value in ordered]
    line = ""
    if len(xy) > 1:
        line = element(
            "polyline",
            {
                "class": "chart__line",
                "points": " ".join(f"{num(x)},{num(y)}" for x, y in xy),
                "fill": "none",
                "stroke": LINE_COLOR,
                "stroke-width": "2",
                "stroke-linejoin": "round",
            },
        )
    dots = "".join(
        element(
            "circle",
            {
                "class": "chart__point",
                "cx": x,
                "cy": y,
                "r": "3.5",
                "fill": LINE_COLOR,
                "stroke": "#ffffff",
                "stroke-width": "1.5",
                "data-when": _when_label(when),
                "data-value": f"{value:g}",
            },
            element("title", {}, text(f"{_when_label(when)}: {_value_label(value, percent)}")),
        )
        for (x, y), (when, value) in zip(xy, ordered, strict=True)
    )
    ticks = "".join(
        _x_tick(x_of(moment), frame, _when_label(_day_of(moment)))
        for moment in _time_ticks(first, last)
    )
    return ticks + line + dots


def _day_of(moment: float) -> date:
    return datetime.fromtimestamp(moment, tz=UTC).date()


def _time_ticks(first: float, last: float, count: int = 5) -> list[float]:
    """Up to ``count`` ticks on whole days (midnight UTC) between ``first`` and ``last``, so a
    label's date is the date at its position; the first point when no midnight falls within."""
    if last == first:
        return [first]
    spread = (first + (last - first) * index / (count - 1) for index in range(count))
    days = sorted({round(moment / _DAY) * _DAY for moment in spread})
    return [day for day in days if first <= day <= last] or [first]


def _x_tick(x: float, frame: _Frame, label: str) -> str:
    mark = element(
        "line",
        {
            "class": "chart__axis",
            "x1": x,
            "y1": frame.bottom,
            "x2": x,
            "y2": frame.bottom + 5,
            "stroke": _AXIS_COLOR,
        },
    )
    return mark + _tick_text(label, x, frame.bottom + 19, "middle")


def _tick_text(label: str, x: float, y: float, anchor: str) -> str:
    return element(
        "text",
        {
            "class": "chart__tick",
            "x": x,
            "y": y,
            "text-anchor": anchor,
            "font-size": _TICK_FONT,
            "fill": MUTED_COLOR,
        },
        text(label),
    )


def _even_ticks(y_max: float) -> list[float]:
    return [y_max * index / 4 for index in range(5)]


def _count_ticks(largest: int) -> list[float]:
    """Whole-number ticks from 0, at most six, with a step of 1, 2 or 5 times a power of 10."""
    step = 1
    while math.ceil(largest / step) > 5:
        step = _next_step(step)
    top = max(1, math.ceil(largest / step)) * step
    return [float(value) for value in range(0, top + 1, step)]


def _next_step(step: int) -> int:
    """The step after ``step`` in 1, 2, 5, 10, 20, 50, ..."""
    magnitude = 1
    while magnitude * 10 <= step:
        magnitude *= 10
    return {1: 2, 2: 5, 5: 10}[step // magnitude] * magnitude


def _y_axis(
    frame: _Frame, ticks: Sequence[float], y_max: float, percent: bool, y_label: str
) -> str:
    """Grid lines with tick labels, the axis lines, and the y label written upwards."""
    parts = []
    for value in ticks:
        y = frame.bottom - frame.height * value / y_max
        parts.append(
            element(
                "line",
                {
                    "class": "chart__grid",
                    "x1": frame.left,
                    "y1": y,
                    "x2": frame.right,
                    "y2": y,
                    "stroke": _GRID_COLOR,
                },
            )
        )
        parts.append(_tick_text(_axis_value(value, percent), frame.left - 6, y + 4, "end"))
    parts.append(
        element(
            "path",
            {
                "class": "chart__axis",
                "d": f"M{num(frame.left)} {num(frame.top)}V{num(frame.bottom)}H{num(frame.right)}",
                "fill": "none",
                "stroke": _AXIS_COLOR,
            },
        )
    )
    if y_label:
        middle = frame.top + frame.height / 2
        parts.append(
            element(
                "text",
                {
                    "class": "chart__axis-label",
                    "x": "14",
                    "y": middle,
                    "transform": f"rotate(-90 14 {num(middle)})",
                    "text-anchor": "middle",
                    "font-size": _TICK_FONT,
                    "fill": MUTED_COLOR,
                },
                text(y_label),
            )
        )
    return "".join(parts)


def _axis_value(value: float, percent: bool) -> str:
    """Tick labels: "25%", "12.5%", "3"; axis ticks are exact, unlike estimates."""
    if percent:
        return f"{num(value * 100)}%"
    return num(value)


def _empty(frame: _Frame, message: str) -> str:
    return element(
        "text",
        {
            "class": "chart__empty",
            "x": frame.left + frame.width / 2,
            "y": frame.top + frame.height / 2,
            "text-anchor": "middle",
            "font-size": "14",
            "fill": MUTED_COLOR,
        },
        text(message),
    )


def _line_description(ordered: Sequence[tuple[datetime | date, float]], percent: bool) -> str:
    if not ordered:
        return "No history yet."
    (first_when, _), (last_when, last_value) = ordered[0], ordered[-1]
    count = "1 point" if len(ordered) == 1 else f"{len(ordered)} points"
    return (
        f"{count} from {_when_label(first_when)} to {_when_label(last_when)}; "
        f"latest {_value_label(last_value, percent)}."
    )


def series_class(key: str) -> str:
    """The CSS class of a series: ``bar--USA``; characters a class cannot hold become ``-``."""
    return "bar--" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _series_colors(
    series: Mapping[str, Mapping[int, int]], overrides: Mapping[str, str]
) -> dict[str, str]:
    """Outcomes keep their own colours; other series take the palette in order."""
    fills = {}
    others = 0
    for key in series:
        if key in overrides:
            fills[key] = overrides[key]
        elif key in OUTCOME_COLORS:
            fills[key] = OUTCOME_COLORS[key]
        else:
            fills[key] = PALETTE[others % len(PALETTE)]
            others += 1
    return fills


def _largest(series: Mapping[str, Mapping[int, int]], span: range, stacked: bool) -> int:
    if stacked:
        return max(sum(counts.get(year, 0) for counts in series.values()) for year in span)
    return max((count for counts in series.values() for count in counts.values()), default=0)


def _bars(
    series: Mapping[str, Mapping[int, int]],
    names: Mapping[str, str],
    fills: Mapping[str, str],
    span: range,
    frame: _Frame,
    top: float,
    stacked: bool,
) -> str:
    slot = frame.width / len(span)
    group = slot * 0.8
    bar_width = group if stacked else group / len(series)
    parts = []
    for offset, year in enumerate(span):
        x = frame.left + offset * slot + (slot - group) / 2
        base = 0
        for index, (key, counts) in enumerate(series.items()):
            count = counts.get(year, 0)
            if count == 0:
                continue
            left = x if stacked else x + index * bar_width
            bottom = base if stacked else 0
            parts.append(
                _bar(key, names[key], fills[key], year, count, left, bar_width, bottom, frame, top)
            )
            base += count
    return "".join(parts)


def _bar(
    key: str,
    name: str,
    fill: str,
    year: int,
    count: int,
    left: float,
    width: float,
    below: int,
    frame: _Frame,
    top: float,
) -> str:
    """One bar of ``count``, standing on ``below`` (the bars beneath it in a stack)."""
    scale = frame.height / top
    return element(
        "rect",
        {
            "class": f"bar {series_class(key)}",
            "x": left,
            "y": frame.bottom - (below + count) * scale,
            "width": width,
            "height": count * scale,
            "fill": fill,
            "data-series": key,
            "data-year": str(year),
            "data-value": str(count),
        },
        element("title", {}, text(f"{name}, {year}: {count}")),
    )


def year_step(count: int) -> int:
    """Label every year up to 12 years, then every 2nd, 5th, 10th, ... year: at most about a
    dozen labels, on round years."""
    step = 1
    while count / step > 12:
        step = _next_step(step)
    return step


def _year_labels(span: range, frame: _Frame) -> str:
    slot = frame.width / len(span)
    step = year_step(len(span))
    return "".join(
        _x_tick(frame.left + (offset + 0.5) * slot, frame, str(year))
        for offset, year in enumerate(span)
        if year % step == 0
    )


def _legend(
    series: Mapping[str, Mapping[int, int]],
    names: Mapping[str, str],
    fills: Mapping[str, str],
    width: float,
) -> tuple[str, float]:
    """The key of the series under the title, wrapped into rows; returns it and its height."""
    x, y = _PLOT_LEFT, _LEGEND_TOP
    items = []
    for key in series:
        item_width = 16 + text_width(names[key], 12) + 18
        if x > _PLOT_LEFT and x + item_width > _PLOT_LEFT + width:
            x, y = _PLOT_LEFT, y + _LEGEND_ROW
        swatch = element(
            "rect",
            {
                "class": f"chart-legend__swatch {series_class(key)}",
                "x": x,
                "y": y - 10,
                "width": "12",
                "height": "12",
                "rx": "2",
                "fill": fills[key],
            },
        )
        label = element(
            "text",
            {
                "class": "chart-legend__label",
                "x": x + 16,
                "y": y,
                "font-size": "12",
                "fill": TEXT_COLOR,
            },
            text(names[key]),
        )
        items.append(element("g", {"class": "chart-legend__item"}, swatch + label))
        x += item_width
    if not items:
        return "", 0.0
    return element("g", {"class": "chart-legend"}, "".join(items)), y - _LEGEND_TOP + _LEGEND_ROW


def _bar_description(
    series: Mapping[str, Mapping[int, int]], names: Mapping[str, str], years: Sequence[int]
) -> str:
    if not years:
        return "No data yet."
    totals = "; ".join(f"{names[key]} {sum(counts.values())}" for key, counts in series.items())
    return f"Counts per year from {years[0]} to {years[-1]}. Totals: {totals}."

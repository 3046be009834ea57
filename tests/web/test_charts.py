"""The hand-built charts, parsed as XML: points, bars, ticks, legends, titles and escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.web.svg import SVG, assert_csp_clean, attr, find, parse, text, with_class
from web.charts import (
    OUTCOME_COLORS,
    PALETTE,
    bar_chart_svg,
    line_chart_svg,
    series_class,
    year_step,
)
from web.seats import contrast_ratio

HISTORY = [
    (date(2024, 1, 1), 0.25),
    (date(2024, 1, 8), 0.4),
    (date(2024, 1, 15), 0.018),
    (date(2024, 1, 29), 0.6),
]


def line(points: Sequence[tuple[date, float]] = HISTORY, **options: Any) -> str:
    arguments: dict[str, Any] = {
        "title": "Chance of adoption",
        "y_label": "Chance",
        "id_prefix": "history",
    }
    arguments.update(options)
    return str(line_chart_svg(points, **arguments))


def bars(series: dict[str, dict[int, int]], **options: Any) -> str:
    arguments: dict[str, Any] = {"title": "Vetoes per year", "id_prefix": "vetoes"}
    arguments.update(options)
    return str(bar_chart_svg(series, **arguments))


def polyline_points(root: ET.Element) -> list[tuple[float, float]]:
    (polyline,) = with_class(root, "chart__line")
    pairs = (pair.split(",") for pair in attr(polyline, "points").split())
    return [(float(x), float(y)) for x, y in pairs]


def test_a_line_chart_draws_a_polyline_and_a_dot_with_a_tooltip_per_point() -> None:
    root = parse(line())

    points = with_class(root, "chart__point")
    assert len(points) == 4
    assert len(polyline_points(root)) == 4
    assert [text(find(point, f"{SVG}title")) for point in points] == [
        "2024-01-01: 25%",
        "2024-01-08: 40%",
        "2024-01-15: 1.8%",
        "2024-01-29: 60%",
    ]
    assert [(p.get("cx"), p.get("cy")) for p in points] == [
        (str(x).removesuffix(".0"), str(y).removesuffix(".0")) for x, y in polyline_points(root)
    ]


def test_points_are_drawn_in_time_order_whatever_the_input_order() -> None:
    root = parse(line(list(reversed(HISTORY))))

    xs = [x for x, _ in polyline_points(root)]
    assert xs == sorted(xs)
    assert with_class(root, "chart__point")[0].get("data-when") == "2024-01-01"


def test_higher_values_are_drawn_higher_and_time_runs_left_to_right() -> None:
    root = parse(line([(date(2024, 1, 1), 0.0), (date(2024, 1, 2), 1.0)]))
    (x0, y0), (x1, y1) = polyline_points(root)

    assert x1 > x0 and y1 < y0


def test_one_point_is_a_single_dot_without_a_line() -> None:
    root = parse(line(HISTORY[:1]))

    assert len(with_class(root, "chart__point")) == 1
    assert with_class(root, "chart__line") == []
    assert [text(tick) for tick in with_class(root, "chart__tick") if "-" in text(tick)] == [
        "2024-01-01"
    ]


def test_no_points_say_no_history_yet() -> None:
    root = parse(line([]))

    assert [node.text for node in with_class(root, "chart__empty")] == ["No history yet"]
    assert with_class(root, "chart__point") == []
    assert with_class(root, "chart__line") == []
    assert text(find(root, f"{SVG}desc")) == "No history yet."


def test_equal_dates_do_not_divide_by_zero() -> None:
    same_day = [(date(2024, 3, 1), 0.2), (date(2024, 3, 1), 0.3), (date(2024, 3, 1), 0.5)]
    markup = line(same_day)

    assert "nan" not in markup.lower() and "inf" not in markup.lower()
    root = parse(markup)
    assert {point.get("cx") for point in with_class(root, "chart__point")} == {"328"}
    assert len(with_class(root, "chart__point")) == 3


def test_x_ticks_are_dates_on_whole_days_within_the_range() -> None:
    root = parse(line())

    dates = [text(tick) for tick in with_class(root, "chart__tick") if "-" in text(tick)]
    assert 2 <= len(dates) <= 5
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", label) for label in dates)
    assert dates == sorted(dates)
    assert dates[0] == "2024-01-01" and dates[-1] == "2024-01-29"


def test_y_ticks_are_percentages_or_plain_numbers() -> None:
    percents = [
        text(tick) for tick in with_class(parse(line()), "chart__tick") if "%" in text(tick)
    ]
    assert percents == ["0%", "25%", "50%", "75%", "100%"]

    counts = parse(line([(date(2024, 1, 1), 3.0)], y_max=8, percent=False))
    labels = [tick.text for tick in with_class(counts, "chart__tick")]
    assert labels[:5] == ["0", "2", "4", "6", "8"]
    assert text(find(with_class(counts, "chart__point")[0], f"{SVG}title")) == "2024-01-01: 3"


def test_datetimes_keep_their_time_and_are_shown_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    points = [
        (datetime(2024, 5, 1, 9, 30, tzinfo=paris), 0.5),
        (datetime(2024, 5, 1, 15, 0, tzinfo=UTC), 0.55),
    ]
    root = parse(line(points))

    titles = [text(find(point, f"{SVG}title")) for point in with_class(root, "chart__point")]
    assert titles == ["2024-05-01 08:30 UTC: 50%", "2024-05-01 15:00 UTC: 55%"]


def test_a_tiny_or_near_certain_chance_is_not_rounded_to_0_or_100() -> None:
    root = parse(line([(date(2024, 1, 1), 8.4e-5), (date(2024, 1, 2), 0.9996)]))

    titles = [text(find(point, f"{SVG}title")) for point in with_class(root, "chart__point")]
    assert titles == ["2024-01-01: under 0.1%", "2024-01-02: over 99.9%"]


def test_a_line_chart_is_an_image_labelled_by_its_title_and_description() -> None:
    root = parse(line(id_prefix="p1"))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "p1-title p1-desc"
    assert text(find(root, f"{SVG}title")) == "Chance of adoption"
    assert text(find(root, f"{SVG}desc")) == "4 points from 2024-01-01 to 2024-01-29; latest 60%."
    assert with_class(root, "chart__axis-label")[0].text == "Chance"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"


@pytest.mark.parametrize(
    ("points", "options", "message"),
    [
        (HISTORY, {"y_max": 0}, "y_max"),
        ([(date(2024, 1, 1), 1.2)], {}, "probability"),
        (HISTORY, {"id_prefix": "bad id"}, "id_prefix"),
    ],
)
def test_impossible_line_charts_are_refused(
    points: list[tuple[date, float]], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        line(points, **options)


VETOES = {
    "USA": {1986: 3, 1988: 1},
    "RUS": {1986: 1, 1987: 2},
    "CHN": {1987: 0},
}


def test_grouped_bars_draw_one_bar_per_non_zero_count_with_a_title() -> None:
    root = parse(bars(VETOES))

    drawn = with_class(root, "bar")
    assert len(drawn) == 4
    assert sorted(text(find(bar, f"{SVG}title")) for bar in drawn) == [
        "RUS, 1986: 1",
        "RUS, 1987: 2",
        "USA, 1986: 3",
        "USA, 1988: 1",
    ]
    assert len(with_class(root, "bar--USA")) == 2 + 1  # two bars and the legend swatch


def test_bars_carry_their_series_year_and_value_and_a_palette_fill() -> None:
    root = parse(bars(VETOES))

    usa = [bar for bar in with_class(root, "bar") if bar.get("data-series") == "USA"]
    assert [(bar.get("data-year"), bar.get("data-value")) for bar in usa] == [
        ("1986", "3"),
        ("1988", "1"),
    ]
    assert {bar.get("fill") for bar in usa} == {PALETTE[0]}
    assert "bar--USA" in attr(usa[0], "class").split()


def test_grouped_bars_of_one_year_stand_side_by_side_on_the_axis() -> None:
    root = parse(bars(VETOES))
    year_1986 = [bar for bar in with_class(root, "bar") if bar.get("data-year") == "1986"]

    (usa, rus) = year_1986
    assert float(attr(usa, "x")) + float(attr(usa, "width")) <= float(attr(rus, "x")) + 0.01
    bottoms = {round(float(attr(bar, "y")) + float(attr(bar, "height")), 2) for bar in year_1986}
    assert len(bottoms) == 1
    assert float(attr(usa, "height")) == pytest.approx(3 * float(attr(rus, "height")), abs=0.02)


def test_stacked_bars_of_one_year_stand_on_each_other() -> None:
    root = parse(bars(VETOES, stacked=True))
    usa, rus = (bar for bar in with_class(root, "bar") if bar.get("data-year") == "1986")

    assert usa.get("x") == rus.get("x")
    assert float(attr(rus, "y")) + float(attr(rus, "height")) == pytest.approx(
        float(attr(usa, "y")), abs=0.02
    )


def test_a_year_without_counts_keeps_its_slot() -> None:
    root = parse(bars({"vetoed": {1990: 1, 1999: 1}}))

    first, last = with_class(root, "bar")
    slot = (float(attr(last, "x")) - float(attr(first, "x"))) / 9
    assert slot > 0
    labels = [tick.text for tick in with_class(root, "chart__tick")]
    assert "1995" in labels


def test_the_legend_names_each_series_with_its_colour() -> None:
    labels = {"USA": "United States", "RUS": "USSR / Russia", "CHN": "China"}
    root = parse(bars(VETOES, labels=labels))

    items = with_class(root, "chart-legend__item")
    assert [with_class(item, "chart-legend__label")[0].text for item in items] == [
        "United States",
        "USSR / Russia",
        "China",
    ]
    swatch_fills = [with_class(item, "chart-legend__swatch")[0].get("fill") for item in items]
    assert swatch_fills == list(PALETTE[:3])
    titles = [text(find(bar, f"{SVG}title")) for bar in with_class(root, "bar")]
    assert "United States, 1986: 3" in titles


def test_outcomes_keep_their_own_colours_and_overrides_win() -> None:
    outcomes = {"adopted": {2000: 5}, "vetoed": {2000: 1}, "failed": {2000: 2}}
    root = parse(bars(outcomes, colors={"failed": "#000000"}))

    fills = {bar.get("data-series"): bar.get("fill") for bar in with_class(root, "bar")}
    assert fills == {
        "adopted": OUTCOME_COLORS["adopted"],
        "vetoed": OUTCOME_COLORS["vetoed"],
        "failed": "#000000",
    }
    assert with_class(root, "bar--adopted")


def test_eighty_years_are_labelled_every_tenth_year() -> None:
    years = range(1946, 2026)
    root = parse(bars({"USA": dict.fromkeys(years, 1)}, stacked=True))

    labels = [text(tick) for tick in with_class(root, "chart__tick") if len(text(tick)) == 4]
    assert labels == ["1950", "1960", "1970", "1980", "1990", "2000", "2010", "2020"]
    assert len(with_class(root, "bar")) == 80


@pytest.mark.parametrize(
    ("count", "step"), [(1, 1), (12, 1), (13, 2), (24, 2), (25, 5), (60, 5), (80, 10)]
)
def test_year_labels_thin_out_to_about_a_dozen(count: int, step: int) -> None:
    assert year_step(count) == step


def test_y_ticks_are_whole_numbers_up_to_the_largest_count() -> None:
    root = parse(bars({"adopted": {2000: 37}}))

    labels = [int(text(tick)) for tick in with_class(root, "chart__tick") if text(tick) != "2000"]
    assert labels == [0, 10, 20, 30, 40]

    stacked = parse(bars({"a": {2000: 3}, "b": {2000: 4}}, stacked=True))
    labels = [
        int(text(tick)) for tick in with_class(stacked, "chart__tick") if text(tick) != "2000"
    ]
    assert labels == [0, 2, 4, 6, 8]


def test_no_series_or_only_empty_ones_say_no_data_yet() -> None:
    empty: tuple[dict[str, dict[int, int]], ...] = ({}, {"USA": {}})
    for series in empty:
        root = parse(bars(series))
        assert [node.text for node in with_class(root, "chart__empty")] == ["No data yet"]
        assert with_class(root, "bar") == []


def test_a_series_key_becomes_a_safe_class_name() -> None:
    assert series_class("USA") == "bar--USA"
    assert series_class('USSR / "Russia"') == "bar--USSR----Russia-"


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        bars({"USA": {1990: -1}})


def test_the_palettes_have_at_least_3_to_1_contrast_against_white() -> None:
    for color in (*PALETTE, *OUTCOME_COLORS.values()):
        assert contrast_ratio(color) >= 3, color


def test_chart_text_is_escaped_and_nothing_breaks_the_csp() -> None:
    evil = "<script>alert(1)</script>"
    outputs = [
        line(title=evil, y_label=evil),
        line([], title=evil),
        bars({evil: {2000: 1}}, title=evil, y_label=evil, labels={evil: evil}),
        bars({}, title=evil),
    ]
    for markup in outputs:
        assert_csp_clean(markup)
        root = parse(markup)
        assert text(find(root, f"{SVG}title")) == evil
        assert with_class(root, "chart__title")[0].text == evil


def test_two_charts_on_a_page_have_distinct_ids() -> None:
    page = line(id_prefix="a") + line(id_prefix="b") + bars(VETOES, id_prefix="c")

    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 6

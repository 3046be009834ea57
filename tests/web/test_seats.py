"""The seat diagram: one seat per member, shapes, glyphs, the veto, the quota strip, geometry,
escaping and ids."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest

from tests.web.svg import SVG, assert_csp_clean, attr, find, parse, text, with_class
from web.seats import (
    MIN_OPACITY,
    STANCE_COLOR,
    STANCE_GLYPH,
    STANCES,
    Seat,
    contrast_ratio,
    legend_html,
    seat_diagram_svg,
    seat_opacity,
    seat_title,
    stance_label,
    verdict_lines,
)

VERDICT = "10 yes, 9 needed; Russia votes no: vetoed"

COUNCIL_2020 = [
    Seat("CHN", "China", True, "abstain", 0.05, "Statement of 2019-12-30 (Xinhua)"),
    Seat("FRA", "France", True, "yes", 0.95),
    Seat("RUS", "Russia", True, "no", 0.02, "Statement of 2019-12-30 (Reuters)"),
    Seat("GBR", "United Kingdom", True, "yes", 0.97),
    Seat("USA", "United States", True, "leaning_yes", 0.7),
    Seat("BEL", "Belgium", False, "yes", 0.9),
    Seat("DOM", "Dominican Republic", False, "yes", 0.6),
    Seat("EST", "Estonia", False, "yes"),
    Seat("DEU", "Germany", False, "yes", 0.99),
    Seat("IDN", "Indonesia", False, "undecided", 0.5),
    Seat("NER", "Niger", False, "leaning_no", 0.3),
    Seat("VCT", "Saint Vincent and the Grenadines", False, "yes", 0.8),
    Seat("ZAF", "South Africa", False, "abstain"),
    Seat("TUN", "Tunisia", False, "not_participating"),
    Seat("VNM", "Viet Nam", False, "yes", 0.4),
]

COUNCIL_1960 = [
    Seat("USA", "United States", True, "yes"),
    Seat("GBR", "United Kingdom", True, "yes"),
    Seat("FRA", "France", True, "abstain"),
    Seat("SUN", "USSR", True, "no"),
    Seat("CHN", "Republic of China", True, "yes"),
    Seat("ARG", "Argentina", False, "yes"),
    Seat("CEY", "Ceylon", False, "yes"),
    Seat("ECU", "Ecuador", False, "yes"),
    Seat("ITA", "Italy", False, "yes"),
    Seat("POL", "Poland", False, "no"),
    Seat("TUN", "Tunisia", False, "yes"),
]


def draw(seats: list[Seat] = COUNCIL_2020, **options: Any) -> str:
    arguments: dict[str, Any] = {"verdict": VERDICT, "quota": 9, "yes_count": 10}
    arguments.update(options)
    return str(seat_diagram_svg(seats, **arguments))


def seat_groups(markup: str) -> list[ET.Element]:
    return parse(markup).findall(f".//{SVG}g[@data-member]")


def seat_centre(group: ET.Element) -> tuple[float, float]:
    shape = with_class(group, "seat__shape")[0]
    if shape.tag == f"{SVG}circle":
        return float(attr(shape, "cx")), float(attr(shape, "cy"))
    half = float(attr(shape, "width")) / 2
    return float(attr(shape, "x")) + half, float(attr(shape, "y")) + half


@pytest.mark.parametrize("council", [COUNCIL_2020, COUNCIL_1960], ids=["15 seats", "11 seats"])
def test_it_draws_one_group_per_member_in_the_order_given(council: list[Seat]) -> None:
    groups = seat_groups(draw(council, quota=7 if len(council) == 11 else 9))

    assert [group.get("data-member") for group in groups] == [seat.code for seat in council]
    assert [group.get("data-stance") for group in groups] == [seat.stance for seat in council]


@pytest.mark.parametrize("count", range(1, 16))
def test_it_draws_any_council_from_1_to_15_seats_inside_the_view_box(count: int) -> None:
    markup = draw(COUNCIL_2020[:count])
    x, y, width, height = (float(value) for value in attr(parse(markup), "viewBox").split())

    groups = seat_groups(markup)
    assert len(groups) == count
    for group in groups:
        cx, cy = seat_centre(group)
        assert x + 21 <= cx <= x + width - 21
        assert y + 21 <= cy <= y + height - 21


def test_seats_are_evenly_spaced_on_a_symmetric_arc_of_220_degrees() -> None:
    centres = [seat_centre(group) for group in seat_groups(draw())]

    # Coordinates are written with two decimals.
    for x, y in centres:
        assert math.hypot(x, y) == pytest.approx(200, abs=0.01)
    gaps = [math.dist(a, b) for a, b in itertools.pairwise(centres)]
    assert max(gaps) - min(gaps) < 0.02
    (first_x, first_y), (last_x, last_y) = centres[0], centres[-1]
    assert first_x == pytest.approx(-last_x) and first_y == pytest.approx(last_y)
    spread = math.degrees(math.atan2(-first_y, first_x) - math.atan2(-last_y, last_x))
    assert spread % 360 == pytest.approx(220, abs=0.01)


def test_one_seat_sits_at_the_top_of_the_arc() -> None:
    ((x, y),) = [seat_centre(group) for group in seat_groups(draw(COUNCIL_2020[:1]))]

    assert (x, y) == pytest.approx((0, -200))


def test_the_view_box_is_tight_around_the_drawing() -> None:
    root = parse(draw())
    x, y, _, height = (float(value) for value in attr(root, "viewBox").split())

    # Russia sits left of the centre line, so its VETO tag is the leftmost thing drawn.
    (tag_box,) = with_class(root, "veto-tag__box")
    assert float(attr(tag_box, "x")) - x == pytest.approx(8, abs=0.02)
    # Above the top seat only its code label; below the lowest seats only theirs.
    heights = [seat_centre(group)[1] for group in root.findall(f".//{SVG}g[@data-member]")]
    assert min(heights) - 21 - y < 35
    assert y + height - (max(heights) + 21) < 35


def test_the_natural_size_is_the_view_box_size_for_a_standalone_share_image() -> None:
    root = parse(draw())
    _, _, width, height = attr(root, "viewBox").split()

    assert (root.get("width"), root.get("height")) == (width, height)


def test_permanent_seats_are_rounded_squares_and_elected_seats_circles() -> None:
    for group in seat_groups(draw()):
        shape = with_class(group, "seat__shape")[0]
        permanent = "seat--permanent" in attr(group, "class").split()
        assert permanent == (group.get("data-member") in {"CHN", "FRA", "RUS", "GBR", "USA"})
        if permanent:
            assert shape.tag == f"{SVG}rect" and float(attr(shape, "rx")) > 0
        else:
            assert shape.tag == f"{SVG}circle"
            assert "seat--elected" in attr(group, "class").split()


def test_a_permanent_no_gets_the_veto_tag_and_the_hatch_pattern() -> None:
    root = parse(draw(id_prefix="draft-7"))
    russia = find(root, f".//{SVG}g[@data-member='RUS']")

    assert "seat--veto" in attr(russia, "class").split()
    assert [text(node) for node in with_class(russia, "veto-tag__text")] == ["VETO"]
    (hatch,) = with_class(russia, "seat__hatch")
    assert hatch.get("fill") == "url(#draft-7-hatch)"
    pattern = find(root, f"./{SVG}defs/{SVG}pattern")
    assert attr(pattern, "id") == "draft-7-hatch"
    assert len(with_class(root, "veto-tag")) == 1


def test_an_elected_no_or_a_permanent_abstention_or_leaning_no_is_no_veto() -> None:
    seats = [
        Seat("POL", "Poland", False, "no"),
        Seat("CHN", "China", True, "abstain"),
        Seat("USA", "United States", True, "leaning_no", 0.2),
    ]
    markup = draw(seats)

    assert "VETO" not in markup
    assert "<pattern" not in markup
    assert not with_class(parse(markup), "seat--veto")


def test_each_seat_carries_its_code_as_text_and_a_glyph_of_its_stance() -> None:
    glyphs = {}
    for group in seat_groups(draw()):
        (code,) = with_class(group, "seat__code")
        assert code.text == group.get("data-member")
        marks = with_class(group, "seat__glyph")
        if group.get("data-stance") == "not_participating":
            assert marks == []
        else:
            glyphs[group.get("data-stance")] = marks[0].get("d")

    # One distinct mark per stance drawn: colour is never the only cue.
    assert set(glyphs) == set(STANCES) - {"not_participating"}
    assert len(set(glyphs.values())) == len(glyphs)


def test_not_participating_is_a_hollow_dashed_ring() -> None:
    tunisia = find(parse(draw()), f".//{SVG}g[@data-member='TUN']")
    (shape,) = with_class(tunisia, "seat__shape")

    assert shape.get("fill") == "none"
    assert shape.get("stroke-dasharray")
    assert shape.get("fill-opacity") is None


def test_each_stance_has_a_class_and_its_palette_fill() -> None:
    for group in seat_groups(draw()):
        stance = attr(group, "data-stance")
        assert f"seat--{stance}" in attr(group, "class").split()
        shape = with_class(group, "seat__shape")[0]
        assert STANCE_COLOR[stance] in (shape.get("fill"), shape.get("stroke"))


def test_the_palette_has_at_least_3_to_1_contrast_against_white() -> None:
    for stance, color in STANCE_COLOR.items():
        assert contrast_ratio(color) >= 3, stance


@pytest.mark.parametrize(
    ("stance", "p_yes", "opacity"),
    [
        ("yes", 0.8, 0.8),
        ("leaning_yes", 0.6, 0.6),
        ("no", 0.1, 0.9),
        ("leaning_no", 0.3, 0.7),
        ("yes", 0.05, MIN_OPACITY),
        ("no", 0.99, MIN_OPACITY),
        ("yes", None, 1.0),
        ("undecided", 0.5, 1.0),
        ("abstain", 0.1, 1.0),
    ],
)
def test_opacity_shows_how_likely_the_vote_the_colour_shows_is(
    stance: str, p_yes: float | None, opacity: float
) -> None:
    assert seat_opacity(stance, p_yes) == pytest.approx(opacity)


def test_the_fill_opacity_attribute_follows_the_chance_and_is_left_out_when_solid() -> None:
    root = parse(draw())

    def shape_of(code: str) -> ET.Element:
        return with_class(find(root, f".//{SVG}g[@data-member='{code}']"), "seat__shape")[0]

    assert shape_of("VNM").get("fill-opacity") == "0.4"
    assert shape_of("USA").get("fill-opacity") == "0.7"
    assert shape_of("EST").get("fill-opacity") is None


def test_the_glyph_is_white_on_a_solid_seat_and_dark_on_a_faint_one() -> None:
    root = parse(draw())

    def glyph_of(code: str) -> ET.Element:
        return with_class(find(root, f".//{SVG}g[@data-member='{code}']"), "seat__glyph")[0]

    assert glyph_of("EST").get("stroke") == "#ffffff"
    assert glyph_of("VNM").get("stroke") != "#ffffff"


def test_each_seat_has_a_title_with_name_stance_chance_and_source() -> None:
    root = parse(draw())
    russia = find(root, f".//{SVG}g[@data-member='RUS']")

    assert text(find(russia, f"{SVG}title")) == (
        "Russia: No, a veto (chance of yes 2.0%) — Statement of 2019-12-30 (Reuters)"
    )
    assert seat_title(Seat("EST", "Estonia", False, "yes")) == "Estonia: Yes"
    assert seat_title(Seat("USA", "United States", True, "no", 0.1, "Statement of 2019-12-30")) == (
        "United States: No, a veto (chance of yes 10%) — Statement of 2019-12-30"
    )


def test_seats_are_focusable_list_items_in_a_list() -> None:
    root = parse(draw())
    (seat_list,) = root.findall(f".//{SVG}g[@role='list']")

    items = seat_list.findall(f"{SVG}g")
    assert len(items) == 15
    for item in items:
        assert item.get("role") == "listitem"
        assert item.get("tabindex") == "0"
        assert "seat" in attr(item, "class").split()
        assert item.get("data-whatif") is None


def test_interactive_marks_every_seat_for_the_what_if_script() -> None:
    groups = seat_groups(draw(interactive=True))

    assert {group.get("data-whatif") for group in groups} == {"1"}


def test_the_svg_is_an_image_labelled_by_the_verdict_and_a_description() -> None:
    root = parse(draw(id_prefix="d1"))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "d1-title d1-desc"
    assert find(root, f"{SVG}title").get("id") == "d1-title"
    assert text(find(root, f"{SVG}title")) == VERDICT
    desc = find(root, f"{SVG}desc")
    assert attr(desc, "id") == "d1-desc"
    assert "Russia, permanent member: No, a veto" in text(desc)
    assert "Estonia: Yes" in text(desc)
    assert text(desc).endswith("10 yes of 9 needed.")


def test_the_verdict_stands_in_the_centre_on_two_lines_when_long() -> None:
    (verdict,) = with_class(parse(draw()), "seat-verdict")
    lines = [text(span) for span in verdict]

    assert " ".join(lines) == VERDICT
    assert len(lines) == 2
    assert {span.get("x") for span in verdict} == {"0"}
    assert verdict.get("text-anchor") == "middle"


def test_a_short_verdict_stays_on_one_line_and_a_long_one_splits_near_the_middle() -> None:
    assert verdict_lines("9 yes: adopted") == ["9 yes: adopted"]
    first, second = verdict_lines(VERDICT)
    assert abs(len(first) - len(second)) <= 10
    assert verdict_lines("x" * 50) == ["x" * 50]


def test_a_very_long_verdict_is_set_smaller() -> None:
    long_verdict = "14 yes, 9 needed; " + "a member state with a long name votes no, " * 3
    (verdict,) = with_class(parse(draw(verdict=long_verdict)), "seat-verdict")

    assert float(attr(verdict, "font-size")) < 17


@pytest.mark.parametrize(("quota", "yes_count", "filled"), [(9, 6, 6), (9, 12, 9), (7, 0, 0)])
def test_the_quota_strip_has_quota_boxes_with_the_yes_votes_filled(
    quota: int, yes_count: int, filled: int
) -> None:
    root = parse(draw(quota=quota, yes_count=yes_count))
    (strip,) = with_class(root, "quota")

    boxes = with_class(strip, "quota__box")
    assert len(boxes) == quota
    assert len(with_class(strip, "quota__box--filled")) == filled
    assert len(with_class(strip, "quota__box--empty")) == quota - filled
    assert (strip.get("data-quota"), strip.get("data-yes")) == (str(quota), str(yes_count))
    assert with_class(strip, "quota__caption")[0].text == f"{yes_count} yes of {quota} needed"


def test_every_piece_of_text_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    seats = [
        Seat('X"><script>', evil, True, "no", 0.5, f"Source {evil} & 'quotes'"),
        Seat("Y", "O'Brien & Co", False, "yes"),
    ]
    markup = draw(seats, verdict=evil)

    assert_csp_clean(markup)
    root = parse(markup)
    assert text(find(root, f"{SVG}title")) == evil
    group = find(root, f".//{SVG}g[@data-member]")
    assert attr(group, "data-member") == 'X"><script>'
    assert evil in text(find(group, f"{SVG}title"))
    assert "&lt;script&gt;" in markup


@pytest.mark.parametrize("interactive", [False, True])
def test_no_style_script_or_handler_in_any_stance(interactive: bool) -> None:
    seats = [
        Seat(f"M{index}", f"Member {index}", index % 2 == 0, stance, 0.5)
        for index, stance in enumerate(STANCES)
    ]

    assert_csp_clean(draw(seats, interactive=interactive))


def test_ids_are_unique_on_a_page_with_two_diagrams_and_every_reference_resolves() -> None:
    page = draw(id_prefix="before") + draw(COUNCIL_1960, quota=7, id_prefix="after")

    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 6
    for svg_markup in (draw(id_prefix="before"), draw(COUNCIL_1960, quota=7, id_prefix="after")):
        own = set(re.findall(r'\sid="([^"]+)"', svg_markup))
        references = re.findall(r"url\(#([^)]+)\)", svg_markup)
        references += attr(parse(svg_markup), "aria-labelledby").split()
        assert set(references) <= own


@pytest.mark.parametrize("prefix", ["", "1abc", "a b", 'x"y', "a#b"])
def test_an_id_prefix_that_could_break_a_reference_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        draw(id_prefix=prefix)


@pytest.mark.parametrize(
    ("seats", "options", "message"),
    [
        ([], {}, "1 to 15"),
        ([*COUNCIL_2020, Seat("XXX", "Extra", False, "yes")], {}, "1 to 15"),
        ([COUNCIL_2020[0], COUNCIL_2020[0]], {}, "sits once"),
        (COUNCIL_2020, {"quota": 0}, "quota"),
        (COUNCIL_2020, {"yes_count": -1}, "yes_count"),
        (COUNCIL_2020, {"verdict": "  "}, "verdict"),
    ],
)
def test_impossible_councils_are_refused(
    seats: list[Seat], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        draw(seats, **options)


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"stance": "maybe"}, "unknown stance"), ({"p_yes": 1.5}, "p_yes"), ({"code": ""}, "code")],
)
def test_a_seat_with_an_impossible_value_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(COUNCIL_2020[0], **changes)


def test_every_stance_has_a_label_and_a_text_glyph() -> None:
    assert [stance_label(stance) for stance in STANCES] == [
        "Yes",
        "Leaning yes",
        "Undecided",
        "Leaning no",
        "No",
        "Abstain",
        "Not participating",
    ]
    assert set(STANCE_GLYPH) == set(STANCES)
    assert len(set(STANCE_GLYPH.values())) == len(STANCES)
    with pytest.raises(ValueError, match="unknown stance"):
        stance_label("maybe")


def test_the_legend_lists_every_stance_the_shapes_and_the_veto_without_styles() -> None:
    markup = str(legend_html(id_prefix="key"))
    root = parse(markup)

    assert root.tag == "ul" and root.get("class") == "seat-legend"
    labels = [node.text for node in with_class(root, "seat-legend__label")]
    assert labels == [stance_label(stance) for stance in STANCES] + [
        "Elected member",
        "Permanent member",
        "Veto: a permanent member votes no",
    ]
    swatches = with_class(root, "seat-legend__swatch")
    assert len(swatches) == len(labels)
    assert {swatch.get("aria-hidden") for swatch in swatches} == {"true"}
    assert 'id="key-hatch"' in markup and "url(#key-hatch)" in markup
    assert_csp_clean(markup)

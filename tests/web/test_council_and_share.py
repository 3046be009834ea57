"""The Council on a day drawn without stances, and the share card around a seat diagram."""

from __future__ import annotations

import pytest
from django.utils.safestring import SafeString

from tests.web.svg import SVG, assert_csp_clean, find, parse, text, with_class
from web.seats import CouncilSeat, Seat, council_diagram_svg, seat_diagram_svg
from web.share import share_card_svg, svg_to_png

ELEVEN = [CouncilSeat(f"Q{c}A", f"Member {c}", c in "ABCDE") for c in "ABCDEFGHIJK"]


def test_the_1960_council_has_eleven_seats_five_of_them_permanent() -> None:
    svg = council_diagram_svg(ELEVEN, seats=11, quota=7, caption="1 June 1960")
    root = parse(svg)

    seats = with_class(root, "seat")
    assert len(seats) == 11
    assert len(with_class(root, "seat--permanent")) == 5
    assert [s.get("data-member") for s in seats] == [m.code for m in ELEVEN]
    assert text(find(root, f"{SVG}title")) == "11 seats, 7 votes needed: 1 June 1960"
    assert_csp_clean(svg)


def test_seats_whose_holder_is_not_known_are_drawn_hollow() -> None:
    root = parse(council_diagram_svg(ELEVEN[:4], seats=11, quota=7, caption="1960"))

    unknown = with_class(root, "seat--unknown")
    assert len(unknown) == 7
    assert all(s.get("data-member") == "" for s in unknown)
    assert "7 seats not known" in text(find(root, f"{SVG}desc"))


def test_more_members_than_seats_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot sit"):
        council_diagram_svg(ELEVEN, seats=10, quota=7, caption="x")


def test_names_are_escaped() -> None:
    svg = council_diagram_svg(
        [CouncilSeat("QAA", "<b>Land</b>", False)], seats=15, quota=9, caption="<i>day</i>"
    )

    assert "<b>" not in svg and "&lt;b&gt;Land&lt;/b&gt;" in svg
    assert "&lt;i&gt;day&lt;/i&gt;" in svg


def _diagram() -> SafeString:
    seats = [Seat(f"Q{c}B", f"Member {c}", c in "AB", "yes") for c in "ABCDEFGHI"]
    return seat_diagram_svg(seats, verdict="9 yes, 9 needed: adopted", quota=9, yes_count=9)


def test_the_share_card_is_1200_by_630_with_the_diagram_inside() -> None:
    card = share_card_svg(
        _diagram(), title="S/2019/961", subtitle="<script>x</script>", footer="Adoption: 45%"
    )
    root = parse(card)

    assert (root.get("width"), root.get("height")) == ("1200", "630")
    inner = root.find(f"{SVG}svg")
    assert inner is not None and inner.get("width") == "1104"
    assert len(with_class(inner, "seat")) == 9
    assert "&lt;script&gt;" in card
    assert_csp_clean(card)


def test_a_long_title_is_cut_to_fit() -> None:
    root = parse(share_card_svg(None, title="T" * 300, subtitle="s", footer="f"))

    title = text(with_class(root, "share-card__title")[0])
    assert title.endswith("…") and len(title) < 60


def test_the_png_is_a_1200_by_630_image() -> None:
    png = svg_to_png(share_card_svg(_diagram(), title="t", subtitle="s", footer="f"))

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20]), int.from_bytes(png[20:24])) == (1200, 630)

"""A draft's page: header, seat diagram, projection, closest path, positions, provisions,
versions and their diff, the recorded vote; the what-if (GET form and htmx panel); the live
poll; the editors' form; the share image and the embeddable widget."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from members.models import Member
from resolutions.models import Draft, DraftVersion
from tests.pages.conftest import DPRK
from votes.models import Position
from votes.services import position_record

pytestmark = pytest.mark.django_db

SEED_STANCES = {"USA": "no", "FRA": "no", "GBR": "no", "RUS": "yes", "CHN": "yes"}


def _seats(body: str) -> dict[str, str]:
    svg = body.split('<svg xmlns="http://www.w3.org/2000/svg" class="seat-diagram"')[1]
    svg = svg.split("</svg>")[0]
    return dict(re.findall(r'data-member="([A-Z]{3})" data-stance="([a-z_]+)"', svg))


def _p_adopted(body: str) -> float:
    found = re.search(r'class="numbers__big" data-p-adopted="([^"]+)"', body)
    assert found is not None
    return float(found.group(1))


def _record(code: str, stance: str) -> Position:
    return position_record(
        draft=Draft.objects.get(slug=DPRK),
        member=Member.objects.get(code=code),
        stance=stance,
        confidence=1,
        as_of=dt.date(2019, 12, 31),
        source="Test statement",
    )


def test_the_header_says_what_the_draft_is(seeded: None, public: None) -> None:
    body = Client().get(f"/drafts/{DPRK}/").content.decode()

    assert "Draft resolution easing sanctions on the DPRK" in body
    assert 'data-status="in_negotiation"' in body
    assert "Russian Federation</a> (penholder)" in body
    assert "16 December 2019" in body


def test_the_seat_diagram_has_fifteen_seats_with_the_seeds_stances(
    seeded: None, public: None
) -> None:
    body = Client().get(f"/drafts/{DPRK}/").content.decode()
    seats = _seats(body)

    assert len(seats) == 15
    for code, stance in SEED_STANCES.items():
        assert seats[code] == stance
    assert sorted(set(seats.values())) == ["no", "undecided", "yes"]
    assert "2 yes, 9 needed: it would fail" in body
    assert body.count('class="veto-tag"') == 3


def test_it_shows_an_honest_probability_and_the_closest_path_in_words(
    seeded: None, public: None
) -> None:
    body = Client().get(f"/drafts/{DPRK}/").content.decode()

    assert 0 < _p_adopted(body) < 0.001
    assert ">under 0.1%<" in body
    # The most probable path, with its chance: on their records the elected members of today
    # would vote yes already, so only the three permanent members' votes stand in the way.
    assert (
        "Needs France, the United Kingdom and the United States to vote yes instead of voting "
        "no: under 0.1% on their records." in body
    )


def test_the_positions_table_shows_history_and_sources(seeded: None, public: None) -> None:
    _record("USA", "abstain")

    body = Client().get(f"/drafts/{DPRK}/").content.decode()
    history = body.split('data-table="position-history"')[1].split("</table>")[0]

    assert history.count("data-position=") == 16
    assert "Test statement" in history
    assert "Reuters 2019-12-30: the United States, France and Britain" in history


def test_provisions_show_the_sectors_and_their_measures(seeded: None, public: None) -> None:
    body = Client().get(f"/drafts/{DPRK}/").content.decode()

    assert "Seafood</a>" in body
    assert "by resolution 2371" in body


def test_two_versions_are_compared_word_by_word(seeded: None, public: None) -> None:
    draft = Draft.objects.get(slug=DPRK)
    DraftVersion.objects.create(
        draft=draft, number=2, dated=dt.date(2019, 12, 20), text="Lift the ban on seafood."
    )
    DraftVersion.objects.create(
        draft=draft, number=3, dated=dt.date(2019, 12, 28), text="Ease the ban on seafood."
    )

    body = Client().get(f"/drafts/{DPRK}/?from=2&to=3").content.decode()

    assert 'data-diff="2-3"' in body
    assert '<del class="diff-del"><span class="visually-hidden">deleted: </span>Lift</del>' in body
    assert '<ins class="diff-ins"><span class="visually-hidden">inserted: </span>Ease</ins>' in body


def test_a_voted_draft_shows_its_ballots(seeded: None, public: None) -> None:
    body = Client().get("/drafts/s-2022-431/").content.decode()

    assert 'data-table="ballots"' in body
    assert "13 yes, 9 needed; China and the Russian Federation voted no: vetoed" in body
    assert body.count('data-vote="no"') == 2


def test_the_what_if_form_renders_the_overridden_state_without_javascript(
    seeded: None, public: None
) -> None:
    before = _p_adopted(Client().get(f"/drafts/{DPRK}/").content.decode())

    body = Client().get(f"/drafts/{DPRK}/?USA=abstain&FRA=abstain&GBR=abstain").content.decode()

    assert _p_adopted(body) > before
    assert 'data-whatif-active="1"' in body
    assert _seats(body)["USA"] == "abstain"
    assert '<option value="abstain" selected>' in body
    assert Position.objects.filter(draft__slug=DPRK, stance="abstain").count() == 0


def test_a_bad_what_if_is_explained_and_ignored(seeded: None, public: None) -> None:
    body = Client().get(f"/drafts/{DPRK}/?USA=maybe&BRA=yes").content.decode()

    assert "USA: &#x27;maybe&#x27; is not a stance." in body
    assert "What-if not applied: BRA is not on the Council" in body
    assert _seats(body)["USA"] == "no"


def test_the_panel_answers_the_what_if_and_sets_the_shareable_address(
    seeded: None, public: None
) -> None:
    response = Client().get(f"/drafts/{DPRK}/panel/?USA=abstain", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["HX-Replace-Url"] == f"/drafts/{DPRK}/?USA=abstain"
    body = response.content.decode()
    assert _seats(body)["USA"] == "abstain"
    assert "What-if (United States: abstain)" in body


def test_the_live_poll_answers_204_until_a_position_is_recorded(seeded: None, public: None) -> None:
    page = Client().get(f"/drafts/{DPRK}/").content.decode()
    since_found = re.search(r'"since": "([0-9a-f]+)"', page)
    after_found = re.search(r'"after": "([0-9]+)"', page)
    assert since_found is not None and after_found is not None
    since, after = since_found.group(1), after_found.group(1)
    poll = f"/drafts/{DPRK}/panel/?since={since}&after={after}"

    assert Client().get(poll).status_code == 204

    _record("USA", "abstain")
    response = Client().get(poll)

    assert response.status_code == 200
    body = response.content.decode()
    assert _seats(body)["USA"] == "abstain"
    assert 'id="live-status" hx-swap-oob="innerHTML">New position: United States: abstain.' in body
    assert 'id="live-poll"' in body and f'"since": "{since}"' not in body


def test_the_live_poll_stops_once_the_draft_is_no_longer_open(seeded: None, public: None) -> None:
    response = Client().get("/drafts/s-2022-431/panel/?since=abc&after=0")

    assert response.status_code == 286


def test_analysts_see_no_add_position_form(seeded: None, analyst_browser: Client) -> None:
    body = analyst_browser.get(f"/drafts/{DPRK}/").content.decode()

    assert "Add position" not in body
    response = analyst_browser.post(f"/drafts/{DPRK}/positions/add/", {})
    assert response.status_code == 403


def _form(**changes: str) -> dict[str, str]:
    data = {
        "member": "USA",
        "stance": "abstain",
        "confidence": "0.7",
        "as_of": "2019-12-31",
        "source": "Statement at the Council",
        "source_url": "",
    }
    data.update(changes)
    return data


def test_an_editor_records_a_position_through_the_service(
    seeded: None, editor_browser: Client
) -> None:
    body = editor_browser.get(f"/drafts/{DPRK}/").content.decode()
    assert "Add position" in body and 'name="csrfmiddlewaretoken"' in body

    response = editor_browser.post(f"/drafts/{DPRK}/positions/add/", _form())

    assert response.status_code == 302
    latest = Position.objects.filter(draft__slug=DPRK, member__code="USA").latest_first().first()
    assert latest is not None and latest.entered_by is not None
    assert (latest.stance, latest.source, latest.entered_by.username) == (
        "abstain",
        "Statement at the Council",
        "eddie",
    )
    assert "The position was recorded." in editor_browser.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"as_of": "2099-01-01"}, "as_of", "2099-01-01 is in the future."),
        ({"source": "   "}, "source", "This field is required."),
        ({"confidence": "1.5"}, "confidence", "less than or equal to 1"),
    ],
)
def test_an_editors_mistake_is_shown_next_to_the_field(
    seeded: None, editor_browser: Client, changes: dict[str, str], field: str, message: str
) -> None:
    count = Position.objects.count()

    response = editor_browser.post(f"/drafts/{DPRK}/positions/add/", _form(**changes))

    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(rf'id="id_{field}_error">[^<]*{re.escape(message)}', body), body[-3000:]
    assert Position.objects.count() == count


def test_the_add_position_form_needs_its_csrf_token(seeded: None, editor_browser: Client) -> None:
    editor_browser.handler.enforce_csrf_checks = True

    response = editor_browser.post(f"/drafts/{DPRK}/positions/add/", _form())

    assert response.status_code == 403


def test_the_share_image_is_the_seat_diagram_as_svg_and_png(seeded: None, public: None) -> None:
    page = Client().get(f"/drafts/{DPRK}/").content.decode()
    assert f'<meta property="og:image" content="http://testserver/drafts/{DPRK}/share.png">' in page

    svg = Client().get(f"/drafts/{DPRK}/share.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)
    assert root.get("width") == "1200" and root.get("height") == "630"
    assert svg.content.count(b"data-member=") == 15

    png = Client().get(f"/drafts/{DPRK}/share.png")
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png.content[16:20]), int.from_bytes(png.content[20:24])
    assert (width, height) == (1200, 630)


def test_the_embed_may_be_framed_by_other_sites_and_the_pages_may_not(
    seeded: None, public: None
) -> None:
    embed = Client().get(f"/embed/drafts/{DPRK}/")
    page = Client().get(f"/drafts/{DPRK}/")

    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    assert embed.content.decode().count('data-member="') == 15
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"

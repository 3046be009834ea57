"""The site in a real browser: the 2019 DPRK draft's seats, a what-if, a live update, the
1960 Council, no console error or CSP violation anywhere, and screenshots of every page at
1280 and 375 pixels in ``artifacts/screenshots/`` (git-ignored)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS

DPRK = "dprk-relief-2019"
SEED_STANCES = {"USA": "no", "FRA": "no", "GBR": "no", "RUS": "yes", "CHN": "yes"}


def _p_adopted(page: Page) -> float:
    value = page.locator("#panel .numbers__big").get_attribute("data-p-adopted")
    assert value is not None
    return float(value)


def _seats(page: Page) -> dict[str, str]:
    seats = page.locator("#panel svg.seat-diagram [data-member]")
    return {
        seat.get_attribute("data-member") or "": seat.get_attribute("data-stance") or ""
        for seat in seats.all()
    }


def test_the_2019_dprk_draft_shows_fifteen_seats_with_the_seeds_stances(
    site: str, page: Page, console_errors: list[str]
) -> None:
    page.goto(f"{site}/drafts/{DPRK}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("easing sanctions on the DPRK")
    seats = _seats(page)
    assert len(seats) == 15
    for code, stance in SEED_STANCES.items():
        assert seats[code] == stance
    expect(page.get_by_role("img", name="2 yes, 9 needed: it would fail")).to_be_visible()
    expect(page.locator("#panel [data-p-adopted]")).to_have_text("under 0.1%")


def test_a_what_if_change_moves_the_probability_and_the_address(
    site: str, page: Page, console_errors: list[str]
) -> None:
    page.goto(f"{site}/drafts/{DPRK}/")
    before = _p_adopted(page)

    for code in ("USA", "FRA", "GBR"):
        page.select_option(f"#whatif-{code}", "abstain")
        expect(page.locator(f'#panel svg [data-member="{code}"]')).to_have_attribute(
            "data-stance", "abstain"
        )

    after = _p_adopted(page)
    assert after > before
    assert "USA=abstain" in page.url and "FRA=abstain" in page.url
    expect(page.locator("#live-status")).to_contain_text("What-if")

    # Clicking a seat cycles its choice: from "as recorded" to yes.
    page.locator('#panel svg [data-member="RUS"][data-whatif]').click()
    expect(page.locator('#panel svg [data-member="RUS"]')).to_have_attribute("data-stance", "yes")
    expect(page.locator("#whatif-RUS")).to_have_value("yes")

    # The shared address renders the same state on its own.
    page.goto(page.url)
    assert _p_adopted(page) == after


def test_a_position_recorded_through_the_api_appears_without_a_reload(
    site: str, page: Page, console_errors: list[str]
) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    editor = get_user_model().objects.create_user("eddie", "e@example.org", None)
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    token = Token.objects.create(user=editor)
    from django.utils import timezone

    from members.models import Composition

    # The open 2019 draft is decided by today's Council: take one of its elected members.
    today = timezone.localdate()
    member = next(m for m in Composition.on(today).members if not m.permanent)
    seat = page.locator(f'#panel svg [data-member="{member.code}"]')
    page.goto(f"{site}/drafts/{DPRK}/")
    page.evaluate("window.__notReloaded = true")
    expect(seat).to_have_attribute("data-stance", "undecided")

    response = page.request.post(
        f"{site}/api/v1/drafts/{DPRK}/positions/",
        headers={"Authorization": f"Token {token.key}", "Content-Type": "application/json"},
        data=json.dumps(
            {
                "member": member.code,
                "stance": "yes",
                "confidence": 0.9,
                "as_of": today.isoformat(),
                "source": f"Statement of the mission of {member.name}",
            }
        ),
    )
    assert response.status == 201, response.text()

    expect(seat).to_have_attribute("data-stance", "yes", timeout=15_000)
    expect(page.locator("#live-status")).to_contain_text(f"New position: {member.name}: yes")
    assert page.evaluate("window.__notReloaded") is True


def test_the_1960_council_shows_eleven_seats(
    transactional_db: None, live_server: Any, settings: Any, page: Page, console_errors: list[str]
) -> None:
    from members.models import Composition
    from tests.factories import MemberFactory, TermFactory

    settings.API_PUBLIC_READ = True
    day = dt.date(1960, 6, 1)
    known = Composition.on(day)
    if not known.permanent:
        for code in ("QCH", "QFR", "QSU", "QGB", "QUS"):
            TermFactory.create(member=MemberFactory.create(code=code, permanent=True))
    for index in range(11 - Composition.on(day).known):
        TermFactory.create(
            member=MemberFactory.create(code=f"QE{chr(65 + index)}"),
            start=dt.date(1959, 1, 1),
            end=dt.date(1960, 12, 31),
        )

    page.goto(f"{live_server.url}/members/?on=1960-06-01")

    expect(page.locator("svg.seat-diagram--council .seat")).to_have_count(11)
    expect(page.locator("svg.seat-diagram--council .seat--permanent")).to_have_count(5)
    expect(page.get_by_role("img", name="11 seats, 7 votes needed", exact=False)).to_be_visible()


def _pages(vote_id: int) -> list[tuple[str, str]]:
    return [
        ("dashboard", "/"),
        ("drafts", "/drafts/"),
        ("draft", f"/drafts/{DPRK}/"),
        ("draft-whatif", f"/drafts/{DPRK}/?USA=abstain&FRA=abstain&GBR=abstain"),
        ("draft-voted", "/drafts/s-2022-431/"),
        ("embed", f"/embed/drafts/{DPRK}/"),
        ("members", "/members/?on=2019-12-16"),
        ("member", "/members/USA/"),
        ("compare", "/members/compare/?a=USA&b=RUS"),
        ("votes", "/votes/"),
        ("vote", f"/votes/{vote_id}/"),
        ("sectors", "/sectors/"),
        ("sector", "/sectors/seafood/"),
        ("sign-in", "/sign-in/"),
        ("not-found", "/no-such-page/"),
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_loads_cleanly_and_is_captured(
    site: str, page: Page, console_errors: list[str], width: int, settings: Any
) -> None:
    from votes.models import RecordedVote

    settings.DEBUG = False  # the site's own 404 page
    vote = RecordedVote.objects.get(draft__symbol="S/2022/431")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in _pages(vote.pk):
        seen = len(console_errors)
        response = page.goto(site + path)
        assert response is not None
        assert response.status == (404 if name == "not-found" else 200), path
        if name == "not-found":
            # The browser logs the page's own 404 status; nothing else may go wrong there.
            assert all("status of 404" in e for e in console_errors[seen:]), console_errors
            del console_errors[seen:]
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways at {width} pixels"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    # 204 answers of the live poll are no errors: the page was open long enough for one.
    page.goto(f"{site}/drafts/{DPRK}/")
    page.wait_for_timeout(5_500)

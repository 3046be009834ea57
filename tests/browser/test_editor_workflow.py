"""An editor who is not a superuser, in a real browser: signs in to the admin, enters fifteen
positions on the 2019 DPRK draft in its positions grid, then records the vote, and sees the
outcome the engine read and the draft's new status. No console error or CSP violation."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from resolutions.models import Draft
from tests.api.conftest import SEED_TODAY
from tests.browser.conftest import ARTIFACTS
from votes.models import Position, RecordedVote

PASSWORD = "editor's long passphrase 2026"
ABSTAINING = {"DNK", "GRC", "PAK"}


@pytest.fixture
def editor_login(site: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    # The live server runs in this process: "today" is 2026-12-02 for it too.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: SEED_TODAY)
    user = get_user_model().objects.create_user("edna", "edna@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name="editor"))
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    return "edna", PASSWORD


def test_an_editor_enters_fifteen_positions_and_records_the_vote(
    site: str, page: Page, console_errors: list[str], editor_login: tuple[str, str]
) -> None:
    draft = Draft.objects.get(slug="dprk-relief-2019")
    before = Position.objects.filter(draft=draft).count()
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill(editor_login[0])
    page.get_by_label("Password").fill(editor_login[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Drafts", exact=True)).to_be_visible()

    page.goto(f"{site}/admin/resolutions/draft/{draft.pk}/change/")
    page.get_by_role("link", name="Enter positions").click()
    rows = page.locator("#positions tbody tr")
    expect(rows).to_have_count(15)
    codes = [rows.nth(i).get_attribute("data-member") or "" for i in range(15)]
    for i, code in enumerate(codes):
        row = rows.nth(i)
        row.locator("select").select_option("abstain" if code in ABSTAINING else "yes")
        row.locator("input[name$='-confidence']").fill("0.9")
        row.locator("input[name$='-as_of']").fill("2026-12-01")
        row.locator("input[name$='-source']").fill(f"Statement of {code}, 2026-12-01")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-positions-grid.png"), full_page=True)
    page.get_by_role("button", name="Save the changed positions").click()

    expect(page.locator(".messagelist")).to_contain_text("15 position(s) recorded")
    assert Position.objects.filter(draft=draft).count() == before + 15
    assert set(
        Position.objects.filter(draft=draft, entered_by__username="edna").values_list(
            "member__code", flat=True
        )
    ) == set(codes)

    page.get_by_role("link", name="Record the vote").click()
    ballots = page.locator("#ballots tbody tr")
    expect(ballots).to_have_count(15)
    # The ballots are pre-filled from the firm stances just entered.
    expect(page.locator("#ballots tr.row-DNK select")).to_have_value("abstain")
    expect(page.locator("#ballots tr.row-USA select")).to_have_value("yes")
    page.get_by_label("Meeting record").fill("S/PV.9999")
    page.get_by_label("Resolution number").fill("2811")
    page.get_by_role("button", name="Record the vote").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Vote recorded: adopted 12-0-3 as resolution 2811. The draft is now adopted."
    )
    expect(page.locator(".field-status select")).to_have_value("adopted")
    page.screenshot(path=str(ARTIFACTS / "admin-vote-recorded.png"), full_page=True)
    recorded = RecordedVote.objects.get(draft=draft)
    assert (recorded.outcome, recorded.resolution_number) == ("adopted", 2811)

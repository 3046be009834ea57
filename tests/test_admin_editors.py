"""The admin as an editor who is not a superuser uses it: the positions grid of a draft, the
record of its vote, bulk actions on drafts, the lists, "View on site", and projections that
nobody deletes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Composition
from resolutions.models import Draft
from tests.admin_forms import error_texts, form_data, staff_client
from tests.api.conftest import SEED_TITLE_2019, SEED_TODAY
from votes.models import Position, Projection, RecordedVote
from votes.projections import projection_refresh

COUNCIL_2026 = ["CHN", "FRA", "RUS", "GBR", "USA"]


@pytest.fixture
def editor(db: None) -> Client:
    return staff_client("edith", "editor")


@pytest.fixture
def seed_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Today is 2026-12-02: the seed's terms are complete until the end of 2026."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: SEED_TODAY)
    return SEED_TODAY


@pytest.fixture
def draft(seeded: None, seed_today: dt.date) -> Draft:
    return Draft.objects.get(symbol=None, title=SEED_TITLE_2019)


def entered_by(row: Position | RecordedVote) -> str:
    """The username of whoever entered ``row`` (an entry of the admin has one)."""
    assert row.entered_by is not None
    return row.entered_by.username


def _grid(client: Client, draft: Draft) -> tuple[str, dict[str, str]]:
    page = client.get(reverse("admin:resolutions_draft_positions", args=[draft.pk]))
    assert page.status_code == 200, page.content[:500]
    text = page.content.decode()
    return text, form_data(text, "positions-form")


def _row(data: dict[str, str], code: str) -> int:
    return next(
        int(m.group(1))
        for name, value in data.items()
        if (m := re.fullmatch(r"rows-(\d+)-member", name)) and value == code
    )


def test_the_grid_has_one_row_per_seated_member_permanent_first_with_current_stances(
    editor: Client, draft: Draft
) -> None:
    _, data = _grid(editor, draft)

    codes = [data[f"rows-{i}-member"] for i in range(int(data["rows-TOTAL_FORMS"]))]
    seated = Composition.on(dt.date(2026, 12, 2))
    assert codes == [m.code for m in seated.members]
    assert len(codes) == 15
    assert set(codes[:5]) == set(COUNCIL_2026)
    usa = _row(data, "USA")
    current = Position.objects.filter(draft=draft, member__code="USA").latest_first().first()
    assert current is not None
    assert data[f"rows-{usa}-stance"] == current.stance
    assert data[f"rows-{usa}-as_of"] == current.as_of.isoformat()


def test_saving_the_grid_records_only_the_rows_that_changed_in_one_go(
    editor: Client, draft: Draft
) -> None:
    _, data = _grid(editor, draft)
    before = Position.objects.count()
    dnk, pak = _row(data, "DNK"), _row(data, "PAK")
    data.update(
        {
            f"rows-{dnk}-stance": "leaning_no",
            f"rows-{dnk}-confidence": "0.6",
            f"rows-{dnk}-source": "Statement of Denmark",
            f"rows-{pak}-stance": "yes",
            f"rows-{pak}-source": "Statement of Pakistan",
        }
    )

    response = editor.post(reverse("admin:resolutions_draft_positions", args=[draft.pk]), data)

    assert response.status_code == 302
    assert Position.objects.count() == before + 2
    new = Position.objects.filter(draft=draft, member__code__in=["DNK", "PAK"])
    assert {(p.member.code, p.stance, entered_by(p)) for p in new} == {
        ("DNK", "leaning_no", "edith"),
        ("PAK", "yes", "edith"),
    }
    messages = error_texts(editor.get(response["Location"]).content.decode())
    assert any("2 position(s) recorded" in m for m in messages), messages


def test_a_refused_row_shows_its_error_next_to_the_field_and_nothing_is_recorded(
    editor: Client, draft: Draft
) -> None:
    _, data = _grid(editor, draft)
    before = Position.objects.count()
    dnk, pak = _row(data, "DNK"), _row(data, "PAK")
    data.update(
        {
            f"rows-{dnk}-stance": "yes",
            f"rows-{dnk}-source": "Statement of Denmark",
            f"rows-{pak}-stance": "no",
            f"rows-{pak}-source": "",
        }
    )

    response = editor.post(reverse("admin:resolutions_draft_positions", args=[draft.pk]), data)

    assert response.status_code == 200
    page = response.content.decode()
    row = re.search(r'<tr class="errors row-PAK".*?</tr>', page, re.S)
    assert row and "Say where this position comes from." in row.group(0)
    assert Position.objects.count() == before


def _vote_page(client: Client, draft: Draft) -> dict[str, str]:
    page = client.get(reverse("admin:resolutions_draft_record_vote", args=[draft.pk]))
    assert page.status_code == 200, page.content[:500]
    return form_data(page.content.decode(), "vote-form")


def _ballots(data: dict[str, str], vote: str = "yes", **others: str) -> dict[str, str]:
    ballots = {name: vote for name in data if name.startswith("ballot_")}
    ballots.update({f"ballot_{code}": v for code, v in others.items()})
    return {**data, **ballots}


def test_recording_a_vote_stores_the_engines_outcome_and_the_drafts_status_follows(
    editor: Client, draft: Draft
) -> None:
    data = _vote_page(editor, draft)
    assert len([n for n in data if n.startswith("ballot_")]) == 15
    assert data["voted_on"] == "2026-12-02"

    data = _ballots(data, RUS="no", meeting_record="S/PV.9999")
    data["meeting_record"] = "S/PV.9999"
    response = editor.post(reverse("admin:resolutions_draft_record_vote", args=[draft.pk]), data)

    assert response.status_code == 302, error_texts(response.content.decode())
    recorded = RecordedVote.objects.get(draft=draft)
    assert (recorded.outcome, recorded.yes, recorded.no, entered_by(recorded)) == (
        "vetoed",
        14,
        1,
        "edith",
    )
    assert list(recorded.vetoed_by.values_list("code", flat=True)) == ["RUS"]
    draft.refresh_from_db()
    assert (draft.status, draft.vote_on) == ("vetoed", dt.date(2026, 12, 2))
    messages = error_texts(editor.get(response["Location"]).content.decode())
    assert any("Vote recorded: vetoed 14-1-0. The draft is now vetoed." in m for m in messages)


def test_an_adopted_vote_keeps_the_resolution_number(editor: Client, draft: Draft) -> None:
    data = _ballots(_vote_page(editor, draft), resolution_number="2811")
    data["resolution_number"] = "2811"

    response = editor.post(reverse("admin:resolutions_draft_record_vote", args=[draft.pk]), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.resolution_number) == ("adopted", 2811)
    assert RecordedVote.objects.get(draft=draft).resolution_number == 2811


def test_a_missing_ballot_or_a_number_for_a_failed_draft_is_refused_next_to_the_field(
    editor: Client, draft: Draft
) -> None:
    url = reverse("admin:resolutions_draft_record_vote", args=[draft.pk])
    data = _ballots(_vote_page(editor, draft))
    data["ballot_DNK"] = ""

    page = editor.post(url, data).content.decode()

    row = re.search(r'<tr class="row-DNK".*?</tr>', page, re.S)
    assert row and "needs exactly one ballot" in row.group(0)
    failing = _ballots(data, vote="abstain")
    failing["resolution_number"] = "2812"
    page = editor.post(url, failing).content.decode()
    field = re.search(r'field-resolution_number">(.*?)</div>', page, re.S)
    assert field and "only an adopted draft becomes a resolution" in field.group(1)
    assert not RecordedVote.objects.filter(draft=draft).exists()
    draft.refresh_from_db()
    assert draft.status == "in_negotiation" or draft.is_open


def _action(client: Client, action: str, drafts: list[Draft], **extra: str) -> Any:
    return client.post(
        reverse("admin:resolutions_draft_changelist"),
        {"action": action, "_selected_action": [d.pk for d in drafts], **extra},
    )


def test_bulk_actions_set_the_status_mark_in_blue_and_schedule_a_vote(
    editor: Client, draft: Draft
) -> None:
    other = Draft.objects.exclude(pk=draft.pk).filter(status="drafting").first() or draft

    form = _action(editor, "set_status", [draft, other])
    assert form.status_code == 200
    assert "New status" in form.content.decode()
    done = _action(editor, "set_status", [draft, other], apply="1", status="in_negotiation")
    assert done.status_code == 302
    assert set(
        Draft.objects.filter(pk__in=[draft.pk, other.pk]).values_list("status", flat=True)
    ) == {"in_negotiation"}

    assert _action(editor, "mark_in_blue", [draft]).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "in_blue"

    early = _action(editor, "schedule_vote", [draft], apply="1", vote_on="2019-01-01")
    messages = error_texts(editor.get(early["Location"]).content.decode())
    assert any("was not changed" in m and "before the draft was circulated" in m for m in messages)
    draft.refresh_from_db()
    assert draft.vote_on is None
    _action(editor, "schedule_vote", [draft], apply="1", vote_on="2026-12-15")
    draft.refresh_from_db()
    assert draft.vote_on == dt.date(2026, 12, 15)


def test_positions_are_listed_with_the_columns_an_editor_scans_and_are_view_only(
    editor: Client, draft: Draft
) -> None:
    page = editor.get(reverse("admin:votes_position_changelist")).content.decode()

    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert headers[:5] == ["member", "stance", "confidence", "as_of", "short_source"]
    assert "entered_by" in headers
    index = editor.get(reverse("admin:index")).content.decode()
    positions = re.search(r'<tr class="model-position">.*?</tr>', index, re.S)
    assert positions and ">View<" in positions.group(0) and ">Change<" not in positions.group(0)
    position = Position.objects.filter(draft=draft).first()
    assert position is not None
    change = editor.get(reverse("admin:votes_position_change", args=[position.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()


def test_view_on_site_opens_the_sites_pages(editor: Client, draft: Draft) -> None:
    page = editor.get(reverse("admin:resolutions_draft_change", args=[draft.pk])).content.decode()
    link = re.search(r'href="([^"]+)" class="viewsitelink"', page)
    assert link, "no View on site link"
    assert editor.get(link.group(1))["Location"].endswith(f"/drafts/{draft.slug}/")
    member = Composition.on(dt.date(2026, 12, 2)).members[0]
    page = editor.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    link = re.search(r'href="([^"]+)" class="viewsitelink"', page)
    assert link
    assert editor.get(link.group(1))["Location"].endswith(f"/members/{member.code}/")


def test_nobody_deletes_a_projection_not_even_a_superuser(draft: Draft) -> None:
    projection = projection_refresh(draft_id=draft.pk)
    assert projection is not None
    root = get_user_model().objects.create_superuser("root", "root@example.org", None)
    client = Client()
    client.force_login(root)

    url = reverse("admin:votes_projection_delete", args=[projection.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Projection.objects.filter(pk=projection.pk).exists()
    changelist = client.get(reverse("admin:votes_projection_changelist")).content.decode()
    assert "delete_selected" not in changelist

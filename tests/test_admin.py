"""The admin, as an editor uses it: pages, search and filters, recording a position, and the
append-only history that cannot be edited or deleted."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Composition, Member, Term
from resolutions.models import Draft, Resolution, Sponsorship
from tests.factories import (
    DraftFactory,
    MemberFactory,
    SanctionsRegimeFactory,
)
from votes.models import Position, RecordedVote
from votes.services import recorded_vote_create

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse


@pytest.fixture
def admin_user(db: None, django_user_model: type[User]) -> User:
    """pytest-django's superuser, without a password: hashing one costs most of a second per
    test, and ``admin_client`` logs in by session anyway."""
    return django_user_model.objects.create_superuser("admin", "admin@example.com", None)


@pytest.fixture
def dprk_2019(seeded: None) -> Draft:
    return Draft.objects.get(regime__slug="dprk-1718", circulated_on=dt.date(2019, 12, 16))


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _result_rows(page: str) -> list[list[str]]:
    """The changelist's rows as the editor reads them, one list of cell texts per row."""
    table = re.search(r'<table id="result_list">(.*?)</table>', page, re.S)
    assert table, "the page has no result list"
    body = table.group(1).split("</thead>", 1)[1]
    return [
        [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def _column(page: str, css_field: str) -> list[str]:
    return [
        _text(cell)
        for cell in re.findall(
            rf'<t[hd] class="field-{re.escape(css_field)}[^"]*">(.*?)</t[hd]>', page, re.S
        )
    ]


def _position_form(draft: Draft, member: Member, **overrides: object) -> dict[str, object]:
    data = {
        "draft": draft.pk,
        "member": member.pk,
        "stance": "leaning_no",
        "confidence": "0.6",
        "as_of": "2019-12-31",
        "source": "Statement to the press, 2019-12-31",
        "source_url": "",
    }
    data.update(overrides)
    return data


def test_the_admin_index_and_every_changelist_load(seeded: None, admin_client: Client) -> None:
    index = admin_client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "UN Security Council sanctions tracker" in index.content.decode()

    failing = {}
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        status = admin_client.get(url).status_code
        if status != 200:
            failing[url] = status
    assert failing == {}
    registered = {model._meta.label for model in admin.site._registry}
    assert {
        "members.Member",
        "members.Term",
        "resolutions.SanctionsRegime",
        "resolutions.Resolution",
        "resolutions.Sector",
        "resolutions.Measure",
        "resolutions.Draft",
        "resolutions.DraftVersion",
        "resolutions.Provision",
        "votes.Position",
        "votes.RecordedVote",
        "votes.Projection",
    } <= registered


def test_every_models_change_page_loads_for_a_seeded_row(
    seeded: None, admin_client: Client
) -> None:
    failing = {}
    for model in admin.site._registry:
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        status = admin_client.get(url).status_code
        if status != 200:
            failing[url] = status
    assert failing == {}


def test_the_draft_page_shows_its_six_provisions(dprk_2019: Draft, admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:resolutions_draft_change", args=[dprk_2019.pk]))

    assert page.status_code == 200
    content = page.content.decode()
    chosen = {
        (_text(sector), action)
        for sector, action in re.findall(
            r'<select name="provisions-\d+-sector".*?<option value="\d+" selected>([^<]*)</option>'
            r'.*?<select name="provisions-\d+-action".*?<option value="(\w+)" selected>',
            content,
            re.S,
        )
    }
    assert chosen == {
        ("Statues", "lift"),
        ("Seafood", "lift"),
        ("Textiles", "lift"),
        ("DPRK nationals working overseas", "ease"),
        ("Infrastructure projects (inter-Korean rail and road)", "ease"),
        ("Industrial machinery, transport vehicles, iron, steel and other metals", "ease"),
    }
    assert "lift the export ban imposed by resolution 2321" in content
    assert "exempt inter-Korean rail and road cooperation projects from sanctions" in content


def test_the_draft_page_shows_the_current_position_of_each_of_the_15_members(
    dprk_2019: Draft, admin_client: Client
) -> None:
    # An older position of Belgium, entered later, must not show: only the current one does.
    Position.objects.create(
        draft=dprk_2019,
        member=Member.objects.by_code("BEL"),
        stance="yes",
        confidence="0.4",
        as_of=dt.date(2019, 12, 17),
        source="Older report, entered late",
    )

    page = admin_client.get(reverse("admin:resolutions_draft_change", args=[dprk_2019.pk]))

    content = page.content.decode()
    # Each inline row opens with the position as text, e.g. "FRA: No (2019-12-30)".
    rows = re.findall(
        r'<td class="original">\s*<p>\s*([A-Z]{3}): ([^(<]+?) \(\d{4}-\d\d-\d\d\)', content
    )
    assert len(rows) == 15
    assert dict(rows) == {
        "USA": "No",
        "FRA": "No",
        "GBR": "No",
        "RUS": "Yes",
        "CHN": "Yes",
        **dict.fromkeys(
            ["BEL", "CIV", "DOM", "GNQ", "DEU", "IDN", "KWT", "PER", "POL", "ZAF"], "Undecided"
        ),
    }
    names = _column(content, "member")
    for name in ["United States", "Russian Federation", "Côte d'Ivoire", "South Africa"]:
        assert name in names
    assert "Older report, entered late" not in content
    assert "Enter positions" in content
    assert "Record the vote" in content


def test_searching_the_drafts_finds_the_dprk_drafts(seeded: None, admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:resolutions_draft_changelist"), {"q": "DPRK"})

    titles = [row[1] for row in _result_rows(page.content.decode())]
    # Long titles are cut short so the columns after them stay on screen.
    assert sorted(titles) == [
        "S/2022/431: DPRK non-proliferation (sanctions)",
        "Unnumbered draft: Draft resolution easing sanctions on the …",
    ]


def test_filtering_the_drafts_by_status_shows_only_the_vetoed(
    seeded: None, admin_client: Client
) -> None:
    page = admin_client.get(
        reverse("admin:resolutions_draft_changelist"), {"status__exact": "vetoed"}
    )

    rows = _result_rows(page.content.decode())
    assert {row[2] for row in rows} == {"Vetoed"}
    assert sorted(row[1].split(":")[0] for row in rows) == [
        "S/2017/1060",
        "S/2017/172",
        "S/2018/516",
        "S/2019/186",
        "S/2019/756",
        "S/2019/961",
        "S/2022/155",
        "S/2022/431",
    ]


def test_searching_and_filtering_the_positions(seeded: None, admin_client: Client) -> None:
    url = reverse("admin:votes_position_changelist")

    belgium = _column(admin_client.get(url, {"q": "BEL"}).content.decode(), "member")
    opposed = _column(admin_client.get(url, {"stance__exact": "no"}).content.decode(), "member")
    permanent = _column(
        admin_client.get(url, {"member__permanent__exact": "1"}).content.decode(), "member"
    )

    assert belgium == ["Belgium"]
    assert sorted(opposed) == ["France", "United Kingdom", "United States"]
    assert sorted(permanent) == [
        "China",
        "France",
        "Russian Federation",
        "United Kingdom",
        "United States",
    ]


def test_a_position_for_a_member_not_on_the_council_is_refused_next_to_the_field(
    dprk_2019: Draft, admin_client: Client
) -> None:
    before = Position.objects.count()

    response = admin_client.post(
        reverse("admin:votes_position_add"),
        _position_form(dprk_2019, Member.objects.by_code("JPN")),
    )

    assert response.status_code == 200
    member_row = re.search(
        r'<div class="form-row errors field-member">(.*?)<label', response.content.decode(), re.S
    )
    assert member_row, "the member field is not marked as having an error"
    assert "Japan is not on the Security Council on 2019-12-31." in _text(member_row.group(1))
    assert Position.objects.count() == before


def test_a_confidence_above_one_is_refused_next_to_the_field(
    dprk_2019: Draft, admin_client: Client
) -> None:
    before = Position.objects.count()

    response = admin_client.post(
        reverse("admin:votes_position_add"),
        _position_form(dprk_2019, Member.objects.by_code("BEL"), confidence="1.2"),
    )

    confidence_row = re.search(
        r'<div class="form-row errors field-confidence">(.*?)<label',
        response.content.decode(),
        re.S,
    )
    assert confidence_row, "the confidence field is not marked as having an error"
    assert _text(confidence_row.group(1)) == "Confidence must be between 0 and 1, not 1.2."
    assert Position.objects.count() == before


def test_a_valid_position_is_recorded_as_entered_by_the_editor(
    dprk_2019: Draft, admin_client: Client, admin_user: User
) -> None:
    response = admin_client.post(
        reverse("admin:votes_position_add"),
        _position_form(dprk_2019, Member.objects.by_code("DEU")),
    )

    assert response.status_code == 302
    position = Position.objects.filter(draft=dprk_2019, member__code="DEU").latest_first().first()
    assert position is not None
    assert (position.stance, str(position.confidence), position.as_of) == (
        "leaning_no",
        "0.600",
        dt.date(2019, 12, 31),
    )
    assert position.source == "Statement to the press, 2019-12-31"
    assert position.entered_by == admin_user
    assert Position.objects.filter(draft=dprk_2019, member__code="DEU").count() == 2
    current = Position.objects.filter(draft=dprk_2019, member__code="DEU").current().get()
    assert current == position


def test_a_position_cannot_be_deleted_or_edited_in_the_admin(
    dprk_2019: Draft, admin_client: Client
) -> None:
    position = Position.objects.filter(draft=dprk_2019, member__code="USA").get()

    delete = admin_client.get(reverse("admin:votes_position_delete", args=[position.pk]))
    change_url = reverse("admin:votes_position_change", args=[position.pk])
    view = admin_client.get(change_url)
    post = admin_client.post(change_url, _position_form(dprk_2019, position.member, stance="yes"))
    changelist = admin_client.get(reverse("admin:votes_position_changelist"))

    assert delete.status_code == 403
    assert view.status_code == 200
    content = view.content.decode()
    assert "<h1>View position</h1>" in content
    assert 'name="_save"' not in content
    assert "deletelink" not in content
    assert post.status_code == 403
    assert Position.objects.get(pk=position.pk).stance == "no"
    assert "delete_selected" not in changelist.content.decode()


def test_a_recorded_vote_cannot_be_added_deleted_or_edited_in_the_admin(
    seeded: None, admin_client: Client
) -> None:
    recorded = RecordedVote.objects.get(draft__symbol="S/2019/961")

    add = admin_client.get(reverse("admin:votes_recordedvote_add"))
    delete = admin_client.get(reverse("admin:votes_recordedvote_delete", args=[recorded.pk]))
    change_url = reverse("admin:votes_recordedvote_change", args=[recorded.pk])
    view = admin_client.get(change_url)
    post = admin_client.post(change_url, {"subject": "Edited", "voted_on": "2019-12-20"})

    assert add.status_code == 403
    assert delete.status_code == 403
    assert post.status_code == 403
    content = view.content.decode()
    assert "<h1>View recorded vote</h1>" in content
    assert 'name="_save"' not in content
    assert "vetoed 13-2-0 (vetoed by CHN, RUS)" in content
    assert len(_column(content, "member")) == 15
    assert RecordedVote.objects.get(pk=recorded.pk).subject == recorded.subject


def _drafts_with_sponsors(count: int) -> None:
    for _ in range(count):
        draft = DraftFactory.create(title="Querycount draft")
        for penholder in (True, False):
            Sponsorship.objects.create(
                draft=draft, member=MemberFactory.create(), penholder=penholder
            )


def _queries_for(client: Client, url: str, params: dict[str, str], rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(_result_rows(response.content.decode())) == rows
    return len(queries)


def test_the_drafts_changelist_costs_the_same_queries_for_2_and_20_drafts(
    db: None, admin_client: Client
) -> None:
    url = reverse("admin:resolutions_draft_changelist")
    params = {"q": "Querycount"}  # only this test's drafts, with or without the seed
    _drafts_with_sponsors(2)
    admin_client.get(url, params)  # the session and caches, once

    with_2 = _queries_for(admin_client, url, params, rows=2)
    _drafts_with_sponsors(18)
    with_20 = _queries_for(admin_client, url, params, rows=20)

    assert with_20 == with_2


def test_the_positions_changelist_costs_the_same_queries_for_2_and_20_positions(
    db: None, admin_client: Client
) -> None:
    url = reverse("admin:votes_position_changelist")
    params = {"q": "Querycount"}
    draft = DraftFactory.create(title="Querycount draft")

    def positions(count: int) -> None:
        for _ in range(count):
            Position.objects.create(
                draft=draft,
                member=MemberFactory.create(),
                stance="yes",
                confidence="0.5",
                as_of=dt.date(2019, 12, 30),
                source="test",
            )

    positions(2)
    admin_client.get(url, params)

    with_2 = _queries_for(admin_client, url, params, rows=2)
    positions(18)
    with_20 = _queries_for(admin_client, url, params, rows=20)

    assert with_20 == with_2


def test_the_resolutions_changelist_costs_the_same_queries_for_2_and_20_resolutions(
    db: None, admin_client: Client
) -> None:
    url = reverse("admin:resolutions_resolution_changelist")
    params = {"q": "Querycount"}

    def resolutions(count: int) -> None:
        for _ in range(count):
            regime = SanctionsRegimeFactory.create()
            Resolution.objects.create(
                number=regime.resolution + 1000,
                adopted_on=dt.date(2017, 12, 22),
                regime=regime,
                press_release="Querycount",
            )

    resolutions(2)
    admin_client.get(url, params)

    with_2 = _queries_for(admin_client, url, params, rows=2)
    resolutions(18)
    with_20 = _queries_for(admin_client, url, params, rows=20)

    assert with_20 == with_2


def test_the_recorded_votes_changelist_costs_the_same_queries_for_2_and_12_votes(
    seeded: None, admin_client: Client
) -> None:
    url = reverse("admin:votes_recordedvote_changelist")
    params = {"q": "Querycount"}
    day = dt.date(2021, 3, 1)
    ballots = dict.fromkeys(Composition.on(day).codes, "yes")
    numbers = iter(range(9001, 9100))

    def votes(count: int) -> None:
        for _ in range(count):
            recorded_vote_create(
                voted_on=day,
                ballots=ballots,
                resolution_number=next(numbers),
                subject="Querycount vote",
            )

    votes(2)
    admin_client.get(url, params)

    with_2 = _queries_for(admin_client, url, params, rows=2)
    votes(10)
    with_12 = _queries_for(admin_client, url, params, rows=12)

    assert with_12 == with_2


def _member_form(name: str, code: str, terms: list[tuple[str, str]]) -> dict[str, str]:
    """The member page as submitted with new terms in its inline (no terms shown before)."""
    data = {
        "name": name,
        "code": code,
        "terms-TOTAL_FORMS": str(len(terms)),
        "terms-INITIAL_FORMS": "0",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, (start, end) in enumerate(terms):
        data |= {f"terms-{i}-start": start, f"terms-{i}-end": end, f"terms-{i}-source": "test"}
    return data


def _errors(response: _MonkeyPatchedWSGIResponse) -> list[str]:
    """Every error message the page shows, wherever it is."""
    page = response.content.decode()
    return [
        _text(item)
        for block in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def test_a_new_elected_member_cannot_be_given_an_open_ended_term_in_the_admin(
    seeded: None, admin_client: Client
) -> None:
    # Term.clean() checks the member only once it has an id; a member added with its terms
    # on one page has none yet when the terms are validated.
    terms_before = Term.objects.count()

    response = admin_client.post(
        reverse("admin:members_member_add"),
        _member_form("Palau", "PLW", [("2030-01-01", "")]),
    )

    assert response.status_code == 200, "the member and its open-ended term were saved"
    assert "Palau is an elected member: its term needs an end date." in _errors(response)
    assert not Member.objects.filter(code="PLW").exists()
    assert Term.objects.count() == terms_before


def test_two_overlapping_terms_added_together_in_the_admin_are_refused(
    seeded: None, admin_client: Client
) -> None:
    # Each term is checked against the terms already saved, so two new ones never meet.
    member = MemberFactory.create(name="Palau", code="PLW")

    response = admin_client.post(
        reverse("admin:members_member_change", args=[member.pk]),
        _member_form("Palau", "PLW", [("2030-01-01", "2031-12-31"), ("2031-01-01", "2032-12-31")]),
    )

    assert response.status_code == 200, "both overlapping terms were saved"
    assert any("Palau already has a term that overlaps this one" in e for e in _errors(response))
    assert not member.terms.exists()

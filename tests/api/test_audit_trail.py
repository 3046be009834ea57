"""The audit trail: every change to a draft, its positions, a member, its names and terms is
kept (django-simple-history) and read through the API, who, when and what changed (field, old,
new), newest first and paginated; and in the admin's "History"."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from members.models import Term
from resolutions.models import Draft
from tests.api.conftest import API
from votes.models import Position


def _patch(client: APIClient, url: str, body: dict[str, Any]) -> None:
    etag = client.get(url)["ETag"]
    response = client.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content


def test_a_drafts_history_says_who_changed_what_and_lists_its_positions(
    draft_2019: Draft, editor_client: APIClient, analyst_client: APIClient
) -> None:
    url = f"{API}drafts/{draft_2019.slug}/"
    _patch(editor_client, url, {"status": "in_blue"})
    _patch(editor_client, url, {"title": "Renamed", "notes": "New notes"})
    posted = editor_client.post(
        url + "positions/",
        {"member": "DNK", "stance": "yes", "confidence": 0.9, "as_of": "2026-12-01",
         "source": "Statement of Denmark"},
        format="json",
    )  # fmt: skip
    assert posted.status_code == 201, posted.content

    body = analyst_client.get(url + "history/").json()

    position, renamed, in_blue, *older = body["results"]
    assert body["count"] == 3 + len(older)
    assert {(e["object"], e["action"], e["user"]) for e in older} == {
        ("draft", "created", None),
        ("sponsor", "created", None),
        ("position", "created", None),
    }, "the seed's rows each have their baseline"
    assert (position["object"], position["action"], position["user"]) == (
        "position",
        "created",
        "eddie",
    )
    assert position["summary"] == "DNK: yes as of 2026-12-01"
    assert {"field": "stance", "old": None, "new": "yes"} in position["changes"]
    assert (renamed["user"], renamed["action"]) == ("eddie", "changed")
    assert sorted(renamed["changes"], key=lambda c: c["field"]) == [
        {"field": "notes", "old": draft_2019.notes, "new": "New notes"},
        {"field": "title", "old": draft_2019.title, "new": "Renamed"},
    ]
    assert in_blue["changes"] == [
        {"field": "status", "old": "in_negotiation", "new": "in_blue"}
    ] or ([c["field"] for c in in_blue["changes"]] == ["status"])
    paged = analyst_client.get(url + "history/", {"page_size": 1, "page": 2}).json()
    assert [e["object_id"] for e in paged["results"]] == [renamed["object_id"]]


def test_a_members_history_holds_its_term_changes(
    draft_2019: Draft, editor_client: APIClient
) -> None:
    term = Term.objects.get(member__code="DNK", start="2025-01-01")
    _patch(editor_client, f"{API}members/DNK/terms/{term.pk}/", {"source": "Re-checked"})

    body = editor_client.get(f"{API}members/DNK/history/").json()

    entry, *older = body["results"]
    assert all(e["action"] == "created" and e["user"] is None for e in older)
    assert (entry["object"], entry["object_id"], entry["user"]) == ("term", term.pk, "eddie")
    assert entry["summary"] == "2025-01-01–2026-12-31"
    assert entry["changes"] == [{"field": "source", "old": term.source, "new": "Re-checked"}]
    assert editor_client.get(f"{API}members/XXX/history/").status_code == 404


def test_history_is_in_the_schema(seeded: None, analyst_client: APIClient) -> None:
    schema = analyst_client.get(f"{API}schema/", {"format": "json"}).json()
    assert "/api/v1/drafts/{key}/history/" in schema["paths"]
    assert "/api/v1/members/{code}/history/" in schema["paths"]
    patch = schema["paths"]["/api/v1/drafts/{key}/"]["patch"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    assert {"200", "400", "412", "428"} <= set(patch["responses"])
    term = schema["paths"]["/api/v1/members/{code}/terms/{id}/"]["patch"]
    assert {"412", "428"} <= set(term["responses"])


def test_the_admin_shows_the_history_of_a_position_and_cannot_revert_it(
    draft_2019: Draft, editor_client: APIClient
) -> None:
    from tests.admin_forms import staff_client

    editor_client.post(
        f"{API}drafts/{draft_2019.slug}/positions/",
        {"member": "DNK", "stance": "no", "confidence": 0.5, "as_of": "2026-12-01",
         "source": "Statement"},
        format="json",
    )  # fmt: skip
    position = Position.objects.get(draft=draft_2019, member__code="DNK")
    browser: Client = staff_client("hist", "editor")

    page = browser.get(reverse("admin:votes_position_history", args=[position.pk]))

    assert page.status_code == 200
    assert "eddie" in page.content.decode()
    record = position.history.get()
    url = reverse("admin:votes_position_simple_history", args=[position.pk, record.history_id])
    assert browser.post(url, {"stance": "yes"}).status_code == 403
    assert Position.objects.filter(draft=draft_2019, member__code="DNK").count() == 1


def test_the_history_reads_in_the_same_number_of_queries_however_long(
    draft_2019: Draft, editor_client: APIClient
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"{API}drafts/{draft_2019.slug}/history/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert editor_client.get(url).status_code == 200
        return len(context.captured_queries)

    few = queries()
    for code in ["DNK", "GRC", "PAK", "PAN", "SOM"]:
        response = editor_client.post(
            f"{API}drafts/{draft_2019.slug}/positions/",
            {"member": code, "stance": "yes", "confidence": 0.9, "as_of": "2026-12-01",
             "source": f"Statement of {code}"},
            format="json",
        )  # fmt: skip
        assert response.status_code == 201
    assert queries() == few


def test_a_drafts_history_says_which_sponsor_joined_left_or_became_penholder(
    draft_2019: Draft, editor_client: APIClient, analyst_client: APIClient
) -> None:
    url = f"{API}drafts/{draft_2019.slug}/"
    seed = {s.member.code: s.penholder for s in draft_2019.sponsorships.all()}
    assert seed == {"CHN": True, "RUS": True}  # the seed: both hold the pen
    _patch(editor_client, url, {"sponsors": [{"code": "RUS", "penholder": True}, {"code": "GBR"}]})
    _patch(editor_client, url, {"sponsors": [{"code": "RUS"}]})

    entries = analyst_client.get(url + "history/").json()["results"]

    by_eddie = {
        (e["action"], e["summary"]): e["changes"]
        for e in entries
        if e["object"] == "sponsor" and e["user"] == "eddie"
    }
    assert set(by_eddie) == {
        ("deleted", "CHN: penholder"),  # left with the first change
        ("created", "GBR: sponsor"),  # joined with it
        ("deleted", "GBR: sponsor"),  # and left with the second
        ("changed", "RUS: sponsor"),  # gave up the pen
    }
    assert by_eddie["changed", "RUS: sponsor"] == [
        {"field": "penholder", "old": True, "new": False}
    ]
    assert [s.member.code for s in draft_2019.sponsorships.all()] == ["RUS"]


def test_a_drafts_history_holds_its_recorded_vote(
    draft_2019: Draft, editor_client: APIClient, analyst_client: APIClient
) -> None:
    from members.models import Member

    council = Member.objects.seated_on(draft_2019.council_date)
    ballots = {m.code: "no" if m.code == "USA" else "yes" for m in council}
    response = editor_client.post(
        f"{API}votes/",
        {"draft": draft_2019.slug, "voted_on": draft_2019.council_date.isoformat(),
         "ballots": ballots},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content

    entries = analyst_client.get(f"{API}drafts/{draft_2019.slug}/history/").json()["results"]

    vote = next(e for e in entries if e["object"] == "vote")
    assert (vote["action"], vote["user"]) == ("created", "eddie")
    assert vote["summary"].endswith(f"({draft_2019.council_date.isoformat()}): vetoed")
    assert {"field": "outcome", "old": None, "new": "vetoed"} in vote["changes"]

"""Editors update drafts and terms through the API: ``PATCH`` with strict fields, the admin's
rules, ``If-Match`` with the ETag of a ``GET`` (412 when stale, 428 when missing), one
transaction, and the projection marked stale afterwards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from members.models import Term
from resolutions.models import Draft
from tests.api.conftest import API
from votes.projections import projection_refresh, with_projection_state


def _draft_url(draft: Draft) -> str:
    return f"{API}drafts/{draft.slug}/"


def _etag(client: APIClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return str(response["ETag"])


def _patch(client: APIClient, url: str, body: Any, etag: str | None = None) -> Any:
    # WSGI environ entries (the stubs type **extra by the keyword arguments before it).
    headers: dict[str, Any] = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.patch(url, body, format="json", **headers)


def _stale(draft: Draft) -> bool:
    """``projection_stale`` as ``with_projection_state`` annotates it."""
    annotated = with_projection_state(Draft.objects.filter(pk=draft.pk)).get()
    return bool(annotated.projection_stale)  # type: ignore[attr-defined]  # plugin gap: with_projection_state's annotation unseen


def _fields(response: Any) -> dict[str, str]:
    return {e["field"]: e["code"] for e in response.json()["errors"]}


def test_it_changes_the_status_title_dates_notes_and_sponsors_of_a_draft(
    draft_2019: Draft, editor_client: APIClient
) -> None:
    url = _draft_url(draft_2019)
    etag = _etag(editor_client, url)

    response = _patch(
        editor_client,
        url,
        {
            "status": "in_blue",
            "title": "DPRK relief, in blue",
            "vote_on": "2026-12-02",
            "notes": "Put in blue by the penholders.",
            "sponsors": [{"code": "RUS", "penholder": True}, {"code": " chn "}],
        },
        etag,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["title"], body["vote_on"]) == (
        "in_blue",
        "DPRK relief, in blue",
        "2026-12-02",
    )
    assert [(s["code"], s["penholder"]) for s in body["sponsors"]] == [
        ("RUS", True),
        ("CHN", False),
    ]
    assert response["ETag"] != etag
    assert editor_client.get(url)["ETag"] == response["ETag"]


def test_a_stale_etag_is_a_412_and_changes_nothing(
    draft_2019: Draft, editor_client: APIClient, admin_client_api: APIClient
) -> None:
    url = _draft_url(draft_2019)
    etag = _etag(editor_client, url)
    assert _patch(admin_client_api, url, {"title": "First editor's title"}, etag).status_code == 200

    response = _patch(editor_client, url, {"title": "Second editor's title"}, etag)

    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert editor_client.get(url).json()["title"] == "First editor's title"


def test_without_if_match_it_is_a_428_unless_the_setting_allows_it(
    draft_2019: Draft, editor_client: APIClient, settings: Any
) -> None:
    url = _draft_url(draft_2019)

    response = _patch(editor_client, url, {"notes": "No ETag"})

    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    settings.API_REQUIRE_IF_MATCH = False
    assert _patch(editor_client, url, {"notes": "No ETag"}).status_code == 200


def test_unknown_and_read_only_fields_are_refused_by_name(
    draft_2019: Draft, editor_client: APIClient
) -> None:
    url = _draft_url(draft_2019)
    etag = _etag(editor_client, url)

    response = _patch(editor_client, url, {"titel": "x", "symbol": "S/2026/1", "slug": "x"}, etag)

    assert response.status_code == 400
    assert _fields(response) == {
        "titel": "unknown_field",
        "symbol": "read_only_field",
        "slug": "read_only_field",
    }
    response = _patch(editor_client, url, {"sponsors": [{"code": "RUS", "pen": True}]}, etag)
    assert _fields(response) == {"sponsors[0].pen": "unknown_field"}
    # A PATCH is partial, but each sponsor it names is whole: its code is required.
    response = _patch(editor_client, url, {"sponsors": [{"code": "RUS"}, {}]}, etag)
    assert response.status_code == 400
    assert _fields(response) == {"sponsors[1].code": "required"}
    response = _patch(editor_client, url, {"sponsors": [{"penholder": True}]}, etag)
    assert _fields(response) == {"sponsors[0].code": "required"}


def test_the_admins_rules_refuse_a_vote_before_circulation_naming_the_field(
    draft_2019: Draft, editor_client: APIClient
) -> None:
    url = _draft_url(draft_2019)
    etag = _etag(editor_client, url)

    response = _patch(
        editor_client, url, {"circulated_on": "2019-12-16", "vote_on": "2019-12-01"}, etag
    )

    assert response.status_code == 400
    assert "The vote cannot come before the draft was circulated." in response.json()["detail"]
    response = _patch(editor_client, url, {"sponsors": [{"code": "XYZ"}]}, etag)
    assert response.status_code == 400
    assert _fields(response) == {"sponsors": "unknown_member"}
    draft_2019.refresh_from_db()
    assert draft_2019.vote_on is None
    assert editor_client.get(url)["ETag"] == etag


def test_analysts_and_anonymous_clients_cannot_patch(
    draft_2019: Draft, analyst_client: APIClient, anon_client: APIClient
) -> None:
    url = _draft_url(draft_2019)
    etag = _etag(analyst_client, url)

    assert _patch(analyst_client, url, {"title": "x"}, etag).status_code == 403
    assert _patch(anon_client, url, {"title": "x"}, etag).status_code == 401


def test_a_status_or_date_change_makes_the_projection_stale(
    draft_2019: Draft, editor_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    projection_refresh(draft_id=draft_2019.pk)
    assert not _stale(draft_2019)
    url = _draft_url(draft_2019)

    with django_capture_on_commit_callbacks() as callbacks:
        response = _patch(editor_client, url, {"status": "in_blue"}, _etag(editor_client, url))

    assert response.status_code == 200
    assert response.json()["projection"]["stale"] is True
    assert callbacks, "no refresh was enqueued for the changed draft"


# Terms


@pytest.fixture
def germany_term(seeded: None, seed_today: dt.date) -> Term:
    return Term.objects.get(member__code="DEU", start=dt.date(2019, 1, 1))


def _term_url(term: Term) -> str:
    return f"{API}members/{term.member.code}/terms/{term.pk}/"


def test_it_moves_a_terms_end_with_if_match(germany_term: Term, editor_client: APIClient) -> None:
    url = _term_url(germany_term)
    etag = _etag(editor_client, url)

    response = _patch(editor_client, url, {"end": "2020-12-30", "source": "Corrected"}, etag)

    assert response.status_code == 200, response.content
    assert (response.json()["end"], response.json()["source"]) == ("2020-12-30", "Corrected")
    assert _patch(editor_client, url, {"end": "2020-12-31"}, etag).status_code == 412


def test_a_term_that_overlaps_or_has_no_end_is_refused_naming_the_field(
    germany_term: Term, editor_client: APIClient
) -> None:
    url = _term_url(germany_term)
    etag = _etag(editor_client, url)

    response = _patch(editor_client, url, {"end": None}, etag)
    assert response.status_code == 400
    assert _fields(response) == {"end": "invalid"}
    assert "elected member: its term needs an end date" in response.json()["detail"]

    response = _patch(editor_client, url, {"member": "FRA", "id": 3}, etag)
    assert _fields(response) == {"member": "read_only_field", "id": "read_only_field"}


def test_a_term_change_marks_the_projections_of_its_days_stale(
    draft_2019: Draft, editor_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    """The 2019 draft is open, so today's Council (2026-12-02) decides it: ending Denmark's
    term before today changes that Council."""
    projection_refresh(draft_id=draft_2019.pk)
    assert not _stale(draft_2019)
    term = Term.objects.get(member__code="DNK", start=dt.date(2025, 1, 1))
    url = _term_url(term)

    with django_capture_on_commit_callbacks() as callbacks:
        response = _patch(editor_client, url, {"end": "2026-11-30"}, _etag(editor_client, url))

    assert response.status_code == 200, response.content
    assert _stale(draft_2019)
    assert callbacks, "no refresh was enqueued for the drafts of the term's days"


def test_an_unknown_term_is_a_json_404(seeded: None, editor_client: APIClient) -> None:
    response = editor_client.get(f"{API}members/DEU/terms/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

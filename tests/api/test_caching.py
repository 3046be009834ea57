"""Conditional GETs of tallies and projections: ETag and Last-Modified, 304 on a matching
If-None-Match, and invalidation when a new position is recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from members.models import Member
from tests.api.conftest import API
from votes.models import Projection, Stance
from votes.services import position_record

pytestmark = pytest.mark.django_db

KINDS = ["tally", "projection"]


def _url(draft: Any, kind: str) -> str:
    return API + f"drafts/{draft.slug}/{kind}/"


def _get(client: APIClient, draft: Any, kind: str, etag: str | None = None) -> Any:
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(_url(draft, kind), **headers)


def _record_through_api(client: APIClient, draft: Any) -> None:
    response = client.post(
        API + f"drafts/{draft.slug}/positions/",
        {
            "member": "USA",
            "stance": "abstain",
            "confidence": 0.8,
            "as_of": "2019-12-31",
            "source": "US mission, 2019-12-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def _record_through_service(draft: Any) -> None:
    position_record(
        draft=draft,
        member=Member.objects.get(code="USA"),
        stance=Stance.ABSTAIN,
        confidence=Decimal("0.8"),
        as_of=dt.date(2019, 12, 31),
        source="US mission, 2019-12-31",
    )


@pytest.mark.parametrize("kind", KINDS)
def test_responses_carry_etag_and_last_modified(
    draft_2019: Any, analyst_client: APIClient, kind: str
):
    response = _get(analyst_client, draft_2019, kind)
    assert response.status_code == 200
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    modified = parsedate_to_datetime(response["Last-Modified"])
    assert modified.tzinfo is not None
    assert modified <= timezone.now() + dt.timedelta(seconds=1)
    assert "no-cache" in response["Cache-Control"]
    # Unchanged state, unchanged validators.
    again = _get(analyst_client, draft_2019, kind)
    assert again["ETag"] == etag
    assert again["Last-Modified"] == response["Last-Modified"]
    assert again.json() == response.json()


@pytest.mark.parametrize("kind", KINDS)
def test_matching_if_none_match_is_304_with_an_empty_body(
    draft_2019: Any, analyst_client: APIClient, kind: str
):
    etag = _get(analyst_client, draft_2019, kind)["ETag"]
    response = _get(analyst_client, draft_2019, kind, etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    listed = _get(analyst_client, draft_2019, kind, f'"something-else", {etag}')
    assert listed.status_code == 304
    assert _get(analyst_client, draft_2019, kind, "*").status_code == 304


@pytest.mark.parametrize("kind", KINDS)
def test_other_etag_is_a_full_response(draft_2019: Any, analyst_client: APIClient, kind: str):
    response = _get(analyst_client, draft_2019, kind, '"not-the-etag"')
    assert response.status_code == 200
    assert response.json()


@pytest.mark.parametrize("kind", KINDS)
def test_weak_form_of_the_etag_also_matches(draft_2019: Any, analyst_client: APIClient, kind: str):
    """If-None-Match uses the weak comparison (RFC 9110, 13.1.2): W/"x" matches "x". Proxies
    that compress responses (nginx with gzip, for one) hand clients the weak form."""
    etag = _get(analyst_client, draft_2019, kind)["ETag"]
    response = _get(analyst_client, draft_2019, kind, f"W/{etag}")
    assert response.status_code == 304


@pytest.mark.parametrize("how", ["api", "service"])
def test_tally_etag_changes_when_a_position_is_recorded(
    draft_2019: Any, analyst_client: APIClient, editor_client: APIClient, how: str
):
    first = _get(analyst_client, draft_2019, "tally")
    etag = first["ETag"]
    assert first.json()["permanent_opposed"] == ["FRA", "GBR", "USA"]
    if how == "api":
        _record_through_api(editor_client, draft_2019)
    else:
        _record_through_service(draft_2019)
    response = _get(analyst_client, draft_2019, "tally", etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    body = response.json()
    assert body["counts"]["no"] == 2
    assert body["counts"]["abstain"] == 1
    assert body["permanent_opposed"] == ["FRA", "GBR"]
    assert body["as_of"] == "2019-12-31"
    # The new ETag validates in turn.
    assert _get(analyst_client, draft_2019, "tally", response["ETag"]).status_code == 304


@pytest.mark.parametrize("how", ["api", "service"])
def test_projection_etag_changes_and_is_repaired_when_a_position_is_recorded(
    draft_2019: Any, analyst_client: APIClient, editor_client: APIClient, how: str
):
    first = _get(analyst_client, draft_2019, "projection")
    etag = first["ETag"]
    before = first.json()
    assert before["stale"] is False
    if how == "api":
        _record_through_api(editor_client, draft_2019)
    else:
        _record_through_service(draft_2019)
    response = _get(analyst_client, draft_2019, "projection", etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    after = response.json()
    assert after["stale"] is False
    assert after["p_adopted"] > before["p_adopted"]  # the US no became an abstention
    assert after["fingerprint"] != before["fingerprint"]
    assert _get(analyst_client, draft_2019, "projection", response["ETag"]).status_code == 304


def test_projection_is_computed_and_stored_on_first_read(
    draft_2019: Any, analyst_client: APIClient
):
    assert not Projection.objects.filter(draft=draft_2019).exists()
    body = _get(analyst_client, draft_2019, "projection").json()
    assert body["stale"] is False
    stored = Projection.objects.get(draft=draft_2019)
    assert body["p_adopted"] == pytest.approx(stored.p_adopted)
    # A second read of an unchanged draft stores nothing new.
    _get(analyst_client, draft_2019, "projection")
    assert Projection.objects.filter(draft=draft_2019).count() == 1


def test_drafts_list_shows_stale_until_the_projection_is_repaired(
    draft_2019: Any, analyst_client: APIClient, editor_client: APIClient
):
    def listed() -> dict[str, Any]:
        body = analyst_client.get(API + "drafts/", {"status": "in_negotiation"}).json()
        return body["results"][0]["projection"]

    _get(analyst_client, draft_2019, "projection")
    assert listed()["stale"] is False
    _record_through_api(editor_client, draft_2019)
    assert listed()["stale"] is True
    assert _get(analyst_client, draft_2019, "projection").json()["stale"] is False
    assert listed()["stale"] is False


def test_cached_tally_is_not_served_after_a_new_position(
    draft_2019: Any, analyst_client: APIClient
):
    """The tally body is cached; a new position must never be answered from the old entry,
    even for a client that sends no validator."""
    assert _get(analyst_client, draft_2019, "tally").json()["counts"]["abstain"] == 0
    _record_through_service(draft_2019)
    assert _get(analyst_client, draft_2019, "tally").json()["counts"]["abstain"] == 1


def test_last_modified_moves_forward_with_a_new_position(
    draft_2019: Any, analyst_client: APIClient
):
    first = parsedate_to_datetime(_get(analyst_client, draft_2019, "tally")["Last-Modified"])
    _record_through_service(draft_2019)
    second = parsedate_to_datetime(_get(analyst_client, draft_2019, "tally")["Last-Modified"])
    assert second >= first

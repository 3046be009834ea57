"""Conditional GETs of tallies and projections: ETag and Last-Modified, 304 on a matching
If-None-Match, and invalidation when a new position is recorded. A read of a projection writes
nothing: it answers what is stored, says whether that is stale, and sends one refresh."""

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
from tests.votes.queue import refreshes_held
from votes.models import Projection, Stance
from votes.services import position_record
from votes.tasks import refresh_draft_projection, refresh_stale_projections

pytestmark = pytest.mark.django_db

KINDS = ["tally", "projection"]


@pytest.fixture(autouse=True)
def _projections_stored(draft_2019: Any) -> None:
    """The state after the workers have run: every draft has its stored projection."""
    refresh_stale_projections()


def _url(draft: Any, kind: str) -> str:
    return API + f"drafts/{draft.slug}/{kind}/"


def _get(client: APIClient, draft: Any, kind: str, etag: str | None = None) -> Any:
    if etag:
        return client.get(_url(draft, kind), HTTP_IF_NONE_MATCH=etag)
    return client.get(_url(draft, kind))


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
) -> None:
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
) -> None:
    etag = _get(analyst_client, draft_2019, kind)["ETag"]
    response = _get(analyst_client, draft_2019, kind, etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    listed = _get(analyst_client, draft_2019, kind, f'"something-else", {etag}')
    assert listed.status_code == 304
    assert _get(analyst_client, draft_2019, kind, "*").status_code == 304


@pytest.mark.parametrize("kind", KINDS)
def test_other_etag_is_a_full_response(
    draft_2019: Any, analyst_client: APIClient, kind: str
) -> None:
    response = _get(analyst_client, draft_2019, kind, '"not-the-etag"')
    assert response.status_code == 200
    assert response.json()


@pytest.mark.parametrize("kind", KINDS)
def test_weak_form_of_the_etag_also_matches(
    draft_2019: Any, analyst_client: APIClient, kind: str
) -> None:
    """If-None-Match uses the weak comparison (RFC 9110, 13.1.2): W/"x" matches "x". Proxies
    that compress responses (nginx with gzip, for one) hand clients the weak form."""
    etag = _get(analyst_client, draft_2019, kind)["ETag"]
    response = _get(analyst_client, draft_2019, kind, f"W/{etag}")
    assert response.status_code == 304


@pytest.mark.parametrize("how", ["api", "service"])
def test_tally_etag_changes_when_a_position_is_recorded(
    draft_2019: Any, analyst_client: APIClient, editor_client: APIClient, how: str
) -> None:
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
def test_projection_says_stale_after_a_position_until_the_refresh_it_sends_has_run(
    draft_2019: Any, analyst_client: APIClient, editor_client: APIClient, how: str
) -> None:
    first = _get(analyst_client, draft_2019, "projection")
    etag = first["ETag"]
    before = first.json()
    assert before["stale"] is False
    if how == "api":
        _record_through_api(editor_client, draft_2019)
    else:
        _record_through_service(draft_2019)
    # The read answers what is stored, and says it is stale (here, the refresh it sends runs
    # in-process once the answer is made, as it does without a broker).
    response = _get(analyst_client, draft_2019, "projection", etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    stale = response.json()
    assert stale["stale"] is True
    assert stale["computed_in_request"] is False
    assert stale["p_adopted"] == before["p_adopted"]
    assert stale["computed_at"] == before["computed_at"]
    after = _get(analyst_client, draft_2019, "projection", response["ETag"])
    assert after.status_code == 200
    fresh = after.json()
    assert fresh["stale"] is False
    assert fresh["p_adopted"] > before["p_adopted"]  # the US no became an abstention
    assert fresh["fingerprint"] != before["fingerprint"]
    assert fresh["computed_at"] > before["computed_at"]
    assert _get(analyst_client, draft_2019, "projection", after["ETag"]).status_code == 304


def test_a_read_of_a_stale_projection_writes_nothing_and_sends_one_refresh(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    before = _get(analyst_client, draft_2019, "projection").json()
    _record_through_service(draft_2019)
    rows = Projection.objects.count()
    with refreshes_held() as sent:
        bodies = [_get(analyst_client, draft_2019, "projection").json() for _ in range(3)]
        assert Projection.objects.count() == rows
        assert sent == [draft_2019.pk]  # three readers, one refresh
    assert all(body["stale"] is True for body in bodies)
    assert all(body["p_adopted"] == before["p_adopted"] for body in bodies)
    # The worker runs it; from then on the answer is the new projection, and fresh.
    refresh_draft_projection(draft_2019.pk)
    body = _get(analyst_client, draft_2019, "projection").json()
    assert (body["stale"], body["computed_in_request"]) == (False, False)
    assert body["p_adopted"] > before["p_adopted"]


def test_fresh_computes_in_the_request_and_writes_nothing(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    stored = _get(analyst_client, draft_2019, "projection").json()
    _record_through_service(draft_2019)
    rows = Projection.objects.count()
    with refreshes_held() as sent:
        response = analyst_client.get(_url(draft_2019, "projection"), {"fresh": "1"})
    assert response.status_code == 200
    body = response.json()
    assert body["computed_in_request"] is True
    assert body["p_adopted"] > stored["p_adopted"]  # computed from the new position
    assert body["stale"] is True  # what is stored is still behind
    assert body["computed_at"] == stored["computed_at"]  # the stored one's
    assert Projection.objects.count() == rows
    assert sent == [draft_2019.pk]
    assert "ETag" not in response


def test_a_draft_without_a_stored_projection_is_computed_in_memory_and_a_refresh_sent(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    Projection.objects.filter(draft=draft_2019).delete()
    with refreshes_held() as sent:
        body = _get(analyst_client, draft_2019, "projection").json()
        assert not Projection.objects.filter(draft=draft_2019).exists()
        assert sent == [draft_2019.pk]
    assert (body["stale"], body["computed_in_request"], body["computed_at"]) == (
        True,
        True,
        None,
    )
    assert body["p_adopted"] < 0.01
    assert body["council_on"] == "2026-12-02"
    refresh_draft_projection(draft_2019.pk)
    stored = Projection.objects.get(draft=draft_2019)
    body = _get(analyst_client, draft_2019, "projection").json()
    assert (body["stale"], body["computed_in_request"]) == (False, False)
    assert body["p_adopted"] == pytest.approx(stored.p_adopted)
    # A second read of an unchanged draft stores nothing new.
    refresh_draft_projection(draft_2019.pk)
    assert Projection.objects.filter(draft=draft_2019).count() == 1


def test_drafts_list_shows_stale_until_the_projection_is_repaired(
    draft_2019: Any, analyst_client: APIClient, editor_client: APIClient
) -> None:
    def listed() -> dict[str, Any]:
        body = analyst_client.get(API + "drafts/", {"status": "in_negotiation"}).json()
        first: dict[str, Any] = body["results"][0]
        return first

    assert listed()["projection"]["stale"] is False
    assert listed()["tally"]["counts"]["abstain"] == 0
    _record_through_api(editor_client, draft_2019)
    item = listed()
    assert item["projection"]["stale"] is True
    assert item["tally"]["counts"]["abstain"] == 0  # the stored one, until it is refreshed
    assert _get(analyst_client, draft_2019, "projection").json()["stale"] is True
    item = listed()  # the read sent the refresh, which has run in-process
    assert item["projection"]["stale"] is False
    assert item["tally"]["counts"]["abstain"] == 1


def test_cached_tally_is_not_served_after_a_new_position(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    """The tally body is cached; a new position must never be answered from the old entry,
    even for a client that sends no validator."""
    assert _get(analyst_client, draft_2019, "tally").json()["counts"]["abstain"] == 0
    _record_through_service(draft_2019)
    assert _get(analyst_client, draft_2019, "tally").json()["counts"]["abstain"] == 1


def test_last_modified_moves_forward_with_a_new_position(
    draft_2019: Any, analyst_client: APIClient
) -> None:
    first = parsedate_to_datetime(_get(analyst_client, draft_2019, "tally")["Last-Modified"])
    _record_through_service(draft_2019)
    second = parsedate_to_datetime(_get(analyst_client, draft_2019, "tally")["Last-Modified"])
    assert second >= first

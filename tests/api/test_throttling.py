"""Rate limits: API_RATE_ANON for anonymous clients, API_RATE_USER for each signed-in user, read
from settings at request time; a 429 carries Retry-After and the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import API

pytestmark = pytest.mark.django_db

URL = API + "regimes/"


def _assert_throttled(response: Any) -> None:
    assert response.status_code == 429, response.content
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 60
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["code"] == "throttled"
    assert body["errors"] == []


def test_fourth_anonymous_request_is_throttled(
    seeded: None, public_reads: None, settings: Any
) -> None:
    settings.API_RATE_ANON = "3/minute"
    client = APIClient()
    for _ in range(3):
        assert client.get(URL).status_code == 200
    _assert_throttled(client.get(URL))
    # Every endpoint shares the anonymous count.
    _assert_throttled(client.get(API + "drafts/"))


def test_anonymous_count_is_per_address(seeded: None, public_reads: None, settings: Any) -> None:
    settings.API_RATE_ANON = "2/minute"
    first, second = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    for _ in range(2):
        assert first.get(URL).status_code == 200
    _assert_throttled(first.get(URL))
    assert second.get(URL).status_code == 200


def test_rate_is_read_at_request_time(seeded: None, public_reads: None, settings: Any) -> None:
    client = APIClient()
    settings.API_RATE_ANON = "1/minute"
    assert client.get(URL).status_code == 200
    _assert_throttled(client.get(URL))
    settings.API_RATE_ANON = "100/minute"
    assert client.get(URL).status_code == 200


def test_signed_in_clients_are_not_held_to_the_anonymous_rate(
    seeded: None, public_reads: None, settings: Any, analyst_client: APIClient
) -> None:
    settings.API_RATE_ANON = "3/minute"
    settings.API_RATE_USER = "100/minute"
    for _ in range(6):
        assert analyst_client.get(URL).status_code == 200
    anonymous = APIClient()
    for _ in range(3):
        assert anonymous.get(URL).status_code == 200
    _assert_throttled(anonymous.get(URL))
    assert analyst_client.get(URL).status_code == 200  # anonymous traffic does not count


def test_signed_in_users_have_their_own_rate_and_count(
    seeded: None, settings: Any, analyst_client: APIClient, editor_client: APIClient
) -> None:
    settings.API_RATE_ANON = "100/minute"
    settings.API_RATE_USER = "2/minute"
    for _ in range(2):
        assert analyst_client.get(URL).status_code == 200
    _assert_throttled(analyst_client.get(URL))
    # Another user has a count of their own.
    assert editor_client.get(URL).status_code == 200


def test_anonymous_clients_are_held_to_the_anonymous_rate_alone(
    seeded: None, public_reads: None, settings: Any
) -> None:
    """API_RATE_USER is the signed-in users' rate: a stricter user rate must not cut anonymous
    clients off before API_RATE_ANON does."""
    settings.API_RATE_ANON = "5/minute"
    settings.API_RATE_USER = "2/minute"
    client = APIClient()
    for n in range(5):
        assert client.get(URL).status_code == 200, f"anonymous request {n + 1} of 5"
    _assert_throttled(client.get(URL))


def test_throttled_writes_write_nothing(
    draft_2019: Any, settings: Any, editor_client: APIClient, row_counts: Any
) -> None:
    settings.API_RATE_USER = "1/minute"
    url = API + f"drafts/{draft_2019.slug}/positions/"
    payload = {
        "member": "BEL",
        "stance": "yes",
        "confidence": 0.5,
        "as_of": "2019-12-31",
        "source": "x",
    }
    assert editor_client.post(url, payload, format="json").status_code == 201
    before = row_counts()
    _assert_throttled(editor_client.post(url, payload, format="json"))
    assert row_counts() == before


def test_cache_is_cleared_between_tests_so_counts_start_at_zero(
    seeded: None, public_reads: None, settings: Any
) -> None:
    settings.API_RATE_ANON = "1/minute"
    assert APIClient().get(URL).status_code == 200

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


@pytest.fixture
def redis_counts(redis_server: str, settings: Any) -> Any:
    """The rate limits counted in the real Redis (a database of its own, emptied)."""
    import redis

    from api import redis_guard

    url = redis_server.rsplit("/", 1)[0] + "/9"
    settings.REDIS_URL = url
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield client
    client.flushdb()
    redis_guard._client = None


class _Process:
    """One web process's leases, to interleave two processes' requests in one test."""

    def __init__(self) -> None:
        self.leases: dict[str, tuple[int, float]] = {}

    def admit(self, key: str, limit: int) -> bool:
        from api import throttling

        saved = dict(throttling._leases)
        throttling._leases.clear()
        throttling._leases.update(self.leases)
        try:
            return throttling.admit(key, limit, 60)[0]
        finally:
            self.leases = dict(throttling._leases)
            throttling._leases.clear()
            throttling._leases.update(saved)


def test_a_large_limit_is_leased_in_shares_and_holds_exactly(redis_counts: Any) -> None:
    from api.throttling import admit, lease_size

    limit = 2000
    assert lease_size(limit) == 10

    admitted = [admit("throttle:anon:192.0.2.1", limit, 60)[0] for _ in range(limit + 50)]

    assert admitted.count(True) == limit
    assert admitted[limit:] == [False] * 50  # and none after the limit
    # Redis counted leases of ten, and for each refused request the lease it asked for.
    assert int(redis_counts.get("throttle:anon:192.0.2.1")) == limit + 50 * 10


def test_two_processes_never_pass_more_than_the_limit_between_them(redis_counts: Any) -> None:
    from api.throttling import lease_size

    limit = 1000
    size = lease_size(limit)
    first, second = _Process(), _Process()

    admitted = [
        (first if n % 3 else second).admit("throttle:anon:192.0.2.2", limit)
        for n in range(limit + 200)
    ]

    assert limit - (size - 1) <= admitted.count(True) <= limit
    assert not any(admitted[limit + 2 * size :])


def test_a_small_limit_asks_redis_for_every_request(redis_counts: Any) -> None:
    from api.throttling import admit, lease_size

    assert lease_size(399) == 1
    admitted = [admit("throttle:anon:192.0.2.3", 5, 60) for _ in range(7)]

    assert [a for a, _ in admitted] == [True] * 5 + [False] * 2
    assert int(redis_counts.get("throttle:anon:192.0.2.3")) == 7
    assert 0 < admitted[-1][1] <= 60  # the refusal says how long the window has left

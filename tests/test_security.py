"""Security: sign-in lockout (django-axes), the client address the rate limits believe, the
rate limit when Redis fails, and the Content-Security-Policy on every response."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
URL = "/api/v1/regimes/"


@pytest.fixture
def staff(db: None) -> Any:
    return get_user_model().objects.create_user(
        "staffer", password="correct-horse-9", is_staff=True
    )


def _sign_in(client: Client, password: str) -> Any:
    return client.post(LOGIN, {"username": "staffer", "password": password})


def test_sign_in_is_locked_after_five_failures_even_with_the_right_password(staff: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    failures = [_sign_in(client, "wrong").status_code for _ in range(5)]

    locked = _sign_in(client, "correct-horse-9")

    assert failures == [200, 200, 200, 200, 429]  # the form again with its error, then locked
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still signed out


def test_the_lockout_is_for_that_user_from_that_address(staff: Any) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _sign_in(attacker, "wrong")

    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    response = _sign_in(elsewhere, "correct-horse-9")

    assert response.status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(staff.pk)


def test_fewer_failures_than_the_limit_do_not_lock(staff: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        _sign_in(client, "wrong")

    assert _sign_in(client, "correct-horse-9").status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_anonymous_limit(
    seeded: None, public_reads: None, settings: Any
) -> None:
    settings.API_RATE_ANON = "3/minute"
    settings.NUM_PROXIES = 0
    client = APIClient(REMOTE_ADDR="203.0.113.7")

    statuses = [client.get(URL, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(6)]

    assert statuses == [200, 200, 200, 429, 429, 429]


def test_behind_a_proxy_the_address_it_saw_counts_not_what_the_client_wrote(
    seeded: None, public_reads: None, settings: Any
) -> None:
    settings.API_RATE_ANON = "2/minute"
    settings.NUM_PROXIES = 1
    proxy = APIClient(REMOTE_ADDR="10.1.1.1")

    # The client prepends what it likes; our proxy appends the address it saw.
    forged = [
        proxy.get(URL, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7").status_code
        for n in range(3)
    ]
    another_client = proxy.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.20").status_code

    assert forged == [200, 200, 429]
    assert another_client == 200


@pytest.fixture
def public_reads(settings: Any) -> None:
    settings.API_PUBLIC_READ = True


def test_with_redis_unreachable_the_api_answers_and_the_limit_counts_locally(
    seeded: None, public_reads: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Port 9 on loopback: nothing listens, so every connection is refused.
    dead = "redis://127.0.0.1:9/0"
    settings.REDIS_URL = dead
    settings.CACHES = {
        "default": {
            "BACKEND": "api.cache.ResilientRedisCache",
            "LOCATION": dead,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.API_RATE_ANON = "2/minute"
    client = APIClient(REMOTE_ADDR="203.0.113.99")

    with caplog.at_level(logging.WARNING, logger="api.redis_guard"):
        statuses = [client.get(URL).status_code for _ in range(3)]
        tally = client.get("/api/v1/drafts/")

    assert statuses == [200, 200, 429]
    assert tally.status_code == 429  # the same local count across endpoints
    assert any("Redis unavailable" in r.getMessage() for r in caplog.records)
    assert any("failing open" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("path", ["/api/v1/", "/admin/login/", "/healthz"])
def test_every_response_carries_a_strict_content_security_policy(client: Client, path: str) -> None:
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script: no nonce asked for here
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy

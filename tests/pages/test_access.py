"""Who may see the pages (the API's read rule), sign-in and sign-out, the security headers
and the error pages."""

from __future__ import annotations

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from pytest_django import Settings

from tests.pages.conftest import DPRK

pytestmark = pytest.mark.django_db


def test_pages_send_visitors_to_sign_in_when_reads_are_private(
    seeded: None, settings: Settings
) -> None:
    settings.API_PUBLIC_READ = False

    response = Client().get(f"/drafts/{DPRK}/")

    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next=/drafts/{DPRK}/"


def test_a_signed_in_analyst_reads_them(
    seeded: None, settings: Settings, analyst_browser: Client
) -> None:
    settings.API_PUBLIC_READ = False

    assert analyst_browser.get(f"/drafts/{DPRK}/").status_code == 200


def test_sign_in_and_out(seeded: None, settings: Settings) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("ana", "a@example.org", "pw-123456")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/sign-in/?next=/votes/")
    token = page.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()

    response = client.post(
        "/sign-in/",
        {
            "username": "ana",
            "password": "pw-123456",
            "next": "/votes/",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/votes/"
    assert "Sign out" in client.get("/").content.decode()

    out = client.post("/sign-out/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert out.status_code == 302
    assert client.get("/")["Location"] == "/sign-in/?next=/"


def test_a_wrong_password_is_said_next_to_the_form(db: None) -> None:
    response = Client().post("/sign-in/", {"username": "nobody", "password": "x"})

    assert response.status_code == 200
    assert "field__error" in response.content.decode()


def test_every_page_carries_a_strict_content_security_policy(seeded: None, public: None) -> None:
    policy = Client().get("/").headers["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_hold_no_inline_script_or_style(seeded: None, public: None) -> None:
    for url in ["/", "/drafts/", f"/drafts/{DPRK}/", "/votes/", "/members/", "/sectors/"]:
        body = Client().get(url).content.decode()
        assert "style=" not in body, url
        assert "<style" not in body, url
        for chunk in body.split("<script")[1:]:
            assert chunk.lstrip().startswith("src=") or ' src="' in chunk.split(">")[0], url


def test_swagger_ui_gets_a_nonce_for_its_start_up_script(db: None, public: None) -> None:
    response = Client().get("/api/v1/docs/")
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]

    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_the_404_page_is_in_the_sites_style(db: None, public: None, settings: Settings) -> None:
    settings.DEBUG = False
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "This page does not exist" in body and "site-header" in body


def test_an_unknown_draft_is_a_404(seeded: None, public: None, settings: Settings) -> None:
    settings.DEBUG = False
    response = Client().get("/drafts/no-such-draft/")

    assert response.status_code == 404
    assert "no-such-draft" in response.content.decode()


def test_the_500_page_is_in_the_sites_style_and_needs_no_context() -> None:
    from django.template.loader import get_template

    body = get_template("500.html").render()

    assert "Something went wrong" in body and "site.css" in body


def test_favicon_is_served_at_the_root(db: None) -> None:
    response = Client().get("/favicon.ico")

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"

"""The API's own documentation tells a client how to authenticate, placeholder included (in
Swagger UI, a bare <key> would be read as an HTML tag and vanish)."""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import API

pytestmark = pytest.mark.django_db


def test_the_schema_description_shows_the_token_header_with_its_placeholder(
    analyst_client: APIClient,
) -> None:
    schema = analyst_client.get(API + "schema/?format=json").json()

    assert "`Authorization: Token <your token>`" in schema["info"]["description"]
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert token == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }


def test_the_root_names_the_2019_dprk_draft_in_its_examples(analyst_client: APIClient) -> None:
    body = analyst_client.get(API).json()

    assert body["projection"].endswith("/api/v1/drafts/dprk-relief-2019/projection/")

"""The schema and the server agree on the bounds of what a client may send: page numbers from 1,
dates in a query string from the Council's first meeting (1946-01-17) on. Every date parameter
the schema lists is tried, so a new one is held to the same rule."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import API

FIRST_DAY, DAY_BEFORE = "1946-01-17", "1946-01-16"


def _schema(client: APIClient) -> dict[str, Any]:
    response = client.get(API + "schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def _query_dates(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(path, parameter) of every date in a query string of a GET without path parameters."""
    found = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["schema"].get("format") == "date":
                found.append((path, parameter))
    return found


def _error_field(response: Any) -> str:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid"
    return str(body["errors"][0]["field"])


def test_it_states_and_holds_the_first_meeting_as_the_earliest_date_of_every_query(
    seeded: None, analyst_client: APIClient
) -> None:
    dates = _query_dates(_schema(analyst_client))
    names = {(path.removeprefix("/api/v1/"), p["name"]) for path, p in dates}
    expected = {("members/", "on"), ("drafts/", "circulated_after"), ("votes/", "voted_before")}
    assert expected <= names
    for path, parameter in dates:
        name, schema = parameter["name"], parameter["schema"]
        assert "from 1946-01-17" in parameter["description"], (path, name)
        assert re.fullmatch(schema["pattern"], FIRST_DAY), (path, name)
        assert not re.fullmatch(schema["pattern"], DAY_BEFORE), (path, name)
        refused = analyst_client.get(path, {name: DAY_BEFORE})
        assert _error_field(refused) == name
        assert "before the Security Council first met (1946-01-17)" in refused.json()["detail"]
        assert analyst_client.get(path, {name: FIRST_DAY}).status_code == 200, (path, name)


@pytest.mark.django_db
def test_it_refuses_page_0_as_its_schema_says(analyst_client: APIClient) -> None:
    schema = _schema(analyst_client)
    for path in ("/api/v1/drafts/", "/api/v1/votes/"):
        page = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "page")
        assert page["schema"]["minimum"] == 1
        assert _error_field(analyst_client.get(path, {"page": "0"})) == "page"


@pytest.mark.django_db
def test_it_answers_a_date_filter_holding_a_percent_sign_with_a_400(
    analyst_client: APIClient,
) -> None:
    # django-filter formats its messages with '%': the value quoted in ours once made a 500.
    response = analyst_client.get(API + "drafts/", {"circulated_before": "P²%\x8a"})
    assert _error_field(response) == "circulated_before"
    assert "is not a date" in response.json()["detail"]


@pytest.mark.django_db
def test_it_offers_no_method_where_there_is_no_endpoint(analyst_client: APIClient) -> None:
    response = analyst_client.options(API + "votes/0.5/")
    assert response.status_code == 404
    assert "Allow" not in response.headers
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_it_answers_a_method_an_endpoint_lacks_with_405_whatever_the_format(
    editor_client: APIClient,
) -> None:
    response = editor_client.generic("TRACE", API + "drafts/?format=0")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"

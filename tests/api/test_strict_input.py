"""Every write refuses fields it does not take: an unknown field (a typo) and a field only the
server sets are each a 400 naming the field, with the code unknown_field or read_only_field,
and nothing is written. The mechanism (api/serializers.py) holds nested objects and model
serializers to the same rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.test import APIClient

from api.errors import error_body
from api.serializers import StrictModelSerializer, StrictSerializer
from members.models import Term
from tests.api.conftest import API
from tests.api.test_bad_input import BALLOTS, GOOD_POSITION, assert_error
from votes.models import Position

pytestmark = pytest.mark.django_db

GOOD_VOTE = {"resolution_number": 9903, "voted_on": "2019-12-20", "ballots": BALLOTS}
GOOD_SCENARIO = {"overrides": {"USA": "abstain"}}

WRITES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/drafts/{key}/positions/"): GOOD_POSITION,
    ("post", "/api/v1/drafts/{key}/scenarios/"): GOOD_SCENARIO,
    ("post", "/api/v1/votes/"): GOOD_VOTE,
    ("patch", "/api/v1/drafts/{key}/"): {"notes": "Checked against the S/PV record."},
    ("patch", "/api/v1/members/{code}/terms/{id}/"): {"source": "S/PV.8000"},
}
"""A valid body for every write operation of the API."""


def _url(template: str, draft: Any) -> str:
    term = Term.objects.filter(member__code="BEL").order_by("-start").first()
    assert term is not None
    return (
        template.replace("{key}", draft.slug).replace("{code}", "BEL").replace("{id}", str(term.pk))
    )


def _send(client: APIClient, method: str, path: str, draft: Any, body: Any) -> Any:
    """The write as a client sends it: an update carries the ETag it has just read."""
    url = _url(path, draft)
    headers = {}
    if method == "patch":
        read = client.get(url)
        assert read.status_code == 200, read.content
        headers["HTTP_IF_MATCH"] = read["ETag"]
    return getattr(client, method)(url, body, format="json", **headers)


def test_every_write_operation_of_the_schema_is_probed(analyst_client: APIClient) -> None:
    schema = analyst_client.get(API + "schema/", {"format": "json"}).json()
    writes = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch"}
    }
    assert writes == set(WRITES), "a new write endpoint needs a body in WRITES"


@pytest.mark.parametrize(("method", "path"), list(WRITES))
def test_every_write_refuses_an_unknown_field_naming_it(
    draft_2019: Any,
    editor_client: APIClient,
    row_counts: Any,
    method: str,
    path: str,
) -> None:
    before = row_counts()
    body = {**WRITES[method, path], "colour": "blue"}
    response = _send(editor_client, method, path, draft_2019, body)
    error = assert_error(response, 400, "colour", "Unknown field", "unknown_field")
    assert error["code"] == "unknown_field"
    assert row_counts() == before
    # The same body without the stray field is accepted: the field alone was at fault.
    response = _send(editor_client, method, path, draft_2019, WRITES[method, path])
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize(("method", "path"), list(WRITES))
@pytest.mark.parametrize("raw", ["[" + json.dumps(GOOD_POSITION) + "]", '"a string"', "42", "null"])
def test_every_write_wants_a_json_object(
    draft_2019: Any, editor_client: APIClient, row_counts: Any, method: str, path: str, raw: str
) -> None:
    before = row_counts()
    response = editor_client.generic(
        method.upper(), _url(path, draft_2019), raw, content_type="application/json"
    )
    assert_error(response, 400, "body", "Send a JSON object", "invalid")
    assert row_counts() == before


def test_a_misspelt_supersedes_no_longer_skips_the_optimistic_check(
    draft_2019: Any, editor_client: APIClient, row_counts: Any
) -> None:
    """The issue's case: with the typo, the write used to be accepted (201) and to overtake
    a newer position without the 409 the client asked for."""
    url = API + f"drafts/{draft_2019.slug}/positions/"
    newer = {**GOOD_POSITION, "as_of": "2019-12-31"}
    old = Position.objects.filter(draft=draft_2019, member__code="BEL").get()
    assert editor_client.post(url, newer, format="json").status_code == 201
    before = row_counts()

    response = editor_client.post(url, {**newer, "supercedes": old.pk}, format="json")

    assert_error(response, 400, "supercedes", "Did you mean 'supersedes'?", "unknown_field")
    assert row_counts() == before
    spelt = editor_client.post(url, {**newer, "supersedes": old.pk}, format="json")
    assert spelt.status_code == 409
    assert spelt.json()["code"] == "stale_version"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("positions", GOOD_POSITION, "id"),
        ("positions", GOOD_POSITION, "created_at"),
        ("positions", GOOD_POSITION, "entered_by"),
        ("positions", GOOD_POSITION, "draft"),
        ("votes", GOOD_VOTE, "id"),
        ("votes", GOOD_VOTE, "outcome"),
        ("votes", GOOD_VOTE, "vetoed_by"),
        ("votes", GOOD_VOTE, "counts"),
        ("votes", GOOD_VOTE, "recorded_outcome"),
    ],
)
def test_a_field_only_the_server_sets_is_refused(
    draft_2019: Any,
    editor_client: APIClient,
    row_counts: Any,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    url = API + (f"drafts/{draft_2019.slug}/positions/" if path == "positions" else "votes/")
    before = row_counts()
    response = editor_client.post(url, {**body, field: "anything"}, format="json")
    body_seen = assert_error(response, 400, field, "Read-only", "read_only_field")
    assert body_seen["code"] == "read_only_field"
    assert row_counts() == before


def test_refused_fields_are_named_with_every_other_error_at_once(
    draft_2019: Any, editor_client: APIClient
) -> None:
    response = editor_client.post(
        API + f"drafts/{draft_2019.slug}/positions/",
        {"supercedes": 12, "id": 3, "stance": "maybe"},
        format="json",
    )
    body = assert_error(response, 400)
    codes = {e["field"]: e["code"] for e in body["errors"]}
    assert codes == {
        "supercedes": "unknown_field",
        "id": "read_only_field",
        "stance": "invalid",
        "member": "required",
        "confidence": "required",
        "as_of": "required",
        "source": "required",
    }
    assert body["code"] == "invalid"  # the errors do not share one code
    assert body["detail"].startswith("supercedes: Unknown field.")


# The mechanism, for the serializers still to come (a PATCH of a term or a draft) ------------


class SourceInput(StrictSerializer):
    url = serializers.URLField()
    page = serializers.IntegerField(required=False)


class EntryInput(StrictSerializer):
    title = serializers.CharField()
    source = SourceInput()  # type: ignore[assignment]  # stub gap: DRF's stubs see Field.source
    also = SourceInput(many=True, required=False)


def _errors(serializer: serializers.BaseSerializer[Any]) -> dict[str, str]:
    assert not serializer.is_valid()
    return {e["field"]: e["code"] for e in error_body(serializer.errors)["errors"]}


def test_nested_objects_refuse_unknown_fields_by_their_dotted_name() -> None:
    given = EntryInput(
        data={
            "title": "t",
            "source": {"url": "https://example.org", "pgae": 3},
            "also": [{"url": "https://example.org"}, {"url": "https://example.org", "x": 1}],
        }
    )
    assert _errors(given) == {"source.pgae": "unknown_field", "also[1].x": "unknown_field"}
    assert EntryInput(
        data={"title": "t", "source": {"url": "https://example.org", "page": 3}}
    ).is_valid()


def test_a_nested_input_serializer_that_is_not_strict_is_a_configuration_error() -> None:
    class Loose(serializers.Serializer[Any]):
        url = serializers.URLField()

    class Outer(StrictSerializer):
        source = Loose()  # type: ignore[assignment]  # stub gap: DRF's stubs see Field.source

    with pytest.raises(ImproperlyConfigured, match="must be strict"):
        Outer(data={"source": {"url": "https://example.org"}}).is_valid()


class TermInput(StrictModelSerializer):
    class Meta:
        model = Term
        fields = ["id", "start", "end", "source", "updated_at"]


def test_a_model_serializer_refuses_its_read_only_fields_and_reads_dates_strictly() -> None:
    assert _errors(TermInput(data={"id": 4, "updated_at": "2020-01-01T00:00:00Z"})) == {
        "id": "read_only_field",
        "updated_at": "read_only_field",
        "start": "required",
    }
    assert _errors(TermInput(data={"start": "٢٠١٩-٠١-٠١", "sorce": "x"})) == {
        "sorce": "unknown_field",
        "start": "invalid",
    }
    assert _errors(TermInput(data={"start": "20190101"})) == {"start": "invalid"}
    assert TermInput(data={"start": "2019-01-01", "source": "x"}, partial=True).is_valid()

"""Every error carries a stable code beside its message, at the top and on each error, from the
list the OpenAPI schema documents: each code here is met the way a client would meet it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import API
from tests.api.test_bad_input import GOOD_POSITION, assert_error
from votes.models import Position

pytestmark = pytest.mark.django_db

POSITIONS = API + "drafts/dprk-relief-2019/positions/"
ISSUE_CODES = {
    "not_seated", "unknown_field", "read_only_field", "stale_version", "not_found", "invalid",
    "required", "too_deep", "not_authenticated", "permission_denied", "throttled", "parse_error",
}  # fmt: skip


def _post(client: APIClient, body: dict[str, Any]) -> Any:
    return client.post(POSITIONS, {**GOOD_POSITION, **body}, format="json")


def _stale(clients: dict[str, APIClient]) -> Any:
    old = Position.objects.get(draft__slug="dprk-relief-2019", member__code="BEL")
    newer = {"as_of": "2019-12-31"}
    assert _post(clients["editor"], newer).status_code == 201
    return _post(clients["editor"], {**newer, "supersedes": old.pk})


def _older(clients: dict[str, APIClient]) -> Any:
    current = Position.objects.get(draft__slug="dprk-relief-2019", member__code="USA")
    older = {"member": "USA", "as_of": "2019-12-20", "supersedes": current.pk}
    return _post(clients["editor"], older)


def _throttled(clients: dict[str, APIClient], settings: Any) -> Any:
    settings.API_RATE_USER = "1/minute"
    clients["analyst"].get(API + "regimes/")
    return clients["analyst"].get(API + "regimes/")


def _bad_token(clients: dict[str, APIClient]) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    return client.get(API + "drafts/")


DRAFT = API + "drafts/dprk-relief-2019/"


def _patch(clients: dict[str, APIClient], **headers: Any) -> Any:  # WSGI environ entries
    return clients["editor"].patch(DRAFT, {"notes": "Checked."}, format="json", **headers)


# code -> (status, field named or None, how a client meets it)
MEETS: dict[str, tuple[int, str | None, Callable[..., Any]]] = {
    "not_seated": (400, "member", lambda c: _post(c["editor"], {"member": "JPN"})),
    "unknown_member": (400, "member", lambda c: _post(c["editor"], {"member": "XXX"})),
    "unknown_field": (400, "supercedes", lambda c: _post(c["editor"], {"supercedes": 1})),
    "read_only_field": (400, "entered_by", lambda c: _post(c["editor"], {"entered_by": "me"})),
    "stale_version": (409, "supersedes", _stale),
    "older_than_current": (409, "as_of", _older),
    "precondition_failed": (412, None, lambda c: _patch(c, HTTP_IF_MATCH='"draft-1-1"')),
    "precondition_required": (428, None, _patch),
    "invalid": (400, "stance", lambda c: _post(c["editor"], {"stance": "maybe"})),
    "required": (400, "source", lambda c: _post(c["editor"], {"source": None})),
    "parse_error": (
        400,
        "body",
        lambda c: c["editor"].generic("POST", POSITIONS, "{", content_type="application/json"),
    ),
    "too_deep": (
        400,
        "body",
        lambda c: c["editor"].generic(
            "POST", POSITIONS, "[" * 40 + "]" * 40, content_type="application/json"
        ),
    ),
    "not_found": (404, None, lambda c: c["analyst"].get(API + "drafts/no-such-draft/")),
    "not_authenticated": (401, None, lambda c: APIClient().get(API + "drafts/")),
    "authentication_failed": (401, None, _bad_token),
    "permission_denied": (403, None, lambda c: _post(c["analyst"], {})),
    "method_not_allowed": (405, None, lambda c: c["editor"].delete(API + "votes/")),
    "not_acceptable": (
        406,
        None,
        lambda c: c["analyst"].get(API + "drafts/", HTTP_ACCEPT="application/xml"),
    ),
    "unsupported_media_type": (
        415,
        None,
        lambda c: c["editor"].post(POSITIONS, "member=BEL", content_type="text/plain"),
    ),
    "throttled": (429, None, _throttled),
}


def test_every_documented_code_is_met_below_and_the_issues_codes_are_documented(
    analyst_client: APIClient,
) -> None:
    schema = analyst_client.get(API + "schema/", {"format": "json"}).json()
    error = schema["components"]["schemas"]["Error"]
    documented = error["properties"]["code"]["enum"]
    assert error["properties"]["errors"]["items"]["properties"]["code"]["enum"] == documented
    assert set(documented) == set(MEETS)
    assert set(documented) >= ISSUE_CODES
    for code in documented:  # each code's meaning is in the description
        assert f"`{code}`" in error["properties"]["code"]["description"]


@pytest.mark.parametrize("code", list(MEETS))
def test_a_client_meets_each_code(
    seeded: None,
    analyst_client: APIClient,
    editor_client: APIClient,
    row_counts: Any,
    settings: Any,
    code: str,
) -> None:
    status, field, meet = MEETS[code]
    clients = {"analyst": analyst_client, "editor": editor_client}
    if meet is _throttled:
        response = meet(clients, settings)
    else:
        before = row_counts()
        response = meet(clients)
        if code != "stale_version":  # its own setup records one position
            assert row_counts() == before

    body = assert_error(response, status, field, code=code if field else None)
    assert body["code"] == code, body


def test_a_service_error_without_a_code_is_reported_as_invalid(
    seeded: None, editor_client: APIClient
) -> None:
    # The service refuses a vote before the draft was circulated with no code of its own.
    response = editor_client.post(
        API + "votes/",
        {"draft": "dprk-relief-2019", "voted_on": "2019-12-01", "ballots": {"USA": "yes"}},
        format="json",
    )
    body = assert_error(response, 400, "voted_on", "cannot come before", "invalid")
    assert body["code"] == "invalid"


def test_ballots_of_members_not_seated_or_unknown_say_which(
    seeded: None, editor_client: APIClient
) -> None:
    from tests.api.test_bad_input import BALLOTS

    response = editor_client.post(
        API + "votes/",
        {"resolution_number": 9905, "voted_on": "2019-12-20", "ballots": {**BALLOTS, "JPN": "yes"}},
        format="json",
    )
    assert_error(response, 400, "ballots", "Japan is not on the Security Council", "not_seated")
    response = editor_client.post(
        API + "votes/",
        {"resolution_number": 9905, "voted_on": "2019-12-20", "ballots": {**BALLOTS, "XXX": "yes"}},
        format="json",
    )
    assert_error(response, 400, "ballots", "'XXX'", "unknown_member")

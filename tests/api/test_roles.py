"""Who may do what: the role matrix for every write and for reads, token and session (CSRF)
authentication, and the ``api_token`` command."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.middleware.csrf import get_token
from django.test import RequestFactory
from rest_framework.test import APIClient

from tests.api.conftest import API, token_client
from votes.models import Position, RecordedVote

pytestmark = pytest.mark.django_db

COUNCIL_2019 = [
    "CHN", "FRA", "RUS", "GBR", "USA",
    "BEL", "CIV", "DOM", "GNQ", "DEU", "IDN", "KWT", "PER", "POL", "ZAF",
]  # fmt: skip

POSITION = {
    "member": "DEU",
    "stance": "leaning_no",
    "confidence": 0.7,
    "as_of": "2019-12-31",
    "source": "Statement of Germany",
}


def _vote(resolution_number: int = 9901) -> dict[str, Any]:
    return {
        "resolution_number": resolution_number,
        "voted_on": "2019-12-20",
        "ballots": dict.fromkeys(COUNCIL_2019, "yes"),
    }


STATUS_CODES = {
    401: {"not_authenticated", "authentication_failed"},
    403: {"permission_denied"},
}


def _error_shape(response: Any) -> dict[str, Any]:
    """The one error shape, with the code its status documents."""
    body: dict[str, Any] = response.json()
    assert set(body) == {"detail", "code", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    assert body["code"] in STATUS_CODES[response.status_code], body
    return body


@pytest.fixture
def client_as(request: pytest.FixtureRequest) -> Any:
    """``client_as("editor")``: an API client for that kind of user (token authentication)."""

    def make(who: str) -> APIClient:
        if who == "anonymous":
            return APIClient()
        user = request.getfixturevalue(who)
        return token_client(user)

    return make


WRITERS = [
    ("anonymous", 401),
    ("no_role_user", 403),
    ("analyst", 403),
    ("editor", 201),
    ("admin_member", 201),
    ("superuser", 201),
]


@pytest.mark.parametrize(("who", "status"), WRITERS)
def test_post_position_role_matrix(
    draft_2019: Any, client_as: Any, row_counts: Any, who: str, status: int
) -> None:
    before = row_counts()
    response = client_as(who).post(
        API + f"drafts/{draft_2019.slug}/positions/", POSITION, format="json"
    )
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["member"]["code"] == "DEU"
        assert Position.objects.count() == before["Position"] + 1
        return
    _error_shape(response)
    assert row_counts() == before
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(("who", "status"), WRITERS)
def test_post_vote_role_matrix(
    seeded: None, client_as: Any, row_counts: Any, who: str, status: int
) -> None:
    before = row_counts()
    response = client_as(who).post(API + "votes/", _vote(), format="json")
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["outcome"] == "adopted"
        assert RecordedVote.objects.count() == before["RecordedVote"] + 1
        return
    _error_shape(response)
    assert row_counts() == before
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"


def test_anonymous_writes_are_refused_even_with_public_reads(
    draft_2019: Any, public_reads: None, row_counts: Any
) -> None:
    before = row_counts()
    client = APIClient()
    position = client.post(API + f"drafts/{draft_2019.slug}/positions/", POSITION, format="json")
    vote = client.post(API + "votes/", _vote(), format="json")
    assert position.status_code in (401, 403)
    assert vote.status_code in (401, 403)
    _error_shape(position)
    assert row_counts() == before


def _read_urls(draft: Any) -> list[str]:
    vote = RecordedVote.objects.get(draft__symbol="S/2019/961")
    return [
        API,
        API + "members/?on=2019-12-20",
        API + "regimes/",
        API + "sectors/",
        API + "drafts/",
        API + f"drafts/{draft.slug}/",
        API + f"drafts/{draft.slug}/tally/",
        API + f"drafts/{draft.slug}/projection/",
        API + f"drafts/{draft.slug}/positions/",
        API + f"drafts/{draft.slug}/positions/?history=true",
        API + "votes/",
        API + f"votes/{vote.pk}/",
        API + "power-indices/?on=2019-12-20",
        API + "drafts/?format=csv",
    ]


def test_anonymous_reads_need_a_signed_in_user(draft_2019: Any) -> None:
    client = APIClient()
    for url in _read_urls(draft_2019):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token", url
    response = client.post(
        API + f"drafts/{draft_2019.slug}/scenarios/", {"overrides": {}}, format="json"
    )
    assert response.status_code == 401
    assert _error_shape(response)["code"] == "not_authenticated"


def test_anonymous_reads_allowed_with_public_reads(draft_2019: Any, public_reads: None) -> None:
    client = APIClient()
    for url in _read_urls(draft_2019):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["analyst", "no_role_user", "editor", "superuser"])
def test_signed_in_users_read_everything(draft_2019: Any, client_as: Any, who: str) -> None:
    client = client_as(who)
    for url in _read_urls(draft_2019):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("who", "public", "status"),
    [
        ("anonymous", False, 401),
        ("anonymous", True, 200),
        ("no_role_user", False, 200),
        ("analyst", False, 200),
        ("editor", False, 200),
        ("superuser", False, 200),
    ],
)
def test_scenarios_are_open_to_any_reader_and_write_nothing(
    draft_2019: Any,
    client_as: Any,
    settings: Any,
    row_counts: Any,
    who: str,
    public: bool,
    status: int,
) -> None:
    settings.API_PUBLIC_READ = public
    before = row_counts()
    response = client_as(who).post(
        API + f"drafts/{draft_2019.slug}/scenarios/",
        {"overrides": {"USA": "abstain"}},
        format="json",
    )
    assert response.status_code == status, response.content
    assert row_counts() == before
    if status == 200:
        assert 0 <= response.json()["p_adopted"] <= 1


def test_a_bad_token_is_refused(draft_2019: Any, public_reads: None) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(API + "drafts/")
    assert response.status_code == 401
    assert _error_shape(response)["code"] == "authentication_failed"


# Sessions and CSRF --------------------------------------------------------------------------


def _csrf_pair() -> tuple[str, str]:
    """A CSRF cookie value and a matching (masked) token for the X-CSRFToken header."""
    request = RequestFactory().get("/")
    token = get_token(request)
    return request.META["CSRF_COOKIE"], token


def _session_client(user: Any) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_session_write_without_csrf_token_is_refused(
    draft_2019: Any, editor: Any, row_counts: Any
) -> None:
    client = _session_client(editor)
    before = row_counts()
    response = client.post(API + f"drafts/{draft_2019.slug}/positions/", POSITION, format="json")
    assert response.status_code == 403
    body = _error_shape(response)
    assert "CSRF" in body["detail"]
    response = client.post(API + "votes/", _vote(), format="json")
    assert response.status_code == 403
    assert row_counts() == before


def test_session_write_with_csrf_token_is_accepted(draft_2019: Any, editor: Any) -> None:
    client = _session_client(editor)
    cookie, token = _csrf_pair()
    client.cookies["csrftoken"] = cookie
    response = client.post(
        API + f"drafts/{draft_2019.slug}/positions/",
        POSITION,
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content
    assert response.json()["entered_by"] == editor.username
    response = client.post(API + "votes/", _vote(), format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_session_write_with_a_wrong_csrf_token_is_refused(draft_2019: Any, editor: Any) -> None:
    client = _session_client(editor)
    cookie, _ = _csrf_pair()
    _, other = _csrf_pair()
    client.cookies["csrftoken"] = cookie
    response = client.post(
        API + f"drafts/{draft_2019.slug}/positions/",
        POSITION,
        format="json",
        HTTP_X_CSRFTOKEN=other,
    )
    assert response.status_code == 403


def test_session_analyst_write_with_csrf_token_is_still_forbidden(
    draft_2019: Any, analyst: Any
) -> None:
    client = _session_client(analyst)
    cookie, token = _csrf_pair()
    client.cookies["csrftoken"] = cookie
    response = client.post(
        API + f"drafts/{draft_2019.slug}/positions/",
        POSITION,
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 403


def test_session_reads_need_no_csrf_token(draft_2019: Any, analyst: Any) -> None:
    client = _session_client(analyst)
    assert client.get(API + f"drafts/{draft_2019.slug}/tally/").status_code == 200


def test_session_scenario_needs_the_csrf_token_too(draft_2019: Any, analyst: Any) -> None:
    client = _session_client(analyst)
    url = API + f"drafts/{draft_2019.slug}/scenarios/"
    assert client.post(url, {"overrides": {}}, format="json").status_code == 403
    cookie, token = _csrf_pair()
    client.cookies["csrftoken"] = cookie
    response = client.post(url, {"overrides": {}}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_token_clients_need_no_csrf_token(draft_2019: Any, editor: Any) -> None:
    client = token_client(editor)
    client.handler.enforce_csrf_checks = True
    response = client.post(API + f"drafts/{draft_2019.slug}/positions/", POSITION, format="json")
    assert response.status_code == 201


# The api_token command ----------------------------------------------------------------------


def _api_token(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_api_token_creates_an_editor_whose_token_writes(draft_2019: Any) -> None:
    key = _api_token("newcomer", "--role", "editor", "--create")
    assert len(key) == 40
    user = get_user_model().objects.get(username="newcomer")
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]
    assert not user.has_usable_password()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(API + f"drafts/{draft_2019.slug}/positions/", POSITION, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["entered_by"] == "newcomer"
    assert _api_token("newcomer") == key  # the same token, printed again


def test_api_token_analyst_reads_but_cannot_write(draft_2019: Any) -> None:
    key = _api_token("reader", "--role", "analyst", "--create")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(API + "drafts/").status_code == 200
    response = client.post(API + f"drafts/{draft_2019.slug}/positions/", POSITION, format="json")
    assert response.status_code == 403


def test_api_token_rotate_replaces_the_token(draft_2019: Any) -> None:
    old = _api_token("rotator", "--role", "editor", "--create")
    new = _api_token("rotator", "--rotate")
    assert new != old
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get(API + "drafts/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get(API + "drafts/").status_code == 200

"""Bad input gets a 400 (or the documented 404/409/415) in the one error shape, naming the field
at fault; never a 500; and a rejected write writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from api.errors import ERROR_CODES
from resolutions.models import SanctionsRegime
from tests.api.conftest import API
from tests.factories import DraftFactory
from votes.models import RecordedVote

pytestmark = pytest.mark.django_db

COUNCIL_2019 = [
    "CHN", "FRA", "RUS", "GBR", "USA",
    "BEL", "CIV", "DOM", "GNQ", "DEU", "IDN", "KWT", "PER", "POL", "ZAF",
]  # fmt: skip

GOOD_POSITION = {
    "member": "BEL",
    "stance": "leaning_yes",
    "confidence": 0.7,
    "as_of": "2019-12-20",
    "source": "Statement of Belgium",
}
BALLOTS = dict.fromkeys(COUNCIL_2019, "yes")
GOOD_VOTE = {"resolution_number": 9902, "voted_on": "2019-12-20", "ballots": BALLOTS}


def assert_error(
    response: Any,
    status: int,
    field: str | None = None,
    message: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """The response has ``status`` and the one error shape, its codes from the documented
    list; with ``field``, an error names it (its message contains ``message``, its code is
    ``code``)."""
    assert response.status_code == status, response.content[:1000]
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"detail", "code", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert body["code"] in ERROR_CODES, body
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message", "code"}, error
        assert isinstance(error["field"], str) and isinstance(error["message"], str)
        assert error["code"] in ERROR_CODES, error
    if field is not None:
        fields = [e["field"] for e in body["errors"]]
        assert field in fields, body
        named = next(e for e in body["errors"] if e["field"] == field)
        if message is not None:
            assert message in named["message"], body
        if code is not None:
            assert named["code"] == code, body
    return body


def _post_raw(client: APIClient, url: str, raw: str, content_type: str = "application/json") -> Any:
    return client.generic("POST", url, raw, content_type=content_type)


# Positions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"member": "XXX"}, "member", "Unknown member code 'XXX'"),
        ({"member": "USAA"}, "member", None),
        ({"member": None}, "member", None),
        # The seat is judged on the position's own date (as_of), not the draft's.
        ({"member": "JPN"}, "member", "Japan is not on the Security Council on 2019-12-20."),
        ({"stance": "maybe"}, "stance", "maybe"),
        ({"stance": "YES"}, "stance", None),
        ({"stance": ["yes"]}, "stance", None),
        ({"confidence": 1.5}, "confidence", None),
        ({"confidence": -0.1}, "confidence", None),
        ({"confidence": "abc"}, "confidence", None),
        ({"confidence": None}, "confidence", None),
        ({"confidence": "NaN"}, "confidence", None),
        ({"confidence": "Infinity"}, "confidence", None),
        ({"confidence": 1e308}, "confidence", None),
        ({"confidence": -1e308}, "confidence", None),
        ({"as_of": "2019-02-30"}, "as_of", None),
        ({"as_of": "30/12/2019"}, "as_of", None),
        ({"as_of": 20191230}, "as_of", None),
        ({"as_of": "2999-01-01"}, "as_of", "in the future"),
        ({"source": ""}, "source", None),
        ({"source": "   "}, "source", None),
        ({"source_url": "not a url"}, "source_url", None),
        ({"supersedes": 0}, "supersedes", None),
        ({"supersedes": "abc"}, "supersedes", None),
    ],
)
def test_bad_position_is_refused_and_nothing_written(
    draft_2019: Any,
    editor_client: APIClient,
    row_counts: Any,
    change: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    before = row_counts()
    response = editor_client.post(
        API + f"drafts/{draft_2019.slug}/positions/", {**GOOD_POSITION, **change}, format="json"
    )
    assert_error(response, 400, field, message)
    assert row_counts() == before


def test_member_not_seated_on_the_drafts_date_is_named(
    seeded: None, editor_client: APIClient, row_counts: Any
) -> None:
    # S/2022/431 was voted on 2022-05-26 (its only date); Belgium sat in 2019-2020.
    before = row_counts()
    response = editor_client.post(
        API + "drafts/s-2022-431/positions/",
        {**GOOD_POSITION, "as_of": "2022-05-26"},
        format="json",
    )
    body = assert_error(
        response, 400, "member", "Belgium is not on the Security Council on 2022-05-26"
    )
    assert "Belgium" in body["detail"]
    assert row_counts() == before


def test_missing_fields_are_each_named(
    draft_2019: Any, editor_client: APIClient, row_counts: Any
) -> None:
    before = row_counts()
    response = editor_client.post(API + f"drafts/{draft_2019.slug}/positions/", {}, format="json")
    body = assert_error(response, 400)
    assert {e["field"] for e in body["errors"]} == {
        "member",
        "stance",
        "confidence",
        "as_of",
        "source",
    }
    assert row_counts() == before


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"member": "BEL",', "body"),
        ("{'member': 'BEL'}", "body"),
        ('{"member": "BEL", "confidence": NaN}', "body"),
        ("\u00ff\u00fe", "body"),
        ("[" + json.dumps(GOOD_POSITION) + "]", None),  # a JSON array
        ('"BEL"', None),  # a JSON string
        ("42", None),
        ("null", None),
        ("", None),  # an empty body
        (
            '{"member": "BEL", "stance": "yes", "confidence": 1e400, "as_of": "2019-12-20", '
            '"source": "x"}',
            "confidence",
        ),
        (
            '{"member": "BEL", "stance": "yes", "confidence": ' + "9" * 5000 + ', "as_of": '
            '"2019-12-20", "source": "x"}',
            None,
        ),
    ],
)
def test_malformed_or_wrongly_typed_position_bodies(
    draft_2019: Any, editor_client: APIClient, row_counts: Any, raw: str, field: str | None
) -> None:
    before = row_counts()
    response = _post_raw(editor_client, API + f"drafts/{draft_2019.slug}/positions/", raw)
    assert_error(response, 400, field)
    assert row_counts() == before


def test_malformed_json_names_the_body(draft_2019: Any, editor_client: APIClient) -> None:
    response = _post_raw(
        editor_client, API + f"drafts/{draft_2019.slug}/positions/", '{"member": "BEL",'
    )
    body = assert_error(response, 400, "body")
    assert body["errors"][0]["message"].startswith("Malformed request body")


def test_position_body_that_is_not_json_is_unsupported(
    draft_2019: Any, editor_client: APIClient, row_counts: Any
) -> None:
    before = row_counts()
    response = _post_raw(
        editor_client,
        API + f"drafts/{draft_2019.slug}/positions/",
        "member=BEL&stance=yes",
        "application/x-www-form-urlencoded",
    )
    assert_error(response, 415)
    assert row_counts() == before


def test_huge_supersedes_is_a_conflict_not_a_crash(
    draft_2019: Any, editor_client: APIClient, row_counts: Any
) -> None:
    before = row_counts()
    for huge in (2**31, 2**63, 10**30):
        response = editor_client.post(
            API + f"drafts/{draft_2019.slug}/positions/",
            {**GOOD_POSITION, "supersedes": huge},
            format="json",
        )
        assert_error(response, 409, "supersedes")
    assert row_counts() == before


# Scenarios ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"overrides": {"XXX": "abstain"}}, "overrides", "XXX"),
        ({"overrides": {"JPN": "abstain"}}, "overrides", "JPN"),
        ({"overrides": {"": "abstain"}}, "overrides", None),
        ({"overrides": {"USA": "maybe"}}, "overrides.USA", None),
        ({"overrides": {"USA": None}}, "overrides.USA", None),
        ({"overrides": ["USA"]}, "overrides", None),
        ({"overrides": "USA"}, "overrides", None),
        ({"overrides": None}, "overrides", None),
        ({}, "overrides", None),
        ({"overrides": {}, "draft": "s-2019-961"}, "draft", "Unknown field"),
        ({"override": {"USA": "abstain"}}, "override", "Unknown field"),
    ],
)
def test_bad_scenarios(
    draft_2019: Any,
    analyst_client: APIClient,
    row_counts: Any,
    body: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    before = row_counts()
    response = analyst_client.post(
        API + f"drafts/{draft_2019.slug}/scenarios/", body, format="json"
    )
    assert_error(response, 400, field, message)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"overrides": ', "body"),
        ('[{"overrides": {}}]', "body"),
        ('"overrides"', "body"),
        ("7", "body"),
        ("", "overrides"),
    ],
)
def test_malformed_scenario_bodies(
    draft_2019: Any, analyst_client: APIClient, row_counts: Any, raw: str, field: str
) -> None:
    before = row_counts()
    response = _post_raw(analyst_client, API + f"drafts/{draft_2019.slug}/scenarios/", raw)
    assert_error(response, 400, field)
    assert row_counts() == before


# Recorded votes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ballots": {**BALLOTS, "JPN": "yes"}}, "ballots", "Japan is not on the Security Council"),
        ({"ballots": {**BALLOTS, "XXX": "yes"}}, "ballots", "XXX"),
        ({"ballots": {k: v for k, v in BALLOTS.items() if k != "USA"}}, "ballots", "USA"),
        ({"ballots": {**BALLOTS, "USA": "maybe"}}, "ballots.USA", None),
        ({"ballots": ["USA"]}, "ballots", None),
        ({"ballots": None}, "ballots", None),
        ({"voted_on": "2019-02-30"}, "voted_on", None),
        ({"voted_on": "2028-03-01"}, "voted_on", "known for 10 of 15 seats"),
        ({"matter": "important"}, "matter", None),
        ({"resolution_number": None}, "draft", None),
        ({"resolution_number": 0}, "resolution_number", None),
        ({"resolution_number": 2397}, "resolution_number", None),
        ({"resolution_number": 10**30}, "resolution_number", None),
        ({"resolution_number": None, "draft": "nope"}, "draft", "nope"),
        ({"resolution_number": None, "draft": "s-2019-961"}, "draft", None),  # already voted
        ({"meeting_record": "S/PV." + "9" * 50}, "meeting_record", None),
    ],
)
def test_bad_vote_is_refused_and_nothing_written(
    seeded: None,
    editor_client: APIClient,
    row_counts: Any,
    change: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    before = row_counts()
    response = editor_client.post(API + "votes/", {**GOOD_VOTE, **change}, format="json")
    assert_error(response, 400, field, message)
    assert row_counts() == before


def test_vote_before_the_charter_is_a_400_not_a_500(
    seeded: None, editor_client: APIClient, row_counts: Any
) -> None:
    before = row_counts()
    response = editor_client.post(
        API + "votes/", {**GOOD_VOTE, "voted_on": "1900-01-01"}, format="json"
    )
    assert_error(response, 400, "voted_on")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"ballots": {', "body"),
        ("[" + json.dumps(GOOD_VOTE) + "]", None),
        ('"vote"', None),
        ("", None),
        ('{"resolution_number": ' + "9" * 400 + ', "voted_on": "2019-12-20", "ballots": {}}', None),
    ],
)
def test_malformed_vote_bodies(
    seeded: None, editor_client: APIClient, row_counts: Any, raw: str, field: str | None
) -> None:
    before = row_counts()
    response = _post_raw(editor_client, API + "votes/", raw)
    assert_error(response, 400, field)
    assert row_counts() == before


# Query parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("members/?on=2019-13-01", "on", "2019-13-01"),
        ("members/?on=yesterday", "on", None),
        ("members/?on=99999-01-01", "on", None),
        ("power-indices/?on=2019-13-01", "on", None),
        ("power-indices/?matter=important", "matter", "important"),
        ("power-indices/?on=2028-03-01", "on", "known for 10 of 15 seats"),
        ("drafts/{2019}/positions/?history=maybe", "history", "maybe"),
        ("drafts/?status=bogus", "status", None),
        ("drafts/?matter=bogus", "matter", None),
        ("drafts/?circulated_after=2019-02-30", "circulated_after", None),
        ("drafts/?voted_before=soon", "voted_before", None),
        ("votes/?outcome=bogus", "outcome", None),
        ("votes/?member_vote=maybe", "member_vote", None),
        ("votes/?voted_after=2019-13-01", "voted_after", None),
    ],
)
def test_bad_query_parameters(
    draft_2019: Any, analyst_client: APIClient, url: str, field: str, message: str | None
) -> None:
    response = analyst_client.get(API + url.replace("{2019}", draft_2019.slug))
    assert_error(response, 400, field, message)


@pytest.mark.parametrize("endpoint", ["members/", "power-indices/"])
@pytest.mark.parametrize("day", ["0001-01-01", "1945-10-23"])
def test_dates_before_the_charter_are_a_400_not_a_500(
    seeded: None, analyst_client: APIClient, endpoint: str, day: str
) -> None:
    response = analyst_client.get(API + endpoint, {"on": day})
    assert_error(response, 400, "on")


# Unknown objects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "drafts/no-such-draft/"),
        ("get", "drafts/999999/"),
        ("get", "drafts/99999999999999999999999999/"),
        ("get", "drafts/no-such-draft/tally/"),
        ("get", "drafts/no-such-draft/projection/"),
        ("get", "drafts/no-such-draft/positions/"),
        ("post", "drafts/no-such-draft/positions/"),
        ("post", "drafts/no-such-draft/scenarios/"),
        ("get", "votes/999999/"),
        ("get", "votes/99999999999999999999999999/"),
    ],
)
def test_unknown_objects_are_404_with_the_error_shape(
    seeded: None, editor_client: APIClient, row_counts: Any, method: str, url: str
) -> None:
    before = row_counts()
    if method == "get":
        response = editor_client.get(API + url)
    else:
        body = {"overrides": {}} if "scenarios" in url else GOOD_POSITION
        response = editor_client.post(API + url, body, format="json")
    assert_error(response, 404)
    assert row_counts() == before


def test_unknown_draft_names_the_key(seeded: None, analyst_client: APIClient) -> None:
    body = assert_error(analyst_client.get(API + "drafts/no-such-draft/tally/"), 404)
    assert "no-such-draft" in body["detail"]


# Drafts whose Council cannot be computed ----------------------------------------------------


@pytest.fixture
def dprk() -> SanctionsRegime:
    return SanctionsRegime.objects.get(slug="dprk-1718")


def test_draft_whose_council_is_incomplete_is_a_400_not_a_500(
    seeded: None, analyst_client: APIClient, dprk: SanctionsRegime
) -> None:
    day = dt.date(2028, 3, 1)  # an open draft without a vote date would take today's Council
    draft = DraftFactory.create(circulated_on=day, vote_on=day, regime=dprk)
    for url in (f"drafts/{draft.slug}/tally/", f"drafts/{draft.slug}/projection/"):
        assert_error(analyst_client.get(API + url), 400)
    response = analyst_client.post(
        API + f"drafts/{draft.slug}/scenarios/", {"overrides": {}}, format="json"
    )
    assert_error(response, 400)
    listed = analyst_client.get(API + "drafts/")
    assert listed.status_code == 200
    item = next(d for d in listed.json()["results"] if d["slug"] == draft.slug)
    assert item["tally"] is None
    assert analyst_client.get(API + f"drafts/{draft.slug}/").status_code == 200


def test_a_draft_dated_before_the_charter_does_not_break_the_api(
    seeded: None, analyst_client: APIClient, dprk: SanctionsRegime
) -> None:
    """Such a draft can be entered (the model and the admin accept any date); the API must
    still list drafts, and answer 400 where no Council can be computed."""
    day = dt.date(1940, 1, 1)
    draft = DraftFactory.create(circulated_on=day, vote_on=day, regime=dprk)
    listed = analyst_client.get(API + "drafts/")
    assert listed.status_code == 200
    assert analyst_client.get(API + f"drafts/{draft.slug}/").status_code == 200
    assert_error(analyst_client.get(API + f"drafts/{draft.slug}/tally/"), 400)
    assert_error(analyst_client.get(API + f"drafts/{draft.slug}/projection/"), 400)


def test_rejected_writes_leave_no_recorded_vote_behind(
    seeded: None, editor_client: APIClient
) -> None:
    before = RecordedVote.objects.count()
    for change in ({"voted_on": "2028-03-01"}, {"ballots": {"USA": "yes"}}):
        editor_client.post(API + "votes/", {**GOOD_VOTE, **change}, format="json")
    assert RecordedVote.objects.count() == before
    assert not RecordedVote.objects.filter(resolution_number=9902).exists()


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("members/", {"on": ""}, "on"),
        ("power-indices/", {"on": ""}, "on"),
        ("power-indices/", {"matter": ""}, "matter"),
        ("drafts/", {"voted_before": ""}, "voted_before"),
        ("drafts/", {"status": ""}, "status"),
        ("votes/", {"outcome": ""}, "outcome"),
        ("drafts/", {"page_size": "0"}, "page_size"),
        ("drafts/", {"page": "two"}, "page"),
        ("votes/", {"page_size": "false", "format": "csv"}, "page_size"),
        ("drafts/", {"format": ""}, "format"),
        ("drafts/", {"format": "xml"}, "format"),
        ("drafts/dprk-relief-2019/positions/", {"history": ""}, "history"),
    ],
)
def test_a_typed_parameter_given_empty_or_wrong_is_a_400_naming_it(
    seeded: None, analyst_client: APIClient, path: str, params: dict[str, str], field: str
) -> None:
    response = analyst_client.get(API + path, params)

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_an_empty_free_text_search_is_simply_no_search(
    seeded: None, analyst_client: APIClient
) -> None:
    everything = analyst_client.get(API + "drafts/").json()

    assert analyst_client.get(API + "drafts/", {"search": ""}).json() == everything


@pytest.mark.parametrize(
    "path", ["nowhere/", "votes/abc/", "drafts/S%2F2019%2F961/tally/", "drafts/x/y/z/"]
)
def test_a_path_the_api_does_not_have_is_a_json_404(anon_client: APIClient, path: str) -> None:
    response = anon_client.get(API + path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("There is no API endpoint at /api/v1/")
    assert response.json()["errors"] == []

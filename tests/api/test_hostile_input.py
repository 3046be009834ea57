"""Hostile input on every endpoint: a NUL character, digits that are not ASCII ('²', '٣', '１'),
dates in other digits or other ISO forms, bodies nested a thousand deep. Each is a JSON 400
naming the field (or a JSON 404 naming the value, for a path), never a 500 or an HTML page.

Python is the reason: ``str.isdigit()`` is true for '²', ``int()`` takes '٣' but not '²',
``date.fromisoformat`` takes '20191230', and PostgreSQL refuses a NUL in text. The table below
probes every route of ``config/urls.py``; a new route fails the coverage test until it is
probed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from api.parsers import MAX_DEPTH, too_deep
from config.urls import api_v1
from tests.api.conftest import API
from tests.api.test_bad_input import BALLOTS, GOOD_POSITION, assert_error

pytestmark = pytest.mark.django_db

NUL = "\x00"
NOT_ASCII_DIGITS = ["²", "٣", "１"]  # superscript two, Arabic-Indic three, fullwidth one
NOT_WHOLE_NUMBERS = [*NOT_ASCII_DIGITS, NUL, "1_0", " 1", "+1", "0", "1.0"]
NOT_DATES = ["٢٠١٩-١٢-٣٠", "٢019-12-30", "20191230", "2019-W52-1", "12/30/2019", "2019-02-30", NUL]
DEEP = "[" * 1000 + "]" * 1000

GOOD_VOTE = {"resolution_number": 9904, "voted_on": "2019-12-20", "ballots": BALLOTS}
GOOD_SCENARIO = {"overrides": {"USA": "abstain"}}

# (route name, path after /api/v1/, query parameters, name the 400 must give)
QUERIES: list[tuple[str, str, dict[str, str], str]] = [
    ("root", "", {"format": NUL}, "format"),
    ("schema", "schema/", {"format": NUL}, "format"),
    ("docs", "docs/", {"format": NUL}, "format"),
    ("regimes", "regimes/", {"format": NUL}, "format"),
    ("sectors", "sectors/", {"regime": NUL}, "regime"),
    *[("members", "members/", {"on": value}, "on") for value in NOT_DATES],
    *[("power-indices", "power-indices/", {"on": value}, "on") for value in NOT_DATES],
    ("power-indices", "power-indices/", {"matter": NUL}, "matter"),
    *[
        ("drafts", "drafts/", {name: value}, name)
        for name in ("page", "page_size")
        for value in NOT_WHOLE_NUMBERS
    ],
    *[
        ("drafts", "drafts/", {name: value}, name)
        for name in ("circulated_after", "circulated_before", "voted_after", "voted_before")
        for value in NOT_DATES
    ],
    *[
        ("drafts", "drafts/", {name: NUL}, name)
        for name in ("regime", "sector", "sponsor", "search", "ordering", "format")
    ],
    ("drafts", "drafts/", {"status": NUL}, "status"),
    ("drafts", "drafts/", {"matter": "²"}, "matter"),
    ("drafts", "drafts/", {"ordering": "vote_on,²"}, "ordering"),
    *[
        ("votes", "votes/", {name: value}, name)
        for name in ("page", "page_size")
        for value in NOT_WHOLE_NUMBERS
    ],
    *[
        ("votes", "votes/", {name: value}, name)
        for name in ("voted_after", "voted_before")
        for value in NOT_DATES
    ],
    *[
        ("votes", "votes/", {name: NUL}, name)
        for name in ("draft", "member", "member_vote", "outcome", "format")
    ],
    *[
        ("draft-positions", "drafts/dprk-relief-2019/positions/", {"history": value}, "history")
        for value in ["١", "²", NUL]
    ],
    ("draft-positions", "drafts/dprk-relief-2019/positions/", {"format": NUL}, "format"),
    ("draft", "drafts/dprk-relief-2019/", {"format": NUL}, "format"),
    ("draft-tally", "drafts/dprk-relief-2019/tally/", {"format": NUL}, "format"),
    ("draft-projection", "drafts/dprk-relief-2019/projection/", {"format": NUL}, "format"),
    ("vote", "votes/1/", {"format": NUL}, "format"),
    ("member", "members/USA/", {"format": NUL}, "format"),
    *[
        (route, path, {name: value}, name)
        for route, path in (
            ("stats-vetoes", "stats/vetoes/"),
            ("stats-outcomes", "stats/outcomes/"),
        )
        for name in ("year_from", "year_to")
        for value in [*NOT_ASCII_DIGITS, NUL, "1_946", " 1946", "+1946"]
    ],
    ("stats-vetoes", "stats/vetoes/", {"by": NUL}, "by"),
    ("stats-outcomes", "stats/outcomes/", {"by": NUL}, "by"),
    *[
        (route, path, {name: value}, name)
        for route, path in (
            ("draft-history", "drafts/dprk-relief-2019/history/"),
            ("member-history", "members/USA/history/"),
        )
        for name in ("page", "page_size")
        for value in NOT_WHOLE_NUMBERS
    ],
    ("draft-history", "drafts/dprk-relief-2019/history/", {"format": NUL}, "format"),
    ("member-history", "members/USA/history/", {"format": NUL}, "format"),
]

# (route name, method, path template with {key}) for every path that names an object
KEYED: list[tuple[str, str, str]] = [
    ("draft", "get", "drafts/{key}/"),
    ("draft", "patch", "drafts/{key}/"),
    ("draft-history", "get", "drafts/{key}/history/"),
    ("draft-tally", "get", "drafts/{key}/tally/"),
    ("draft-projection", "get", "drafts/{key}/projection/"),
    ("draft-positions", "get", "drafts/{key}/positions/"),
    ("draft-positions", "post", "drafts/{key}/positions/"),
    ("draft-scenarios", "post", "drafts/{key}/scenarios/"),
    ("vote", "get", "votes/{key}/"),
    ("member", "get", "members/{key}/"),
    ("member-history", "get", "members/{key}/history/"),
    ("member-term", "get", "members/{key}/terms/1/"),
    ("member-term", "patch", "members/{key}/terms/1/"),
    ("member-term", "get", "members/USA/terms/{key}/"),
    ("member-term", "patch", "members/USA/terms/{key}/"),
    ("not-found", "get", "{key}/"),
]
BAD_KEYS = [NUL, *NOT_ASCII_DIGITS, "٣٣", "9" * 30, "9" * 5000, "a\nb", "0.4"]

# (route name, path, body given as a change to a good one, name the 400 must give)
BODIES: list[tuple[str, str, dict[str, Any], Any, str]] = [
    *[
        ("draft-positions", "drafts/dprk-relief-2019/positions/", GOOD_POSITION, change, field)
        for change, field in [
            *[({"as_of": value}, "as_of") for value in NOT_DATES],
            *[({"supersedes": value}, "supersedes") for value in [*NOT_ASCII_DIGITS, "1_0"]],
            ({"supersedes": True}, "supersedes"),
            ({"supersedes": 1.5}, "supersedes"),
            *[({"confidence": value}, "confidence") for value in ["٠.٥", "0_5", " .5", True]],
            *[({"member": value}, "member") for value in [NUL, "٣", "US\u00c0", "\ud800"]],
            ({"source": NUL}, "source"),
            ({"source": "\ud800"}, "source"),
            ({"stance": NUL}, "stance"),
        ]
    ],
    *[
        ("votes", "votes/", GOOD_VOTE, change, field)
        for change, field in [
            *[({"resolution_number": value}, "resolution_number") for value in NOT_ASCII_DIGITS],
            *[({"voted_on": value}, "voted_on") for value in NOT_DATES],
            ({"ballots": {NUL: "yes"}}, "ballots"),
            ({"ballots": {**BALLOTS, "\ud800": "yes"}}, "ballots"),
            ({"ballots": {**BALLOTS, " usa ": "no"}}, "ballots"),  # USA twice
            ({"draft": NUL}, "draft"),
            ({"draft": "٣"}, "draft"),
            ({"matter": NUL}, "matter"),
        ]
    ],
    *[
        ("draft-scenarios", "drafts/dprk-relief-2019/scenarios/", GOOD_SCENARIO, change, field)
        for change, field in [
            ({"overrides": {NUL: "abstain"}}, "overrides"),
            ({"overrides": {"٣": "abstain"}}, "overrides"),
            ({"overrides": {"USA": NUL}}, "overrides.USA"),
        ]
    ],
]

WRITE_PATHS = {
    "draft-positions": "drafts/dprk-relief-2019/positions/",
    "draft-scenarios": "drafts/dprk-relief-2019/scenarios/",
    "votes": "votes/",
}


def _probed_routes() -> set[str]:
    return (
        {name for name, *_ in QUERIES}
        | {name for name, *_ in KEYED}
        | {name for name, *_ in BODIES}
        | set(WRITE_PATHS)
    )


def test_every_route_of_the_api_is_probed() -> None:
    routes = {pattern.name for pattern in api_v1}
    assert routes == _probed_routes(), "probe each new route with hostile input below"


@pytest.mark.parametrize(("route", "path", "params", "field"), QUERIES)
def test_a_hostile_query_parameter_is_a_json_400_naming_it(
    seeded: None, analyst_client: APIClient, route: str, path: str, params: Any, field: str
) -> None:
    response = analyst_client.get(API + path, params)
    assert_error(response, 400, field)


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
@pytest.mark.parametrize(("route", "method", "template"), KEYED)
def test_a_hostile_key_in_a_path_is_a_json_404_naming_it(
    seeded: None,
    editor_client: APIClient,
    row_counts: Any,
    route: str,
    method: str,
    template: str,
    key: str,
) -> None:
    before = row_counts()
    url = API + template.replace("{key}", quote(key))
    body = GOOD_POSITION if template.endswith("/positions/") else GOOD_SCENARIO
    response = getattr(editor_client, method)(url, body if method == "post" else None)
    error = assert_error(response, 404)
    assert error["code"] == "not_found"
    shown = key if len(key) < 100 else key[:40]
    assert shown in error["detail"] or repr(shown)[1:-1] in error["detail"], error
    assert row_counts() == before


@pytest.mark.parametrize(
    ("route", "path", "good", "change", "field"),
    BODIES,
    ids=[f"{path}{json.dumps(change)[:40]}" for _, path, _, change, _ in BODIES],
)
def test_a_hostile_body_value_is_a_json_400_naming_its_field(
    seeded: None,
    editor_client: APIClient,
    row_counts: Any,
    route: str,
    path: str,
    good: dict[str, Any],
    change: dict[str, Any],
    field: str,
) -> None:
    before = row_counts()
    raw = json.dumps({**good, **change})  # lone surrogates as \\ud800 escapes, as JSON allows
    response = editor_client.generic("POST", API + path, raw, content_type="application/json")
    assert_error(response, 400, field)
    assert row_counts() == before


@pytest.mark.parametrize("route", sorted(WRITE_PATHS))
@pytest.mark.parametrize(
    "raw",
    [DEEP, '{"a": ' * 1000 + "1" + "}" * 1000, '{"overrides": ' + "[" * 5000],
    ids=["arrays", "objects", "unclosed"],
)
def test_a_body_nested_a_thousand_deep_is_a_400_naming_the_limit(
    seeded: None, editor_client: APIClient, row_counts: Any, route: str, raw: str
) -> None:
    before = row_counts()
    response = editor_client.generic(
        "POST", API + WRITE_PATHS[route], raw, content_type="application/json"
    )
    body = assert_error(response, 400, "body", f"more than {MAX_DEPTH} levels deep", "too_deep")
    assert body["code"] == "too_deep"
    assert row_counts() == before


def _overrides_nested(levels: int) -> str:
    """A scenario body nested ``levels`` deep: the body, overrides, then lists."""
    return '{"overrides": {"USA": ' + "[" * (levels - 2) + "]" * (levels - 2) + "}}"


def test_the_depth_limit_is_exactly_the_documented_one(
    seeded: None, analyst_client: APIClient
) -> None:
    url = API + "drafts/dprk-relief-2019/scenarios/"

    at_limit = analyst_client.generic(
        "POST", url, _overrides_nested(MAX_DEPTH), content_type="application/json"
    )
    over = analyst_client.generic(
        "POST", url, _overrides_nested(MAX_DEPTH + 1), content_type="application/json"
    )

    assert_error(at_limit, 400, "overrides.USA", code="invalid")  # parsed, then not a stance
    assert_error(over, 400, "body", code="too_deep")


def test_brackets_inside_text_do_not_count_as_depth(
    draft_2019: Any, editor_client: APIClient
) -> None:
    source = '[{"\\"' * 500 + " quoted from a statement"
    response = editor_client.post(
        API + f"drafts/{draft_2019.slug}/positions/",
        {**GOOD_POSITION, "as_of": "2019-12-31", "source": source},
        format="json",
    )
    assert response.status_code == 201, response.content[:300]
    assert response.json()["source"] == source


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ("[" * 32 + "]" * 32, False),
        ("[" * 33 + "]" * 33, True),
        ('{"a": ' * 32 + "1" + "}" * 32, False),
        ('{"a": ' * 33 + "1" + "}" * 33, True),
        ('[{"a": [' + "[" * 29 + "]" * 29 + "]}]", False),  # 32 levels, mixed
        ('[{"a": [' + "[" * 30 + "]" * 30 + "]}]", True),
        ('["' + "[" * 100 + '"]', False),  # text is not structure
        ("[" + "[], " * 1000 + "[]]", False),  # wide is not deep
        ('"a string"', False),
    ],
)
def test_depth_counts_structure_not_text(text: str, deep: bool) -> None:
    assert too_deep(json.loads(text)) is deep

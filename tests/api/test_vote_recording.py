"""Recording a vote on a draft brings the draft up to date, and a vote that cannot belong to
the draft is refused; plus the input edge cases found in review."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from resolutions.models import Draft
from tests.api.conftest import API
from tests.api.test_contract import COUNCIL_2019, _ballots_2019
from votes.models import Position, RecordedVote


def _vote(client: APIClient, draft: Draft, day: str, **votes: str) -> Any:
    payload = {"draft": draft.slug, "voted_on": day, "ballots": _ballots_2019(**votes)}
    return client.post(API + "votes/", payload, format="json")


def test_a_recorded_vote_sets_the_drafts_status_and_vote_date(
    draft_2019: Draft, editor_client: APIClient
) -> None:
    votes = dict.fromkeys(COUNCIL_2019[:12], "yes")  # the five permanent members first
    votes["USA"] = "no"
    response = _vote(editor_client, draft_2019, "2019-12-20", **votes)

    assert response.status_code == 201, response.json()
    draft_2019.refresh_from_db()
    assert (draft_2019.status, str(draft_2019.vote_on)) == ("vetoed", "2019-12-20")
    detail = editor_client.get(API + f"drafts/{draft_2019.slug}/").json()
    assert detail["status"] == "vetoed"


def test_a_vote_before_the_draft_was_circulated_is_refused(
    draft_2019: Draft, editor_client: APIClient
) -> None:
    response = _vote(editor_client, draft_2019, "2019-12-01")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "voted_on",
            "message": "The vote (2019-12-01) cannot come before the draft was circulated "
            "(2019-12-16).",
            "code": "invalid",
        }
    ]
    assert not RecordedVote.objects.filter(draft=draft_2019).exists()


def test_a_second_vote_on_the_same_draft_is_refused(seeded: None, editor_client: APIClient) -> None:
    vetoed = Draft.objects.get(symbol="S/2019/961")

    response = _vote(editor_client, vetoed, "2019-12-20")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "draft"
    assert "already has a recorded vote" in response.json()["detail"]


def test_a_boolean_is_not_a_confidence(draft_2019: Draft, editor_client: APIClient) -> None:
    before = Position.objects.count()
    payload = {
        "member": "DEU",
        "stance": "yes",
        "confidence": True,
        "as_of": "2019-12-30",
        "source": "test",
    }

    response = editor_client.post(
        API + f"drafts/{draft_2019.slug}/positions/", payload, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "confidence"
    assert Position.objects.count() == before


def test_an_override_given_twice_is_refused(draft_2019: Draft, analyst_client: APIClient) -> None:
    response = analyst_client.post(
        API + f"drafts/{draft_2019.slug}/scenarios/",
        {"overrides": {"USA": "abstain", " usa ": "yes"}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "overrides", "message": "USA is given twice.", "code": "invalid"}
    ]


def test_ordering_puts_drafts_never_voted_last_in_both_directions(
    seeded: None, analyst_client: APIClient
) -> None:
    for ordering in ("vote_on", "-vote_on"):
        results = analyst_client.get(API + "drafts/", {"ordering": ordering}).json()["results"]
        dates = [d["vote_on"] for d in results]
        assert dates[-1] is None, ordering
        assert None not in dates[:-1], ordering
        known = dates[:-1]
        assert known == sorted(known, reverse=ordering.startswith("-")), ordering

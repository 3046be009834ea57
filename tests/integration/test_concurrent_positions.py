"""Twenty editors post a position for the same member at the same moment, each through the API
on its own thread and its own PostgreSQL connection. The newest as-of date wins: exactly one
superseding position becomes current, an older one can never replace the current one, and an
older one sent without ``supersedes`` is kept as history."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from resolutions.models import Draft
from tests.factories import DraftFactory, MemberFactory, TermFactory
from votes.models import Position
from votes.projections import draft_tally
from votes.services import position_record

pytestmark = pytest.mark.integration

EDITORS = 20
TODAY = dt.date(2026, 12, 2)
SEEN_AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def scene(postgres: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A permanent member's current position on an open draft, and an editor's token."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    member = MemberFactory.create(permanent=True)
    TermFactory.create(member=member)
    draft = DraftFactory.create(circulated_on=dt.date(2026, 11, 1))
    seen = position_record(
        draft=draft,
        member=member,
        stance="no",
        confidence=0.9,
        as_of=SEEN_AS_OF,
        source="Statement of 2026-11-20",
    )
    editor = get_user_model().objects.create_user("concurrent-editor")
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    token = Token.objects.create(user=editor)
    return {"draft": draft, "member": member, "seen": seen, "token": token.key}


def _post_all(scene: dict[str, Any], payloads: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    """POST each payload from its own thread, all released at once; (status, body) each."""
    url = f"/api/v1/drafts/{scene['draft'].slug}/positions/"
    start = threading.Barrier(len(payloads))
    answers: list[tuple[int, Any]] = [(0, None)] * len(payloads)

    def editor(index: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {scene['token']}")
        try:
            start.wait()
            response = client.post(url, payloads[index], format="json")
            answers[index] = (response.status_code, response.json())
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return answers


def _payloads(scene: dict[str, Any], as_of: dt.date, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "member": scene["member"].code,
            "stance": "abstain",
            "confidence": 0.8,
            "as_of": as_of.isoformat(),
            "source": f"Editor {n}",
            **extra,
        }
        for n in range(EDITORS)
    ]


def _rows(scene: dict[str, Any]) -> list[Position]:
    return list(Position.objects.filter(draft=scene["draft"], member=scene["member"]))


def _current(scene: dict[str, Any]) -> Position:
    return Position.objects.filter(draft=scene["draft"], member=scene["member"]).current().get()


def test_twenty_older_superseding_positions_are_all_refused(scene: dict[str, Any]) -> None:
    older = SEEN_AS_OF - dt.timedelta(days=10)
    answers = _post_all(scene, _payloads(scene, older, supersedes=scene["seen"].pk))

    assert Counter(status for status, _ in answers) == {409: EDITORS}
    for _, body in answers:
        assert body["errors"][0]["field"] == "as_of"
        assert "is older and cannot replace it" in body["errors"][0]["message"]
    assert [row.pk for row in _rows(scene)] == [scene["seen"].pk]
    assert _current(scene) == scene["seen"]


def test_of_twenty_newer_superseding_positions_exactly_one_becomes_current(
    scene: dict[str, Any],
) -> None:
    newer = SEEN_AS_OF + dt.timedelta(days=5)
    answers = _post_all(scene, _payloads(scene, newer, supersedes=scene["seen"].pk))

    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: 1, 409: EDITORS - 1}
    (winner,) = [body for status, body in answers if status == 201]
    assert (winner["current"], winner["as_of"]) == (True, newer.isoformat())
    for status, body in answers:
        if status == 409:
            assert body["errors"][0]["field"] == "supersedes"
            assert f"is position {winner['id']}, not {scene['seen'].pk}" in body["detail"]
    assert sorted(row.pk for row in _rows(scene)) == sorted([scene["seen"].pk, winner["id"]])
    assert _current(scene).pk == winner["id"]


def test_twenty_older_positions_without_supersedes_are_kept_as_history(
    scene: dict[str, Any],
) -> None:
    older = SEEN_AS_OF - dt.timedelta(days=10)
    answers = _post_all(scene, _payloads(scene, older))

    assert Counter(status for status, _ in answers) == {201: EDITORS}
    assert all(body["current"] is False for _, body in answers)
    assert all(body["counted"] is False for _, body in answers)
    assert len(_rows(scene)) == EDITORS + 1
    assert _current(scene) == scene["seen"]


def test_fifteen_clients_posting_on_one_draft_at_once_lose_nothing(
    postgres: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each of fifteen clients, on its own thread and connection, posts one member's position
    on the same draft at the same moment: fifteen rows (and fifteen history rows) and a tally
    that counts every one of them."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    permanent = [
        TermFactory.create(member=MemberFactory.create(permanent=True)).member for _ in range(5)
    ]
    elected = [
        TermFactory.create(
            member=MemberFactory.create(), start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31)
        ).member
        for _ in range(10)
    ]
    draft = DraftFactory.create(circulated_on=dt.date(2026, 11, 1))
    editor = get_user_model().objects.create_user("fifteen-editors")
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    scene = {"draft": draft, "token": Token.objects.create(user=editor).key}
    stances = ["yes"] * 9 + ["no"] * 3 + ["abstain"] * 3  # the permanent members: yes
    payloads = [
        {
            "member": member.code,
            "stance": stance,
            "confidence": 1,
            "as_of": "2026-12-01",
            "source": f"Statement of {member.name}",
        }
        for member, stance in zip([*permanent, *elected], stances, strict=True)
    ]

    answers = _post_all(scene, payloads)

    assert Counter(status for status, _ in answers) == {201: 15}
    assert Position.objects.filter(draft=draft).count() == 15
    assert Position.history.filter(draft_id=draft.pk).count() == 15
    tally = draft_tally(Draft.objects.get(pk=draft.pk))
    counts = {stance.value: n for stance, n in tally.counts.items() if n}
    assert counts == {"yes": 9, "no": 3, "abstain": 3}
    assert tally.outcome_if_held_now.result.value == "adopted"

"""With persistent connections on PostgreSQL, the tally's and projection's one-draft state
queries are prepared once per connection (``votes.projections._prepared``). The answers are the
same as without, a change still shows at once, a new connection prepares them again, and a
request makes the same number of queries either way. (Several threads of one process, each with
its own connection and its own record of what it prepared, are exercised by
``tests/integration/test_faults_postgres.py``: gunicorn gthread under the production settings.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from conftest import _missing
from resolutions.models import Draft
from tests.api.conftest import API
from votes.models import Position


@pytest.fixture
def persistent(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    if connection.vendor != "postgresql":
        _missing("prepared statements are PostgreSQL's (set DATABASE_URL=postgres://...)")
    settings.STATE_QUERY_PREPARED = True
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)


def _prepared_here() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def _read(client: APIClient, url: str) -> tuple[Any, str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), response["ETag"], len(queries.captured_queries)


@pytest.mark.parametrize("kind", ["tally", "projection"])
def test_prepared_state_queries_answer_as_the_plain_ones(
    draft_2019: Draft,
    analyst_client: APIClient,
    editor_client: APIClient,
    persistent: None,
    settings: Any,
    kind: str,
) -> None:
    url = f"{API}drafts/{draft_2019.slug}/{kind}/"
    settings.STATE_QUERY_PREPARED = False
    for _ in range(2):  # the first reads store the projection and cache the body
        _read(analyst_client, url)
    plain = _read(analyst_client, url)
    settings.STATE_QUERY_PREPARED = True

    prepared = _read(analyst_client, url)

    assert prepared == plain  # body, ETag and queries
    assert "draft_state_draft_by_slug" in _prepared_here()
    if kind == "projection":
        assert "draft_state_projection" in _prepared_here()

    # A new position changes the state at once, read through the prepared statement.
    current = Position.objects.current().filter(draft=draft_2019, member__code="DNK").first()
    stance = "yes" if current is not None and current.stance == "no" else "no"
    posted = editor_client.post(
        f"{API}drafts/{draft_2019.slug}/positions/",
        {"member": "DNK", "stance": stance, "confidence": 0.9, "as_of": "2026-12-01",
         "source": "Statement of Denmark"},
        format="json",
    )  # fmt: skip
    assert posted.status_code == 201, posted.content
    after, etag, _ = _read(analyst_client, url)
    assert etag != plain[1]
    if kind == "tally":
        assert after["counts"][stance] == plain[0]["counts"][stance] + 1
    else:
        assert after["stale"] is True  # stored before the position: refreshed in the background


def test_a_new_connection_prepares_them_again(
    draft_2019: Draft, analyst_client: APIClient, persistent: None
) -> None:
    url = f"{API}drafts/{draft_2019.pk}/tally/"
    _read(analyst_client, url)
    first = _read(analyst_client, url)
    assert "draft_state_draft_by_pk" in _prepared_here()
    # A reconnect: a new session, without the statement, while the record of what was
    # prepared names the old session's driver connection.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connections[DEFAULT_DB_ALIAS].__dict__["_draft_state_prepared"] = (object(), {"draft-by-pk"})

    again = _read(analyst_client, url)

    assert again == first
    assert "draft_state_draft_by_pk" in _prepared_here()

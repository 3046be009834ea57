"""PostgreSQL connections killed (``pg_terminate_backend``) while gunicorn serves, under the
production settings' persistent connections: each request checks its connection before reuse
and opens a new one if the server dropped it, so no request fails."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from resolutions.models import Draft
from tests.integration.services import Stack, database_url
from votes.seed import load_seed

pytestmark = pytest.mark.integration


def _terminate_app_connections(dbname: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ours = cursor.fetchone()[0]
    with psycopg2.connect(database_url()) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid NOT IN (pg_backend_pid(), %s) "
            "AND backend_type = 'client backend'",
            [dbname, ours],
        )
        row = cursor.fetchone()
        assert row is not None
        return int(row[0])


def test_no_request_fails_after_the_databases_connections_are_killed(
    postgres: None, redis_server: str, tmp_path: Path
) -> None:
    load_seed()
    draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")
    stack = Stack(redis_server, tmp_path, API_RATE_ANON="100000/minute")
    dbname = database_url().rsplit("/", 1)[1]
    paths = [
        f"/api/v1/drafts/{draft.slug}/tally/",
        f"/api/v1/drafts/{draft.slug}/projection/",
        "/api/v1/drafts/",
    ]
    try:
        stack.web(workers=2, threads=2)
        failures, killed = [], 0
        for round_number in range(6):
            for n in range(15):
                path = paths[n % len(paths)]
                status, _, body = stack.get(path)
                if status != 200:
                    failures.append((round_number, path, status, body[:200]))
            # The test's own connection is kept; the app's, held open between requests, go.
            killed += _terminate_app_connections(dbname)

        assert failures == []
        assert killed >= 6  # the app's connections were persistent, and were killed
        status, _, body = stack.get(paths[0])
        assert status == 200 and json.loads(body)["draft"] == draft.slug
    finally:
        stack.stop()

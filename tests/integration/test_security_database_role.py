"""The app's database role (deploy/postgres/app-role.sql): the app runs as it, writing
positions as usual, while it can neither TRUNCATE a table nor disable, drop or replace the
triggers that keep positions append-only; only the tables' owner could."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests.integration.services import ROOT, Stack, database_url

pytestmark = pytest.mark.integration

SCRIPT = ROOT / "deploy" / "postgres" / "app-role.sql"


@pytest.fixture
def app_role(postgres: None) -> Iterator[tuple[str, str]]:
    """The script run on the test database for a role of this test's own; dropped after."""
    if shutil.which("psql") is None:
        pytest.fail("psql is needed to run deploy/postgres/app-role.sql")
    role, password = f"tracker_app_{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    owner = connection.settings_dict.get("USER") or "postgres"
    db = connection.settings_dict
    done = subprocess.run(
        [
            "psql",
            "-X",
            "-q",
            "-h",
            db.get("HOST") or "127.0.0.1",
            "-p",
            str(db.get("PORT") or 5432),
            "-U",
            owner,
            "-d",
            db["NAME"],
            "-v",
            f"app_role={role}",
            "-v",
            f"app_password={password}",
            "-v",
            f"owner={owner}",
            "-f",
            str(SCRIPT),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    url = database_url().replace(f"//{owner}@", f"//{role}:{password}@", 1)
    try:
        yield role, url
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [role]
            )
            cursor.execute(f'DROP ROLE "{role}"')


def _refused(url: str, sql: str) -> str:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    except psycopg2.Error as error:
        return str(error).splitlines()[0]
    finally:
        conn.rollback()
        conn.close()
    raise AssertionError(f"{sql!r} was allowed")


def test_the_app_runs_as_its_role_and_records_positions(
    app_role: tuple[str, str], tmp_path: Path
) -> None:
    from votes.seed import load_seed

    load_seed()
    _, url = app_role
    script = (
        "import datetime as dt\n"
        "from members.models import Member\n"
        "from resolutions.models import Draft\n"
        "from votes.services import position_record\n"
        "draft = Draft.objects.get(symbol=None, regime__slug='dprk-1718')\n"
        "p = position_record(draft=draft, member=Member.objects.get(code='USA'), stance='no',"
        " confidence=0.9, as_of=dt.date(2020, 1, 20), source='Role test')\n"
        "print('recorded', p.pk)\n"
    )
    env = {**Stack("", tmp_path).env, "DATABASE_URL": url, "REDIS_URL": ""}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1].startswith("recorded ")


def test_the_apps_role_cannot_truncate_or_touch_the_append_only_triggers(
    app_role: tuple[str, str],
) -> None:
    from votes.seed import load_seed

    load_seed()  # rows to refuse to change
    _, url = app_role

    assert "permission denied" in _refused(url, "TRUNCATE votes_position")
    assert "permission denied" in _refused(url, "TRUNCATE votes_ballot CASCADE")
    for sql in (
        "ALTER TABLE votes_position DISABLE TRIGGER votes_position_append_only",
        "ALTER TABLE votes_position DISABLE TRIGGER ALL",
        "DROP TRIGGER votes_position_append_only ON votes_position",
        "DROP FUNCTION votes_refuse_change() CASCADE",
    ):
        assert "must be owner" in _refused(url, sql), sql
    replace = (
        "CREATE OR REPLACE FUNCTION votes_refuse_change() RETURNS trigger AS "
        "$$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
    )
    assert "permission denied" in _refused(url, replace)
    assert "append-only" in _refused(url, "DELETE FROM votes_position")
    assert "append-only" in _refused(url, "UPDATE votes_position SET source = 'rewritten'")

"""Shared test fixtures: seed data, users, and the real services (PostgreSQL, Redis, a Celery
worker) for integration tests.

A real service that is missing skips its tests with the reason, except under ``CI=true``,
where a missing service fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from config.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
LOCAL_REDIS = "redis://127.0.0.1:6379/15"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: integration services are required)", pytrace=False)
    pytest.skip(reason)


def redis_url_for_tests() -> str:
    return settings.REDIS_URL or LOCAL_REDIS


SEED_MODELS = [
    "members.Member",
    "members.MemberName",
    "members.Term",
    "resolutions.SanctionsRegime",
    "resolutions.Resolution",
    "resolutions.Sector",
    "resolutions.Measure",
    "resolutions.Draft",
    "resolutions.Sponsorship",
    "resolutions.DraftVersion",
    "resolutions.Provision",
    "votes.Position",
    "votes.RecordedVote",
    "votes.Ballot",
    "votes.Veto",
    # The audit trail of the seed's rows (each created once: the baseline of its history).
    "members.HistoricalMember",
    "members.HistoricalMemberName",
    "members.HistoricalTerm",
    "resolutions.HistoricalDraft",
    "resolutions.HistoricalSector",
    "resolutions.HistoricalSponsorship",
    "votes.HistoricalPosition",
    "votes.HistoricalRecordedVote",
    "votes.HistoricalBallot",
]


@pytest.fixture(scope="session")
def _seed_dump(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """``load_seed`` runs once per session (in a transaction rolled back at once) and is kept
    as a fixture file: loading that is many times faster than validating the seed again."""
    from django.core.management import call_command

    from votes.seed import load_seed

    path = tmp_path_factory.mktemp("seed") / f"seed-{connection.vendor}.json"
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        call_command("dumpdata", *SEED_MODELS, output=str(path), verbosity=0)
        transaction.set_rollback(True)
    return path


@pytest.fixture(scope="module")
def _seed_for_module(_seed_dump: Path, django_db_blocker: Any) -> Iterator[None]:
    """The seed, loaded once per module inside a transaction rolled back at its end. Each
    test's own transaction nests inside it, so every test starts from the fresh seed."""
    from django.core.management import call_command

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", str(_seed_dump), verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seed_for_module: None, db: None) -> None:
    """The repository's seed (see ``seed/``), fresh for each test."""


@pytest.fixture
def postgres(transactional_db: None) -> None:
    """Committed data in the real PostgreSQL (run with DATABASE_URL=postgres://...)."""
    if connection.vendor != "postgresql":
        _missing(
            f"needs PostgreSQL; the test database is {connection.vendor} "
            "(set DATABASE_URL=postgres://... to run it)"
        )


@pytest.fixture
def redis_server() -> str:
    url = redis_url_for_tests()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        _missing(f"needs Redis at {url}: {error}")
    return url


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with empty caches: nothing a previous test left there (a refresh's
    "already sent" mark, a cached tally in Redis or in the process, a rate-limit count) decides
    what this one sees."""
    from django.core.cache import caches

    from api.throttling import forget_leases

    for each in caches.all(initialized_only=False):
        each.clear()
    forget_leases()
    yield


@pytest.fixture(autouse=True)
def _tasks_in_process() -> Iterator[None]:
    """Unit tests run tasks in-process; integration tests switch to the real broker."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def celery_worker(redis_server: str, postgres: None) -> Iterator[object]:
    """A real Celery worker, in a thread of this process, consuming from the real Redis."""
    from celery.contrib.testing.worker import start_worker

    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    conf.update(broker_url=redis_server, result_backend=redis_server, task_always_eager=False)
    _forget_connections()
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20
        ) as worker:
            yield worker
    finally:
        conf.update(saved)
        _forget_connections()


def _forget_connections() -> None:
    # The app caches its broker pool and (per thread) its result backend; drop both so the
    # new URLs take effect.
    # (kombu keeps pools per URL in a global registry, so they are not closed here.)
    # These caches are private to Celery, so its stubs do not declare them.
    app: Any = celery_app
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)

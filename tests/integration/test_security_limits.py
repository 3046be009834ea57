"""The anonymous rate limit holds under concurrency: 20 client threads against gunicorn (two
processes, threads in each) share one count in Redis, and exactly the limit passes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.integration.services import RedisServer, Stack

pytestmark = pytest.mark.integration

LIMIT = 60
THREADS = 20
REQUESTS_EACH = 10


def test_twenty_concurrent_clients_get_exactly_the_limit_between_them(
    postgres: None, tmp_path: Path
) -> None:
    redis = RedisServer(tmp_path)
    redis.start()
    stack = Stack(redis.url, tmp_path, API_RATE_ANON=f"{LIMIT}/minute")
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def client() -> None:
        start.wait()
        mine = [stack.get("/api/v1/regimes/")[0] for _ in range(REQUESTS_EACH)]
        with lock:
            statuses.extend(mine)

    try:
        stack.web(workers=2, threads=4)
        redis.client().flushdb()  # the start-up probe's request does not count
        threads = [threading.Thread(target=client) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        stack.stop()
        redis.stop()

    assert len(statuses) == THREADS * REQUESTS_EACH
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == THREADS * REQUESTS_EACH - LIMIT

"""How long a save and the health check take while Redis is stopped or hung, on the production
stack (gunicorn with gunicorn.conf.py, PostgreSQL, a redis-server of the bench's own).

    .venv/bin/python bench/faults.py

It creates the database ``unsc_bench_faults``, migrates it, loads the seed and makes an editor,
starts redis-server on a free port and gunicorn, then times, with Redis up, stopped, and hung
(``CLIENT PAUSE`` of 5 s before each save, so each save meets a freshly hung Redis):

- a position saved with ``POST /api/v1/drafts/<slug>/positions/`` (target: 201 within 1 s with
  Redis stopped, within 3 s with Redis hung), median and worst of ``--saves``;
- ``GET /healthz`` (target: a 503 within 1 s when Redis is stopped).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis

from bench.harness import (
    app_environment,
    bench_db,
    free_port,
    gunicorn_args,
    manage,
    process,
    scratch_database,
    wait_until_ready,
)

DB = bench_db("faults")
SLUG = """
from resolutions.models import Draft
print(Draft.objects.get(symbol=None, regime__slug="dprk-1718").slug)
"""


def timed(
    port: int, method: str, path: str, body: dict[str, Any] | None, token: str
) -> tuple[int, float]:
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        print("SKIPPED: needs redis-server on PATH")
        return 1
    print(f"bench/faults.py: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with scratch_database(DB), tempfile.TemporaryDirectory(prefix="unsc-faults-") as tmp:
        work = Path(tmp)
        redis_port = free_port()
        redis_cmd = [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            tmp,
        ]
        env = app_environment(DB, f"redis://127.0.0.1:{redis_port}/0")
        manage(env, "migrate", "--noinput")
        manage(env, "load_seed")
        token = manage(env, "api_token", "fault-editor", "--role", "editor", "--create").split()[-1]
        slug = manage(env, "shell", "-c", SLUG).strip().splitlines()[-1]
        path = f"/api/v1/drafts/{slug}/positions/"
        port = free_port()
        rows = []
        server = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
        try:
            client = redis.Redis(port=redis_port, socket_timeout=5)
            while True:
                try:
                    client.ping()
                    break
                except redis.RedisError:
                    time.sleep(0.1)
            with process(gunicorn_args(port), env, work / "web.log"):
                wait_until_ready(port, "/api/v1/", work / "web.log")

                def saves(label: str, before_each: Callable[[], object] | None = None) -> None:
                    results = []
                    for n in range(args.saves):
                        if before_each:
                            before_each()
                        body = {
                            "member": "USA",
                            "stance": ["no", "abstain"][n % 2],
                            "confidence": 0.8,
                            "as_of": "2020-01-15",
                            "source": "bench",
                        }
                        results.append(timed(port, "POST", path, body, token))
                        if before_each:
                            time.sleep(5.5)  # the pause is over: the next save meets a new one
                    statuses = sorted({s for s, _ in results})
                    times = [t for _, t in results]
                    rows.append((f"save, {label}", statuses, statistics.median(times), max(times)))

                saves("Redis up")
                health_up = timed(port, "GET", "/healthz", None, token)
                saves(
                    "Redis hung (CLIENT PAUSE)",
                    lambda: client.client_pause(5000, all=True),
                )
                server.kill()
                server.wait()
                saves("Redis stopped")
                health = [timed(port, "GET", "/healthz", None, token) for _ in range(5)]
                rows.append(
                    (
                        "GET /healthz, Redis stopped",
                        sorted({s for s, _ in health}),
                        statistics.median(t for _, t in health),
                        max(t for _, t in health),
                    )
                )
                rows.insert(
                    1,
                    (
                        "GET /healthz, Redis up (no worker)",
                        [health_up[0]],
                        health_up[1],
                        health_up[1],
                    ),
                )
        finally:
            if server.poll() is None:
                server.kill()
    print()
    print(f"{'request':<36} {'statuses':<10} {'median ms':>10} {'worst ms':>9}")
    for label, statuses, median, worst in rows:
        print(
            f"{label:<36} {','.join(map(str, statuses)):<10} {median * 1000:>10.1f} "
            f"{worst * 1000:>9.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

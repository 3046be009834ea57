"""Projection refreshes through a real Celery worker against the same refreshes in a direct
loop, side by side in one run, under the production settings (PostgreSQL, Redis database 4).

    .venv/bin/python bench/celery.py          # make bench-celery

It creates the database ``unsc_bench_celery``, migrates it and loads the seed, then times
1,000 refreshes (the task's own body, cycling over the drafts that have positions):

- in a direct loop in one process;
- sent with ``delay()`` to a worker with one process (prefork, concurrency 1): from the first
  send until the queue is empty and nothing is left unacknowledged;
- the same with two processes (the deployed ``make worker``).

It prints each time and the ratios to the direct loop (target: one process within 1.2 times
the loop), and the task-result keys left in Redis (target: none: nothing reads them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis

from bench.harness import (
    app_environment,
    bench_db,
    bench_redis,
    manage,
    process,
    redis_cleanup,
    scratch_database,
    worker_args,
)

DB = bench_db("celery")
REDIS_URL = bench_redis(4)

DRAFT_IDS = """
import json
from resolutions.models import Draft
print(json.dumps(list(Draft.objects.filter(positions__isnull=False).distinct()
      .values_list("pk", flat=True))))
"""

DIRECT = """
import json, time
from votes.tasks import refresh_draft_projection
ids = {ids}
started = time.perf_counter()
for n in range({n}):
    refresh_draft_projection(ids[n % len(ids)])
print(json.dumps(time.perf_counter() - started))
"""

SEND = """
import json, time
from votes.tasks import refresh_draft_projection
ids = {ids}
started = time.time()
for n in range({n}):
    refresh_draft_projection.delay(ids[n % len(ids)])
print(json.dumps([started, time.time()]))
"""


def through_worker(
    env: dict[str, str], work: Path, ids: list[int], n: int, concurrency: int
) -> tuple[float, float]:
    client = redis.Redis.from_url(REDIS_URL)
    redis_cleanup(REDIS_URL)
    with process(worker_args(concurrency), env, work / f"worker-{concurrency}.log"):
        # Ready when its heartbeat is in Redis (config/celery.py).
        deadline = time.monotonic() + 60
        while not client.zcard("workers:heartbeats") and time.monotonic() < deadline:
            time.sleep(0.2)
        started, _sent = json.loads(
            manage(env, "shell", "-c", SEND.format(ids=ids, n=n), redis=True)
            .strip()
            .splitlines()[-1]
        )
        while client.llen("celery") or client.hlen("unacked"):
            time.sleep(0.05)
        done = time.time()
        results = len(list(client.scan_iter("celery-task-meta-*")))
    return done - started, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refreshes", type=int, default=1000)
    args = parser.parse_args()
    print(
        f"bench/celery.py: {args.refreshes} refreshes; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    with scratch_database(DB), tempfile.TemporaryDirectory(prefix="unsc-celery-") as tmp:
        env = app_environment(DB, REDIS_URL)
        manage(env, "migrate", "--noinput")
        manage(env, "load_seed")
        ids = json.loads(manage(env, "shell", "-c", DRAFT_IDS).strip().splitlines()[-1])
        direct = json.loads(
            manage(env, "shell", "-c", DIRECT.format(ids=ids, n=args.refreshes), redis=True)
            .strip()
            .splitlines()[-1]
        )
        one, results_one = through_worker(env, Path(tmp), ids, args.refreshes, 1)
        two, results_two = through_worker(env, Path(tmp), ids, args.refreshes, 2)
        direct_again = json.loads(
            manage(env, "shell", "-c", DIRECT.format(ids=ids, n=args.refreshes), redis=True)
            .strip()
            .splitlines()[-1]
        )
        print(f"drafts cycled over: {len(ids)}")
        print(f"direct loop (before, after):       {direct:7.2f} s, {direct_again:7.2f} s")
        base = (direct + direct_again) / 2
        verdict = "MET" if one / base <= 1.2 else "NOT MET"
        print(
            f"worker, 1 process:                 {one:7.2f} s   ratio {one / base:.2f}  "
            f"(target <= 1.2: {verdict})"
        )
        print(f"worker, 2 processes (make worker): {two:7.2f} s   ratio {two / base:.2f}")
        print(f"task-result keys left in Redis: {results_one} and {results_two} (target 0)")
        print(f"redis {REDIS_URL}: {redis_cleanup(REDIS_URL)} keys removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load on the production stack: gunicorn (gunicorn.conf.py), PostgreSQL, Redis and a Celery
worker, under the production settings.

    .venv/bin/python bench/load.py            # make bench-load

It creates the database ``unsc_bench_load``, migrates it, loads the seed and makes an editor
with a token, then runs 50 client threads for 60 seconds. Each client mixes reads of the seed's
2019 draft (its tally, its projection, the drafts list) with position writes on it (one request
in five), each from its own connection. At the end it prints throughput and p50/p99 per kind,
counts errors (any status but the expected one), counts the rows (every 201 must be a new
position, no more, no fewer), waits for the worker to settle, checks that every draft's stored
projection is the one its final positions give, and prints the resident memory of each
gunicorn worker and Celery process. Redis database 4 is used and cleaned.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    app_environment,
    bench_db,
    bench_redis,
    children,
    free_port,
    gunicorn_args,
    manage,
    percentile,
    process,
    redis_cleanup,
    rss_mb,
    scratch_database,
    wait_until_ready,
    worker_args,
)

DB = bench_db("load")
REDIS_URL = bench_redis(4)
STANCES = ["yes", "leaning_yes", "undecided", "leaning_no", "no", "abstain"]

SETUP = """
import json
from members.models import Member
from resolutions.models import Draft
draft = Draft.objects.get(symbol=None, regime__slug="dprk-1718")
print(json.dumps({"slug": draft.slug, "council_date": draft.council_date.isoformat(),
  "members": [m.code for m in Member.objects.seated_on(draft.council_date)]}))
"""

CHECK = """
import json
from resolutions.models import Draft
from votes import projections
from votes.models import Position, Projection
drafts = Draft.objects.filter(positions__isnull=False).distinct()
consistent = []
for draft in drafts:
    latest = draft.projections.order_by("-computed_at", "-id").first()
    fresh = projections.draft_reading(draft).fingerprint()  # what a refresh stores
    consistent.append(latest is not None and latest.fingerprint == fresh)
print(json.dumps({
  "positions": Position.objects.count(), "stale": projections.stale_drafts().count(),
  "drafts": len(consistent), "consistent": sum(consistent),
  "projections": Projection.objects.count()}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--write-share", type=float, default=0.2)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(
        f"bench/load.py: {args.clients} clients for {args.seconds:.0f} s, "
        f"{args.write_share:.0%} writes; {os.cpu_count()} CPUs, load average {load:.2f}"
    )
    with scratch_database(DB), tempfile.TemporaryDirectory(prefix="unsc-load-") as tmp:
        work = Path(tmp)
        env = app_environment(DB, REDIS_URL)
        print("migrate, load_seed, editor token ...", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "load_seed")
        token = manage(env, "api_token", "load-editor", "--role", "editor", "--create").split()[-1]
        setup = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
        before = json.loads(manage(env, "shell", "-c", CHECK).strip().splitlines()[-1])
        port = free_port()
        with (
            process(worker_args(), env, work / "worker.log") as worker,
            process(gunicorn_args(port, workers=args.web_workers), env, work / "web.log") as web,
        ):
            wait_until_ready(port, "/api/v1/", work / "web.log")
            results = run_clients(args, port, token, setup)
            rss_web = [rss_mb(pid) for pid in children(web.pid)]
            rss_worker = [rss_mb(worker.pid)] + [rss_mb(pid) for pid in children(worker.pid)]
            settled = time.monotonic()
            while True:
                after = json.loads(manage(env, "shell", "-c", CHECK).strip().splitlines()[-1])
                if after["stale"] == 0 or time.monotonic() - settled > 60:
                    break
                time.sleep(1)
            settle_seconds = time.monotonic() - settled
        report(args, results, before, after, settle_seconds, rss_web, rss_worker)
        print(f"redis {REDIS_URL}: {redis_cleanup(REDIS_URL)} keys removed")
    return 0


def run_clients(
    args: argparse.Namespace, port: int, token: str, setup: dict[str, Any]
) -> dict[str, Any]:
    slug = setup["slug"]
    reads = [
        f"/api/v1/drafts/{slug}/tally/",
        f"/api/v1/drafts/{slug}/projection/",
        "/api/v1/drafts/",
    ]
    # Positions dated in the 30 days up to the Council day: the members seated on it sit then.
    day = dt.date.fromisoformat(setup["council_date"]) - dt.timedelta(days=29)
    lock = threading.Lock()
    results: dict[str, Any] = {
        "read": [],
        "write": [],
        "errors": 0,
        "created": 0,
        "first_error": "",
    }
    deadline = time.monotonic() + args.seconds
    barrier = threading.Barrier(args.clients)

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine: dict[str, Any] = {
            "read": [],
            "write": [],
            "errors": 0,
            "created": 0,
            "first_error": "",
        }
        barrier.wait()
        while time.monotonic() < deadline:
            write = rng.random() < args.write_share
            if write:
                body = json.dumps(
                    {
                        "member": rng.choice(setup["members"]),
                        "stance": rng.choice(STANCES),
                        "confidence": round(rng.random(), 2),
                        "as_of": (day + dt.timedelta(days=rng.randrange(30))).isoformat(),
                        "source": "bench/load.py",
                    }
                )
                method, path, expected = "POST", f"/api/v1/drafts/{slug}/positions/", 201
                headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            else:
                method, path, expected, body = "GET", rng.choice(reads), 200, None
                headers = {}
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                status = response.status
                connection.close()
            except OSError as error:
                status, content = 0, str(error).encode()
            mine["write" if write else "read"].append(time.perf_counter() - started)
            if status != expected:
                mine["errors"] += 1
                mine["first_error"] = (
                    mine["first_error"] or f"{method} {path}: {status} {content[:200]!r}"
                )
            elif write:
                mine["created"] += 1
        with lock:
            for key in ("read", "write"):
                results[key].extend(mine[key])
            results["errors"] += mine["errors"]
            results["created"] += mine["created"]
            results["first_error"] = results["first_error"] or mine["first_error"]

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results["seconds"] = time.monotonic() - started
    return results


def report(
    args: argparse.Namespace,
    results: dict[str, Any],
    before: dict[str, Any],
    after: dict[str, Any],
    settle_seconds: float,
    rss_web: list[float],
    rss_worker: list[float],
) -> None:
    total = len(results["read"]) + len(results["write"])
    print()
    print(f"{'kind':<8} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in ("read", "write"):
        values = results[kind]
        print(
            f"{kind:<8} {len(values):>9} {len(values) / results['seconds']:>8.1f} "
            f"{percentile(values, 50):>8.1f} {percentile(values, 99):>8.1f}"
        )
    print(
        f"{'all':<8} {total:>9} {total / results['seconds']:>8.1f} "
        f"{percentile(results['read'] + results['write'], 50):>8.1f} "
        f"{percentile(results['read'] + results['write'], 99):>8.1f}"
    )
    print(
        f"errors: {results['errors']}"
        + (f" (first: {results['first_error']})" if results["errors"] else "")
    )
    kept = after["positions"] - before["positions"]
    print(
        f"writes: {results['created']} answered 201, {kept} new position rows: "
        f"{'none lost, none doubled' if kept == results['created'] else 'MISMATCH'}"
    )
    print(
        f"projections: {after['consistent']}/{after['drafts']} drafts' stored projection matches "
        f"their final positions, {after['stale']} stale, {settle_seconds:.1f} s after the run"
    )
    print(
        "resident memory after the run (MB): gunicorn workers "
        + ", ".join(f"{m:.0f}" for m in rss_web)
        + "; celery processes "
        + ", ".join(f"{m:.0f}" for m in rss_worker)
        + " (target < 150 each)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())

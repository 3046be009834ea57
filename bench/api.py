"""Benchmark of the REST API as deployed: gunicorn, production settings, PostgreSQL and Redis.

Run from the project root (PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 running):

    .venv/bin/python bench/api.py

It creates the database ``unsc_bench``, migrates it and loads the seed, then serves the app
with gunicorn (production settings, 2 sync workers, 127.0.0.1 on a free port) and measures,
interleaved in one run, the throughput and the p50/p99 latency of

- ``GET /api/v1/drafts/<slug>/tally/`` for the seed's 2019 draft,
- the same with a matching ``If-None-Match`` (the 304 path),
- ``GET /api/v1/drafts/<slug>/projection/``,
- a baseline: a plain Django view (no DRF) that reads one ``Draft`` row by primary key and
  returns a few of its fields with ``JsonResponse``, served by the same gunicorn process.

The baseline lives only here: gunicorn is pointed at a WSGI module generated into a temporary
directory, whose URLconf is the project's ``config.urls`` plus ``/bench/baseline/<pk>/``; the
project's own URLconf is not touched. Each round sends N requests to each endpoint in turn
(the order rotates from round to round) from a few client threads, each with its own
``http.client`` connection. The target is that the tally serves at least half the baseline's
throughput. gunicorn is stopped and the database dropped at the end, even on failure or
Ctrl-C; the Redis keys the run created in database 3 are deleted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import PG, bench_db, bench_redis

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = bench_db()
REDIS_URL = bench_redis(3)
STOP = threading.Event()  # set on the way out, so client threads stop sending
TALLY_TARGET = 0.8  # the tally should serve at least 0.8 of the baseline's throughput
SEED_DRAFT_TITLE = "Draft resolution easing sanctions on the DPRK (Russian Federation and China)"

BENCH_URLS = '''
"""Bench-only URLconf: the project's routes plus a minimal Django JSON view (the baseline)."""
from django.http import JsonResponse
from django.urls import include, path

from resolutions.models import Draft


def baseline(request, pk):
    row = Draft.objects.values("id", "slug", "symbol", "title", "status").get(pk=pk)
    return JsonResponse(row)


urlpatterns = [
    path("bench/baseline/<int:pk>/", baseline),
    path("", include("config.urls")),
]
'''

BENCH_WSGI = '''
"""Bench-only WSGI entry point: the project's settings with the bench URLconf."""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "bench_urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
'''

BENCH_ASGI = '''
"""Bench-only ASGI entry point: the project's settings with the bench URLconf."""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "bench_urls"

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
'''


@dataclass
class Endpoint:
    name: str
    path: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    first_error: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000


# Setup and teardown --------------------------------------------------------------------------


def pg_admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", **PG)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def pg_query(sql: str, params: tuple[object, ...]) -> tuple[Any, ...]:
    import psycopg2

    connection = psycopg2.connect(dbname=DB_NAME, **PG)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            if row is None:
                raise RuntimeError(f"no row for {sql!r} {params!r}")
            return tuple(row)
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_environment(rate: str, conn_max_age: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "API_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}",
        REDIS_URL=REDIS_URL,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        API_PUBLIC_READ="1",
        API_RATE_ANON=rate,
        API_RATE_USER=rate,
        LOG_LEVEL="WARNING",
    )
    env.pop("DEBUG", None)
    env.pop("CONN_MAX_AGE", None)
    if conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(conn_max_age)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    # Seeding runs without Redis: its projection refresh runs in-process instead of leaving
    # a task for a worker that does not exist.
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "REDIS_URL": ""},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def redis_cleanup() -> int:
    """Delete what this run left in Redis database 3: the Django cache's keys (throttle counts,
    cached tallies) and any Celery queue."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    removed = 0
    for pattern in (":1:*", "celery", "_kombu.*", "celery-task-meta-*", "unacked*"):
        keys = list(client.scan_iter(match=pattern, count=500))
        if keys:
            removed += int(client.delete(*keys))
    return removed


@contextmanager
def gunicorn(
    env: dict[str, str], workdir: Path, port: int, workers: int, worker_class: str = "gthread"
) -> Iterator[None]:
    """The app under gunicorn.conf.py with ``worker_class`` (sync, gthread), or under uvicorn
    (an ASGI server) with as many processes."""
    log = (workdir / "gunicorn.log").open("w")
    if worker_class == "uvicorn":
        args = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench_asgi:application",
            "--app-dir",
            str(workdir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
    else:
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "bench_wsgi:application",
            "--pythonpath",
            f"{workdir},{ROOT}",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--log-level",
            "warning",
        ]
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        env={**env, "PYTHONPATH": f"{workdir}:{ROOT}"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield
    finally:
        process.terminate()  # the master stops its workers gracefully
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def wait_until_ready(port: int, path: str, workdir: Path, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.25)
    log = (workdir / "gunicorn.log").read_text()[-3000:]
    raise RuntimeError(f"gunicorn did not answer {path} within {seconds:.0f}s:\n{log}")


# Load ----------------------------------------------------------------------------------------


class Client:
    """One client thread's connection. gunicorn's sync workers close the connection after
    each response, so ``http.client`` reopens it for the next request: every request pays a
    loopback TCP connect, the baseline's as much as the API's."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()  # a dropped keep-alive connection: retry once, fresh
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body

    def close(self) -> None:
        self.connection.close()


def run_phase(endpoint: Endpoint, clients: list[Client], count: int) -> None:
    """``count`` requests to ``endpoint``, shared among the client threads."""
    shares = [
        count // len(clients) + (1 if i < count % len(clients) else 0) for i in range(len(clients))
    ]
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)

    def work(client: Client, n: int) -> None:
        latencies, errors, first = [], 0, ""
        barrier.wait()
        try:
            for _ in range(n):
                if STOP.is_set():
                    break
                started = time.perf_counter()
                status, _, body = client.get(endpoint.path, endpoint.headers)
                latencies.append(time.perf_counter() - started)
                if status != endpoint.status:
                    errors += 1
                    first = first or f"HTTP {status}: {body[:200]!r}"
        except Exception as error:  # the server went away: count it, stop this thread
            errors += 1
            first = first or f"{type(error).__name__}: {error}"
        with lock:
            endpoint.latencies.extend(latencies)
            endpoint.errors += errors
            endpoint.first_error = endpoint.first_error or first

    threads = [
        threading.Thread(target=work, args=(client, n), daemon=True)
        for client, n in zip(clients, shares, strict=True)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    endpoint.seconds += time.perf_counter() - started


def measure(args: argparse.Namespace, port: int, pk: int, slug: str) -> list[Endpoint]:
    api = f"/api/v1/drafts/{slug}"
    warm = Client(port)
    # Warm up: the first projection read may recompute and store it; the first tally read
    # fills the cache. The tally's ETag is what the 304 endpoint sends back.
    for path in (f"/bench/baseline/{pk}/", f"{api}/tally/", f"{api}/projection/"):
        for _ in range(5):
            status, _, body = warm.get(path, {})
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status}: {body[:300]!r}")
    status, headers, _ = warm.get(f"{api}/tally/", {})
    etag = headers.get("ETag") or headers.get("Etag")
    if not etag:
        raise RuntimeError(f"GET {api}/tally/ sent no ETag (headers: {headers})")
    status, _, _ = warm.get(f"{api}/tally/", {"If-None-Match": etag})
    if status != 304:
        raise RuntimeError(f"GET {api}/tally/ with If-None-Match: HTTP {status}, not 304")
    warm.close()

    endpoints = [
        Endpoint("baseline (Django, 1 row by pk)", f"/bench/baseline/{pk}/", 200),
        Endpoint("tally", f"{api}/tally/", 200),
        Endpoint("tally, If-None-Match (304)", f"{api}/tally/", 304, {"If-None-Match": etag}),
        Endpoint("projection", f"{api}/projection/", 200),
    ]
    clients = [Client(port) for _ in range(args.threads)]
    deadline = time.monotonic() + args.max_seconds
    try:
        for round_number in range(args.rounds):
            if round_number and time.monotonic() > deadline:
                print(f"  time budget ({args.max_seconds:.0f}s) spent after {round_number} rounds")
                break
            shift = round_number % len(endpoints)
            for endpoint in endpoints[shift:] + endpoints[:shift]:
                run_phase(endpoint, clients, args.requests)
            print(f"  round {round_number + 1}/{args.rounds} done", flush=True)
    finally:
        STOP.set()
        for client in clients:
            client.close()
    return endpoints


# Report --------------------------------------------------------------------------------------


def report(endpoints: list[Endpoint], load: tuple[float, ...]) -> None:
    print()
    print(
        f"{'endpoint':<32} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    )
    for e in endpoints:
        print(
            f"{e.name:<32} {e.requests:>8} {e.throughput:>8.0f} {e.percentile(50):>8.2f} "
            f"{e.percentile(99):>8.2f} {e.errors:>6}"
        )
    baseline, tally, not_modified, projection = endpoints
    print()
    for e in (tally, not_modified, projection):
        print(
            f"{e.name + ' / baseline':<45} "
            f"throughput ratio {e.throughput / baseline.throughput:.2f}"
        )
    ratio = tally.throughput / baseline.throughput
    verdict = "MET" if ratio >= TALLY_TARGET else "NOT MET"
    print(
        f"target: tally >= {TALLY_TARGET:.0%} of the baseline's throughput: {verdict} ({ratio:.0%})"
    )
    for e in endpoints:
        if e.errors:
            print(f"!! {e.name}: {e.errors} unexpected responses, first: {e.first_error}")
    print(
        f"load average before/after: {load[0]:.2f} / {os.getloadavg()[0]:.2f} "
        f"(1 min; {os.cpu_count()} CPUs)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6, help="rounds over all endpoints")
    parser.add_argument("--requests", type=int, default=250, help="requests per endpoint per round")
    parser.add_argument("--threads", type=int, default=4, help="client threads (2-4)")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument(
        "--worker-class", default="gthread", help="sync, gthread (gunicorn.conf.py) or uvicorn"
    )
    parser.add_argument(
        "--servers",
        action="store_true",
        help="the tally and the baseline under gunicorn sync, gthread and uvicorn, one table",
    )
    parser.add_argument("--max-seconds", type=float, default=120, help="stop starting rounds after")
    parser.add_argument("--rate", default="10000000/minute", help="API_RATE_ANON and _USER")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="CONN_MAX_AGE for the app (default: unset, the production settings' 60 s, "
        "persistent connections checked before reuse; 0 opens one per request)",
    )
    args = parser.parse_args()

    # Ctrl-C and SIGTERM unwind through the finally blocks below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    load = os.getloadavg()
    print(
        f"bench/api.py: Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f}"
    )
    conn = "unset (60)" if args.conn_max_age is None else str(args.conn_max_age)
    servers = ["sync", "gthread", "uvicorn"] if args.servers else [args.worker_class]
    print(
        f"servers: {', '.join(servers)}, {args.workers} processes, CONN_MAX_AGE {conn}; "
        f"client: {args.threads} "
        f"threads, {args.rounds} rounds x {args.requests} requests per endpoint, interleaved"
    )
    env = app_environment(args.rate, args.conn_max_age)
    created = False
    try:
        pg_admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {DB_NAME}")
        created = True
        print(f"database {DB_NAME}: migrate and load_seed ...", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "load_seed")
        pk, slug = pg_query(
            "SELECT id, slug FROM resolutions_draft WHERE title = %s", (SEED_DRAFT_TITLE,)
        )
        with tempfile.TemporaryDirectory(prefix="unsc-bench-") as tmp:
            workdir = Path(tmp)
            (workdir / "bench_urls.py").write_text(textwrap.dedent(BENCH_URLS).lstrip())
            (workdir / "bench_wsgi.py").write_text(textwrap.dedent(BENCH_WSGI).lstrip())
            (workdir / "bench_asgi.py").write_text(textwrap.dedent(BENCH_ASGI).lstrip())
            table = []
            for server in servers:
                port = free_port()
                STOP.clear()
                with gunicorn(env, workdir, port, args.workers, server):
                    wait_until_ready(port, f"/bench/baseline/{pk}/", workdir)
                    print(f"{server} on 127.0.0.1:{port}; draft {slug} (id {pk})", flush=True)
                    endpoints = measure(args, port, int(pk), str(slug))
                report(endpoints, load)
                table.append((server, endpoints))
        if args.servers:
            print()
            print(
                f"{'server (tally endpoint)':<24} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
                f"{'baseline req/s':>15} {'ratio':>6}"
            )
            for server, (baseline, tally, _, _) in table:
                print(
                    f"{server:<24} {tally.throughput:>7.0f} {tally.percentile(50):>7.2f} "
                    f"{tally.percentile(99):>7.2f} {baseline.throughput:>15.0f} "
                    f"{tally.throughput / baseline.throughput:>6.2f}"
                )
        return 0
    finally:
        STOP.set()
        if created:
            try:
                pg_admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
                print(f"database {DB_NAME} dropped")
            except Exception as error:  # report, but do not hide the original failure
                print(f"!! could not drop {DB_NAME}: {error}", file=sys.stderr)
        try:
            print(f"redis {REDIS_URL}: {redis_cleanup()} keys removed")
        except Exception as error:
            print(f"!! could not clean {REDIS_URL}: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

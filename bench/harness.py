"""What the benchmarks share: a scratch database, the app's processes under the production
settings (gunicorn with gunicorn.conf.py, a Celery worker), HTTP clients, resident memory.

Every process a benchmark starts is stopped at the end, and its database dropped, even after a
failure or Ctrl-C; the Redis keys it left in its database number are deleted.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG: dict[str, Any] = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "unsc_bench")
"""Scratch databases are named from this (``unsc_bench``, ``unsc_bench_scale``, ...): set
``BENCH_DB_PREFIX`` to run beside another checkout's benchmarks on one PostgreSQL."""


def bench_db(suffix: str = "") -> str:
    return f"{DB_PREFIX}_{suffix}" if suffix else DB_PREFIX


def bench_redis(default_db: int) -> str:
    """The Redis URL a benchmark uses: its own database number, unless ``BENCH_REDIS_DB``
    names another."""
    return f"redis://127.0.0.1:6379/{os.environ.get('BENCH_REDIS_DB', default_db)}"


def pg_admin(sql: str, dbname: str = "postgres") -> list[tuple[object, ...]]:
    import psycopg2

    connection = psycopg2.connect(dbname=dbname, **PG)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall()) if cursor.description else []
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_environment(db_name: str, redis_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "API_"))}
    env.pop("DEBUG", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{db_name}",
        REDIS_URL=redis_url,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        API_PUBLIC_READ="1",
        API_RATE_ANON="100000000/minute",
        API_RATE_USER="100000000/minute",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, redis: bool = False) -> str:
    """Run a management command; without ``redis`` its tasks run in-process."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env if redis else {**env, "REDIS_URL": ""},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args[:2])} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        try:
            pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except Exception as error:
            print(f"!! could not drop {name}: {error}", file=sys.stderr)


def redis_cleanup(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    removed = 0
    for pattern in (":1:*", "throttle:*", "celery*", "_kombu.*", "unacked*", "workers:*"):
        keys = list(client.scan_iter(match=pattern, count=500))
        if keys:
            removed += int(client.delete(*keys))
    return removed


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        started = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield started
        finally:
            if started.poll() is None:
                os.killpg(started.pid, signal.SIGTERM)
                try:
                    started.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(started.pid, signal.SIGKILL)
                    started.wait(timeout=10)


def gunicorn_args(port: int, *, worker_class: str = "gthread", workers: int = 2) -> list[str]:
    if worker_class == "uvicorn":
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
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
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "gunicorn.conf.py",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--log-level",
        "warning",
    ]


def worker_args(concurrency: int = 2, pool: str = "prefork") -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel",
        "WARNING",
        "--concurrency",
        str(concurrency),
        "--pool",
        pool,
        "--without-mingle",
        "--without-gossip",
    ]


def wait_until_ready(port: int, path: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"no answer on {path} within {seconds:.0f}s:\n{log.read_text()[-3000:]}")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

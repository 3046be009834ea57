"""gunicorn's configuration: ``gunicorn -c gunicorn.conf.py config.wsgi:application`` (``make
web``, docker-compose). Each value can be changed from the environment.

The defaults are the configuration docs/BENCHMARKS.md chose on the tally endpoint: threaded
workers (gthread), two processes per core, four threads each; each thread keeps its own
database connection (CONN_MAX_AGE), checked before reuse.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A request that takes longer than this is killed with its worker. Every call the app makes is
# bounded far below it (Redis: REDIS_TIMEOUT_SECONDS; the database: its connect timeout).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Workers are replaced after this many requests, so no slow leak can grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
# The app is loaded once in the master and shared by the workers (copy-on-write); it opens no
# connection at import, so nothing is shared that should not be.
preload_app = True
# Heartbeat files in memory, not on a container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Who may say the request was HTTPS (X-Forwarded-Proto): our proxy's address, if any.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The app logs every request as JSON with its request id (django-structlog); gunicorn's own
# access log would repeat it, so it is off unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

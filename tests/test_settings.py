"""Settings read from the environment, each case in a fresh interpreter so that nothing of this
test run's own settings leaks in: what each settings module refuses, what it sets, that it
changes nothing outside itself, and which settings each entry point starts with."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# Import a settings module as Django does (DJANGO_SETTINGS_MODULE names it) and print what it
# decided, or the error it raised, as JSON, with any change it made to os.environ.
PROBE = """
import json, os, sys, importlib
before = dict(os.environ)
try:
    module = importlib.import_module(sys.argv[1])
except Exception as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
else:
    db = module.DATABASES["default"]
    after = dict(os.environ)
    print(json.dumps({
        "DEBUG": module.DEBUG,
        "SECRET_KEY": module.SECRET_KEY,
        "ENGINE": db["ENGINE"],
        "NAME": str(db["NAME"]),
        "CONN_MAX_AGE": db["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
        "CELERY_TASK_ALWAYS_EAGER": module.CELERY_TASK_ALWAYS_EAGER,
        "CELERY_BROKER_URL": module.CELERY_BROKER_URL,
        "CACHE_BACKEND": module.CACHES["default"]["BACKEND"],
        "API_RATE_ANON": module.API_RATE_ANON,
        "LOG_FORMAT": module.LOG_FORMAT,
        "SECURE_SSL_REDIRECT": getattr(module, "SECURE_SSL_REDIRECT", False),
        "SECURE_HSTS_SECONDS": getattr(module, "SECURE_HSTS_SECONDS", 0),
        "SESSION_COOKIE_SECURE": getattr(module, "SESSION_COOKIE_SECURE", False),
        "CSRF_COOKIE_SECURE": getattr(module, "CSRF_COOKIE_SECURE", False),
        "SECURE_PROXY_SSL_HEADER": getattr(module, "SECURE_PROXY_SSL_HEADER", None),
        "environ_changed": sorted(
            k for k in set(before) | set(after) if before.get(k) != after.get(k)
        ),
    }))
"""

# What the environment is allowed to say; everything else this test run has set is left out.
UNSET = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "CONN_MAX_AGE",
    "LOG_FORMAT",
    "NUM_PROXIES",
    # The browser tests set it for Playwright's event loop; no deployment does.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
SECRET = secrets.token_urlsafe(50)
PRODUCTION = {
    "SECRET_KEY": SECRET,
    "DATABASE_URL": "postgres://tracker@db.example.org:5432/tracker",
    "REDIS_URL": "redis://cache.example.org:6379/0",
}


def _clean_env(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    return {**clean, "PYTHONDONTWRITEBYTECODE": "1", **env}


def _run(args: list[str], cwd: Path = BASE_DIR, /, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=_clean_env(**env), cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _settings(module: str, root: Path = BASE_DIR, /, **env: str) -> dict[str, Any]:
    env = {"DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": str(root), **env}
    result = _run([sys.executable, "-c", PROBE, module], root, **env)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_production_refuses_to_start_without_a_secret_key_and_a_database() -> None:
    loaded = _settings("config.settings.production")

    assert loaded == {
        "error": "ImproperlyConfigured",
        "message": "Production settings need SECRET_KEY and DATABASE_URL in the environment; "
        "see .env.example.",
    }


def test_production_names_the_one_setting_missing() -> None:
    loaded = _settings("config.settings.production", SECRET_KEY=SECRET)

    assert loaded["error"] == "ImproperlyConfigured"
    assert loaded["message"].startswith("Production settings need DATABASE_URL in the environment")


def test_production_never_debugs_and_is_https_only() -> None:
    loaded = _settings("config.settings.production", **PRODUCTION, DEBUG="1")

    assert "error" not in loaded, loaded
    assert loaded["DEBUG"] is False
    assert loaded["SECRET_KEY"] == SECRET
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["NAME"] == "tracker"
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 31536000
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["LOG_FORMAT"] == "json"
    assert loaded["environ_changed"] == []


def test_production_keeps_database_connections_and_checks_them_before_reuse() -> None:
    loaded = _settings("config.settings.production", **PRODUCTION)

    assert loaded["CONN_MAX_AGE"] == 60
    assert loaded["CONN_HEALTH_CHECKS"] is True


def test_production_trusts_forwarded_https_only_behind_a_configured_proxy() -> None:
    direct = _settings("config.settings.production", **PRODUCTION)
    proxied = _settings("config.settings.production", **PRODUCTION, NUM_PROXIES="1")

    assert direct["SECURE_PROXY_SSL_HEADER"] is None
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_passes_the_deployment_checks() -> None:
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_checks_catch_a_production_without_https() -> None:
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="config.settings.production",
        **PRODUCTION,
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
    )

    assert result.returncode != 0
    for check in ("security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout


def test_development_runs_with_no_configuration_at_all() -> None:
    loaded = _settings("config.settings.development")

    assert loaded["DEBUG"] is True
    assert loaded["SECRET_KEY"].startswith("development-only-not-secret-")
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(loaded["NAME"]) == BASE_DIR / "var" / "db.sqlite3"
    assert loaded["CONN_MAX_AGE"] == 0
    assert loaded["environ_changed"] == []


def test_development_without_debug_refuses_to_run_without_a_secret_key() -> None:
    loaded = _settings("config.settings.development", DEBUG="0")

    assert loaded["error"] == "ImproperlyConfigured"
    assert loaded["message"].startswith("SECRET_KEY is not set.")


def test_development_with_a_secret_key_runs_without_debug() -> None:
    loaded = _settings("config.settings.development", DEBUG="0", SECRET_KEY=SECRET)

    assert loaded["DEBUG"] is False
    assert loaded["SECRET_KEY"] == SECRET


def test_without_redis_tasks_run_in_process() -> None:
    loaded = _settings("config.settings.development")

    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is True
    assert loaded["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_with_redis_the_broker_is_redis_and_the_cache_survives_its_outages() -> None:
    loaded = _settings("config.settings.development", REDIS_URL="redis://cache.example.org:6379/3")

    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert loaded["CELERY_BROKER_URL"] == "redis://cache.example.org:6379/3"
    assert loaded["CACHE_BACKEND"] == "api.cache.ResilientRedisCache"


@pytest.mark.parametrize("module", ["config.settings.development", "config.settings.production"])
def test_importing_settings_makes_no_folder_and_reads_dotenv_into_itself_alone(
    tmp_path: Path, module: str
) -> None:
    """A copy of ``config/`` in an empty folder, with a ``.env`` beside it: the settings read
    the file, and leave the folder and the process's environment as they were."""
    shutil.copytree(
        BASE_DIR / "config", tmp_path / "config", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / ".env").write_text("API_RATE_ANON=7/minute\n")
    before = sorted(p.name for p in tmp_path.iterdir())

    loaded = _settings(module, tmp_path, **PRODUCTION)

    assert "error" not in loaded, loaded
    assert loaded["API_RATE_ANON"] == "7/minute"
    assert loaded["environ_changed"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before == [".env", "config"]


ENTRY_POINT = """
import os, sys
try:
    __import__(sys.argv[1])
except Exception as error:
    print(os.environ.get("DJANGO_SETTINGS_MODULE"), type(error).__name__, error)
else:
    print(os.environ.get("DJANGO_SETTINGS_MODULE"), "loaded")
"""


@pytest.mark.parametrize("entry_point", ["config.wsgi", "config.asgi"])
def test_the_servers_entry_points_default_to_production_and_refuse_an_unconfigured_start(
    entry_point: str,
) -> None:
    result = _run([sys.executable, "-c", ENTRY_POINT, entry_point])

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "config.settings.production ImproperlyConfigured Production settings need SECRET_KEY "
        "and DATABASE_URL in the environment; see .env.example."
    )


def test_the_celery_app_defaults_to_production_settings() -> None:
    script = (
        "from config.celery import app\n"
        "import os\n"
        "print(os.environ['DJANGO_SETTINGS_MODULE'], app.conf.task_acks_late, "
        "app.conf.task_ignore_result, app.conf.broker_transport_options['visibility_timeout'])"
    )
    result = _run([sys.executable, "-c", script], **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "config.settings.production True True 30"


def test_manage_py_alone_defaults_to_development() -> None:
    result = _run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)",
        ]
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "config.settings.development True"

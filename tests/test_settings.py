"""Settings read from the environment, each case in a fresh interpreter so that nothing of this
test run's own settings leaks in."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# Import a settings module and print what it decided, or the error it raised, as JSON.
PROBE = """
import json, sys, importlib
try:
    module = importlib.import_module(sys.argv[1])
except Exception as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
else:
    db = module.DATABASES["default"]
    print(json.dumps({
        "DEBUG": module.DEBUG,
        "SECRET_KEY": module.SECRET_KEY,
        "ENGINE": db["ENGINE"],
        "NAME": str(db["NAME"]),
        "CELERY_TASK_ALWAYS_EAGER": module.CELERY_TASK_ALWAYS_EAGER,
        "CELERY_BROKER_URL": module.CELERY_BROKER_URL,
        "CACHE_BACKEND": module.CACHES["default"]["BACKEND"],
    }))
"""

# What the environment is allowed to say; everything else this test run has set is left out.
UNSET = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE")


def _settings(module: str, **env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if k not in UNSET}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        env={**clean, **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_refuses_to_start_without_a_secret_key_and_a_database():
    loaded = _settings("config.settings.production")

    assert loaded == {
        "error": "ImproperlyConfigured",
        "message": "Production settings need SECRET_KEY and DATABASE_URL in the environment; "
        "see .env.example.",
    }


def test_production_names_the_one_setting_missing():
    loaded = _settings("config.settings.production", SECRET_KEY="s3cret-for-the-test")

    assert loaded["error"] == "ImproperlyConfigured"
    assert loaded["message"].startswith("Production settings need DATABASE_URL in the environment")


def test_production_loads_with_both_and_never_debugs():
    loaded = _settings(
        "config.settings.production",
        SECRET_KEY="s3cret-for-the-test",
        DATABASE_URL="postgres://tracker@db.example.org:5432/tracker",
        DEBUG="1",
    )

    assert "error" not in loaded, loaded
    assert loaded["DEBUG"] is False
    assert loaded["SECRET_KEY"] == "s3cret-for-the-test"
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["NAME"] == "tracker"


def test_base_refuses_to_run_without_debug_and_without_a_secret_key():
    loaded = _settings("config.settings.base", DEBUG="0")

    assert loaded["error"] == "ImproperlyConfigured"
    assert loaded["message"].startswith("SECRET_KEY is not set.")


def test_base_with_a_secret_key_runs_without_debug():
    loaded = _settings("config.settings.base", SECRET_KEY="s3cret-for-the-test")

    assert loaded["DEBUG"] is False
    assert loaded["SECRET_KEY"] == "s3cret-for-the-test"


def test_without_a_database_url_the_database_is_sqlite_under_var():
    loaded = _settings("config.settings.base", SECRET_KEY="s3cret-for-the-test")

    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(loaded["NAME"]) == BASE_DIR / "var" / "db.sqlite3"


def test_development_runs_with_no_configuration_at_all():
    loaded = _settings("config.settings.development")

    assert loaded["DEBUG"] is True
    assert loaded["SECRET_KEY"].startswith("development-only-not-secret-")
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"


def test_without_redis_tasks_run_in_process():
    loaded = _settings("config.settings.development")

    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is True
    assert loaded["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_with_redis_the_broker_is_redis():
    loaded = _settings("config.settings.development", REDIS_URL="redis://cache.example.org:6379/3")

    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert loaded["CELERY_BROKER_URL"] == "redis://cache.example.org:6379/3"
    assert loaded["CACHE_BACKEND"] == "django.core.cache.backends.redis.RedisCache"

"""What can be checked of the deployment files without a Docker engine: docker-compose.yml
parses, has the services the README promises with health checks, runs the Makefile's commands
under the production settings and the app's database role; the Dockerfile and gunicorn's
configuration say what the processes run with; the README opens with the two commands and CI
calls the README's test command."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose


def _make_recipe(target: str) -> str:
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.MULTILINE)
    assert match, f"Makefile has no {target} target"
    return match.group(1).strip()


def test_it_parses_with_the_five_services_a_migration_step_and_a_database_volume() -> None:
    compose = _compose()

    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis", "migrate"}
    assert "postgres-data" in compose["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]


def test_it_gives_every_long_running_service_a_healthcheck() -> None:
    services = _compose()["services"]

    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


def test_it_runs_the_makefiles_commands() -> None:
    services = _compose()["services"]

    assert services["web"]["command"] == _make_recipe("web")
    assert services["worker"]["command"] == _make_recipe("worker")
    assert services["beat"]["command"] == _make_recipe("beat")
    assert "gunicorn.conf.py" in _make_recipe("web")


def test_it_runs_production_settings_https_only_as_the_apps_database_role() -> None:
    services = _compose()["services"]

    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert environment["DATABASE_URL"].startswith("postgres://tracker_app:"), name
        assert environment["REDIS_URL"].startswith("redis://")
        assert "SECRET_KEY" in environment
        assert environment["SECURE_COOKIES"] == "1"
        assert environment["SECURE_SSL_REDIRECT"] == "1"
    # Only the migration runs as the tables' owner.
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith("postgres://tracker:")
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"


def test_the_database_creates_the_apps_role_with_the_repositorys_script() -> None:
    postgres = _compose()["services"]["postgres"]
    mounts = {m.split(":")[1]: m.split(":")[0] for m in postgres["volumes"] if m.startswith("./")}

    script = ROOT / mounts["/docker-entrypoint-initdb.d/10-app-role.sh"]
    sql = ROOT / mounts["/docker-entrypoint-initdb.d/app-role.sql.in"]
    assert script.is_file() and sql.is_file()
    assert "/docker-entrypoint-initdb.d/app-role.sql.in" in script.read_text()
    assert postgres["environment"]["APP_DB_USER"] == "tracker_app"
    result = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_image_runs_production_settings_as_an_unprivileged_user() -> None:
    lines = (ROOT / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    env = dict(
        pair.split("=", 1) for line in lines if line.startswith("ENV ") for pair in line.split()[1:]
    )

    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert any(re.fullmatch(r"USER \w+", line) for line in lines)
    assert lines[-1] == 'CMD ["make", "web"]'


def test_gunicorns_configuration_loads_and_bounds_every_request() -> None:
    script = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(c['worker_class'], c['timeout'], c['preload_app'], c['max_requests'] > 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["gthread", "30", "True", "True"]


def test_the_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    first_lines = (ROOT / "README.md").read_text().splitlines()[:8]
    ci = (ROOT / ".ci" / "run").read_text()

    assert any(line.startswith("make run") for line in first_lines)
    assert any(line.startswith("make test") for line in first_lines)
    assert "\nmake test\n" in ci
    assert "pg_ctlcluster --skip-systemctl-redirect" in ci
    assert 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save ""' in ci

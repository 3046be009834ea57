"""What can be checked of the deployment files without a Docker engine: docker-compose.yml
parses, has the services the README promises, and runs the Makefile's commands; the README
opens with the two commands and CI calls the README's test command."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _make_recipe(target: str) -> str:
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.MULTILINE)
    assert match, f"Makefile has no {target} target"
    return match.group(1).strip()


def test_it_parses_with_the_five_services_and_a_database_volume():
    compose = _compose()

    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis"}
    assert "postgres-data" in compose["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]


def test_it_gives_the_long_running_services_healthchecks():
    services = _compose()["services"]

    for name in ("web", "worker", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_it_runs_the_makefiles_commands():
    services = _compose()["services"]

    assert _make_recipe("web") in services["web"]["command"]
    assert services["worker"]["command"] == _make_recipe("worker")
    assert services["beat"]["command"] == _make_recipe("beat")


def test_it_uses_production_settings_with_the_required_environment():
    environment = _compose()["services"]["web"]["environment"]

    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["REDIS_URL"].startswith("redis://")
    assert "SECRET_KEY" in environment


def test_the_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    first_lines = (ROOT / "README.md").read_text().splitlines()[:8]
    ci = (ROOT / ".ci" / "run").read_text()

    assert any(line.startswith("make run") for line in first_lines)
    assert any(line.startswith("make test") for line in first_lines)
    assert "\nmake test\n" in ci
    assert "pg_ctlcluster --skip-systemctl-redirect" in ci
    assert 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save ""' in ci

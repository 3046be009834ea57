# The targets a newcomer would guess. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# `make run` always uses the embedded defaults: SQLite under var/, tasks run in-process.
EMBEDDED := DATABASE_URL= REDIS_URL= DEBUG=1 API_PUBLIC_READ=1

.PHONY: help venv run test test-pg test-browser lint format typecheck migrations-check check web worker beat seed bench bench-api bench-load bench-scale bench-celery bench-servers bench-import clean

help:
	@echo "make run               - install, migrate, load the seed and the history and serve http://127.0.0.1:8000 (SQLite, in-process tasks)"
	@echo "make test              - the whole suite, on the local PostgreSQL and Redis if they answer, else SQLite"
	@echo "make test-pg           - the suite on the local PostgreSQL and Redis"
	@echo "make test-browser      - the browser tests only (Chromium; screenshots in artifacts/screenshots/)"
	@echo "make lint              - ruff check, format check and the import layers (import-linter)"
	@echo "make typecheck         - mypy strict (django-stubs, DRF stubs) on all code: the apps (admin included), charter, api, core, web, config, bench/, tests/ and the root scripts"
	@echo "make migrations-check  - fail if a model change has no migration"
	@echo "make web|worker|beat   - the production processes (as in docker-compose.yml)"
	@echo "make bench             - the engine benchmark (bench/engine.py)"
	@echo "make bench-api         - the tally against a bare Django view, in one gunicorn (bench/api.py)"
	@echo "make bench-servers     - the tally under gunicorn sync, gthread and an ASGI server (bench/api.py --servers)"
	@echo "make bench-load        - 50 clients for 60 s: reads and writes on the full stack (bench/load.py)"
	@echo "make bench-scale       - endpoints at 100 and 10,000 drafts (bench/scale.py)"
	@echo "make bench-celery      - 1,000 refreshes through a real worker against a direct loop (bench/celery.py)"

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: venv
	mkdir -p var
	$(EMBEDDED) $(MANAGE) migrate --noinput
	$(EMBEDDED) $(MANAGE) load_seed
	$(EMBEDDED) $(MANAGE) load_history
	$(EMBEDDED) $(MANAGE) create_demo_admin
	$(EMBEDDED) $(MANAGE) runserver 127.0.0.1:8000

# Unless DATABASE_URL / REDIS_URL say otherwise, the suite uses a local PostgreSQL and Redis
# that answer on their default ports (so the integration tests run), else SQLite, with the
# integration tests skipped and the reason printed.
LOCAL_PG := postgres://postgres@127.0.0.1:5432/unsc_tracker
LOCAL_REDIS := redis://127.0.0.1:6379/1

test: venv
	@db="$$DATABASE_URL"; redis_url="$$REDIS_URL"; \
	if [ -z "$$db" ] && psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then db=$(LOCAL_PG); fi; \
	if [ -z "$$redis_url" ] && redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then redis_url=$(LOCAL_REDIS); fi; \
	echo "Testing on $${db:-SQLite} with $${redis_url:-no Redis (tasks in-process)}"; \
	DATABASE_URL="$$db" REDIS_URL="$$redis_url" $(BIN)/python -m pytest

test-pg: venv
	DATABASE_URL=$(LOCAL_PG) REDIS_URL=$(LOCAL_REDIS) $(BIN)/python -m pytest

test-browser: venv
	$(BIN)/python -m pytest tests/browser -m browser

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: venv
	$(BIN)/mypy

migrations-check: venv
	mkdir -p var
	$(MANAGE) makemigrations --check --dry-run

check: lint typecheck migrations-check test

seed: venv
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_seed

# The production processes: config.wsgi and config.celery default to the production settings.
web:
	gunicorn -c gunicorn.conf.py config.wsgi:application

worker:
	celery -A config worker --loglevel INFO --concurrency 2

beat:
	celery -A config beat --loglevel INFO --schedule /tmp/celerybeat-schedule

bench: venv
	$(BIN)/python bench/engine.py

bench-api: venv
	$(BIN)/python bench/api.py

bench-servers: venv
	$(BIN)/python bench/api.py --servers

bench-load: venv
	$(BIN)/python bench/load.py

bench-scale: venv
	$(BIN)/python bench/scale.py

bench-import: venv
	$(BIN)/python bench/import_memory.py

bench-celery: venv
	$(BIN)/python bench/celery.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis

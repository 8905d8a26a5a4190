# Second Mile: `make run` serves the demo on http://127.0.0.1:8000 (with a task worker and the
# scheduler beside it); `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Browser tests use Debian's Chromium (Playwright's own download is not needed).
CHROMIUM_PATH ?= /usr/bin/chromium
# Tests run in production mode over plain HTTP: no redirect to HTTPS (HSTS and secure cookies stay on).
# One test process per core (pytest-xdist; each has its own test database). TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= auto
TEST_ENV := DEBUG=0 SECRET_KEY=test-only-secret-key SECURE_SSL_REDIRECT=0 \
	STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	DJANGO_ALLOW_ASYNC_UNSAFE=true CHROMIUM_PATH=$(CHROMIUM_PATH)

.PHONY: run test lint bench bench-data load setup setup-dev setup-load migrate clean check-deploy

$(VENV)/.created:
	@python=$$(bin/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

migrate: setup
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	DEBUG=1 $(PY) manage.py createcachetable

run: migrate
	DEBUG=1 $(PY) manage.py seed_demo
	@echo ""
	@echo "Second Mile is at http://$(HOST):$(PORT)/ — log in as staff, manager or admin (password secondmile-demo)."
	DEBUG=1 WEBHOOK_ALLOW_PRIVATE=1 PY=$(PY) bin/run-all $(HOST):$(PORT)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

test: setup-dev
	@mkdir -p var/screenshots var/static
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

# Production settings with only what an operator must give: Django's deploy check must find nothing.
check-deploy: setup
	@mkdir -p var
	env -u DJANGO_ALLOW_ASYNC_UNSAFE ENV_FILE=/dev/null DEBUG=0 ALLOWED_HOSTS=secondmile.example.com \
		SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		EMAIL_URL=smtp://mail.example.com:25 $(PY) manage.py check --deploy --fail-level WARNING

# The data set at scale (ACTS=, DATABASE_URL; SQLite var/bench.sqlite3 by default), then
# every page over HTTP with wrk against gunicorn (BENCH_SECONDS a page). See docs/performance.md.
ACTS ?= 1000000
BENCH_SECONDS ?= 10
bench-data: setup
	@mkdir -p var
	$(PY) bench/data.py --acts $(ACTS)

bench: setup
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(PY) bench/pages.py --seconds $(BENCH_SECONDS)

# The mixed load: 50 users of all three roles for 60 s on gunicorn (PostgreSQL: set
# DATABASE_URL), then the spend rules checked over the database. Not part of `make test`.
LOAD_USERS ?= 50
LOAD_SECONDS ?= 60
$(VENV)/.installed-load: $(VENV)/.installed
	$(PY) -m pip install --quiet -c constraints.txt -e '.[load]'
	@touch $@
setup-load: $(VENV)/.installed-load

load: setup-load
	$(PY) bench/load.py --users $(LOAD_USERS) --seconds $(LOAD_SECONDS)

clean:
	rm -rf $(VENV) var

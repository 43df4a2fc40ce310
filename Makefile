# Plumbing: run `make help` to list the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests run against PostgreSQL unless DATABASE_URL says otherwise (CI always uses it).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/plumbing

.PHONY: help install install-test assets demo run test test-fast browser-deps redis-deps lint format check clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate requirements.txt
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

build/frontend/css/plumbing.css: node_modules/.package-lock.json static/scss/plumbing.scss scripts/build-frontend.sh
	sh scripts/build-frontend.sh

assets: build/frontend/css/plumbing.css ## Build GOV.UK Frontend and our Sass into build/frontend

install: $(VENV)/.installed assets ## Virtualenv, Python packages from the lock file, front-end assets

install-test: $(VENV)/.installed-test assets ## Everything `install` does, plus test and lint tools

demo: install ## Migrate the database and load the demo content (idempotent)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data

run: demo ## Install, migrate, load demo content and serve on http://127.0.0.1:8000 (SQLite)
	@echo "Plumbing is at http://$(HOST):$(PORT)/ (admin at /admin/, see README for a login)"
	$(PY) manage.py runserver $(HOST):$(PORT)

browser-deps: ## Debian's Chromium for the browser tests (installs it if missing)
	sh scripts/install-chromium.sh

redis-deps: ## Debian's redis-server for the Redis outage tests (installs it if missing)
	sh scripts/install-redis.sh

# The embedded default that `make run` uses is SQLite, whose search backend differs from
# PostgreSQL's: the search and filter tests, and the basket's hand-written ranking SQL,
# run on it as well.
SQLITE_TESTS := tests/patterns_site/test_search.py tests/patterns_site/test_search_relevance.py \
	tests/catalogue/test_filters.py tests/recipes/test_basket_ranking.py

test: install-test browser-deps redis-deps ## Install what tests need and run them all (PostgreSQL by default)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(VENV)/bin/pytest
	DATABASE_URL=sqlite:///$(CURDIR)/db.test.sqlite3 $(VENV)/bin/pytest -m "not browser" $(SQLITE_TESTS)

test-fast: install-test redis-deps ## The tests without a browser
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(VENV)/bin/pytest -m "not browser"

# bench/ is also a folder: without .PHONY, make would call the target up to date.
# BENCH_ARGS picks a subset, e.g. BENCH_ARGS="--quick" or "--modes uncached --pages search".
.PHONY: bench
bench: install ## Benchmark the pages under gunicorn, uncached and cached (seeds when needed)
	$(PY) -m bench.run $(BENCH_ARGS)

lint: install-test ## Django checks, migrations up to date, ruff lint and format
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test ## Fix lint and formatting where ruff can
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## Remove the virtualenv, node_modules, built assets and the SQLite database
	rm -rf $(VENV) node_modules build staticfiles db.sqlite3

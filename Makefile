# Two commands: `make run` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
INSTALLED := $(VENV)/.installed
# pytest-xdist processes for `make test` (one per core on the 2-core target machine).
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS)

.PHONY: run serve test test-unit test-postgres test-e2e setup db browser clean

$(INSTALLED): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(INSTALLED)

setup: $(INSTALLED)

db: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) search reindex

run: db
	$(FLASK) run --host 127.0.0.1 --port 5000

# Production server (docs/DEPLOY.md): migrate, then gunicorn; never demo data.
serve: setup
	$(FLASK) db upgrade
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

browser:
	@bash scripts/ensure-chromium.sh

# Everything on SQLite, then the unit and integration tests again on PostgreSQL at
# TEST_POSTGRES_URL (skipped when none answers there; with CI=true that is a failure).
test: setup browser
	$(PY) -m pytest $(XDIST)
	TEST_DATABASE=postgresql $(PY) -m pytest $(XDIST) tests

test-unit: setup
	$(PY) -m pytest $(XDIST) tests

test-postgres: setup
	TEST_DATABASE=postgresql $(PY) -m pytest $(XDIST) tests

test-e2e: setup browser
	$(PY) -m pytest e2e

clean:
	rm -rf $(VENV) instance e2e-artifacts .pytest_cache

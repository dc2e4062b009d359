# The two commands: `make run` (install + the whole daily refresh on embedded data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export DO_NOT_TRACK := 1
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install install-dev run test lint dev manifest validate bench faults clean browser redis broker workers gx-build

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Installs exactly what uv.lock pins: the platform alone for `make run` (--inexact keeps test tools a
# `make test` added), the dev group (pytest, playwright, ruff) on top for `make test`. The r5py engine is
# an extra: `uv sync --extra r5`.
$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --no-dev --inexact
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(UV) sync --frozen --all-groups --inexact
	touch $@

install: $(VENV)/.installed manifest

install-dev: $(VENV)/.installed-dev manifest

manifest: $(VENV)/.installed
	cd dbt_project && ../$(VENV)/bin/dbt parse --profiles-dir . --quiet

run: install
	$(VENV)/bin/escalator refresh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install-dev browser redis lint
	$(VENV)/bin/pytest

dev: install
	$(VENV)/bin/escalator dev

validate: install
	$(VENV)/bin/dagster definitions validate -w workspace.yaml

bench: install-dev
	$(VENV)/bin/python -m benchmarks

# Hostile job-advert file drops through the real asset, as a table (the same cases run in `make test`).
faults: install-dev
	$(VENV)/bin/python -m tests.faults --big 200000

# After editing expectations/suites.py: rewrite the committed GE context under expectations/gx.
gx-build: install
	$(VENV)/bin/python -m expectations.build_context

# Headless Chromium for the browser tests (Debian's package; the tests skip cleanly without apt).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will fail"; \
	  else echo "chromium missing and apt-get unavailable"; fi; }

# Debian's redis-server: the Celery broker of the matrix's distributed job (the Celery tests skip, saying
# so, where it cannot be installed).
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
	      || echo "redis-server could not be installed: the Celery tests will skip"; \
	  else echo "redis-server missing and apt-get unavailable: the Celery tests will skip"; fi; }

# The travel-time matrix on Celery, on one machine: `make broker` in one terminal, `make workers` in
# another, then `escalator travel-times --executor celery` (README "The matrix on Celery").
broker: install redis
	$(VENV)/bin/escalator broker

workers: install
	$(VENV)/bin/escalator celery-workers --workers $(or $(WORKERS),2)

clean:
	rm -rf warehouse published reports/output .dagster_home dbt_project/target

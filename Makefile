# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint messages bench

install:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	@$(UV) sync --frozen --quiet

## Run the application with demo data on embedded defaults (SQLite, a filesystem broker).
run: install
	@$(UV) run python manage.py migrate --noinput -v0
	@$(UV) run python manage.py seed_demo
	@echo
	@echo "  Open http://$(HOST):$(PORT)/ and log in with one of the demo accounts:"
	@echo "    martha, diego (directors), rita / raul (reviewers), carla (coordinator), oscar (responsible official),"
	@echo "    fiona (visits officer), gabriel (gate officer), john (NGO administrator), maria (NGO member),"
	@echo "    ana, pedro, lucia, nadia, sofia (other organisations), mario (NPM), ines (ICRC), admin (site administration)"
	@echo "  Password for all of them: $${DEMO_PASSWORD:-partnership-demo}"
	@echo "  E-mails (reminders, password resets) are printed below. Stop with Ctrl-C."
	@echo
	@PORT=$(PORT) HOST=$(HOST) $(UV) run honcho start -f Procfile

## Run the whole test suite against PostgreSQL and Redis (the local servers unless told otherwise).
test: install
	@DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	 REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	 $(UV) run pytest $(PYTEST_ARGS)

lint: install
	@$(UV) run ruff check .
	@$(UV) run ruff format --check .

## Refresh the Spanish catalogue after changing strings; then translate what is new.
messages: install
	@$(UV) run python manage.py makemessages -l es --no-obsolete --ignore=.venv --ignore=var
	@$(UV) run python manage.py compilemessages -l es --ignore=.venv

## Build the country-scale data set once (database `bench`), measure the pages, write docs/benchmarks.md.
bench: install
	@$(UV) run python -m bench $(BENCH_ARGS)

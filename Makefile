# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
# uv on the PATH, else the Python module, else bootstrapped into var/uv-bootstrap/ (scripts/uv).
UV := PYTHON=$(PYTHON) ./scripts/uv
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run DEBUG=1` (or DJANGO_DEBUG=1 in the environment) serves the demo with Django's debug pages.
DEBUG ?= $(or $(DJANGO_DEBUG),0)
# Links in e-mails point at the address actually served.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install run test lint messages bench

# --compile-bytecode: every Python process (the test workers, the Celery workers and the settings
# checks the tests start) then reads the libraries compiled once, even where PYTHONDONTWRITEBYTECODE
# keeps Python from writing its own cache, instead of compiling them again (3 s of CPU each).
install:
	@$(UV) sync --frozen --quiet --compile-bytecode

## Run the application with demo data on embedded defaults (SQLite, a filesystem broker), served
## as in production (DEBUG off) but over plain HTTP: DJANGO_DEMO=1 (see config/settings.py).
## The banner waits for the web server; Ctrl-C stops every process within about two seconds.
run: install
	@export DJANGO_DEMO=1 DJANGO_DEBUG=$(DEBUG) SITE_URL=$(SITE_URL) HOST=$(HOST) PORT=$(PORT); \
	 set -e; \
	 $(UV) run python -m config.demo_server prepare; \
	 $(UV) run python manage.py migrate --noinput -v0; \
	 $(UV) run python manage.py seed_demo; \
	 $(UV) run python -m config.demo_server banner & banner=$$!; \
	 set +e; \
	 $(UV) run python -m config.demo_server start; status=$$?; \
	 kill $$banner 2>/dev/null; exit $$status

## Run the whole test suite against PostgreSQL and Redis (the local servers unless told otherwise),
## in one pytest-xdist worker per core, each with its own test database (PYTEST_WORKERS=0: in one
## process). PYTEST_ARGS come after, so that CI's options keep the workers.
PYTEST_WORKERS ?= auto
test: install
	@DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	 REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	 $(UV) run pytest --numprocesses=$(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	@$(UV) run ruff check .
	@$(UV) run ruff format --check .

## Refresh the catalogues (Spanish, Russian, Arabic) after changing strings; then translate what
## is new in each locale/<language>/LC_MESSAGES/django.po.
CATALOGUES := es ru ar
messages: install
	@$(UV) run python manage.py makemessages $(addprefix -l ,$(CATALOGUES)) --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	@$(UV) run python manage.py compilemessages $(addprefix -l ,$(CATALOGUES)) --ignore=.venv

## Build the country-scale data set once (database `bench`), measure the pages, write docs/benchmarks.md.
bench: install
	@$(UV) run python -m bench $(BENCH_ARGS)

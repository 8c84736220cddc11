# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
# `make run PORT=8080`: links in emails follow the port unless SITE_URL is set.
PORT ?= 8000

.PHONY: run install migrate demo test test-fast lint format browser compose-check clean architecture messages

# uv installs the pinned set several times faster than pip: an installed uv, or
# one put into the venv from PyPI. pip does the install if uv cannot. Both write
# the byte code at install time, so no process compiles Django and the rest on
# start (where PYTHONDONTWRITEBYTECODE is set, every process would).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@if command -v uv >/dev/null 2>&1; then uv=uv; \
	elif $(PY) -m pip install --quiet --disable-pip-version-check uv; then uv=$(VENV)/bin/uv; fi; \
	if [ -n "$$uv" ] && $$uv pip install --quiet --compile-bytecode --python $(PY) ".[dev]"; then :; else \
		echo "Installing with pip (uv is unavailable)."; \
		$(PY) -m pip install --quiet --upgrade pip && $(PY) -m pip install --quiet ".[dev]"; \
	fi
	touch $(STAMP)

install: $(STAMP)

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Debian's chromium for the browser tests (Playwright cannot download its own here).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else echo "Install chromium (sudo apt-get install chromium) to run the browser tests."; fi; \
	fi

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	PORT=$(PORT) $(PY) manage.py seed_demo
	PORT=$(PORT) $(PY) manage.py seed_demo_activity
	PORT=$(PORT) $(PY) manage.py seed_demo_quality
	PORT=$(PORT) $(PY) manage.py seed_demo_studio
	PORT=$(PORT) $(PY) manage.py seed_demo_duplicates
	PORT=$(PORT) $(PY) manage.py seed_demo_checks
	PORT=$(PORT) $(PY) manage.py seed_demo_scoring
	PORT=$(PORT) $(PY) manage.py seed_demo_badges
	PORT=$(PORT) $(PY) manage.py seed_demo_calibration
	PORT=$(PORT) $(PY) manage.py seed_demo_obapi
	PORT=$(PORT) $(PY) manage.py seed_demo_partners
	PORT=$(PORT) $(PY) manage.py seed_demo_programs_stacks

# `serve` is runserver plus the periodic tasks (SLA sweep, email delivery) in the
# same process (core/periodic.py): Ctrl-C stops everything, nothing is left running.
run: demo
	PORT=$(PORT) $(PY) manage.py serve 127.0.0.1:$(PORT)

test: install node_modules/axe-core/axe.min.js browser
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
# Only an app's own services write its models (allowlist beside the check).
	$(PY) -m core.checks.model_writes
# Statuses change only through core.transitions.transition (allowlist beside the check).
	$(PY) -m core.checks.status_writes
# docs/architecture.md draws the apps' imports as they are (`make architecture` redraws it).
	$(PY) -m core.checks.import_graph --check
# Every message translated, none fuzzy, and each .mo compiled from its .po (`make messages`).
	$(PY) -m core.checks.translations
	mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run

# docker-compose.yml against the Compose specification (no Docker engine needed).
compose-check: install
	$(PY) -m pip install --quiet "check-jsonschema==0.39.0"
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

# Performance benchmark, apart from the tests (docs/performance.md): seeds the
# PostgreSQL database mc_bench (created if missing), serves the site with gunicorn,
# loads each page with wrk and prints the figures. BENCH_SCALE=0.05 for a quick run.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mc_bench
.PHONY: bench
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
		else echo "Install wrk (sudo apt-get install wrk) to run the benchmark." >&2; exit 1; fi; }
	DJANGO_SETTINGS_MODULE=config.settings.bench DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(PY) manage.py bench_run

# Collect every translatable string into locale/*/LC_MESSAGES/*.po (pages and
# Python as django.po, page scripts as djangojs.po) and compile the .mo files the
# site reads. New strings arrive untranslated and `make lint` fails until they are
# translated. The .mo files are committed, so running the site needs no gettext.
I18N_SKIP := --ignore=.venv --ignore=node_modules --ignore=var --ignore=build --ignore=tests
messages: install
	@command -v msgfmt >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
		else echo "Install GNU gettext (sudo apt-get install gettext) to update the translations." >&2; exit 1; fi; }
	$(PY) manage.py makemessages --all --no-obsolete --no-location $(I18N_SKIP)
	$(PY) manage.py makemessages --all --no-obsolete --no-location -d djangojs $(I18N_SKIP)
	$(PY) manage.py compilemessages $(I18N_SKIP)
	$(PY) -m core.checks.translations

# Redraw the import graph in docs/architecture.md from the code and the layers contract.
architecture: install
	$(PY) -m core.checks.import_graph --write

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules var

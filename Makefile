# One command runs the platform (make run), one runs the tests (make test).
# Both create .venv, install the project and every first-party plugin, and migrate the database.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLUGIN_DIRS := $(sort $(dir $(wildcard plugins/*/pyproject.toml)))
PLUGIN_ARGS := $(foreach dir,$(PLUGIN_DIRS),-e $(dir))
SOURCES := pyproject.toml $(wildcard plugins/*/pyproject.toml)
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run serve worker install install-test db test test-postgresql lint format browser translations clean

run: db
	exec $(BIN)/mobilizon run

serve: db
	exec $(BIN)/mobilizon serve

worker: db
	exec $(BIN)/mobilizon worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python $(SOURCES)
	$(PIP) -e '.[postgresql,redis]' $(PLUGIN_ARGS)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed $(SOURCES)
	$(PIP) -e '.[test]' $(PLUGIN_ARGS)
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

db: install
	$(BIN)/mobilizon db upgrade

# headless Chromium from Debian's package for the browser tests (no browser download)
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install-test browser
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgresql: install-test browser
	MOBILIZON_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/test $(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# extract messages, update the catalogs, compile them (see docs/translations.md)
translations: install-test
	$(BIN)/pybabel extract -F babel.cfg -o mobilizon/locale/mobilizon.pot --no-location --sort-output --project mobilizon-py .
	$(BIN)/pybabel update -i mobilizon/locale/mobilizon.pot -d mobilizon/locale -D mobilizon --no-fuzzy-matching
	$(BIN)/pybabel compile -d mobilizon/locale -D mobilizon --statistics

clean:
	rm -rf $(VENV) .pytest_cache

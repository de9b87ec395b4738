# The two commands of README.md: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export EJOURNAL_INSTANCE_DIR ?= $(CURDIR)/instance

.PHONY: run test audit bench load install install-test translations messages browser clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstalls only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
	$(MAKE) --no-print-directory translations

install-test: $(VENV)/.installed-test
	$(MAKE) --no-print-directory translations

# The core's catalogue (translations/) and each plugin's (plugins/<name>/translations/).
PLUGINS := $(patsubst %/__init__.py,%,$(wildcard plugins/*/__init__.py))
EXTRACT := $(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext

# Compiled catalogues are build products, not sources (a wheel's are compiled by setup.py).
translations:
	$(BIN)/pybabel compile --statistics -d translations
	@for dir in $(wildcard plugins/*/translations); do $(BIN)/pybabel compile --statistics -d $$dir || exit 1; done

# After adding strings: extract them and update the catalogues, the core's from app/ and
# templates/, a plugin's from its own folder (a string both use is in both); a plugin
# without strings gets no catalogue. Fuzzy guesses are left out of the compiled
# catalogue silently, so none are made.
messages:
	$(EXTRACT) -o translations/messages.pot app templates
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations -l ru
	rm translations/messages.pot
	@for plugin in $(PLUGINS); do \
	  $(EXTRACT) -o $$plugin/messages.pot $$plugin || exit 1; \
	  if [ "$$(grep -c '^msgid ' $$plugin/messages.pot)" -gt 1 ]; then \
	    $(BIN)/pybabel update --init-missing --no-fuzzy-matching -i $$plugin/messages.pot \
	      -d $$plugin/translations -l ru || exit 1; \
	  fi; \
	  rm $$plugin/messages.pot; \
	done

# Debian's chromium for the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Установите chromium: sudo apt-get install chromium"; exit 1; fi; }

run: export LOG_FORMAT ?= text
run: install
	$(BIN)/flask --app app init
	$(BIN)/flask --app app demo
	@$(BIN)/flask --app app demo-banner
	$(BIN)/waitress-serve --listen=127.0.0.1:8080 --call app:create_app

# The suite runs on pinned days of the test world's school year (tests/world.py):
# all of it on SQLite in the middle of a quarter and, with TEST_DATABASE_URL, on
# PostgreSQL on the last day of a quarter; the tests marked `dates` also on the
# days of TEST_DAYS_MORE (the first of September; without PostgreSQL, the last day
# of the quarter too). Any other day: EJOURNAL_TEST_TODAY=2027-02-17 make test.
# The `packaging` test (a wheel run from a fresh virtualenv, under a minute) runs in
# the first run only: it uses no database of the suite; the `browser` tests look at
# pages, which the database does not change, so they too run on SQLite only.
TEST_DAY ?= 2026-11-20
TEST_DAY_PG ?= 2027-01-11
TEST_DAYS_MORE ?= 2026-09-01 $(if $(TEST_DATABASE_URL),,$(TEST_DAY_PG))
PYTEST := $(BIN)/pytest -n $(or $(TEST_JOBS),auto) $(PYTEST_ARGS)

test: install-test browser
	EJOURNAL_TEST_TODAY=$${EJOURNAL_TEST_TODAY:-$(TEST_DAY)} env -u TEST_DATABASE_URL $(PYTEST)
	@for day in $(TEST_DAYS_MORE); do \
	  echo "== the dated tests on $$day"; \
	  EJOURNAL_TEST_TODAY=$$day env -u TEST_DATABASE_URL $(PYTEST) -m "dates and not browser" || exit 1; \
	done
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== PostgreSQL: $$TEST_DATABASE_URL"; \
	  EJOURNAL_TEST_TODAY=$(TEST_DAY_PG) $(PYTEST) -m "not packaging and not browser" || exit 1; fi

# Security checks (.ci/run runs them): bandit on the code, failing on medium and high
# findings (accepted ones carry `# nosec BXXX  # why`; pyproject.toml [tool.bandit] says
# why the low ones are); pip-audit on the installed packages against PyPI's advisories,
# failing on any known vulnerability without an entry in PIP_AUDIT_IGNORE ("--ignore-vuln
# ID" each, with the reason beside it) and, loudly, when PyPI cannot be reached. A package
# PyPI cannot tell about is listed as skipped.
PIP_AUDIT_IGNORE ?=
audit: install-test
	$(BIN)/bandit -c pyproject.toml -r app plugins --severity-level medium --quiet
	$(BIN)/pip-audit --local --progress-spinner off $(PIP_AUDIT_IGNORE)

bench: install-test
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.bench_ratios

# A region's morning peak against gunicorn on loopback (tests/load/run.sh says how; not in CI):
# PostgreSQL and Redis are needed. SCALE, SIZE, DURATION, USERS, WORKERS as variables.
load: install-test
	$(BIN)/pip install --quiet -e '.[load]'
	BIN=$(BIN) tests/load/run.sh

clean:
	rm -rf $(VENV) instance build dist

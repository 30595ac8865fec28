# Salvaguarda: `make run` serves the demo on http://127.0.0.1:8000, `make test` checks everything.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Django 6 needs Python 3.12 or newer: take the first one found on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
export SALVAGUARDA_ENV ?= development

.PHONY: run test lint lock audit pytest fuzz demo-code messages bench bench-clean bench-search bench-referrals bench-rights backup bench-pages prod-check

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (Django 6)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Every package comes from the lock (requirements/*.txt, written by `make lock`): pip installs
# exactly the pinned versions, each file checked against its hashes, then the project itself
# without resolving or fetching anything more. When a lock file changes, the next make
# reinstalls from it and removes what no lock names any more, so the venv is what the lock says.
LOCKED_INSTALL = $(PY) -m pip install -q --require-hashes --no-deps -r
SELF_INSTALL = $(PY) -m pip install -q --no-deps --no-build-isolation -e . && $(PY) requirements/lock.py --prune

$(VENV)/.installed: requirements/runtime.txt pyproject.toml | $(PY)
	$(LOCKED_INSTALL) requirements/runtime.txt
	$(SELF_INSTALL)
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(PY)
	$(LOCKED_INSTALL) requirements/dev.txt
	$(SELF_INSTALL)
	touch $@ $(VENV)/.installed

# Writes requirements/*.txt from pyproject.toml (requirements/lock.py, with uv), keeping the
# versions locked today where they still fit; UPGRADE=1 takes the newest allowed. Then review
# the diff, `make test`, commit (docs/operations.md, "Upgrading the dependencies").
lock: $(VENV)/.installed-dev
	$(PY) requirements/lock.py $(if $(UPGRADE),--upgrade)

# Known vulnerabilities in the locked packages (requirements/audit.py): fails on one that is not
# accepted in requirements/audit-allow.txt; says so and goes on when the advisory database
# cannot be reached.
audit: $(VENV)/.installed-dev
	$(PY) requirements/audit.py

run: $(VENV)/.installed
	@$(PY) manage.py compilemessages -v0 --ignore='.venv'
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py seed_demo --if-empty
	@echo "Serving on http://127.0.0.1:8000  (Ctrl+C to stop)"
	@trap 'kill 0' EXIT; $(PY) manage.py db_worker --no-startup-delay & $(PY) manage.py runserver 127.0.0.1:8000

# An encrypted backup of the database and the evidence files into var/backups (docs/operations.md).
backup: $(VENV)/.installed
	@$(PY) manage.py backup

# The production stack of deploy/ (gunicorn and the worker as the app's database role, every
# timer's job, nginx in front) started here and smoke-tested, then stopped and dropped
# (deploy/prod_check.py). Needs nginx and PostgreSQL at postgres://postgres@127.0.0.1:5432
# (PROD_CHECK_ADMIN_URL); two to three minutes, most of it the migrations.
$(VENV)/.installed-production: requirements/production.txt pyproject.toml | $(PY)
	$(LOCKED_INSTALL) requirements/production.txt
	$(SELF_INSTALL)
	touch $@ $(VENV)/.installed

prod-check: $(VENV)/.installed-production
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "prod-check needs nginx: apt-get install nginx-light"; exit 1; }
	$(PY) deploy/prod_check.py

demo-code: $(VENV)/.installed
	@$(PY) manage.py demo_code

lint: $(VENV)/.installed-dev
	$(PY) requirements/lock.py --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy salvaguarda
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) manage.py check_translations

# On PostgreSQL too when TEST_DATABASE_URL is set: everything but the browser tests, then the
# reception and referral flows in the browser, their app server on a database of its own there.
pytest: $(VENV)/.installed-dev
	@$(PY) manage.py compilemessages -v0 --ignore='.venv'
	$(PY) -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "--- PostgreSQL ($$TEST_DATABASE_URL) ---"; \
		DATABASE_URL="$$TEST_DATABASE_URL" $(PY) -m pytest -q -m "not browser" && \
		DATABASE_URL="$$TEST_DATABASE_URL" $(PY) -m pytest -q -m browser \
			tests/browser/test_reception_flow.py tests/browser/test_referrals.py; \
	fi

test: lint audit pytest

# The API fuzzed with schemathesis from its own OpenAPI document (tests/fuzz/test_api_schema.py):
# `make test` sends 6 cases per operation and role; `make fuzz` sends FUZZ_EXAMPLES (1,000) and
# prints the figures (operations, cases, server errors). Hours at 1,000: FUZZ_EXAMPLES=100 first.
FUZZ_EXAMPLES ?= 1000
fuzz: $(VENV)/.installed-dev
	SALVAGUARDA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -s tests/fuzz

messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l es -l en --no-location --no-obsolete --ignore='.venv/*' --ignore='tests/*' --ignore='*/tests/*'

# Reception benchmark (bench/README.md): `make bench` = 100,000 and 1,000,000 people on SQLite
# and PostgreSQL (postgres://postgres@127.0.0.1:5432); `make bench SCALE=10000` in a few minutes.
SCALE ?= 100000,1000000
BENCH_DB ?= both

$(VENV)/.installed-bench: requirements/bench.txt pyproject.toml | $(PY)
	$(LOCKED_INSTALL) requirements/bench.txt
	$(SELF_INSTALL)
	touch $@ $(VENV)/.installed

bench: $(VENV)/.installed-bench
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m bench.run --scale $(SCALE) --db $(BENCH_DB) $(if $(FRESH),--fresh) $(if $(SAVE),--save)

# Drop the benchmark's PostgreSQL databases and roles and remove var/bench/ (bench/results/
# stays); `make bench-clean SCALE=10000` for one scale only.
bench-clean: $(VENV)/.installed
	$(PY) -m bench.clean $(if $(filter command line,$(origin SCALE)),--scale $(SCALE))

# The search's quality alone (recall@1, page 1, p95, beside a plain-text fuzzy baseline):
# `make bench-search SCALE=10000` in a few minutes; QUERIES=300 for fewer searches.
bench-search: $(VENV)/.installed-bench
	$(PY) -m bench.search_quality --scale $(SCALE) --db $(BENCH_DB) $(if $(QUERIES),--queries $(QUERIES)) $(if $(FRESH),--fresh)

# The service directory's search and the received and overdue referral lists (issue 17), in the
# process: 10,000 and 100,000 people by default (SCALE=… for others), a few minutes.
bench-referrals: $(VENV)/.installed-bench
	$(PY) -m bench.referrals $(if $(filter command line,$(origin SCALE)),--scale $(SCALE)) --db $(BENCH_DB) $(if $(FRESH),--fresh) $(if $(SAVE),--save)

# The person page with and without the referrals app's panels, and the indicators page
# (issue 17), in the process: 10,000 people by default (SCALE=1000000 for the issue's).
bench-rights: $(VENV)/.installed-bench
	$(PY) -m bench.rights $(if $(filter command line,$(origin SCALE)),--scale $(SCALE)) --db $(BENCH_DB) $(if $(FRESH),--fresh) $(if $(SAVE),--save)

# Every page at 360 px on emulated slow 3G (400 kbit/s, 400 ms) in Chromium: load time and bytes
# (bench/pages.py; a few minutes, needs /usr/bin/chromium and the dev extras).
bench-pages: $(VENV)/.installed-dev
	$(PY) -m bench.pages $(if $(JSON),--json $(JSON))

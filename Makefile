# Two commands on a fresh machine: `make run` (set up, demo data, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint bench backup restore venv system-deps graph loadtest

venv: $(VENV)/.installed

# face-recognition declares "dlib", which would compile for a long time: dlib-bin provides it
# prebuilt, so face-recognition itself goes in without its dependencies.
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps -r requirements-nodeps.txt
	touch $@

# Debian packages the tests need (the one list): Chromium for the browser tests, a CJK font for PDFs
# and screenshots, Graphviz for `make graph`, Redis for the Celery integration test, gettext for the
# catalogue check (every text translated). apt-get update runs only when something is missing; as root
# no sudo is needed (CI runs as root).
SYSTEM_PACKAGES := chromium fonts-wqy-zenhei gettext graphviz redis-server

system-deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The worker and the web server run side by side (each loads the face models as it starts); when either
# ends (Ctrl-C, a crash, the port taken), the other is stopped once and waited for, and make returns the
# first one's status (runserver's --insecure: static files with DEBUG off). The links in e-mails and SMS
# follow the served host (SITE_URL, unless set: http://$(HOST)).
# bash for `wait -n`; the trap clears itself before stopping the two, so the TERM it
# sends does not come back to it (`kill 0` did, again and again: a worker's "Warm shutdown" loop).
run: SHELL := /bin/bash
run: venv
	mkdir -p var/celery/queue var/celery/processed  # the filesystem broker needs its folders
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Starting the Celery worker (with beat) and the web server on http://$(HOST)/"
	trap 'trap - INT TERM EXIT; kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
	export SITE_URL="$${SITE_URL:-http://$(HOST)}"; \
	$(VENV)/bin/celery -A config worker -B --pool=solo --loglevel=warning & \
	$(PY) manage.py runserver --noreload --insecure $(HOST) & \
	wait -n; status=$$?; echo "A process of make run ended ($$status): stopping the other."; exit $$status

# PYTEST_ARGS narrows a run (make test PYTEST_ARGS=tests/tracing/test_sweep.py); DATABASE_URL in the environment
# runs the suite on that database instead of SQLite. pytest exits 5 when it collected no test: its
# summary line ("no tests ran") says so, and that is reported, not taken for a crash.
# The tests run in TEST_WORKERS processes (pytest-xdist; "auto": one per CPU core), each on its own copy of
# the migrated test database (tests/db_template.py), the longest first (tests/parallel.py: --dist loadgroup
# hands them out one by one, a group marked xdist_group to one worker); TEST_WORKERS=0 runs them in
# pytest's own process (for --pdb, or to read one test's output in order).
TEST_WORKERS ?= auto
test: venv system-deps
	@$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS) || { status=$$?; [ $$status -eq 5 ] || exit $$status; }

# The layers of .importlinter (lib < shelter < face < tracing < family < oversight, and the rooms of each app) and the
# team's ruff rules (ruff.toml). CI runs it before the suite; docs/architecture.md says what goes where.
lint: venv
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) manage.py bench_face
	$(PY) manage.py bench_search
	$(PY) manage.py bench_deadlines
	$(PY) manage.py bench_statistics
	$(PY) manage.py bench_interview
	$(PY) manage.py bench_data_quality
	$(PY) manage.py bench_description
	@echo "bench_deadlines, bench_statistics, bench_data_quality, bench_description (1,000,000 files) and bench_pages on a throwaway PostgreSQL (their goals are PostgreSQL's):"
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/homeward-pg.XXXXXX"); url=$$($(PY) .ci/pgserver.py start $$d | tail -n 1); \
	DATABASE_URL=$$url $(PY) manage.py bench_deadlines && DATABASE_URL=$$url $(PY) manage.py bench_statistics && \
	DATABASE_URL=$$url $(PY) manage.py bench_data_quality && \
	DATABASE_URL=$$url $(PY) manage.py bench_description --people 1000000 && \
	DATABASE_URL=$$url $(PY) manage.py bench_pages; status=$$?; \
	$(PY) .ci/pgserver.py stop $$d >/dev/null; rm -rf $$d; exit $$status

# The database and the media files in one file encrypted with $$BACKUP_PASSPHRASE (README: production).
backup: venv
	$(PY) manage.py backup

# make restore FILE=var/backups/homeward-....tar.enc, into an empty database.
restore: venv
	$(PY) manage.py restore $(FILE)

# Draws the stay workflow for the README (needs Graphviz's dot, from `make system-deps`).
graph: venv
	$(PY) manage.py graph_transitions shelter.Stay -o docs/stay-workflow.png

# Fifty simulated staff for three minutes against gunicorn, PostgreSQL, Redis and a Celery worker, all
# started and stopped by deploy/loadtest/run.sh; Locust's report and CSV files land in var/loadtest/.
loadtest: venv system-deps
	deploy/loadtest/run.sh

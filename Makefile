# The two commands: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint install install-dev migrate demo worker beat serve-prod serve static bench eval \
	eval-dupes clean plotly-bundle axe-bundle

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo --release

# Static files as production serves them (hashed names, .gz and .br copies): collected again
# only when a file under static/ or the installed packages change.
STATIC_STAMP := var/.collectstatic-done
$(STATIC_STAMP): $(VENV)/.installed $(shell find static -type f)
	$(PY) manage.py collectstatic --noinput -v0
	mkdir -p var && touch $@

run: demo $(STATIC_STAMP)
	@echo "Serving the tracker on http://$(HOST):$(PORT)/  (admin: /admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The suite in TEST_PROCESSES parallel processes (pytest-xdist; each has its own test database
# and Redis database, and takes tests in pytest-django's order, so a transactional test's flush
# of the migration-made rows comes after the others), then, alone, the few tests marked `serial`
# because they restart a service the others use (exit 5: none selected).
TEST_PROCESSES ?= 2
test: install-dev lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist load -m "not serial" $(PYTEST_ARGS)
	$(PY) -m pytest -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule=$${CELERY_BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}

serve-prod: static serve

static: install
	$(PY) manage.py collectstatic --noinput -v0

# gunicorn alone, on static files collected before: the Docker image collects them at build,
# so its web container starts with this target (no collectstatic at every start).
serve: install
	$(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) \
		--workers $${WEB_CONCURRENCY:-2} --access-logfile -

bench: install-dev
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Extraction scores on the real dev articles (EVAL_DIR, read in place, never by make test): plain
# figures, then the leave-articles-out ones, after the duplicate count (eval-dupes, below).
# Fails when a command crashes, and when duplicates exceed 1 per 20 articles.
EVAL_DIR ?= ../shared/eval
EVAL_FOLDS ?= 5
eval: install-dev eval-dupes
	mkdir -p var/eval
	$(PY) manage.py extract_claims $(EVAL_DIR)/dev/articles/*.txt --json > var/eval/dev-pred.json
	@echo "== plain dev score (score.py)"
	$(PY) $(EVAL_DIR)/score.py $(EVAL_DIR)/dev/gold.json var/eval/dev-pred.json
	@echo "== leave-articles-out ($(EVAL_FOLDS) folds)"
	$(PY) manage.py eval_extraction --gold $(EVAL_DIR)/dev/gold.json --folds $(EVAL_FOLDS) \
		--score-py $(EVAL_DIR)/score.py

# Duplicate claims on the real dev articles, ingested and approved in a fresh throwaway SQLite
# database (never the working one); fails above 1 duplicate per 20 articles.
EVAL_DUPES_DB := var/eval-dupes.sqlite3
EVAL_DUPES_ENV := DATABASE_URL=sqlite:///$(EVAL_DUPES_DB) REDIS_URL= DASHBOARD_WARM_ON_CHANGE=0
eval-dupes: install
	mkdir -p var && rm -f $(EVAL_DUPES_DB)
	$(EVAL_DUPES_ENV) $(PY) manage.py migrate --noinput -v0
	$(EVAL_DUPES_ENV) $(PY) manage.py eval_ingest --max-per-20 1 $(EVAL_DIR)/dev/articles/*.txt

# The partial plotly.js bundle and base maps under static/vendor/, from pinned npm packages
# (needs npm; the committed files serve without it). See README.
plotly-bundle:
	tools/build_plotly.sh

# axe-core (the accessibility checker the browser tests inject) under static/vendor/axe/, from
# its pinned npm package (needs npm; the committed file serves without it).
axe-bundle:
	tools/vendor_axe.sh

clean:
	rm -rf var/tracker.sqlite3 var/staticfiles $(STATIC_STAMP)

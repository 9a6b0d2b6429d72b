# The two commands: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint install install-dev migrate demo worker beat serve-prod bench eval clean

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
	$(PY) manage.py load_demo

run: demo
	@echo "Serving the tracker on http://$(HOST):$(PORT)/  (admin: /admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install-dev lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule=$${CELERY_BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}

serve-prod: install
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) \
		--workers $${WEB_CONCURRENCY:-2} --access-logfile -

bench: install-dev
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Extraction scores on the shared dev set (../shared/eval, read in place): score.py's plain
# figures, then the leave-articles-out ones. Fails only when a command crashes.
EVAL_DIR ?= ../shared/eval
EVAL_FOLDS ?= 5
eval: install-dev
	mkdir -p var/eval
	$(PY) manage.py extract_claims $(EVAL_DIR)/dev/articles/*.txt --json > var/eval/dev-pred.json
	@echo "== plain dev score (score.py)"
	$(PY) $(EVAL_DIR)/score.py $(EVAL_DIR)/dev/gold.json var/eval/dev-pred.json
	@echo "== leave-articles-out ($(EVAL_FOLDS) folds)"
	$(PY) manage.py eval_extraction --gold $(EVAL_DIR)/dev/gold.json --folds $(EVAL_FOLDS) \
		--score-py $(EVAL_DIR)/score.py

clean:
	rm -rf var/tracker.sqlite3 var/staticfiles

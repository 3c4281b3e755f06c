# Dignity: `make run` serves the site with demo content; `make test` runs the whole suite.
# Everything installs into .venv from the committed lock files; nothing else is needed.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= website.settings.dev

.PHONY: run serve install install-dev test worker beat lint format check migrate demo messages lock clean browser-deps

$(VENV)/.installed: requirements/lock.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/lock.txt
	@rm -f $(VENV)/.installed-dev
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev-lock.txt
	$(PY) -m pip install --quiet -r requirements/dev-lock.txt
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	@mkdir -p var
	$(PY) manage.py check_database
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: run

# Browser tests drive Debian's Chromium; browser downloads do not work on our machines.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
		( (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null )

test: install-dev browser-deps
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=website.settings.test $(PY) -m pytest $(PYTEST_ARGS)

check: install-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .

lint: check

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A website worker --beat --loglevel=info

beat: install
	$(VENV)/bin/celery -A website beat --loglevel=info

# Translators: edit locale/ko/LC_MESSAGES/django.po, then `make messages` compiles the catalogue.
messages: install-dev
	$(PY) manage.py makemessages -l ko --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

# Refresh the lock files after changing pyproject.toml.
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet --upgrade pip
	var/lock-venv/bin/pip install --quiet .
	var/lock-venv/bin/pip freeze --exclude dignity > requirements/lock.txt
	var/lock-venv/bin/pip install --quiet ".[dev]"
	var/lock-venv/bin/pip freeze --exclude dignity > requirements/dev-lock.txt

clean:
	rm -rf $(VENV) var

# Further targets (bench, backups) live in mk/*.mk, one file per concern.
-include mk/*.mk

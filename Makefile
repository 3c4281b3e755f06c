# Dignity: `make run` serves the site with demo content; `make test` runs the whole suite.
# Everything installs into .venv from the committed lock files; nothing else is needed.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= website.settings.dev

.PHONY: run serve install install-dev test test-without-demo worker beat lint format check migrate demo messages lock clean browser-deps

$(VENV)/.installed: requirements/lock.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/lock.txt
	@rm -f $(VENV)/.installed-dev
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev-lock.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev-lock.txt
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	@mkdir -p var
	$(PY) manage.py check_database
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# Moderation emails link to the address the site is served on, whatever PORT is.
run: demo
	WAGTAILADMIN_BASE_URL=$${WAGTAILADMIN_BASE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: run

# Browser tests drive Debian's Chromium; browser downloads do not work on our machines.
# fonts-noto-cjk: without it Hangul renders as empty boxes in screenshots and layout checks.
browser-deps:
	@( test -x /usr/bin/chromium && test -d /usr/share/fonts/opentype/noto ) || \
		( (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null )

# Two workers (pytest-xdist), one live server and one Chromium each; PYTEST_WORKERS=0 runs in one process.
# The 25 slowest tests are listed at the end: where to look when the suite grows past ten minutes.
# One part: `make test PYTEST_ARGS=tests/journeys` (or any path or -k expression).
PYTEST_WORKERS ?= 2
test: install-dev browser-deps
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=website.settings.test $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=25 $(PYTEST_ARGS)

# The tests marked no_demo again, on a database with no demo content at all: proof that they build what they
# need (tests/factories.py) and that editing demo/ cannot break them (issue 17). CI runs it after `make test`.
test-without-demo: install-dev
	@mkdir -p var
	DIGNITY_TESTS_WITHOUT_DEMO=1 DJANGO_SETTINGS_MODULE=website.settings.test $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -m no_demo $(PYTEST_ARGS)

# lint-imports: the layers in pyproject.toml ([tool.importlinter]), the README's "Dependencies point one way".
check: install-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo --cache-dir var/import-linter

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

# Refresh the lock files after changing pyproject.toml: every package pinned with its hashes (pip-compile from
# pip-tools), so `make install` refuses a file that is not the one locked. Existing pins are kept;
# `make lock LOCK_ARGS=--upgrade` moves everything to the newest release within pyproject's bounds.
# --allow-unsafe pins pip and setuptools too (pip-tools needs them; --require-hashes needs every package).
PIP_COMPILE = $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)
lock: install-dev
	$(PIP_COMPILE) --output-file requirements/lock.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --output-file requirements/dev-lock.txt pyproject.toml

clean:
	rm -rf $(VENV) var

# Further targets (bench, backups) live in mk/*.mk, one file per concern.
-include mk/*.mk

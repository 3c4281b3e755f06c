# The multi-host test bed (docs/deploy.md, bench/cluster/): HAProxy, two gunicorn web hosts, a Celery worker and
# beats, PostgreSQL behind PgBouncer and Redis, each in a network namespace of its own on 10.77.0.0/24 (addresses
# that exist only inside the namespaces the script creates). Needs root; installs haproxy and pgbouncer with apt.
# `make cluster-test` takes about 8 minutes at most; CLUSTER_ARGS=--small is the CI size (4 minutes at most, about 2 on a quiet machine).
# CLUSTER_KEEP_LOGS=1 copies every host's log to var/cluster/ before the teardown.

CLUSTER_ARGS ?=

.PHONY: cluster-test

cluster-test: install
	@mkdir -p var/cluster
	PY=$(abspath $(PY)) bash bench/cluster/run.sh $(CLUSTER_ARGS)

.PHONY: dockerfile-lint

# hadolint from its PyPI wheel (requirements/dev-lock.txt); containers cannot run on this project's machines.
dockerfile-lint: install-dev
	$(VENV)/bin/hadolint Dockerfile

# Reliability (docs/reliability.md): concurrent submits with and without a killed worker, backups, a restore drill.
# Needs PostgreSQL on 127.0.0.1:5432 (RELIABILITY_PG_URL) for everything but `backup`/`restore`, which use DATABASE_URL.

RELIABILITY_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
RELIABILITY_STUDENTS ?= 100
RELIABILITY_CI_STUDENTS ?= 20

.PHONY: reliability reliability-ci backup restore restore-drill

# Both modes at full size: 100 students, 20 % submitting twice; each run is bounded to 2 minutes.
reliability: install-dev
	DIGNITY_BENCH_PG_URL=$(RELIABILITY_PG_URL) $(PY) bench/reliability/concurrent_submit.py --serve --students $(RELIABILITY_STUDENTS)
	DIGNITY_BENCH_PG_URL=$(RELIABILITY_PG_URL) $(PY) bench/reliability/concurrent_submit.py --kill-worker --students $(RELIABILITY_STUDENTS)

# Both modes at a size CI can afford, on one database and one gunicorn: one setup, under 2 minutes in all.
reliability-ci: install-dev
	DIGNITY_BENCH_PG_URL=$(RELIABILITY_PG_URL) $(PY) bench/reliability/concurrent_submit.py --both --students $(RELIABILITY_CI_STUDENTS) --max-seconds 120

# pg_dump -Fc of $DATABASE_URL to var/backups/dignity-YYYYmmdd-HHMMSS.dump (refuses anything but PostgreSQL).
backup:
	@bash bench/reliability/backup.sh backup

# make restore FILE=var/backups/….dump: only into a database without tables, unless FORCE=1.
restore:
	@FORCE=$(FORCE) bash bench/reliability/backup.sh restore "$(FILE)"

# Fresh database, demo, backup, restore into a second one, compare every table, smoke-check, drop both.
restore-drill: install
	@PY=$(PY) DRILL_PG_URL=$(patsubst %/postgres,%,$(RELIABILITY_PG_URL)) bash bench/reliability/restore_drill.sh

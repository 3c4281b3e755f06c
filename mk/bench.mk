# Benchmarks (docs/benchmarks.md): the site against a bare Django view, on a throwaway PostgreSQL
# database at 127.0.0.1:5432 with Redis at 127.0.0.1:6379; traffic goes to 127.0.0.1 only.
# `make bench` seeds the full scale dataset and takes about 10 minutes (15 at most); `make bench-smoke`
# is the same harness at a tiny scale with ~20 s of load (under 3 minutes). BENCH_ARGS passes options
# to bench/run.py, e.g. BENCH_ARGS="--scale 0.5" or BENCH_ARGS="--only quiz,login".

.PHONY: bench bench-smoke

bench: install-dev
	@mkdir -p var/bench
	$(PY) -m bench.run $(BENCH_ARGS)

bench-smoke: install-dev
	@mkdir -p var/bench
	$(PY) -m bench.run --smoke $(BENCH_ARGS)

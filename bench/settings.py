"""Production settings plus the bare hello view, for `make bench` only (never deploy this module).

gunicorn runs the site with these during a benchmark, so every page goes through the production
middleware, templates, caches and database settings; only what is named here differs.
"""

import os

from website.settings.production import *  # noqa: F403
from website.settings.production import CACHES, INSTALLED_APPS

# `manage.py seed_scale` (bench/management/commands/): the scale dataset exists only for the benchmark.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

# /bench/hello/ beside the whole site: the bare Django baseline that every other number is compared to.
ROOT_URLCONF = "bench.urls"

# Locust plays the TLS proxy that a deployment puts in front of gunicorn, which appends the client's
# address to X-Forwarded-For; each simulated student sends their own, as students at different
# schools would. Without this allauth rate-limits every login as one client (REMOTE_ADDR 127.0.0.1).
ALLAUTH_TRUSTED_PROXY_COUNT = 1

# Each run's cache entries (cached pages, rate-limit counters) apart from anyone else's in a shared Redis;
# bench/run.py deletes the run's keys when it finishes.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "dignity-bench")

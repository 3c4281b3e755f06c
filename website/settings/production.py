"""Settings for a real deployment: refuses to start without a secret key and allowed hosts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, LOGGING, REDIS_URL, env_bool, env_list

DEBUG = False


def _required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production settings.")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or _required("DJANGO_ALLOWED_HOSTS").split(",")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Keep database connections open between requests: opening one per request costs ~18 ms of
# PostgreSQL CPU (docs/benchmarks.md).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, without the health check's round trip on a connection that answered a moment ago, and with
    # the lesson state's statement planned once per connection (not through PgBouncer in transaction mode, whose
    # clients share server sessions between transactions).
    DATABASES["default"]["ENGINE"] = "website.db.postgresql"
    # A connection opened for each request (DATABASE_CONN_MAX_AGE=0) would prepare it every time: one round trip more.
    DATABASES["default"]["PREPARE_STATEMENTS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0 and not env_bool(
        "DATABASE_PGBOUNCER_TRANSACTION", False
    )
# Behind PgBouncer in transaction mode (docs/deploy.md) a server-side cursor would outlive the transaction
# that opened it on a server connection another client then gets: set DATABASE_PGBOUNCER_TRANSACTION=1.
if env_bool("DATABASE_PGBOUNCER_TRANSACTION", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# A host that loses Redis serves pages uncached instead of erroring (website/cache.py); /readyz still fails,
# so the balancer stops sending to it. Short socket timeouts: a dead Redis must not hold a request for long.
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "website.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
else:
    # Each process's own memory is no place for sessions: a sign-out in one would not reach the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The proxy in front of gunicorn: how many hops of X-Forwarded-For to trust, so login rate limits
# count each school's address, not the proxy's (which would make one limit shared by everyone).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "1"))

# HTTPS: the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# However many `celery beat` processes run, one sends the schedule (website/beat.py).
CELERY_BEAT_SCHEDULER = "website.beat:SingleBeatScheduler"

# One JSON object per log line, carrying the balancer's request id (website/logging.py).
LOGGING["handlers"]["console"]["formatter"] = os.environ.get("DJANGO_LOG_FORMAT", "json")

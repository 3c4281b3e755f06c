"""Settings for the test suite: fast hashing, no real email, same database switch as everywhere."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
# Static files are served from the finders so the tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DIGNITY_TEST_DB_NAME", "test_dignity")}
    # The backend production runs (website/settings/production.py), prepared statements included, so the
    # PostgreSQL run of the suite goes through them.
    DATABASES["default"]["ENGINE"] = "website.db.postgresql"
    DATABASES["default"]["PREPARE_STATEMENTS"] = True

# Under pytest-xdist each worker gets a Redis database of its own for the cache: the tests clear the cache
# (FLUSHDB) before each test, and one worker's flush must not wipe the counters another worker's test is reading.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and _worker[2:].isdigit():
    from urllib.parse import urlsplit, urlunsplit

    for _alias in CACHES.values():  # noqa: F405
        if "redis" in _alias["BACKEND"].lower() and isinstance(_alias["LOCATION"], str):
            _url = urlsplit(_alias["LOCATION"])
            _db = int(_url.path.strip("/") or 0) + 8 + int(_worker[2:])
            _alias["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db % 16}"))

"""website.db.postgresql: a persistent connection is health-checked before a request only when it has been idle,
not when it answered the previous request a moment ago (issue 16: the check was a round trip on every page)."""

import pytest

from website.db.postgresql import base

pytestmark = pytest.mark.no_demo


class FakeConnection:
    """Stands in for psycopg2's connection: the wrapper's own logic is under test, not PostgreSQL."""

    closed = False

    def close(self):
        self.closed = True


class CountingWrapper(base.DatabaseWrapper):
    checks = 0
    usable = True

    def is_usable(self):
        self.checks += 1
        return self.usable

    def close(self):
        # Django's close() refuses to run in a thread with a running event loop, which Playwright's sync API leaves
        # behind in an xdist worker that ran a browser test first; what it does to the connection is this.
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def ensure_connection(self):
        pass  # the fake connection is always there (and pytest-django blocks the real one outside a db test)

    def create_cursor(self, name=None):
        return object()

    def _prepare_cursor(self, cursor):
        return cursor


def wrapper():
    settings = {
        "ENGINE": "website.db.postgresql",
        "NAME": "dignity",
        "USER": "",
        "PASSWORD": "",
        "HOST": "db.invalid",
        "PORT": "",
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TEST": {},
    }
    db = CountingWrapper(settings)
    db.connection, db.autocommit, db.health_check_enabled, db.close_at = FakeConnection(), True, True, None
    return db


def a_request(db, query=True):
    """What Django does around a request: close_old_connections at its start and at its end."""
    db.close_if_unusable_or_obsolete()
    if query:
        db._cursor()
    db.close_if_unusable_or_obsolete()


def test_a_connection_that_just_answered_is_not_checked_again(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: clock[0])
    db = wrapper()
    a_request(db)
    assert db.checks == 1  # the first request on a kept connection: checked
    for _ in range(5):
        clock[0] += 0.01
        a_request(db)
    assert db.checks == 1  # it answered a moment ago each time: no SELECT 1


def test_an_idle_connection_is_checked_and_replaced_when_dead(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: clock[0])
    db = wrapper()
    a_request(db)
    clock[0] += base.HEALTH_CHECK_AFTER_IDLE_SECONDS + 0.5
    a_request(db)
    assert db.checks == 2  # idle for longer than the window: checked again
    clock[0] += base.HEALTH_CHECK_AFTER_IDLE_SECONDS + 0.5
    db.usable = False
    dead = db.connection
    db.close_if_unusable_or_obsolete()
    db.close_if_health_check_failed()
    assert dead.closed and db.connection is None  # the dead connection is dropped before the request uses it


def test_requests_that_never_touch_the_database_do_not_vouch_for_the_connection(monkeypatch):
    # Cached pages make no query: a connection idle behind them is still checked when a query comes.
    clock = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: clock[0])
    db = wrapper()
    a_request(db)
    for _ in range(30):
        clock[0] += 0.1
        a_request(db, query=False)
    a_request(db)
    assert db.checks == 2


def test_after_a_database_error_the_connection_is_checked(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: clock[0])
    db = wrapper()
    a_request(db)
    db.close_if_unusable_or_obsolete()
    db._cursor()
    db.errors_occurred = True  # the request's query failed (wrap_database_errors sets this)
    db.usable = False
    db.close_if_unusable_or_obsolete()
    assert db.connection is None and db.answered_at is None

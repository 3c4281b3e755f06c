"""PostgreSQL, with the persistent connection's health check skipped while the connection is in steady use.

Production keeps connections open between requests (CONN_MAX_AGE) and health-checks them
(CONN_HEALTH_CHECKS): before a request's first query Django sends `SELECT 1`, so a connection that died
while idle (a database restart, a failover, a firewall's timeout) is replaced instead of failing the
request. At the bell that check was one of a signed-in student's few round trips on every page, on a
connection that had answered the previous request a few milliseconds earlier. So the check is skipped
when the connection answered a request without error less than HEALTH_CHECK_AFTER_IDLE_SECONDS ago:
a connection that dies within that second fails the one request using it, as it would if it died
during that request, and Django then drops it (errors_occurred). An idle connection is checked as before.
"""

import time

from django.db.backends.postgresql import base

HEALTH_CHECK_AFTER_IDLE_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.used_since_request_boundary = False
        self.answered_at = None

    def _cursor(self, name=None):
        self.used_since_request_boundary = True
        return super()._cursor(name)

    def close_if_unusable_or_obsolete(self):
        """Django calls this when a request starts and when it ends (django.db.close_old_connections)."""
        super().close_if_unusable_or_obsolete()
        used, self.used_since_request_boundary = self.used_since_request_boundary, False
        if self.connection is None:
            self.answered_at = None
            return
        now = time.monotonic()
        if used and not self.errors_occurred:
            self.answered_at = now
        recent = self.answered_at is not None and now - self.answered_at < HEALTH_CHECK_AFTER_IDLE_SECONDS
        if self.health_check_enabled and recent:
            self.health_check_done = True

"""PostgreSQL, with the persistent connection's health check skipped while the connection is in steady use.

Production keeps connections open between requests (CONN_MAX_AGE) and health-checks them
(CONN_HEALTH_CHECKS): before a request's first query Django sends `SELECT 1`, so a connection that died
while idle (a database restart, a failover, a firewall's timeout) is replaced instead of failing the
request. At the bell that check was one of a signed-in student's few round trips on every page, on a
connection that had answered the previous request a few milliseconds earlier. So the check is skipped
when the connection answered a request without error less than HEALTH_CHECK_AFTER_IDLE_SECONDS ago:
a connection that dies within that second fails the one request using it, as it would if it died
during that request, and Django then drops it (errors_occurred). An idle connection is checked as before.

It can also run a statement as a server-side prepared statement (execute_prepared), planned once per connection
instead of on every execution: a signed-in student's lesson state is one such statement on every page, and its plan
cost several times its run. Only with the PREPARE_STATEMENTS database setting: a prepared statement belongs to the
PostgreSQL session, which PgBouncer in transaction mode hands to other clients between transactions
(DATABASE_PGBOUNCER_TRANSACTION=1 turns it off, website/settings/production.py).
"""

import re
import time

from psycopg2 import errors as pg_errors

from django.db.backends.postgresql import base

HEALTH_CHECK_AFTER_IDLE_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.used_since_request_boundary = False
        self.answered_at = None
        self.prepared = {}  # name -> SQL, prepared on this connection's PostgreSQL session

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self.prepared = {}  # a new session has none
        return connection

    def execute_prepared(self, cursor, name, sql, types, params):
        """cursor.execute(sql, params), planned once per connection when PREPARE_STATEMENTS is on.

        `sql` uses %s placeholders, `types` are their PostgreSQL types in order (a PREPARE cannot always infer
        them: a parameter inserted through SELECT has none). The PREPARE runs once, on the raw cursor, like the
        statements Django sends when it opens a connection: query logs and counts see each request's EXECUTE. A
        PREPARE is not undone by a rollback, so what `prepared` records stays true until the session ends.
        """
        if not self.settings_dict.get("PREPARE_STATEMENTS"):
            return cursor.execute(sql, params)
        if not _NAME.match(name) or len(types) != len(params):
            raise ValueError(f"prepared statement {name!r}: a plain name and one type per parameter")
        if self.prepared.get(name) != sql:
            with self.wrap_database_errors:
                if name in self.prepared:
                    cursor.cursor.execute(f"DEALLOCATE {name}")
                    del self.prepared[name]
                cursor.cursor.execute(f"PREPARE {name} ({', '.join(types)}) AS {_numbered(sql)}")
            self.prepared[name] = sql
        try:
            return cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
        except Exception as error:
            if isinstance(error.__cause__, pg_errors.InvalidSqlStatementName):
                self.prepared = {}  # the session lost them (DISCARD ALL by a pooler): prepare again next time
            raise

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


_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _numbered(sql):
    """%s placeholders as $1, $2, … (a PREPARE's), refusing any other % in the statement."""
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("only %s placeholders can be numbered")
    return "".join(part + (f"${n}" if n < len(parts) else "") for n, part in enumerate(parts, start=1))

"""Health checks for a load balancer: /healthz (this process answers) and /readyz (it can serve pages).

Answered by the first middleware, before host validation, the HTTPS redirect, sessions, the page cache and language
routing: a balancer probes by IP over plain HTTP, and a probe must never be cached, redirected or logged as a page.
/readyz checks what a page needs: the database, the shared cache (Redis when configured) and that every migration
is applied; it answers 503 with the failing checks so the balancer takes this host out of rotation.
"""

import json
import time

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
# Once every migration has been seen applied, this process stops asking (a deploy migrates before it starts
# web processes; a new migration arrives with new code, i.e. a new process).
_migrations_applied = False


def _database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _shared_cache():
    key = "readyz-probe"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was stored")


def _migrations():
    global _migrations_applied
    if _migrations_applied:
        return
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    _migrations_applied = True


CHECKS = {"database": _database, "cache": _shared_cache, "migrations": _migrations}


def readiness():
    """(ok, {check: "ok" or the error}) for every check, each timed."""
    results, ok = {}, True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
            results[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
        except Exception as error:  # noqa: BLE001 — any failure means "not ready", reported by name
            ok = False
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:200]}
    return ok, results


def _json(status, body):
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the two probe paths and nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVENESS_PATH:
            return _json(200, {"status": "ok"})
        if request.path == READINESS_PATH:
            ok, checks = readiness()
            return _json(200 if ok else 503, {"status": "ok" if ok else "unavailable", "checks": checks})
        return self.get_response(request)

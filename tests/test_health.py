"""Load-balancer probes and request ids: /healthz, /readyz, and X-Request-ID carried into every log line."""

import json
import logging

import pytest

from django.test import Client, override_settings

from website import health
from website.logging import JsonFormatter, RequestIdFilter

pytestmark = [pytest.mark.django_db, pytest.mark.no_demo]


def test_liveness_answers_without_touching_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@override_settings(ALLOWED_HOSTS=["dignity.example"], SECURE_SSL_REDIRECT=True)
def test_readiness_checks_database_cache_and_migrations_whatever_the_host():
    # A balancer probes by IP over plain HTTP: no 400 for the host, no redirect to HTTPS.
    response = Client(HTTP_HOST="10.0.0.5").get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readiness_fails_with_the_failing_check_named(monkeypatch):
    def unreachable():
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setitem(health.CHECKS, "cache", unreachable)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["ok"] is False
    assert "Connection refused" in body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_request_id_from_the_balancer_is_returned_and_logged(caplog):
    response = Client().get("/ko/help/quick-exit/", HTTP_X_REQUEST_ID="lb-1234abcd")
    assert response["X-Request-ID"] == "lb-1234abcd"
    made = Client().get("/ko/help/quick-exit/", HTTP_X_REQUEST_ID="bad id with spaces\n")["X-Request-ID"]
    assert made != "bad id with spaces\n" and len(made) == 32

    record = logging.LogRecord("dignity", logging.ERROR, __file__, 1, "submit failed for %s", ("quiz-7",), None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "submit failed for quiz-7"
    assert line["level"] == "ERROR"
    assert line["request_id"] == "-"  # outside a request

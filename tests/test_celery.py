"""Celery: eager in-process by default; with a broker, a real worker round-trips a task."""

import os
import subprocess
import sys
import time

import pytest

from django.conf import settings

from tests.conftest import ROOT
from website.tasks import ping

pytestmark = pytest.mark.no_demo


def test_tasks_run_in_process_without_a_broker():
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured; the worker test below covers this run")
    assert ping.delay(7).get(timeout=5) == {"pong": 7}


def test_celery_is_json_only():
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]


@pytest.mark.broker
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (runs in CI on Redis)")
def test_task_round_trips_through_a_real_worker():
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "website",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "website.settings.test"},
    )
    try:
        started = time.monotonic()
        result = ping.delay("through the broker")
        assert result.get(timeout=60) == {"pong": "through the broker"}
        assert time.monotonic() - started < 60
    finally:
        worker.terminate()
        worker.wait(timeout=20)

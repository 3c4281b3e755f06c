"""Shared fixtures. The demo curriculum is loaded once per test session on top of the migrations for the demo's
own tests (test_demo_loader, test_demo_schema, test_demo_content); every other test builds what it needs
(tests/factories.py), is marked no_demo, and passes on a database without the demo too (`make test-without-demo`).
Each test runs in a transaction that is rolled back."""

import os
from pathlib import Path

import pytest

from django.core.management import call_command

from wagtail.models import Locale

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items):
    """Under pytest-xdist, every test that starts a Celery worker on the shared broker runs in one worker process,
    so two workers never take each other's tasks from the same Redis queues."""
    for item in items:
        if item.get_closest_marker("broker"):
            item.add_marker(pytest.mark.xdist_group("broker"))


# Tests marked no_demo build what they need (tests/factories.py) and never read the demo content (issue 17):
# `make test-without-demo` runs them on a database with no demo at all (this switch), which proves it.
WITHOUT_DEMO = os.environ.get("DIGNITY_TESTS_WITHOUT_DEMO") == "1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    if WITHOUT_DEMO:
        return  # the migrations' site and home pages only
    with django_db_blocker.unblock():
        call_command("load_demo", "--no-accounts", verbosity=0)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with empty caches: cached pages and rate-limit counters never leak between tests."""
    from django.core.cache import caches

    from lessons.generation import forget_content_generation

    for cache in caches.all():
        cache.clear()
    forget_content_generation()
    yield


@pytest.fixture
def ko():
    return Locale.objects.get(language_code="ko")


@pytest.fixture
def en():
    return Locale.objects.get(language_code="en")


@pytest.fixture
def make_user(db, django_user_model):
    def make(username, account_type="student", password="correct-horse-battery", **extra):
        user = django_user_model(username=username, account_type=account_type, **extra)
        user.set_password(password)
        user.save()
        return user

    return make


@pytest.fixture
def make_teacher(make_user):
    """A teacher whose email is verified, as the teacher views require."""
    from allauth.account.models import EmailAddress

    def make(username, email=None, **extra):
        user = make_user(username, account_type="teacher", email=email or f"{username}@school.example", **extra)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    return make


def client_for(user):
    """A test client signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# One live server and one Chromium for the whole run, shared by tests/browser/ and tests/journeys/.
from tests.live import (  # noqa: E402, F401
    browser,
    context_factory,
    exit_to_neutral_site,
    live_site,
    neutral_site,
    page,
    server_env,
    server_manage,
)

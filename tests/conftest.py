"""Shared fixtures: the demo curriculum is loaded once per test session on top of the migrations,
and each test runs in a transaction that is rolled back, so tests see real content and stay fast."""

from pathlib import Path

import pytest

from django.core.management import call_command

from wagtail.models import Locale

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", "--no-accounts", verbosity=0)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with empty caches: cached pages and rate-limit counters never leak between tests."""
    from django.core.cache import caches

    from website.page_cache import forget_content_generation

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
